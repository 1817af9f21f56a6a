// When a remote view is worth fetching again by itself: the wall times of a running flow that
// change what the server would answer — a push's next poll, the end of a resend cooldown, of a
// lockout or rate-limit wait, the MFA token's expiry. Pure: the client owns the timer, and stops
// asking for a time that has been asked for enough (a wait whose end changes nothing on screen,
// like the cooldown of an app code, stays in the view).
import type { FlowView } from '../view/flowView.js';

/** The wall times (epoch ms, server clock) at which this view may change by itself. */
export function refreshTimes(view: FlowView): number[] {
  if (view.status !== 'active') return [];
  const due: number[] = [];
  if (view.tags.includes('waitingForDevice') && view.nextPollAt !== null) due.push(view.nextPollAt);
  if (!view.canResend && view.resendAvailableAt !== null) due.push(view.resendAvailableAt);
  if (view.waitUntil !== null) due.push(view.waitUntil);
  if (view.mfaTokenExpiresAt !== null) due.push(view.mfaTokenExpiresAt);
  return due;
}

/** How many refreshes one wall time gets (the browser's clock may run ahead of the server's). */
export const REFRESHES_PER_TIME = 3;

/** The next time to refresh at, skipping the times already refreshed for `REFRESHES_PER_TIME` times. */
export function nextRefreshAt(view: FlowView, refreshedFor: ReadonlyMap<number, number> = new Map()): number | null {
  const due = refreshTimes(view).filter((at) => (refreshedFor.get(at) ?? 0) < REFRESHES_PER_TIME);
  return due.length === 0 ? null : Math.min(...due);
}
