// The mfa-oob grant: `oob_code` (from /mfa/associate or /mfa/challenge) with the `binding_code`
// the message carried (SMS, voice, email), or alone, polled, for push. A right code of an
// association confirms it; every oob_code gives tokens once.
import type { Context } from 'hono';
import type { EmulatorDeps } from '../deps.js';
import { EmulatorError, invalidRequest, missingParameter } from '../errors.js';
import { checkMfaTokenForClient } from '../mfaTokenCheck.js';
import { bindingCodeMatches } from '../oob/bindingCodes.js';
import type { OobTransaction } from '../oob/transactions.js';
import type { ResolvedClient } from '../options.js';
import type { RequestParams } from '../requestParams.js';
import type { AssociatedAuthenticator, MfaTokenRecord, UserRecord } from '../storeTypes.js';
import { assertAttemptLeft } from './attemptGuard.js';
import { tokenResponse } from './tokenResponse.js';

/** RFC 8628 §3.5: each slow_down lengthens the interval by 5 seconds. */
export const SLOW_DOWN_STEP_MS = 5_000;

const malformed = () => new EmulatorError(403, 'invalid_grant', 'Malformed oob_code');
const invalid = () => new EmulatorError(403, 'invalid_grant', 'Invalid oob_code.');

export async function mfaOobGrant(c: Context, deps: EmulatorDeps, params: RequestParams, client: ResolvedClient): Promise<Response> {
  const mfaTokenValue = params.required('mfa_token');
  const oobCode = params.required('oob_code');
  const bindingCode = params.optional('binding_code');
  const { record, user } = checkMfaTokenForClient(deps.store, mfaTokenValue, client);
  const now = deps.config.clock();

  const transaction = deps.store.oob.find(oobCode);
  // Another user's, client's or login's oob_code is no oob_code here: nothing about it is told.
  if (!transaction || !isFor(transaction, user, client, record)) throw malformed();
  if (deps.store.oob.isExpired(transaction, now)) throw new EmulatorError(403, 'expired_token', 'oob_code is expired');
  if (transaction.state === 'used' || transaction.state === 'dead') throw invalid();
  const authenticator = user.authenticators.find((a): a is AssociatedAuthenticator => a.id === transaction.authenticatorId && a.type !== 'recovery-code');
  if (!authenticator) throw invalid();

  if (transaction.channel === 'auth0') {
    if (bindingCode !== undefined) throw invalidRequest('binding_code is not used with push notifications: poll with oob_code alone');
    return pollPush(c, deps, { params, mfaToken: record, user, transaction, authenticator, now });
  }

  if (bindingCode === undefined) throw missingParameter('binding_code');
  assertAttemptLeft(deps.store, user, now);
  if (transaction.bindingCodeHash === undefined || !bindingCodeMatches(bindingCode, transaction.bindingCodeHash)) {
    deps.store.rejectCode(user, authenticator.type);
    throw new EmulatorError(403, 'invalid_grant', 'Invalid binding_code.');
  }
  transaction.state = 'used';
  if (transaction.purpose === 'enrollment') deps.store.confirmAssociation(user, authenticator);
  else deps.store.acceptOobChallenge(user, authenticator);
  return tokenResponse(c, deps, { params, mfaToken: record, user });
}

/**
 * Push: `authorization_pending` until the device answers; `slow_down` (and 5 s more of interval)
 * when polled sooner than the interval after the previous poll; once answered, tokens or the
 * refusal at once, whatever the pace, since a final answer gains nothing by waiting.
 */
async function pollPush(
  c: Context,
  deps: EmulatorDeps,
  input: { params: RequestParams; mfaToken: MfaTokenRecord; user: UserRecord; transaction: OobTransaction; authenticator: AssociatedAuthenticator; now: number },
): Promise<Response> {
  const { transaction, now } = input;
  if (transaction.state === 'rejected') throw new EmulatorError(403, 'invalid_grant', 'MFA Authorization rejected.');
  if (transaction.state === 'accepted') {
    transaction.state = 'used';
    // An enrollment was confirmed when the device scanned it; a challenge is passed now.
    if (transaction.purpose === 'challenge') deps.store.acceptOobChallenge(input.user, input.authenticator);
    return tokenResponse(c, deps, { params: input.params, mfaToken: input.mfaToken, user: input.user });
  }
  const tooSoon = transaction.lastPolledAt !== undefined && now - transaction.lastPolledAt < transaction.intervalMs;
  transaction.lastPolledAt = now;
  if (tooSoon) {
    transaction.intervalMs += SLOW_DOWN_STEP_MS;
    const seconds = transaction.intervalMs / 1000;
    throw new EmulatorError(429, 'slow_down', `You are polling faster than the specified interval of ${seconds} seconds.`, { interval: seconds });
  }
  throw new EmulatorError(403, 'authorization_pending', 'Authorization pending: please repeat the request in a few seconds.');
}

function isFor(transaction: OobTransaction, user: UserRecord, client: ResolvedClient, mfaToken: MfaTokenRecord): boolean {
  if (transaction.userId !== user.id || transaction.clientId !== client.id) return false;
  return transaction.mfaTokenDigest === undefined || transaction.mfaTokenDigest === mfaToken.digest;
}
