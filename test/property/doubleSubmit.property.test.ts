// Double submits and races: fc.scheduledModelRun interleaves the user's commands with the
// arrival of the server's answers (each answer is delivered when fast-check's scheduler says),
// so codes are typed, clicked twice, cancelled or retried while a check is still in flight.
// There is never more than one code check in flight, and every invariant holds throughout.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AdvanceClock,
  Cancel,
  commandArbitraries,
  DoubleSubmit,
  finish,
  InjectFault,
  Retry,
  SubmitCredentials,
  SubmitOtp,
  SubmitRecoveryCode,
  type FlowModel,
} from './commands.js';
import { FlowSystem } from './flowSystem.js';
import { violations } from './invariants.js';
import { DEEP, describeRun, runSettings, watchUnhandledRejections } from './runSettings.js';

const unhandled = watchUnhandledRejections();
afterAll(() => unhandled.stop());

// Every fault but the hang: the scheduler itself decides how late an answer comes.
const FAULTS = ['500', '503', '429rate', '429attempts', 'notJson', 'wrongShape', 'reset'] as const;

const raceCommands = [
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<'none' | 'wrong' | 'recovery'>('none', 'wrong', 'recovery').map((t) => new DoubleSubmit(t)) },
    { weight: 4, arbitrary: fc.constantFrom<'right' | 'wrong'>('right', 'wrong').map((k) => new SubmitOtp(k, '', false)) },
    { weight: 2, arbitrary: fc.constantFrom<'valid' | 'used' | 'wrong'>('valid', 'used', 'wrong').map((k) => new SubmitRecoveryCode(k, '')) },
    { weight: 2, arbitrary: fc.constant(new Retry()) },
    { weight: 1, arbitrary: fc.constant(new Cancel()) },
    { weight: 1, arbitrary: fc.constant(new SubmitCredentials('right')) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 40_000 }).map((ms) => new AdvanceClock(ms)) },
    { weight: 2, arbitrary: fc.constantFrom(...FAULTS).map((k) => new InjectFault(k)) },
    { weight: 2, arbitrary: commandArbitraries({ faults: FAULTS })[0]! },
  ),
];

describe('double submits and answers out of order', () => {
  it('never two code checks in flight, and every invariant holds', { timeout: DEEP ? 24 * 60 * 60 * 1000 : 120_000 }, async () => {
    const settings = runSettings(60, 2_000);
    const stats = { sequences: 0, requests: 0, commandsDuringCodeCheck: 0, maxVerifyInFlight: 0 };
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.constantFrom<'challenge' | 'enroll'>('challenge', 'enroll'),
        fc.constantFrom<1 | 2>(1, 2),
        fc.commands(raceCommands, { maxCommands: 12, size: '+1' }),
        async (scheduler, intent, initialOtps, commands) => {
          let active: fc.Scheduler | null = null;
          const system = await FlowSystem.create({
            intent,
            initialOtps,
            deliver: (service, answer) => {
              if (!active) return answer;
              answer.catch(() => {}); // a failed answer waits for the scheduler: not unhandled meanwhile
              return active.schedule(answer, `answer ${service}`);
            },
          });
          const model: FlowModel = { cancelled: false, settle: true, commands: 0 };
          try {
            // Signed in and at the code prompt before the races start.
            await new SubmitCredentials('right').run(model, system);
            model.settle = false;
            active = scheduler;
            await fc.scheduledModelRun(scheduler, () => ({ model, real: system }), commands);
            // Answers of requests that started while the scheduler was finishing.
            for (let i = 0; i < 100 && (scheduler.count() > 0 || system.monitor.verifyInFlight > 0); i++) {
              await scheduler.waitAll();
              await new Promise((resolve) => setTimeout(resolve, 1));
            }
            active = null;
            model.settle = true;
            await system.settle();
            const broken = violations(system, model);
            if (broken.length > 0) throw new Error(`after the race: ${broken.join('; ')}`);
            await finish(system, model);
          } finally {
            system.stop();
            stats.sequences++;
            stats.requests += system.monitor.requests.length;
            stats.commandsDuringCodeCheck += system.monitor.commandsDuringCodeCheck;
            stats.maxVerifyInFlight = Math.max(stats.maxVerifyInFlight, system.monitor.maxVerifyInFlight);
          }
          const rejections = unhandled.take();
          if (rejections.length > 0) throw new Error(`unhandled rejection: ${rejections.map(String).join('; ')}`);
        },
      ),
      settings,
    );
    console.log(describeRun('scheduled double-submit property', settings, { ms: Math.round(performance.now() - started), ...stats }));
    expect(stats.maxVerifyInFlight).toBeLessThanOrEqual(1);
    // The races happened: commands ran while a code check was waiting for its answer.
    expect(stats.commandsDuringCodeCheck).toBeGreaterThan(0);
  });
});
