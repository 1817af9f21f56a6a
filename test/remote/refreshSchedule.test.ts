// When a remote view fetches itself again: at the wall times that change what the server would
// answer, never for an ended flow, and a time that changed nothing only a bounded number of times.
// And the browser entry carries no xstate.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nextRefreshAt, refreshTimes, REFRESHES_PER_TIME } from '../../src/remote/index.js';
import { blankFlowView, type FlowView } from '../../src/view/index.js';

const base: FlowView = blankFlowView({ state: 'step.verifying.idle', tags: ['needsCode'] });

describe('refresh times', () => {
  it('a push wait refreshes at its next poll, a cooldown at its end, a lockout at its end, and the token at its expiry', () => {
    expect(refreshTimes({ ...base, tags: ['waitingForDevice'], nextPollAt: 5_000, mfaTokenExpiresAt: 600_000 })).toEqual([5_000, 600_000]);
    expect(nextRefreshAt({ ...base, tags: ['waitingForDevice'], nextPollAt: 5_000, mfaTokenExpiresAt: 600_000 })).toBe(5_000);
    expect(nextRefreshAt({ ...base, resendAvailableAt: 30_000 })).toBe(30_000);
    expect(nextRefreshAt({ ...base, resendAvailableAt: 30_000, canResend: true })).toBeNull();
    expect(nextRefreshAt({ ...base, state: 'locked.waiting', waitUntil: 60_000, mfaTokenExpiresAt: 600_000 })).toBe(60_000);
    // nextPollAt outside a push wait (it stays in the context) is no reason to refresh
    expect(nextRefreshAt({ ...base, nextPollAt: 5_000 })).toBeNull();
  });

  it('an ended flow never refreshes', () => {
    expect(nextRefreshAt({ ...base, status: 'done', outcome: 'authenticated', resendAvailableAt: 30_000, mfaTokenExpiresAt: 9 })).toBeNull();
  });

  it('a time refreshed for its share of times is skipped (an app code keeps its cooldown time forever)', () => {
    const view = { ...base, resendAvailableAt: 30_000, mfaTokenExpiresAt: 600_000 };
    expect(nextRefreshAt(view, new Map([[30_000, REFRESHES_PER_TIME - 1]]))).toBe(30_000);
    expect(nextRefreshAt(view, new Map([[30_000, REFRESHES_PER_TIME]]))).toBe(600_000);
  });
});

describe('the mfa-flow/remote entry', () => {
  it('bundles for the browser without xstate (nor the engine)', async () => {
    const entry = fileURLToPath(new URL('../../src/remote/index.ts', import.meta.url));
    const result = await build({ entryPoints: [entry], bundle: true, write: false, platform: 'browser', format: 'esm', metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('node_modules'))).toBe(false);
    expect(inputs.filter((path) => path.includes('machines/mfaFlow') || path.includes('src/flow/'))).toEqual([]);
    expect(inputs.filter((path) => !path.includes('src/remote/'))).toEqual(['src/view/blankView.ts']);
  });
});
