// POST /mfa/challenge of an SMS, voice, email or push authenticator: a new message (or push
// notification) and a fresh oob_code. The new challenge makes the authenticator's earlier
// pending ones dead: only the newest message's code works.
import type { Context } from 'hono';
import type { EmulatorDeps } from '../deps.js';
import type { ListedRow } from '../listing.js';
import type { ResolvedClient } from '../options.js';
import type { MfaTokenRecord, OobAuthenticator, UserRecord } from '../storeTypes.js';
import { hashBindingCode } from './bindingCodes.js';
import { assertMessageAllowed, sendCode, sendPushNotification, type CodeChannel } from './delivery.js';
import { newPushRequestId } from './guardian.js';

export function challengeOob(c: Context, deps: EmulatorDeps, input: { client: ResolvedClient; mfaToken: MfaTokenRecord; user: UserRecord; row: ListedRow }): Response {
  const { client, mfaToken, user, row } = input;
  const authenticator = row.record as OobAuthenticator; // an `oob` item is listed only for phone, email and push records
  const binding = { userId: user.id, clientId: client.id, mfaTokenDigest: mfaToken.digest, authenticatorId: authenticator.id, purpose: 'challenge' } as const;

  if (authenticator.type === 'push') {
    assertMessageAllowed(deps, user, 'auth0');
    deps.store.oob.supersedeChallenges(authenticator.id);
    const requestId = newPushRequestId(deps.config.randomBytes);
    const { oobCode, transaction } = deps.store.oob.create({ ...binding, channel: 'auth0', bindingCodeHash: undefined, pushRequestId: requestId });
    sendPushNotification(deps, { user, push: authenticator, requestId, clientName: client.name });
    deps.guardian.requestSent(transaction);
    // `interval` is an emulator extension (RFC 8628's name): the least seconds between two polls.
    return c.json({ challenge_type: 'oob', oob_code: oobCode, interval: deps.config.pollIntervalMs / 1000 });
  }

  // A phone is challenged on the channel of the item asked for: `voice|dev_X` calls, `sms|dev_X` texts.
  const channel: CodeChannel = authenticator.type === 'email' ? 'email' : row.item.oob_channel === 'voice' ? 'voice' : 'sms';
  assertMessageAllowed(deps, user, channel);
  deps.store.oob.supersedeChallenges(authenticator.id);
  const code = sendCode(deps, { user, authenticator, listedId: row.item.id, channel, purpose: 'challenge' });
  const { oobCode } = deps.store.oob.create({ ...binding, channel, bindingCodeHash: hashBindingCode(code), pushRequestId: undefined });
  return c.json({ challenge_type: 'oob', oob_code: oobCode, binding_method: 'prompt' });
}
