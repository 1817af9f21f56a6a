// How long a request waits for its flow: until the chart has settled (no request in flight, no
// wait before one; a push wait between two polls counts as settled) or a bound has passed. The
// timers of a restored flow that are already due (a poll, the end of a cooldown) fire first.
import type { SnapshotFrom } from 'xstate';
import type { MfaFlowMachine } from '../../machines/mfaFlow.js';
import type { MfaFlowActor } from '../flow/createMfaFlow.js';

export function isSettled(snapshot: SnapshotFrom<MfaFlowMachine>): boolean {
  return snapshot.status !== 'active' || (!snapshot.hasTag('busy') && Object.keys(snapshot.children).length === 0);
}

/** One macrotask: timers due now (delay 0) run before it ends. */
export const nextTick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function settle(actor: MfaFlowActor, boundMs: number): Promise<void> {
  await nextTick();
  if (isSettled(actor.getSnapshot())) return;
  await new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      subscription.unsubscribe();
      resolve();
    };
    const timer = setTimeout(finish, boundMs);
    const subscription = actor.subscribe({
      next: (snapshot) => {
        if (isSettled(snapshot)) finish();
      },
      error: finish,
    });
  });
}
