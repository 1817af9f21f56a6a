// Wall time, as the chart reads it: through the clock of the actor it runs in. createMfaFlow gives
// that clock a `now()` (Date.now unless told otherwise) and XState's SimulatedClock has one, so a
// test moves the chart's sense of time and its timers together.
import type { ActorSystem } from 'xstate';

type AnyActorSystem = ActorSystem<any>;

export interface WallClock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
  now(): number;
}

export function wallTime(system: AnyActorSystem): number {
  const clock = system._clock as Partial<WallClock> | undefined;
  return typeof clock?.now === 'function' ? clock.now() : Date.now();
}

/** Milliseconds from now until an epoch time, never negative. */
export function msUntil(system: AnyActorSystem, at: number | null): number {
  return at === null ? 0 : Math.max(0, at - wallTime(system));
}

/** The clock an actor may be given: XState's timers, plus `now()` for wall time. */
export type FlowClock = Pick<WallClock, 'setTimeout' | 'clearTimeout'> & { now?(): number };
