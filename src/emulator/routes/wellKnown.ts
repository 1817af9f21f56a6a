// OpenID discovery and the JWKS, so SDKs and JWT libraries find the issuer and its key.
import type { Hono } from 'hono';
import type { EmulatorDeps } from '../deps.js';
import { SUPPORTED_GRANTS } from '../options.js';
import { SIGNING_ALGORITHM } from '../tokens.js';

export function registerWellKnownRoutes(app: Hono, deps: EmulatorDeps): void {
  const { issuer } = deps.config;
  app.get('/.well-known/openid-configuration', (c) =>
    c.json({
      issuer,
      token_endpoint: `${issuer}oauth/token`,
      mfa_challenge_endpoint: `${issuer}mfa/challenge`,
      jwks_uri: `${issuer}.well-known/jwks.json`,
      grant_types_supported: SUPPORTED_GRANTS,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      id_token_signing_alg_values_supported: [SIGNING_ALGORITHM],
      subject_types_supported: ['public'],
      scopes_supported: ['openid', 'profile', 'email', 'enroll', 'read:authenticators', 'remove:authenticators'],
    }),
  );
  app.get('/.well-known/jwks.json', async (c) => c.json(await deps.tokens.jwks()));
}
