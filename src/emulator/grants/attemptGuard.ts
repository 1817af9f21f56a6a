// Refuses a code before it is checked when the user's attempt bucket is empty: then every
// code, right or wrong, gets 429 too_many_attempts with the rate-limit headers.
import { rateLimited } from '../errors.js';
import type { TenantStore, UserRecord } from '../store.js';

export function assertAttemptLeft(store: TenantStore, user: UserRecord, now: number): void {
  if (store.attemptsLeft(user, now) > 0) return;
  throw rateLimited('too_many_attempts', 'Too many failed codes. Wait before trying again.', {
    limit: store.attemptLimit,
    nextAt: store.nextAttemptAt(user, now),
    now,
  });
}
