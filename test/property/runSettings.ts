// How many sequences the property tests run, and with which seed: 200-odd in `npm test`,
// 10,000 with MFA_DEEP=1 (`npm run test:deep`). MFA_SEED and MFA_PATH replay a failure that
// fast-check reported ("seed: …, path: …").
import fc from 'fast-check';

export const DEEP = process.env.MFA_DEEP === '1';

export function runSettings(normalRuns: number, deepRuns = 10_000): fc.Parameters<unknown> {
  const seed = process.env.MFA_SEED === undefined ? (Date.now() ^ (process.pid << 8)) | 0 : Number(process.env.MFA_SEED);
  return {
    numRuns: DEEP ? deepRuns : normalRuns,
    seed,
    ...(process.env.MFA_PATH === undefined ? {} : { path: process.env.MFA_PATH }),
    verbose: 1,
    // A failing deep run should still end in reasonable time while shrinking.
    interruptAfterTimeLimit: DEEP ? 6 * 60 * 60 * 1000 : 10 * 60 * 1000,
    markInterruptAsFailure: true,
  };
}

/** One line to print after a run, so even a passing run can be replayed. */
export function describeRun(name: string, settings: fc.Parameters<unknown>, extra: Record<string, unknown>): string {
  const details = Object.entries(extra)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  return `${name}: ${settings.numRuns} sequences, seed=${settings.seed}${settings.path ? ` path=${settings.path}` : ''} ${details}`;
}

/** Collects unhandled promise rejections for the duration of a property. */
export function watchUnhandledRejections() {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  return {
    take(): unknown[] {
      return seen.splice(0);
    },
    stop() {
      process.off('unhandledRejection', listener);
    },
  };
}
