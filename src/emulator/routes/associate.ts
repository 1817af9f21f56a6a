// POST /mfa/associate: enroll a new (pending) OTP authenticator.
// "Before associating another factor with the user, you must challenge the user with the
// existing factor": an mfa_token works only until the user has an active authenticator;
// after that only an MFA-API access token with scope `enroll` does.
import type { Hono } from 'hono';
import { authenticateBearer, requireScope } from '../bearer.js';
import type { EmulatorDeps } from '../deps.js';
import { EmulatorError, invalidRequest, missingParameter } from '../errors.js';
import { readParams } from '../requestParams.js';
import { MAX_PENDING_AUTHENTICATORS } from '../store.js';
import { TOTP_ALGORITHM, TOTP_DIGITS, TOTP_PERIOD_SECONDS } from '../totp.js';

export function registerAssociateRoute(app: Hono, deps: EmulatorDeps): void {
  app.post('/mfa/associate', async (c) => {
    const caller = await authenticateBearer(c, deps);
    const params = await readParams(c);
    const types = params.list('authenticator_types');
    if (types === undefined || types.length === 0) throw missingParameter('authenticator_types');
    if (!types.includes('otp') || types.some((t) => t !== 'otp')) {
      throw invalidRequest('authenticator_types: only ["otp"] is supported');
    }
    const { user } = caller;
    if (caller.via === 'mfa_token') {
      if (deps.store.hasActiveAuthenticator(user)) throw new EmulatorError(403, 'access_denied', 'User is already enrolled.');
    } else {
      requireScope(caller, 'enroll');
    }
    if (deps.store.pendingOtpCount(user) >= MAX_PENDING_AUTHENTICATORS) {
      throw new EmulatorError(403, 'access_denied', 'User has created the maximum amount of authenticators');
    }

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
  });
}
