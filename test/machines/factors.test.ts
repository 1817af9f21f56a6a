// The chart for every factor, with scripted services: choosing a factor (and checking a phone or
// an address locally), routing by mfa_requirements, SMS/voice/email codes with a resend cooldown,
// and the push wait as states with timers. Flows over real HTTP live in test/flow.
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock, waitFor } from 'xstate';
import { TOKENS, oob, otp, scriptedMachine } from './fakeServices.js';

const INPUT = { mfaAudience: 'https://tenant.test/mfa/' } as const;

function start(script: Parameters<typeof scriptedMachine>[0], input: Record<string, unknown> = {}) {
  const scripted = scriptedMachine(script);
  const clock = new SimulatedClock();
  const actor = createActor(scripted.machine, {
    input: { ...INPUT, intent: 'challenge', mfaToken: 'mfa-token', ...input } as never,
    clock,
  });
  actor.start();
  return { ...scripted, actor, clock, inputs: (name: string) => scripted.calls.filter((c) => c.service === name).map((c) => c.input) };
}

const SMS_ENROLLMENT = { factor: 'sms', oobCode: 'oob-enroll', recoveryCodes: ['R'.repeat(24)] } as const;
const PUSH_ENROLLMENT = { factor: 'push', oobCode: 'oob-push', barcodeUri: 'otpauth://totp/t:u?enrollment_tx_id=tx' } as const;

describe('choosing the factor to enroll', () => {
  it('waits for factor.choose among the offered factors; a bad phone number never reaches a service', async () => {
    const { actor, count, inputs } = start(
      { associate: [{ ok: SMS_ENROLLMENT }], verifyCode: [{ ok: TOKENS }] },
      { intent: 'enroll', factors: ['otp', 'sms', 'email', 'push'] },
    );
    expect(actor.getSnapshot().matches({ step: 'choosingFactor' })).toBe(true);
    expect(actor.getSnapshot().hasTag('needsFactor')).toBe(true);
    expect(actor.getSnapshot().context.enrollableFactors).toEqual(['otp', 'sms', 'email', 'push']);
    for (const phoneNumber of ['', '0123', '123456789', '+0123456789', '+1 (415) 555-01234567890']) {
      actor.send({ type: 'factor.choose', factor: 'sms', phoneNumber });
      expect(actor.getSnapshot().context.error?.code, phoneNumber).toBe('invalid_phone_number');
    }
    actor.send({ type: 'factor.choose', factor: 'email', email: 'not an address' });
    expect(actor.getSnapshot().context.error?.code).toBe('invalid_email');
    actor.send({ type: 'factor.choose', factor: 'voice', phoneNumber: '+14155550123' });
    expect(actor.getSnapshot().context.error?.code).toBe('unsupported_factor');
    expect(count('associate')).toBe(0);

    actor.send({ type: 'factor.choose', factor: 'sms', phoneNumber: '+1 (415) 555-0123' });
    await waitFor(actor, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    expect(inputs('associate')).toEqual([{ bearer: 'mfa-token', factor: 'sms', phoneNumber: '+14155550123' }]);
    expect(actor.getSnapshot().hasTag('needsCode')).toBe(true);
    actor.send({ type: 'otp.submit', otp: '123 456' });
    await waitFor(actor, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }));
    expect(inputs('verifyCode')).toEqual([{ mfaToken: 'mfa-token', otp: '123456', oobCode: 'oob-enroll' }]);
    actor.send({ type: 'recoveryCodes.acknowledge' });
    expect(actor.getSnapshot().output).toMatchObject({ outcome: 'authenticated', enrolled: true });
    expect(actor.getSnapshot().context).toMatchObject({ factorChoice: null, oobCode: null, enrollment: null });
  });

  it('one factor that needs nothing typed is taken by itself; without factors the chart enrolls an app as before', async () => {
    const push = start({ associate: ['hang'] }, { intent: 'enroll', factors: ['push'] });
    expect(push.actor.getSnapshot().matches({ step: 'associating' })).toBe(true);
    expect(push.inputs('associate')).toEqual([{ bearer: 'mfa-token', factor: 'push' }]);
    const app = start({ associate: ['hang'] }, { intent: 'enroll' });
    expect(app.inputs('associate')).toEqual([{ bearer: 'mfa-token', factor: 'otp' }]);
  });

  it('a wrong SMS code stays at the input as invalid_binding_code; an expired one asks to choose again', async () => {
    const { actor, inputs } = start(
      { associate: [{ ok: SMS_ENROLLMENT }], verifyCode: [{ fail: 'invalid_binding_code' }, { fail: 'oob_code_expired' }] },
      { intent: 'enroll', factors: ['sms', 'otp'] },
    );
    actor.send({ type: 'factor.choose', factor: 'sms', phoneNumber: '+14155550123' });
    await waitFor(actor, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    actor.send({ type: 'otp.submit', otp: '111111' });
    await waitFor(actor, (s) => s.context.error !== null);
    expect(actor.getSnapshot().matches({ step: { awaitingConfirmation: 'idle' } })).toBe(true);
    expect(actor.getSnapshot().context.error?.code).toBe('invalid_binding_code');
    actor.send({ type: 'otp.submit', otp: '222222' });
    await waitFor(actor, (s) => s.matches({ step: 'choosingFactor' }));
    expect(actor.getSnapshot().context).toMatchObject({ error: { code: 'oob_code_expired' }, factorChoice: null });
    expect(inputs('associate')).toHaveLength(1);
  });
});

describe('mfa_requirements', () => {
  it('enroll: only the offered factors the server allows (phone → SMS and voice), and no probing associate', async () => {
    const { actor } = start({}, { intent: 'challenge', factors: ['otp', 'sms', 'voice', 'email'], mfaRequirements: { enroll: ['phone'] } });
    expect(actor.getSnapshot().matches({ step: 'choosingFactor' })).toBe(true);
    expect(actor.getSnapshot().context.enrollableFactors).toEqual(['sms', 'voice']);
  });

  it('enroll, none of them offered: failed with unsupported_factor, nothing sent', async () => {
    const { actor, calls } = start({}, { intent: 'enroll', factors: ['otp'], mfaRequirements: { enroll: ['push-notification'] } });
    expect(actor.getSnapshot().value).toBe('failed');
    expect(actor.getSnapshot().context.error?.code).toBe('unsupported_factor');
    expect(calls).toHaveLength(0);
  });

  it('challenge + intent enroll: list, challenge, verify, associate, confirm — five requests, no probe', async () => {
    const { actor, calls, inputs } = start(
      {
        listAuthenticators: [{ ok: [otp('totp|a')] }],
        challenge: [{ ok: {} }],
        verifyCode: [{ ok: { ...TOKENS, accessToken: 'enroll-at' } }, { ok: TOKENS }],
        associate: [{ ok: { factor: 'sms', oobCode: 'oob-second' } }], // no recovery code: the user has one
      },
      { intent: 'enroll', factors: ['sms'], mfaRequirements: { challenge: ['otp'] } },
    );
    await waitFor(actor, (s) => s.matches({ step: { verifying: 'idle' } }));
    actor.send({ type: 'otp.submit', otp: '111111' });
    await waitFor(actor, (s) => s.matches({ step: 'choosingFactor' }));
    actor.send({ type: 'factor.choose', factor: 'sms', phoneNumber: '+447700900123' });
    await waitFor(actor, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    actor.send({ type: 'otp.submit', otp: '222222' });
    await waitFor(actor, (s) => s.status === 'done');
    expect(calls.map((c) => c.service)).toEqual(['listAuthenticators', 'challenge', 'verifyCode', 'associate', 'verifyCode']);
    expect(inputs('verifyCode')[0]).toMatchObject({ audience: 'https://tenant.test/mfa/', scope: 'enroll' });
    expect(inputs('associate')).toEqual([{ bearer: 'enroll-at', factor: 'sms', phoneNumber: '+447700900123' }]);
    expect(actor.getSnapshot().output).toMatchObject({ outcome: 'authenticated', enrolled: true });
  });
});

describe('codes sent by message', () => {
  async function atSmsCode(script: Parameters<typeof scriptedMachine>[0] = {}) {
    const started = start({ listAuthenticators: [{ ok: [oob('sms|d1', 'sms', '+1••••0123')] }], challenge: [{ ok: { oobCode: 'oob-1' } }, { ok: { oobCode: 'oob-2' } }], ...script });
    await waitFor(started.actor, (s) => s.matches({ step: { verifying: 'idle' } }));
    return started;
  }

  it('"send the code again" is refused locally during the cooldown, then sends a new challenge', async () => {
    const { actor, clock, count } = await atSmsCode();
    expect(actor.getSnapshot().context).toMatchObject({ oobCode: 'oob-1', timers: { canResend: false, resendAvailableAt: 30_000 } });
    actor.send({ type: 'code.resend' });
    expect(actor.getSnapshot().context.error?.code).toBe('resend_too_soon');
    expect(count('challenge')).toBe(1);
    clock.increment(29_999);
    expect(actor.getSnapshot().context.timers.canResend).toBe(false);
    clock.increment(1);
    expect(actor.getSnapshot().context.timers.canResend).toBe(true);
    actor.send({ type: 'code.resend' });
    await waitFor(actor, (s) => s.matches({ step: { verifying: 'idle' } }) && s.context.oobCode === 'oob-2');
    expect(count('challenge')).toBe(2);
    expect(actor.getSnapshot().context).toMatchObject({ timers: { canResend: false }, error: null });
  });

  it('the code goes with its oob_code; an app code has no resend at all', async () => {
    const { actor, inputs } = await atSmsCode({ verifyCode: [{ ok: TOKENS }] });
    actor.send({ type: 'otp.submit', otp: '654321' });
    await waitFor(actor, (s) => s.status === 'done');
    expect(inputs('verifyCode')).toEqual([{ mfaToken: 'mfa-token', otp: '654321', oobCode: 'oob-1' }]);

    const app = start({ listAuthenticators: [{ ok: [otp('totp|a')] }], challenge: [{ ok: {} }] });
    await waitFor(app.actor, (s) => s.matches({ step: { verifying: 'idle' } }));
    app.clock.increment(60_000);
    app.actor.send({ type: 'code.resend' });
    expect(app.count('challenge')).toBe(1);
    expect(app.actor.getSnapshot().context).toMatchObject({ timers: { canResend: false }, error: null });
  });

  it('an expired code says so and lets the user ask for another at once; too many messages is a wait, not an error loop', async () => {
    const { actor, count } = await atSmsCode({ verifyCode: [{ fail: 'oob_code_expired' }] });
    actor.send({ type: 'otp.submit', otp: '111111' });
    await waitFor(actor, (s) => s.context.error?.code === 'oob_code_expired');
    expect(actor.getSnapshot().matches({ step: { verifying: 'idle' } })).toBe(true);

    const limited = start({ listAuthenticators: [{ ok: [oob('sms|d1', 'sms')] }], challenge: [{ fail: 'too_many_messages', retryAfterMs: 3_600_000 }] });
    await waitFor(limited.actor, (s) => s.matches('locked'));
    expect(limited.actor.getSnapshot().context.timers.waitUntil).toBe(3_600_000);
    expect(count('challenge')).toBe(1);
  });

  it('"use another method" goes back to the list from the code input', async () => {
    const { actor } = start({
      listAuthenticators: [{ ok: [oob('sms|d1', 'sms'), otp('totp|a')] }],
      challenge: [{ ok: { oobCode: 'oob-1' } }],
    });
    await waitFor(actor, (s) => s.matches({ step: { listing: 'choosing' } }));
    actor.send({ type: 'authenticator.select', authenticatorId: 'sms|d1' });
    await waitFor(actor, (s) => s.matches({ step: { verifying: 'idle' } }));
    actor.send({ type: 'authenticator.change' });
    expect(actor.getSnapshot().value).toEqual({ step: { listing: 'choosing' } });
    expect(actor.getSnapshot().context.oobCode).toBeNull();
  });
});

describe('push: the wait for the device is states and timers, not a hidden loop', () => {
  async function atPush(pollReplies: Parameters<typeof scriptedMachine>[0]['pollDevice'], extra: Parameters<typeof scriptedMachine>[0] = {}) {
    const started = start({
      listAuthenticators: [{ ok: [oob('push|p1', 'auth0'), otp('totp|a', false)] }],
      challenge: [{ ok: { oobCode: 'oob-push' } }],
      pollDevice: pollReplies,
      ...extra,
    });
    await waitFor(started.actor, (s) => s.matches({ step: { verifying: 'waitingForDevice' } }));
    return started;
  }

  it('polls every interval while pending, more slowly after slow_down, and signs in when the phone approves', async () => {
    const { actor, clock, count, inputs } = await atPush([{ fail: 'authorization_pending' }, { fail: 'slow_down' }, { fail: 'authorization_pending' }, { ok: TOKENS }]);
    expect(actor.getSnapshot().hasTag('waitingForDevice')).toBe(true);
    expect(actor.getSnapshot().hasTag('busy')).toBe(false);
    expect(count('pollDevice')).toBe(0); // the first poll waits an interval too
    clock.increment(5_000);
    await waitFor(actor, (s) => s.matches({ step: { verifying: { waitingForDevice: 'waiting' } } }) && count('pollDevice') === 1);
    clock.increment(5_000); // → slow_down: the interval becomes 10 s
    await waitFor(actor, () => count('pollDevice') === 2);
    await waitFor(actor, (s) => s.context.timers.pollIntervalMs === 10_000);
    clock.increment(9_999);
    expect(count('pollDevice')).toBe(2);
    clock.increment(1);
    await waitFor(actor, () => count('pollDevice') === 3);
    await waitFor(actor, (s) => s.matches({ step: { verifying: { waitingForDevice: 'waiting' } } }));
    clock.increment(10_000);
    await waitFor(actor, (s) => s.status === 'done');
    expect(inputs('pollDevice')[0]).toEqual({ mfaToken: 'mfa-token', oobCode: 'oob-push' });
    expect(actor.getSnapshot().output).toMatchObject({ outcome: 'authenticated' });
  });

  it('a refusal on the phone, or an expired push, have their own state; "send again" makes a new challenge', async () => {
    const { actor, clock, count } = await atPush([{ fail: 'push_rejected' }], { challenge: [{ ok: { oobCode: 'oob-push' } }, { ok: { oobCode: 'oob-push-2' } }] });
    clock.increment(5_000);
    await waitFor(actor, (s) => s.matches({ step: { verifying: 'deviceAnswered' } }));
    expect(actor.getSnapshot().context.error?.code).toBe('push_rejected');
    actor.send({ type: 'code.resend' });
    await waitFor(actor, (s) => s.matches({ step: { verifying: 'waitingForDevice' } }) && s.context.oobCode === 'oob-push-2');
    expect(count('challenge')).toBe(2);
  });

  it('leaving the wait (cancel, another method) stops polling and aborts the poll in flight', async () => {
    const { actor, clock, calls, count } = await atPush(['hang']);
    clock.increment(5_000);
    await waitFor(actor, () => count('pollDevice') === 1);
    const { signal } = calls.find((c) => c.service === 'pollDevice')!;
    expect(signal.aborted).toBe(false);
    actor.send({ type: 'cancel' });
    expect(signal.aborted).toBe(true);
    clock.increment(60_000);
    expect(count('pollDevice')).toBe(1);
  });

  it('a recovery code is still accepted while the push waits', async () => {
    const { actor, inputs } = await atPush(['hang'], { verifyRecoveryCode: [{ ok: { tokens: TOKENS, recoveryCode: 'N'.repeat(24) } }] });
    actor.send({ type: 'recoveryCode.submit', recoveryCode: 'A'.repeat(24) });
    await waitFor(actor, (s) => s.status === 'done');
    expect(inputs('verifyRecoveryCode')).toHaveLength(1);
    expect(actor.getSnapshot().output).toMatchObject({ outcome: 'authenticated', newRecoveryCode: 'N'.repeat(24) });
  });

  it('enrolling push: the Guardian QR, then the same wait; a refusal asks to choose again', async () => {
    const { actor, clock } = start(
      { associate: [{ ok: PUSH_ENROLLMENT }], pollDevice: [{ fail: 'push_rejected' }] },
      { intent: 'enroll', factors: ['push', 'otp'] },
    );
    actor.send({ type: 'factor.choose', factor: 'push' });
    await waitFor(actor, (s) => s.matches({ step: { awaitingConfirmation: 'waitingForDevice' } }));
    expect(actor.getSnapshot().context.enrollment).toEqual(PUSH_ENROLLMENT);
    clock.increment(5_000);
    await waitFor(actor, (s) => s.matches({ step: 'choosingFactor' }));
    expect(actor.getSnapshot().context.error?.code).toBe('push_rejected');
  });
});
