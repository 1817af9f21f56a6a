// Model-based: random sequences of user actions and server faults against a real flow and the
// emulator (fc.commands + fc.asyncModelRun). After every step: never stuck, authenticated only
// on a code the emulator accepted, never locked while it would accept one, nothing sent after
// cancel, one code check in flight at most, no unhandled rejection, consistent emulator data.
// Every sequence ends with a user who keeps trying and must get in.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { commandArbitraries, finish, SubmitCredentials, type FlowModel } from './commands.js';
import { FlowSystem } from './flowSystem.js';
import { valueKey } from './invariants.js';
import { DEEP, describeRun, runSettings, watchUnhandledRejections } from './runSettings.js';

const unhandled = watchUnhandledRejections();
afterAll(() => unhandled.stop());

describe('random sequences against the emulator', () => {
  it('keep every invariant, and the user can always finish', { timeout: DEEP ? 24 * 60 * 60 * 1000 : 120_000 }, async () => {
    const settings = runSettings(200);
    const stats = { sequences: 0, commands: 0, endedIn: {} as Record<string, number>, faults: {} as Record<string, number>, maxVerifyInFlight: 0, lockouts: { real: 0, injected: 0 } };
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'challenge' | 'enroll'>('challenge', 'enroll'),
        fc.constantFrom<0 | 1 | 2>(0, 1, 1, 2),
        // Most sequences start signed in, so that they get past the password step.
        fc.constantFrom(true, true, true, false),
        // A small attempt bucket makes real lockouts common enough to matter.
        fc.constantFrom(3, 10),
        fc.commands(commandArbitraries(), { maxCommands: 16, size: '+1' }),
        async (intent, initialOtps, signedIn, attemptLimit, commands) => {
          const system = await FlowSystem.create({ intent, initialOtps, emulator: { attempts: { limit: attemptLimit } } });
          const model: FlowModel = { cancelled: false, settle: true, commands: 0 };
          try {
            if (signedIn) await new SubmitCredentials('right').run(model, system);
            await fc.asyncModelRun(() => ({ model, real: system }), commands);
            const key = valueKey(system.snapshot().value);
            stats.endedIn[key] = (stats.endedIn[key] ?? 0) + 1;
            await finish(system, model);
          } finally {
            system.stop();
            stats.sequences++;
            stats.commands += model.commands;
            stats.maxVerifyInFlight = Math.max(stats.maxVerifyInFlight, system.monitor.maxVerifyInFlight);
            stats.lockouts.real += system.monitor.lockouts.real;
            stats.lockouts.injected += system.monitor.lockouts.injected;
            for (const [kind, n] of system.monitor.faultsUsed) stats.faults[kind] = (stats.faults[kind] ?? 0) + n;
          }
          const rejections = unhandled.take();
          if (rejections.length > 0) throw new Error(`unhandled rejection: ${rejections.map(String).join('; ')}`);
        },
      ),
      settings,
    );
    console.log(
      describeRun('model-based flow property', settings, {
        ms: Math.round(performance.now() - started),
        executed: stats.sequences,
        commands: stats.commands,
        maxVerifyInFlight: stats.maxVerifyInFlight,
        lockouts: stats.lockouts,
        endedIn: stats.endedIn,
        faultsServed: stats.faults,
      }),
    );
    expect(stats.sequences).toBeGreaterThanOrEqual(settings.numRuns ?? 0);
  });
});
