// Refuses a code before it is checked when the user's attempt bucket is empty: then every
// code, right or wrong, gets 429 too_many_attempts with the rate-limit headers.
import { EmulatorError } from '../errors.js';
import type { TenantStore, UserRecord } from '../store.js';

export function assertAttemptLeft(store: TenantStore, user: UserRecord, now: number): void {
  if (store.attemptsLeft(user, now) > 0) return;
  const nextAt = store.nextAttemptAt(user, now);
  throw new EmulatorError(
    429,
    'too_many_attempts',
    'Too many failed codes. Wait before trying again.',
    {},
    {
      'x-ratelimit-limit': String(store.attemptLimit),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil(nextAt / 1000)),
      'retry-after': String(Math.max(1, Math.ceil((nextAt - now) / 1000))),
    },
  );
}
