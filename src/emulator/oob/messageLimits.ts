// How many messages one user may be sent, per budget, as Auth0 limits them (docs/emulator.md
// says where each number comes from): a bucket per user and budget, refilled one at a time.
import type { BucketPolicy } from '../attemptBucket.js';
import type { MessageGroup, OobChannel } from '../storeTypes.js';

/** SMS and voice spend the phone's budget: Auth0 counts "SMS or voice messages" together. */
export const MESSAGE_GROUP: Readonly<Record<OobChannel, MessageGroup>> = { sms: 'phone', voice: 'phone', email: 'email', auth0: 'push' };

export const DEFAULT_MESSAGE_LIMITS: Readonly<Record<MessageGroup, BucketPolicy>> = {
  /** 10 SMS or voice messages, then one an hour. */
  phone: { limit: 10, refillMs: 60 * 60 * 1000 },
  /** 20 emails, then one a minute. */
  email: { limit: 20, refillMs: 60 * 1000 },
  /** 5 push notifications, then 5 a minute (one every 12 s). */
  push: { limit: 5, refillMs: 12 * 1000 },
};

export const MESSAGE_GROUPS: readonly MessageGroup[] = ['phone', 'email', 'push'];
