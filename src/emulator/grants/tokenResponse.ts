// The success answer of the verify grants: audience and scope from the request, else from the
// password grant that issued the mfa_token, then signed tokens.
import type { Context } from 'hono';
import type { EmulatorDeps } from '../deps.js';
import type { MfaTokenRecord, UserRecord } from '../store.js';
import type { RequestParams } from '../requestParams.js';

/** What a password grant without `scope` gets, like an Auth0 tenant's default. */
export const DEFAULT_SCOPE = 'openid profile email';
// The MFA API grants only its own scopes (plus the OIDC ones); others are dropped, as Auth0
// drops scopes an API does not define.
const MFA_API_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access', 'enroll', 'read:authenticators', 'remove:authenticators']);

export async function tokenResponse(
  c: Context,
  deps: EmulatorDeps,
  input: { params: RequestParams; mfaToken: MfaTokenRecord; user: UserRecord; extra?: Record<string, string> },
): Promise<Response> {
  const audience = input.params.optional('audience') ?? input.mfaToken.audience ?? `${deps.config.issuer}userinfo`;
  const requested = input.params.optional('scope') ?? input.mfaToken.scope ?? DEFAULT_SCOPE;
  let scopes = [...new Set(requested.split(/\s+/).filter(Boolean))];
  if (audience === deps.config.mfaAudience) scopes = scopes.filter((s) => MFA_API_SCOPES.has(s));
  const tokens = await deps.tokens.issue({ sub: input.user.id, clientId: input.mfaToken.clientId, audience, scope: scopes.join(' ') });
  c.header('cache-control', 'no-store');
  c.header('pragma', 'no-cache');
  return c.json({ ...tokens, ...input.extra }, 200);
}
