// Sending what Auth0 would send: an SMS, a voice call or an email carrying a six-digit code, or a
// push notification to the Guardian device. Each spends the user's message budget, lands in the
// outbox and is announced on the message log; a spent budget is a 429 before anything is made.
import type { EmulatorDeps } from '../deps.js';
import { rateLimited } from '../errors.js';
import type { EmailAuthenticator, MessageGroup, OobChannel, PhoneAuthenticator, PushAuthenticator, UserRecord } from '../storeTypes.js';
import { newBindingCode } from './bindingCodes.js';
import { MESSAGE_GROUP } from './messageLimits.js';
import type { OutboxChannel } from './outbox.js';
import { emailForLog, phoneForLog } from './recipients.js';

export type CodeChannel = 'sms' | 'voice' | 'email';
export type Purpose = 'enrollment' | 'challenge';

const TOO_MANY: Readonly<Record<MessageGroup, string>> = {
  // Auth0's own wording for SMS, as client code that handles it quotes it.
  phone: 'Too many SMS sent by the user. Wait for some minutes before retrying.',
  email: 'Too many emails sent by the user. Wait for some minutes before retrying.',
  push: 'Too many push notifications sent by the user. Wait for some minutes before retrying.',
};

/** Refuses (429 too_many_requests) when the user's budget for this channel is spent. Changes nothing. */
export function assertMessageAllowed(deps: EmulatorDeps, user: UserRecord, channel: OobChannel): void {
  const group = MESSAGE_GROUP[channel];
  const now = deps.config.clock();
  if (deps.store.messagesLeft(user, group, now) > 0) return;
  throw rateLimited('too_many_requests', TOO_MANY[group], { limit: deps.store.messagePolicy(group).limit, nextAt: deps.store.nextMessageAt(user, group, now), now });
}

/** Sends a fresh code by SMS, voice or email; returns it (the caller keeps only its digest). */
export function sendCode(
  deps: EmulatorDeps,
  input: { user: UserRecord; authenticator: PhoneAuthenticator | EmailAuthenticator; listedId: string; channel: CodeChannel; purpose: Purpose },
): string {
  const { user, authenticator, channel, purpose } = input;
  const code = newBindingCode(deps.config.randomBytes);
  const to = authenticator.type === 'phone' ? authenticator.phoneNumber : authenticator.email;
  deps.store.takeMessage(user, MESSAGE_GROUP[channel]);
  deps.outbox.send(
    { channel, to, code, text: messageText(deps.config.tenantName, channel, code, purpose), purpose, user: user.email, authenticatorId: input.listedId, requestId: null },
    `${channel} to ${authenticator.type === 'phone' ? phoneForLog(to) : emailForLog(to)}: ${code}`,
  );
  deps.store.record({ type: 'message_sent', userId: user.id, authenticatorId: authenticator.id, kind: authenticator.type });
  return code;
}

/** Notifies the user's Guardian device of a sign-in to answer. */
export function sendPushNotification(deps: EmulatorDeps, input: { user: UserRecord; push: PushAuthenticator; requestId: string; clientName: string }): void {
  const { user, push, requestId } = input;
  const deviceId = push.id.slice(push.id.indexOf('|') + 1);
  const answer =
    deps.config.pushMode === 'manual'
      ? `answer with POST /emulator/v1/guardian/requests/${requestId}/accept (or /reject)`
      : `${deps.config.pushMode === 'auto-accept' ? 'accepted' : 'rejected'} by the emulated device (--push ${deps.config.pushMode})`;
  deps.store.takeMessage(user, 'push');
  deps.outbox.send(
    {
      channel: 'push' satisfies OutboxChannel,
      to: deviceId,
      code: null,
      text: `Are you trying to log in to ${input.clientName}? (${user.email})`,
      purpose: 'challenge',
      user: user.email,
      authenticatorId: push.id,
      requestId,
    },
    `push to ${push.deviceName ?? deviceId}: sign-in request ${requestId} for ${emailForLog(user.email)}; ${answer}`,
  );
  deps.store.record({ type: 'message_sent', userId: user.id, authenticatorId: push.id, kind: 'push' });
}

/**
 * Auth0's default phone templates (GET /api/v2/guardian/factors/sms/templates): the enrollment
 * and the verification message. A voice call reads the digits one by one.
 */
function messageText(tenant: string, channel: CodeChannel, code: string, purpose: Purpose): string {
  const spoken = channel === 'voice' ? code.split('').join(' ') : code;
  const base = `${spoken} is your verification code for ${tenant}`;
  return purpose === 'enrollment' ? `${base}. Please enter this code to verify your enrollment.` : base;
}
