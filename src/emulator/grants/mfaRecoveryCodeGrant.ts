// The mfa-recovery-code grant: a recovery code works once; the answer carries its replacement.
import type { Context } from 'hono';
import type { EmulatorDeps } from '../deps.js';
import { EmulatorError } from '../errors.js';
import { checkMfaTokenForClient } from '../mfaTokenCheck.js';
import type { ResolvedClient } from '../options.js';
import { recoveryCodeMatches } from '../recoveryCodes.js';
import type { RequestParams } from '../requestParams.js';
import { assertAttemptLeft } from './attemptGuard.js';
import { tokenResponse } from './tokenResponse.js';

export async function mfaRecoveryCodeGrant(
  c: Context,
  deps: EmulatorDeps,
  params: RequestParams,
  client: ResolvedClient,
): Promise<Response> {
  const mfaTokenValue = params.required('mfa_token');
  const recoveryCode = params.required('recovery_code');
  const { record, user } = checkMfaTokenForClient(deps.store, mfaTokenValue, client);
  assertAttemptLeft(deps.store, user, deps.config.clock());

  const authenticator = deps.store.activeRecoveryCodeAuthenticator(user);
  const storedHash = authenticator?.codeHash;
  if (!authenticator || storedHash === undefined || !recoveryCodeMatches(recoveryCode, storedHash)) {
    deps.store.rejectCode(user, 'recovery-code');
    throw new EmulatorError(403, 'invalid_grant', 'Invalid recovery_code.');
  }
  const replacement = deps.store.useRecoveryCode(user, authenticator);
  return tokenResponse(c, deps, { params, mfaToken: record, user, extra: { recovery_code: replacement } });
}
