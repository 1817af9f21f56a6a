// POST /mfa/associate: enroll a new (pending) authenticator: `["otp"]` (an authenticator app) or
// `["oob"]` with one of `oob_channels` sms, voice, email or auth0 (push).
// "Before associating another factor with the user, you must challenge the user with the
// existing factor": an mfa_token works only until the user has an active authenticator;
// after that only an MFA-API access token with scope `enroll` does.
import type { Context, Hono } from 'hono';
import { authenticateBearer, requireScope, type MfaApiCaller } from '../bearer.js';
import type { EmulatorDeps } from '../deps.js';
import { EmulatorError, invalidRequest, missingParameter } from '../errors.js';
import type { FactorName } from '../factors.js';
import { associateOob, parseOobAssociation } from '../oob/associateOob.js';
import { readParams } from '../requestParams.js';
import { MAX_PENDING_AUTHENTICATORS } from '../store.js';
import { TOTP_ALGORITHM, TOTP_DIGITS, TOTP_PERIOD_SECONDS } from '../totp.js';

export function registerAssociateRoute(app: Hono, deps: EmulatorDeps): void {
  app.post('/mfa/associate', async (c) => {
    const caller = await authenticateBearer(c, deps);
    const params = await readParams(c);
    const types = params.list('authenticator_types');
    if (types === undefined || types.length === 0) throw missingParameter('authenticator_types');
    if (types.every((t) => t === 'otp')) {
      assertFactorEnabled(deps, 'otp');
      assertMayAssociate(deps, caller);
      return associateOtp(c, deps, caller);
    }
    if (types.every((t) => t === 'oob')) {
      const association = parseOobAssociation(params, caller.user);
      assertFactorEnabled(deps, association.factor);
      assertMayAssociate(deps, caller);
      return associateOob(c, deps, caller, association);
    }
    throw invalidRequest('authenticator_types: use ["otp"] or ["oob"]');
  });
}

function associateOtp(c: Context, deps: EmulatorDeps, caller: MfaApiCaller): Response {
  const { user } = caller;
  const { secret, recoveryCode } = deps.store.associateOtp(user);
  const tenant = deps.config.tenantName;
  const barcodeUri =
    `otpauth://totp/${encodeURIComponent(tenant)}:${encodeURIComponent(user.email)}` +
    `?secret=${secret}&issuer=${encodeURIComponent(tenant)}` +
    `&algorithm=${TOTP_ALGORITHM}&digits=${TOTP_DIGITS}&period=${TOTP_PERIOD_SECONDS}`;
  c.header('cache-control', 'no-store');
  return c.json({
    authenticator_type: 'otp',
    secret,
    barcode_uri: barcodeUri,
    ...(recoveryCode === undefined ? {} : { recovery_codes: [recoveryCode] }),
  });
}

/** A factor the tenant does not offer is refused as Auth0 refuses a challenge type it cannot serve. */
function assertFactorEnabled(deps: EmulatorDeps, factor: FactorName): void {
  if (deps.config.factors.includes(factor)) return;
  throw new EmulatorError(400, 'unsupported_challenge_type', `The ${factor} factor is not enabled for this tenant (emulator: --factors or the factors option).`);
}

function assertMayAssociate(deps: EmulatorDeps, caller: MfaApiCaller): void {
  if (caller.via === 'mfa_token') {
    if (deps.store.hasActiveAuthenticator(caller.user)) throw new EmulatorError(403, 'access_denied', 'User is already enrolled.');
  } else {
    requireScope(caller, 'enroll');
  }
  if (deps.store.pendingAssociationCount(caller.user) >= MAX_PENDING_AUTHENTICATORS) {
    throw new EmulatorError(403, 'access_denied', 'User has created the maximum amount of authenticators');
  }
}
