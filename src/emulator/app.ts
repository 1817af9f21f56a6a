// Assembles one emulator: config, store, token issuer, outbox and emulated Guardian device, the
// Hono app with its middleware (request log, CORS, 64 KB body limit) and routes (Auth0's and the
// emulator's own under /emulator/v1), and the error envelope.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { JSONWebKeySet } from 'jose';
import type { EmulatorDeps } from './deps.js';
import { renderError, renderNotFound } from './errorHandling.js';
import { EmulatorError } from './errors.js';
import type { FactorName } from './factors.js';
import { EmulatedGuardian, type EmulatorGuardian } from './oob/guardian.js';
import { Outbox, type EmulatorOutbox } from './oob/outbox.js';
import { resolveOptions, type EmulatorOptions } from './options.js';
import { requestLog } from './requestLog.js';
import { registerAssociateRoute } from './routes/associate.js';
import { registerAuthenticatorRoutes } from './routes/authenticators.js';
import { registerChallengeRoute } from './routes/challenge.js';
import { registerEmulatorRoutes } from './routes/emulatorRoutes.js';
import { registerTokenRoute } from './routes/token.js';
import { registerWellKnownRoutes } from './routes/wellKnown.js';
import { TenantStore, type EmulatorStore } from './store.js';
import { TokenIssuer } from './tokens.js';

export const MAX_BODY_BYTES = 64 * 1024;

export interface Emulator {
  app: Hono;
  store: EmulatorStore;
  /** Every SMS, voice call, email and push notification "sent", with its code. */
  outbox: EmulatorOutbox;
  /** The emulated Guardian app: scan push enrollments, answer push requests. */
  guardian: EmulatorGuardian;
  /** The factors users may enroll. */
  factors: readonly FactorName[];
  issuer: string;
  mfaAudience: string;
  jwks(): Promise<JSONWebKeySet>;
  /** Makes the signing key now rather than on the first signed token. */
  ready(): Promise<void>;
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const config = resolveOptions(options);
  const store = new TenantStore(config);
  const outbox = new Outbox(config.clock, config.messageLog);
  const deps: EmulatorDeps = {
    config,
    store,
    tokens: new TokenIssuer(config.issuer, config.mfaAudience, config.clock, config.signingKey),
    outbox,
    guardian: new EmulatedGuardian(config, store, outbox),
  };

  const app = new Hono();
  app.use('*', requestLog(config.log));
  app.use(
    '*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
      allowHeaders: ['authorization', 'content-type', 'auth0-client'],
      exposeHeaders: ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after'],
      maxAge: 600,
    }),
  );
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new EmulatorError(413, 'invalid_request', 'Request body is larger than 64 KB');
      },
    }),
  );
  registerTokenRoute(app, deps);
  registerAssociateRoute(app, deps);
  registerAuthenticatorRoutes(app, deps);
  registerChallengeRoute(app, deps);
  registerWellKnownRoutes(app, deps);
  registerEmulatorRoutes(app, deps);
  app.onError(renderError);
  app.notFound(renderNotFound);

  return {
    app,
    store: deps.store,
    outbox: deps.outbox,
    guardian: deps.guardian,
    factors: config.factors,
    issuer: config.issuer,
    mfaAudience: config.mfaAudience,
    jwks: () => deps.tokens.jwks(),
    ready: () => deps.tokens.warmUp(),
  };
}

export function createEmulatorApp(options?: EmulatorOptions): Hono {
  return createEmulator(options).app;
}
