// The mfa-otp grant: the code is checked against the user's active OTP authenticators and
// the newest pending one; a code of the pending one confirms it.
import type { Context } from 'hono';
import type { EmulatorDeps } from '../deps.js';
import { EmulatorError } from '../errors.js';
import { checkMfaTokenForClient } from '../mfaTokenCheck.js';
import type { ResolvedClient } from '../options.js';
import type { RequestParams } from '../requestParams.js';
import type { OtpAuthenticator } from '../store.js';
import { checkTotp } from '../totp.js';
import { assertAttemptLeft } from './attemptGuard.js';
import { tokenResponse } from './tokenResponse.js';

export async function mfaOtpGrant(c: Context, deps: EmulatorDeps, params: RequestParams, client: ResolvedClient): Promise<Response> {
  const mfaTokenValue = params.required('mfa_token');
  const otp = params.required('otp');
  const { record, user } = checkMfaTokenForClient(deps.store, mfaTokenValue, client);
  const now = deps.config.clock();
  assertAttemptLeft(deps.store, user, now);

  let accepted: { authenticator: OtpAuthenticator; step: number } | undefined;
  // Check every candidate, even after a match, so timing does not reveal which one matched.
  for (const authenticator of deps.store.otpCandidates(user)) {
    const result = checkTotp({ secretBase32: authenticator.secret, code: otp, nowMs: now, lastAcceptedStep: authenticator.lastAcceptedStep });
    if (result.ok && !accepted) accepted = { authenticator, step: result.step };
  }
  if (!accepted) {
    deps.store.rejectCode(user, 'otp');
    throw new EmulatorError(403, 'invalid_grant', 'Invalid otp_code.');
  }
  deps.store.acceptOtp(user, accepted.authenticator, accepted.step);
  return tokenResponse(c, deps, { params, mfaToken: record, user });
}
