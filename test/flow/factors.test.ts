// Every factor end to end: createMfaFlow (ky, the real services) against the emulator over
// `app.request`, with the codes read from the emulator's outbox and push answered by its emulated
// Guardian device, as a phone would. Request counts are checked against the API minimum.
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import type { FactorType, MfaFlowActor } from '../../src/index.js';
import { authenticatedOutput, createFlowHarness, signIn, type FlowHarness } from './flowHarness.js';
import { ADDRESS, choice, enroll, FACTORS, lastCode, PHONE } from './factorSteps.js';

/** Signs in again; where the user has several factors (a phone is listed for SMS and for calls, a
 *  Guardian enrollment also adds its app's codes), picks `factor`. */
async function signInWith(h: FlowHarness, factor: FactorType, intent: 'challenge' | 'enroll' = 'challenge'): Promise<MfaFlowActor> {
  const flow = h.flow({ factors: FACTORS, intent });
  await signIn(flow);
  if (flow.getSnapshot().matches({ step: { listing: 'choosing' } })) {
    const chosen = flow.getSnapshot().context.authenticators.find((a) => a.factor === factor);
    if (!chosen) throw new Error(`no ${factor} factor listed`);
    flow.send({ type: 'authenticator.select', authenticatorId: chosen.id });
    await waitFor(flow, (s) => !s.hasTag('busy'));
  }
  return flow;
}

describe.each(['sms', 'voice', 'email'] as const)('%s', (factor) => {
  const to = factor === 'email' ? ADDRESS : PHONE;

  it('enrolls with the code the message carried (2 requests after the MFA token), then signs in with a new one (3)', async () => {
    const h = createFlowHarness();
    const from = h.requests.length;
    await enroll(h, factor);
    expect(h.calls(from)).toEqual(['POST /oauth/token password', 'POST /mfa/associate', 'POST /oauth/token mfa-oob']);
    const active = new Set(h.emulator.store.authenticators('demo@example.com').filter((a) => a.active).map((a) => a.type));
    expect([...active].sort()).toEqual([factor === 'email' ? 'email' : 'phone', 'recovery-code'].sort());

    h.advance(60_000);
    const start = h.requests.length;
    const flow = await signInWith(h, factor);
    expect(flow.getSnapshot().value).toEqual({ step: { verifying: 'idle' } });
    const challenged = flow.getSnapshot().context.authenticators.find((a) => a.id === flow.getSnapshot().context.authenticatorId);
    expect(challenged?.factor).toBe(factor);
    expect(challenged?.label).toMatch(factor === 'email' ? /^Email to .••@example\.com$/ : /0123$/);
    flow.send({ type: 'otp.submit', otp: lastCode(h, to) });
    await waitFor(flow, (s) => s.status === 'done');
    expect(authenticatedOutput(flow).tokens.accessToken).toBeTruthy();
    expect(h.calls(start)).toEqual(['POST /oauth/token password', 'GET /mfa/authenticators', 'POST /mfa/challenge', 'POST /oauth/token mfa-oob']);
  });

  it('a wrong code stays at the input; "send again" after the cooldown sends a new code, the old one is dead', async () => {
    const h = createFlowHarness();
    await enroll(h, factor);
    h.advance(60_000);
    const flow = await signInWith(h, factor);
    const first = lastCode(h, to);
    flow.send({ type: 'otp.submit', otp: first === '000000' ? '111111' : '000000' });
    await waitFor(flow, (s) => s.context.error?.code === 'invalid_binding_code');
    const sent = h.emulator.outbox.messages({ to }).length;
    flow.send({ type: 'code.resend' });
    expect(flow.getSnapshot().context.error?.code).toBe('resend_too_soon');
    h.advance(30_000);
    flow.send({ type: 'code.resend' });
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'idle' } }) && h.emulator.outbox.messages({ to }).length === sent + 1);
    flow.send({ type: 'otp.submit', otp: lastCode(h, to) });
    await waitFor(flow, (s) => s.status === 'done');
    expect(authenticatedOutput(flow).tokens.accessToken).toBeTruthy();
  });
});

describe('push', () => {
  it('enrolls by scanning the Guardian QR, then signs in when the phone approves; the wait is polls at the interval', async () => {
    const h = createFlowHarness();
    await enroll(h, 'push');
    h.advance(60_000);
    const from = h.requests.length;
    const flow = await signInWith(h, 'push');
    expect(flow.getSnapshot().matches({ step: { verifying: 'waitingForDevice' } })).toBe(true);
    expect(flow.getSnapshot().hasTag('waitingForDevice')).toBe(true);
    h.advance(5_000); // a first poll: the phone has not answered
    await waitFor(flow, (s) => s.matches({ step: { verifying: { waitingForDevice: 'waiting' } } }) && h.calls(from).length === 4);
    const [request] = h.emulator.guardian.requests({ user: 'demo@example.com' });
    h.emulator.guardian.accept(request!.id);
    h.advance(5_000);
    await waitFor(flow, (s) => s.status === 'done');
    expect(h.calls(from)).toEqual([
      'POST /oauth/token password',
      'GET /mfa/authenticators',
      'POST /mfa/challenge',
      'POST /oauth/token mfa-oob', // authorization_pending
      'POST /oauth/token mfa-oob', // approved
    ]);
  });

  it('a refusal on the phone has its own state; "send again" pushes anew', async () => {
    const h = createFlowHarness();
    await enroll(h, 'push');
    h.advance(60_000);
    const flow = await signInWith(h, 'push');
    const [request] = h.emulator.guardian.requests({ user: 'demo@example.com' });
    h.emulator.guardian.reject(request!.id);
    h.advance(5_000);
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'deviceAnswered' } }));
    expect(flow.getSnapshot().context.error?.code).toBe('push_rejected');
    flow.send({ type: 'code.resend' });
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'waitingForDevice' } }));
    expect(h.emulator.guardian.requests({ user: 'demo@example.com' })).toHaveLength(1);
    flow.stop();
  });

  it('a wrong recovery code while a push waits keeps the wait (and its polls); after a refusal, the refusal', async () => {
    const h = createFlowHarness();
    const { recoveryCode } = await enroll(h, 'push');
    h.advance(60_000);
    const flow = await signInWith(h, 'push');
    flow.send({ type: 'recoveryCode.submit', recoveryCode: 'WRONG0WRONG0WRONG0WRONG0' });
    await waitFor(flow, (s) => !s.hasTag('busy'));
    expect(flow.getSnapshot().matches({ step: { verifying: 'waitingForDevice' } })).toBe(true);
    expect(flow.getSnapshot().context.error?.code).toBe('invalid_recovery_code');
    // The push is still waited for: the phone's answer (a refusal, here) comes through.
    const [request] = h.emulator.guardian.requests({ user: 'demo@example.com' });
    h.emulator.guardian.reject(request!.id);
    h.advance(5_000);
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'deviceAnswered' } }));
    expect(flow.getSnapshot().context.oobCode).toBeNull(); // the refused push is never polled again
    const from = h.requests.length;
    flow.send({ type: 'recoveryCode.submit', recoveryCode: 'WRONG0WRONG0WRONG0WRONG0' });
    await waitFor(flow, (s) => !s.hasTag('busy'));
    expect(flow.getSnapshot().value).toEqual({ step: { verifying: 'deviceAnswered' } });
    expect(h.calls(from)).toEqual(['POST /oauth/token mfa-recovery-code']);
    flow.send({ type: 'recoveryCode.submit', recoveryCode });
    await waitFor(flow, (s) => s.status === 'done');
    expect(authenticatedOutput(flow).newRecoveryCode).toMatch(/^[A-Z0-9]{24}$/);
  });

  it('an unanswered push expires after 5 minutes: its own outcome, never a loop of polls', async () => {
    const h = createFlowHarness();
    await enroll(h, 'push');
    h.advance(60_000);
    const flow = await signInWith(h, 'push');
    for (let i = 0; i < 61 && !flow.getSnapshot().matches({ step: { verifying: 'deviceAnswered' } }); i++) {
      h.advance(5_000);
      await waitFor(flow, (s) => !s.matches({ step: { verifying: { waitingForDevice: 'asking' } } }));
    }
    expect(flow.getSnapshot().value).toEqual({ step: { verifying: 'deviceAnswered' } });
    expect(flow.getSnapshot().context.error?.code).toBe('oob_code_expired');
  });

  it('cancel during the wait aborts the poll in flight; no request follows', async () => {
    const h = createFlowHarness();
    await enroll(h, 'push');
    h.advance(60_000);
    const flow = await signInWith(h, 'push');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    h.faults.push((request) => (new URL(request.url).pathname === '/oauth/token' ? held.then(() => h.emulator.app.request(request)) : undefined));
    h.advance(5_000);
    await waitFor(flow, (s) => s.matches({ step: { verifying: { waitingForDevice: 'asking' } } }));
    const poll = h.requests.at(-1)!;
    flow.send({ type: 'cancel' });
    expect(poll.signal.aborted).toBe(true);
    expect(flow.getSnapshot().children).toEqual({});
    release();
  });
});

describe('across factors', () => {
  it('a user with an app and SMS chooses; "use another method" goes back to the choice', async () => {
    const h = createFlowHarness();
    await enroll(h, 'sms');
    h.advance(60_000);
    // Add an app with the MFA-API token of a passed challenge (the already-enrolled branch).
    const adding = await signInWith(h, 'sms', 'enroll');
    adding.send({ type: 'otp.submit', otp: lastCode(h, PHONE) });
    await waitFor(adding, (s) => s.matches({ step: 'choosingFactor' }));
    adding.send(choice('otp'));
    await waitFor(adding, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    const app = adding.getSnapshot().context.enrollment;
    if (app?.factor !== 'otp') throw new Error('expected an app');
    adding.send({ type: 'otp.submit', otp: h.otp(app.secret) });
    await waitFor(adding, (s) => s.status === 'done');
    expect(authenticatedOutput(adding).enrolled).toBe(true);

    h.advance(60_000);
    const flow = h.flow({ factors: FACTORS });
    await signIn(flow);
    expect(flow.getSnapshot().value).toEqual({ step: { listing: 'choosing' } });
    expect(flow.getSnapshot().context.authenticators.map((a) => a.label)).toEqual(
      expect.arrayContaining(['Authenticator app', 'SMS to ••••0123', 'Call to ••••0123']),
    );
    const sms = flow.getSnapshot().context.authenticators.find((a) => a.factor === 'sms')!;
    flow.send({ type: 'authenticator.select', authenticatorId: sms.id });
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'idle' } }));
    flow.send({ type: 'authenticator.change' });
    expect(flow.getSnapshot().value).toEqual({ step: { listing: 'choosing' } });
    const otp = flow.getSnapshot().context.authenticators.find((a) => a.factor === 'otp')!;
    flow.send({ type: 'authenticator.select', authenticatorId: otp.id });
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'idle' } }));
    h.advance(30_000);
    flow.send({ type: 'otp.submit', otp: h.otp(app.secret) });
    await waitFor(flow, (s) => s.status === 'done');
  });

  it('recovery after an SMS enrollment: the recovery code it showed signs in, and a new one comes back', async () => {
    const h = createFlowHarness();
    const { recoveryCode } = await enroll(h, 'sms');
    h.advance(60_000);
    const flow = await signInWith(h, 'sms');
    const sent = h.emulator.outbox.messages({ to: PHONE }).length;
    flow.send({ type: 'recoveryCode.submit', recoveryCode });
    await waitFor(flow, (s) => s.status === 'done');
    const { newRecoveryCode } = authenticatedOutput(flow);
    expect(newRecoveryCode).toMatch(/^[A-Z0-9]{24}$/);
    expect(newRecoveryCode).not.toBe(recoveryCode);
    expect(h.emulator.outbox.messages({ to: PHONE })).toHaveLength(sent); // nothing more was sent
  });
});
