// createMfaFlow against the emulator: signing in with an enrolled factor, with a wrong code, a
// recovery code, and into the attempt limit.
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { authenticatedOutput, createFlowHarness, enrollDemoUser, signIn } from './flowHarness.js';

describe('challenge', () => {
  it('a second session: list, challenge, verify — 3 requests after the MFA token', async () => {
    const h = createFlowHarness();
    const { secret } = await enrollDemoUser(h);
    const from = h.requests.length;
    const flow = h.flow();
    await signIn(flow);
    expect(flow.getSnapshot().value).toEqual({ step: { verifying: 'idle' } });
    expect(flow.getSnapshot().hasTag('needsCode')).toBe(true);
    flow.send({ type: 'otp.submit', otp: h.otp(secret) });
    await waitFor(flow, (s) => s.status === 'done');
    expect(flow.getSnapshot().output).toMatchObject({ enrolled: false, newRecoveryCode: null });
    expect(h.calls(from)).toEqual([
      'POST /oauth/token password',
      'GET /mfa/authenticators',
      'POST /mfa/challenge',
      'POST /oauth/token mfa-otp',
    ]);
    expect(h.emulator.store.events().filter((e) => e.type === 'code_accepted')).toHaveLength(2);
  });

  it('a wrong code keeps the user at the input with invalid_otp; the right one then succeeds', async () => {
    const h = createFlowHarness();
    const { secret } = await enrollDemoUser(h);
    const flow = h.flow();
    await signIn(flow);
    flow.send({ type: 'otp.submit', otp: h.wrongOtp(secret) });
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'idle' } }) && s.context.error !== null);
    expect(flow.getSnapshot().context.error?.code).toBe('invalid_otp');
    flow.send({ type: 'otp.submit', otp: h.otp(secret) });
    await waitFor(flow, (s) => s.status === 'done');
    expect(flow.getSnapshot().value).toBe('authenticated');
  });

  it('a recovery code signs in and returns a new one; the old one is then refused', async () => {
    const h = createFlowHarness();
    const { recoveryCode } = await enrollDemoUser(h);
    const flow = h.flow();
    await signIn(flow);
    // As a user would copy it: lower case, in groups.
    flow.send({ type: 'recoveryCode.submit', recoveryCode: recoveryCode.toLowerCase().replace(/(.{4})/g, '$1-') });
    await waitFor(flow, (s) => s.status === 'done');
    const fresh = authenticatedOutput(flow).newRecoveryCode!;
    expect(fresh).toMatch(/^[A-Z0-9]{24}$/);
    expect(fresh).not.toBe(recoveryCode);

    const again = h.flow();
    await signIn(again);
    again.send({ type: 'recoveryCode.submit', recoveryCode });
    await waitFor(again, (s) => s.matches({ step: { verifying: 'idle' } }) && s.context.error !== null);
    expect(again.getSnapshot().context.error?.code).toBe('invalid_recovery_code');
    again.send({ type: 'recoveryCode.submit', recoveryCode: fresh });
    await waitFor(again, (s) => s.status === 'done');
    expect(authenticatedOutput(again).newRecoveryCode).toMatch(/^[A-Z0-9]{24}$/);
  });

  it('the attempt limit locks: distinct state, retry only after the advised wait, then the right code works', async () => {
    const h = createFlowHarness();
    const { secret } = await enrollDemoUser(h);
    const flow = h.flow({ mfaTokenTtlMs: 3_600_000 });
    await signIn(flow);
    for (let attempt = 1; attempt <= 10; attempt++) {
      flow.send({ type: 'otp.submit', otp: h.wrongOtp(secret) });
      await waitFor(flow, (s) => s.matches({ step: { verifying: 'idle' } }) && s.context.error?.code === 'invalid_otp');
    }
    flow.send({ type: 'otp.submit', otp: h.otp(secret) }); // right, but the bucket is empty
    await waitFor(flow, (s) => s.matches('locked'));
    const { error } = flow.getSnapshot().context;
    expect(error?.code).toBe('too_many_attempts');
    expect(error?.retryAfterMs).toBeGreaterThan(0);
    expect(error?.retryAfterMs).toBeLessThanOrEqual(360_000);

    flow.send({ type: 'retry' });
    expect(flow.getSnapshot().value).toEqual({ locked: 'waiting' });
    h.advance(error!.retryAfterMs!);
    expect(flow.getSnapshot().value).toEqual({ locked: 'ready' });
    flow.send({ type: 'retry' });
    expect(flow.getSnapshot().value).toEqual({ step: { verifying: 'idle' } });
    flow.send({ type: 'otp.submit', otp: h.otp(secret) });
    await waitFor(flow, (s) => s.status === 'done');
    expect(flow.getSnapshot().value).toBe('authenticated');
  });
});
