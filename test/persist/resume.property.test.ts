// Property: persisting and restoring at a random point of a random sequence of user actions,
// then going on, ends exactly as the same sequence run without interruption.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MfaFlowActor } from '../../src/index.js';
import { persistFlow, readFlowRecord } from '../../src/persist/index.js';
import { createFlowHarness, enrollDemoUser, settled, signIn, type FlowHarness } from '../flow/flowHarness.js';
import { otpEnrollment } from '../helpers/enrollment.js';

type Action =
  | { kind: 'rightCode' }
  | { kind: 'wrongCode' }
  | { kind: 'malformedCode' }
  | { kind: 'recoveryCode' }
  | { kind: 'acknowledge' }
  | { kind: 'retry' }
  | { kind: 'wait'; ms: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'rightCode' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'wrongCode' as const }) },
  fc.constant({ kind: 'malformedCode' as const }),
  fc.constant({ kind: 'recoveryCode' as const }),
  { weight: 2, arbitrary: fc.constant({ kind: 'acknowledge' as const }) },
  fc.constant({ kind: 'retry' as const }),
  { weight: 2, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((ms) => ({ kind: 'wait' as const, ms })) },
);

const TTL_MS = 150_000;

interface World {
  h: FlowHarness;
  flow: MfaFlowActor;
  secret: string | null;
  recoveryCode: string | null;
}

async function begin(enrolled: boolean, intent: 'enroll' | 'challenge'): Promise<World> {
  // A short token life and a small attempt bucket, so expiry and lockout happen within a sequence.
  const h = createFlowHarness({ attempts: { limit: 3 }, mfaTokenTtlSeconds: TTL_MS / 1000 });
  const user = enrolled ? await enrollDemoUser(h) : null;
  const flow = h.flow({ intent, mfaTokenTtlMs: TTL_MS });
  await signIn(flow);
  return { h, flow, secret: user?.secret ?? null, recoveryCode: user?.recoveryCode ?? null };
}

async function perform(world: World, step: Action) {
  const { h, flow } = world;
  const { context } = flow.getSnapshot();
  // During enrolment the right code is the new secret's; otherwise the enrolled one's.
  const secret = flow.getSnapshot().matches({ step: 'awaitingConfirmation' }) ? otpEnrollment(context.enrollment).secret : world.secret;
  switch (step.kind) {
    case 'rightCode':
      if (secret) flow.send({ type: 'otp.submit', otp: h.otp(secret) });
      break;
    case 'wrongCode':
      if (secret) flow.send({ type: 'otp.submit', otp: h.wrongOtp(secret) });
      break;
    case 'malformedCode':
      flow.send({ type: 'otp.submit', otp: '12ab' });
      break;
    case 'recoveryCode':
      if (world.recoveryCode) flow.send({ type: 'recoveryCode.submit', recoveryCode: world.recoveryCode });
      break;
    case 'acknowledge':
      flow.send({ type: 'recoveryCodes.acknowledge' });
      break;
    case 'retry':
      flow.send({ type: 'retry' });
      break;
    case 'wait':
      h.advance(step.ms);
      break;
  }
  await settled(flow);
  if (step.kind !== 'wait') h.advance(30_000); // a fresh TOTP step for the next code
}

/** What the user sees after each step: the state, the error code, and how it ended. */
function observe(flow: MfaFlowActor) {
  const s = flow.getSnapshot();
  return {
    value: s.value,
    error: s.context.error?.code ?? null,
    enrolled: s.output?.outcome === 'authenticated' ? s.output.enrolled : null,
    newRecoveryCode: s.output?.outcome === 'authenticated' ? s.output.newRecoveryCode !== null : null,
  };
}

async function run(enrolled: boolean, intent: 'enroll' | 'challenge', steps: Action[], restoreAfter: number | null) {
  const world = await begin(enrolled, intent);
  const trace = [observe(world.flow)];
  for (const [index, step] of steps.entries()) {
    if (world.flow.getSnapshot().status !== 'active') break;
    if (index === restoreAfter) {
      const record = JSON.parse(JSON.stringify(persistFlow(world.flow, world.h.now()))) as unknown;
      world.flow.stop();
      const read = readFlowRecord(record, world.h.now());
      if (read.status !== 'resumable') throw new Error(`the record was refused: ${read.code}`);
      world.flow = world.h.flow({ intent, mfaTokenTtlMs: TTL_MS, resume: read.resume });
      world.flow.start();
      await settled(world.flow);
    }
    await perform(world, step);
    trace.push(observe(world.flow));
  }
  world.flow.stop();
  return trace;
}

describe('persist and restore, property', () => {
  it('restoring at a random point does not change the outcome', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.constantFrom('enroll' as const, 'challenge' as const),
        fc.array(action, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        async (enrolled, intent, steps, at) => {
          const restoreAfter = at % steps.length;
          const uninterrupted = await run(enrolled, intent, steps, null);
          const interrupted = await run(enrolled, intent, steps, restoreAfter);
          expect(interrupted).toEqual(uninterrupted);
        },
      ),
      { numRuns: Number(process.env.MFA_PERSIST_RUNS ?? 20), verbose: true },
    );
  }, 120_000);
});
