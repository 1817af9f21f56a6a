// A hand-moved clock for tests: pass `clock.now` as the emulator's (or anything's) clock and
// advance it instead of sleeping. It is also a flow clock (`createMfaFlow({ clock })`): wall time
// under the test's hand, timers real.
import type { FlowClock } from '../../src/index.js';

export interface TestClock extends FlowClock {
  /** Epoch ms; pass as `clock` (it is bound, so it may be passed around alone). */
  now: () => number;
  advance(ms: number): number;
  set(ms: number): void;
}

/** 2033-05-18T03:33:20Z, 20 s into a 30 s TOTP step, far from any TTL edge. */
export const DEFAULT_TEST_EPOCH_MS = 2_000_000_000_000;

export function createTestClock(startMs = DEFAULT_TEST_EPOCH_MS): TestClock {
  let current = startMs;
  return {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
    now: () => current,
    advance(ms) {
      current += ms;
      return current;
    },
    set(ms) {
      current = ms;
    },
  };
}
