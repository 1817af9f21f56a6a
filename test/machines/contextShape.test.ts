// The context keeps one shape of at most 19 top-level keys. XState copies the context with
// `Object.assign({}, context, update)` at every `assign`; on Node 20's V8 the copy of an object of
// up to 19 keys stays a fast object, while the copy of one of 20 or more becomes a slow dictionary
// object once the process has garbage-collected (about 10 times the cost per assign, measured in
// docs/benchmarks.md, "Where the cost goes"). A key added at the top would silently undo that.
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock, waitFor } from 'xstate';
import { ENROLLMENT, TOKENS, oob, scriptedMachine } from './fakeServices.js';

const MAX_KEYS = 19;

function run(script: Parameters<typeof scriptedMachine>[0], input: Record<string, unknown>) {
  const clock = new SimulatedClock();
  const actor = createActor(scriptedMachine(script).machine, {
    input: { mfaAudience: 'https://tenant.test/mfa/', mfaToken: 'mfa-token', ...input } as never,
    clock,
  });
  const keySets = new Set<string>();
  actor.subscribe((snapshot) => void keySets.add(Object.keys(snapshot.context).sort().join(',')));
  keySets.add(Object.keys(actor.getSnapshot().context).sort().join(','));
  actor.start();
  return { actor, clock, keySets };
}

describe('the context', () => {
  it(`has at most ${MAX_KEYS} keys, and the same ones in every state of an OTP enrollment`, async () => {
    const { actor, keySets } = run({ associate: [{ ok: { ...ENROLLMENT, recoveryCodes: ['A'.repeat(24)] } }], verifyCode: [{ ok: TOKENS }] }, { intent: 'enroll' });
    await waitFor(actor, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    actor.send({ type: 'otp.submit', otp: '123456' });
    await waitFor(actor, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }));
    actor.send({ type: 'recoveryCodes.acknowledge' });
    await waitFor(actor, (s) => s.status === 'done');
    expect(keySets.size).toBe(1);
    expect([...keySets][0]!.split(',').length).toBeLessThanOrEqual(MAX_KEYS);
  });

  it('keeps that shape through a sent code, its cooldown, a lockout and its end', async () => {
    const { actor, clock, keySets } = run(
      {
        listAuthenticators: [{ ok: [oob('sms|d1', 'sms', '+1••••0123')] }],
        challenge: [{ ok: { oobCode: 'oob-1' } }],
        verifyCode: [{ fail: 'too_many_attempts', retryAfterMs: 1_000 }, { ok: TOKENS }],
      },
      { intent: 'challenge' },
    );
    await waitFor(actor, (s) => s.matches({ step: { verifying: 'idle' } }));
    clock.increment(30_000);
    expect(actor.getSnapshot().context.timers.canResend).toBe(true);
    actor.send({ type: 'otp.submit', otp: '123456' });
    await waitFor(actor, (s) => s.matches({ locked: 'waiting' }));
    clock.increment(1_000);
    actor.send({ type: 'retry' });
    await waitFor(actor, (s) => s.matches({ step: { verifying: 'idle' } }));
    actor.send({ type: 'otp.submit', otp: '123456' });
    await waitFor(actor, (s) => s.status === 'done');
    expect(keySets.size).toBe(1);
    expect([...keySets][0]!.split(',').length).toBeLessThanOrEqual(MAX_KEYS);
  });
});
