// The chart's own decisions, with scripted services: branches, guards, timers and the rules
// every state keeps. Flows over real HTTP live in test/flow.
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock, waitFor } from 'xstate';
import { ENROLLMENT, TOKENS, oob, otp, scriptedMachine, type Reply } from './fakeServices.js';
import { otpEnrollment } from '../helpers/enrollment.js';

const INPUT = { mfaAudience: 'https://tenant.test/mfa/' } as const;

function start(script: Parameters<typeof scriptedMachine>[0], input: Record<string, unknown> = {}) {
  const scripted = scriptedMachine(script);
  const clock = new SimulatedClock();
  const actor = createActor(scripted.machine, {
    input: { ...INPUT, intent: 'challenge', mfaToken: 'mfa-token', ...input } as never,
    clock,
  });
  actor.start();
  return { ...scripted, actor, clock };
}

const value = (actor: { getSnapshot(): { value: unknown } }) => actor.getSnapshot().value;

describe('routing', () => {
  it('asks for credentials without a token, then routes a challenge intent to listing', async () => {
    const { actor, calls } = start(
      { passwordGrant: [{ ok: { kind: 'mfa_required', mfaToken: 'fresh' } }], listAuthenticators: ['hang'] },
      { mfaToken: undefined },
    );
    expect(value(actor)).toEqual({ step: { needMfaToken: 'idle' } });
    expect(actor.getSnapshot().hasTag('needsCredentials')).toBe(true);
    actor.send({ type: 'credentials.submit', username: ' demo@example.com ', password: 'pw' });
    expect(actor.getSnapshot().hasTag('busy')).toBe(true);
    await waitFor(actor, (s) => s.matches({ step: 'listing' }));
    expect(calls[0]?.input).toEqual({ username: 'demo@example.com', password: 'pw' });
    expect(actor.getSnapshot().context.mfaToken).toBe('fresh');
  });

  it('refuses blank credentials without calling the server', () => {
    const { actor, calls } = start({}, { mfaToken: undefined });
    actor.send({ type: 'credentials.submit', username: '  ', password: 'x' });
    expect(value(actor)).toEqual({ step: { needMfaToken: 'idle' } });
    expect(actor.getSnapshot().context.error?.code).toBe('invalid_credentials');
    expect(calls).toHaveLength(0);
  });

  it('a wrong password keeps the user on the form with invalid_credentials', async () => {
    const { actor } = start({ passwordGrant: [{ fail: 'invalid_credentials' }] }, { mfaToken: undefined });
    actor.send({ type: 'credentials.submit', username: 'a@b.c', password: 'nope' });
    await waitFor(actor, (s) => s.context.error !== null);
    expect(value(actor)).toEqual({ step: { needMfaToken: 'idle' } });
    expect(actor.getSnapshot().context.error?.code).toBe('invalid_credentials');
  });

  it('an enroll intent associates first and shows the secret', async () => {
    const { actor } = start({ associate: [{ ok: { ...ENROLLMENT, recoveryCodes: ['A'.repeat(24)] } }] }, { intent: 'enroll' });
    await waitFor(actor, (s) => s.matches({ step: 'awaitingConfirmation' }));
    expect(otpEnrollment(actor.getSnapshot().context.enrollment).secret).toBe(ENROLLMENT.secret);
    expect(actor.getSnapshot().hasTag('needsCode')).toBe(true);
  });
});

describe('never loops between associate and listing', () => {
  it('already enrolled → listing → nothing to challenge ends in failed, with one call each', async () => {
    const { actor, count } = start(
      { associate: [{ fail: 'already_enrolled' }], listAuthenticators: [{ ok: [] }] },
      { intent: 'enroll' },
    );
    await waitFor(actor, (s) => s.matches('failed'));
    expect(actor.getSnapshot().context.error?.code).toBe('no_authenticator');
    expect([count('associate'), count('listAuthenticators')]).toEqual([1, 1]);
  });

  it('listing → none → associating → already enrolled ends in failed, with one call each', async () => {
    const { actor, count } = start({ listAuthenticators: [{ ok: [] }], associate: [{ fail: 'already_enrolled' }] });
    await waitFor(actor, (s) => s.matches('failed'));
    expect(actor.getSnapshot().context.error?.code).toBe('already_enrolled');
    expect([count('associate'), count('listAuthenticators')]).toEqual([1, 1]);
  });
});

describe('listing', () => {
  it('several authenticator apps need no choice: a code of any of them works (the mfa-otp grant names none)', async () => {
    const { actor, calls } = start({ listAuthenticators: [{ ok: [otp('totp|a'), otp('totp|b')] }], challenge: [{ ok: {} }] });
    await waitFor(actor, (s) => s.matches({ step: 'verifying' }));
    expect(calls.find((c) => c.service === 'challenge')?.input).toEqual({ mfaToken: 'mfa-token', authenticatorId: 'totp|a', factor: 'otp' });
  });

  it('different factors wait for a choice, each with a label a person reads; an unknown id is refused', async () => {
    const { actor, calls } = start({
      listAuthenticators: [{ ok: [
        otp('totp|a'),
        oob('sms|d1', 'sms', 'XXXXXXXX0123'),
        oob('voice|d1', 'voice', 'XXXXXXXX0123'),
        oob('email|e1', 'email', 'j***@example.com'),
        oob('push|p1', 'auth0', 'Pixel 8'),
        otp('totp|old', false),
        { id: 'recovery-code|r', authenticatorType: 'recovery-code', active: true },
      ] }],
      challenge: [{ ok: { oobCode: 'oob-1' } }],
    });
    await waitFor(actor, (s) => s.matches({ step: { listing: 'choosing' } }));
    expect(actor.getSnapshot().context.authenticators).toEqual([
      { id: 'totp|a', factor: 'otp', label: 'Authenticator app' },
      { id: 'sms|d1', factor: 'sms', label: 'SMS to ••••0123' },
      { id: 'voice|d1', factor: 'voice', label: 'Call to ••••0123' },
      { id: 'email|e1', factor: 'email', label: 'Email to j••@example.com' },
      { id: 'push|p1', factor: 'push', label: 'Push to your phone' },
    ]);
    actor.send({ type: 'authenticator.select', authenticatorId: 'totp|old' });
    expect(actor.getSnapshot().context.error?.code).toBe('unsupported_factor');
    actor.send({ type: 'authenticator.select', authenticatorId: 'sms|d1' });
    await waitFor(actor, (s) => s.matches({ step: 'verifying' }));
    expect(calls.find((c) => c.service === 'challenge')?.input).toEqual({ mfaToken: 'mfa-token', authenticatorId: 'sms|d1', factor: 'sms' });
    expect(actor.getSnapshot().context.oobCode).toBe('oob-1');
  });

  it('only factors this chart does not know (e.g. WebAuthn) → failed with unsupported_factor', async () => {
    const { actor } = start({ listAuthenticators: [{ ok: [{ id: 'webauthn|1', authenticatorType: 'webauthn-roaming', active: true }] }] });
    await waitFor(actor, (s) => s.matches('failed'));
    expect(actor.getSnapshot().context.error?.code).toBe('unsupported_factor');
  });
});

describe('codes', () => {
  async function atVerifying(verify: Reply[], extra: Parameters<typeof scriptedMachine>[0] = {}) {
    const started = start({ listAuthenticators: [{ ok: [otp('totp|a')] }], challenge: [{ ok: {} }], verifyCode: verify, ...extra });
    await waitFor(started.actor, (s) => s.matches({ step: { verifying: 'idle' } }));
    return started;
  }

  it('malformed OTPs and recovery codes never reach a service', async () => {
    const { actor, count } = await atVerifying([{ ok: TOKENS }]);
    for (const bad of ['12345', '1234567', 'abcdef', '', '12 34 5']) {
      actor.send({ type: 'otp.submit', otp: bad });
      expect(actor.getSnapshot().context.error?.code).toBe('invalid_otp');
    }
    actor.send({ type: 'recoveryCode.submit', recoveryCode: 'too-short' });
    expect(actor.getSnapshot().context.error?.code).toBe('invalid_recovery_code');
    expect(count('verifyCode') + count('verifyRecoveryCode')).toBe(0);
    expect(value(actor)).toEqual({ step: { verifying: 'idle' } });
  });

  it('normalises before sending: spaces in an OTP, case and dashes in a recovery code', async () => {
    const { actor, calls } = await atVerifying([{ fail: 'invalid_otp' }], {
      verifyRecoveryCode: [{ ok: { tokens: TOKENS, recoveryCode: 'NEWCODE' } }],
    });
    actor.send({ type: 'otp.submit', otp: ' 123 456 ' });
    await waitFor(actor, (s) => s.matches({ step: { verifying: 'idle' } }) && s.context.error !== null);
    expect(actor.getSnapshot().context.error?.code).toBe('invalid_otp');
    actor.send({ type: 'recoveryCode.submit', recoveryCode: 'abcd-efgh-ijkl-mnop-qrst-uvwx' });
    await waitFor(actor, (s) => s.status === 'done');
    expect(calls.map((c) => c.input.otp ?? c.input.recoveryCode).filter(Boolean)).toEqual(['123456', 'ABCDEFGHIJKLMNOPQRSTUVWX']);
    expect(actor.getSnapshot().output).toEqual({ outcome: 'authenticated', tokens: TOKENS, newRecoveryCode: 'NEWCODE', enrolled: false });
  });

  it('a lockout is its own state: retry waits for the server-advised time', async () => {
    const { actor, clock, count } = await atVerifying([{ fail: 'too_many_attempts', retryAfterMs: 360_000 }, { ok: TOKENS }]);
    actor.send({ type: 'otp.submit', otp: '000000' });
    await waitFor(actor, (s) => s.matches('locked'));
    expect(actor.getSnapshot().context.error).toMatchObject({ code: 'too_many_attempts', retryAfterMs: 360_000 });
    actor.send({ type: 'retry' });
    expect(value(actor)).toEqual({ locked: 'waiting' });
    clock.increment(359_999);
    expect(value(actor)).toEqual({ locked: 'waiting' });
    clock.increment(1);
    expect(value(actor)).toEqual({ locked: 'ready' });
    actor.send({ type: 'retry' });
    expect(value(actor)).toEqual({ step: { verifying: 'idle' } });
    expect(count('verifyCode')).toBe(1);
  });

  it('another 429 waits the advised time, then re-sends the same code once', async () => {
    const { actor, clock, calls, count } = await atVerifying([{ fail: 'rate_limited', retryAfterMs: 2_000 }, { ok: TOKENS }]);
    actor.send({ type: 'otp.submit', otp: '654321' });
    await waitFor(actor, (s) => s.matches('rateLimited'));
    expect(actor.getSnapshot().hasTag('busy')).toBe(true);
    clock.increment(1_999);
    expect(count('verifyCode')).toBe(1);
    clock.increment(1);
    await waitFor(actor, (s) => s.status === 'done');
    expect(calls.filter((c) => c.service === 'verifyCode').map((c) => c.input.otp)).toEqual(['654321', '654321']);
    expect(actor.getSnapshot().context.submission).toBeNull();
  });
});

describe('rules every state keeps', () => {
  it('the MFA token lifetime runs as a timer back to needMfaToken', async () => {
    const { actor, clock } = start({ listAuthenticators: [{ ok: [otp('totp|a')] }], challenge: [{ ok: {} }] }, { mfaTokenTtlMs: 60_000 });
    await waitFor(actor, (s) => s.matches({ step: 'verifying' }));
    clock.increment(59_999);
    expect(actor.getSnapshot().matches({ step: 'verifying' })).toBe(true);
    clock.increment(1);
    expect(value(actor)).toEqual({ step: { needMfaToken: 'idle' } });
    expect(actor.getSnapshot().context).toMatchObject({ mfaToken: null, error: { code: 'mfa_token_expired' } });
  });

  it('an expired_token answer leads to needMfaToken and cancels the old timer', async () => {
    const { actor, clock } = start(
      { listAuthenticators: [{ fail: 'mfa_token_expired' }], passwordGrant: [{ ok: { kind: 'mfa_required', mfaToken: 't2' } }] },
      { mfaTokenTtlMs: 60_000 },
    );
    await waitFor(actor, (s) => s.matches({ step: 'needMfaToken' }));
    expect(actor.getSnapshot().context.error?.code).toBe('mfa_token_expired');
    clock.increment(60_000);
    expect(actor.getSnapshot().context.error?.code).toBe('mfa_token_expired');
    expect(value(actor)).toEqual({ step: { needMfaToken: 'idle' } });
  });

  it('cancel aborts the request in flight and nothing happens after', async () => {
    const { actor, calls } = start({ listAuthenticators: ['hang'] });
    await waitFor(actor, (s) => s.matches({ step: 'listing' }));
    const { signal } = calls[0]!;
    expect(signal.aborted).toBe(false);
    actor.send({ type: 'cancel' });
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().value).toBe('cancelled');
    expect(signal.aborted).toBe(true);
    // A final state runs no service: nothing can follow, and nothing did.
    expect(actor.getSnapshot().children).toEqual({});
    expect(calls).toHaveLength(1);
  });

  it('failed keeps the step (its history); retry re-runs it', async () => {
    const { actor, count } = start({ listAuthenticators: [{ fail: 'server_error' }, { ok: [otp('totp|a')] }], challenge: ['hang'] });
    await waitFor(actor, (s) => s.matches('failed'));
    expect(actor.getSnapshot().context.error).toMatchObject({ code: 'server_error' });
    const history = actor.getSnapshot().historyValue as Record<string, Array<{ id: string }>>;
    expect(history['mfaFlow.step.resume']?.map((node) => node.id)).toEqual(['mfaFlow.step.listing']);
    actor.send({ type: 'retry' });
    await waitFor(actor, (s) => s.matches({ step: 'challenging' }));
    expect(count('listAuthenticators')).toBe(2);
  });

  it('a failed verify resumes at the code input, not by re-sending an old code', async () => {
    const { actor, count } = start({ listAuthenticators: [{ ok: [otp('totp|a')] }], challenge: [{ ok: {} }], verifyCode: [{ fail: 'network' }] });
    await waitFor(actor, (s) => s.matches({ step: { verifying: 'idle' } }));
    actor.send({ type: 'otp.submit', otp: '111111' });
    await waitFor(actor, (s) => s.matches('failed'));
    expect(actor.getSnapshot().context.submission).toBeNull();
    actor.send({ type: 'retry' });
    expect(value(actor)).toEqual({ step: { verifying: 'idle' } });
    expect(count('verifyCode')).toBe(1);
  });
});

describe('enrolment', () => {
  it('first association shows recovery codes and waits for an acknowledgement', async () => {
    const { actor } = start(
      { associate: [{ ok: { ...ENROLLMENT, recoveryCodes: ['R'.repeat(24)] } }], verifyCode: [{ ok: TOKENS }] },
      { intent: 'enroll' },
    );
    await waitFor(actor, (s) => s.matches({ step: 'awaitingConfirmation' }));
    actor.send({ type: 'otp.submit', otp: '123456' });
    await waitFor(actor, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }));
    actor.send({ type: 'recoveryCodes.acknowledge' });
    expect(actor.getSnapshot().output).toEqual({ outcome: 'authenticated', tokens: TOKENS, newRecoveryCode: null, enrolled: true });
  });

  it('reading the recovery codes takes as long as it takes: the MFA token timer no longer runs', async () => {
    const { actor, clock } = start(
      { associate: [{ ok: { ...ENROLLMENT, recoveryCodes: ['R'.repeat(24)] } }], verifyCode: [{ ok: TOKENS }] },
      { intent: 'enroll', mfaTokenTtlMs: 60_000 },
    );
    await waitFor(actor, (s) => s.matches({ step: 'awaitingConfirmation' }));
    actor.send({ type: 'otp.submit', otp: '123456' });
    await waitFor(actor, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }));
    clock.increment(3_600_000);
    expect(actor.getSnapshot().context.enrollment?.recoveryCodes).toEqual(['R'.repeat(24)]);
    expect(actor.getSnapshot().context.mfaToken).toBeNull();
    actor.send({ type: 'recoveryCodes.acknowledge' });
    expect(actor.getSnapshot().output?.outcome).toBe('authenticated');
  });

  it('a finished flow keeps no MFA token, OTP secret or recovery codes', async () => {
    const { actor } = start({ associate: [{ ok: { ...ENROLLMENT, recoveryCodes: ['R'.repeat(24)] } }], verifyCode: [{ ok: TOKENS }] }, { intent: 'enroll' });
    await waitFor(actor, (s) => s.matches({ step: 'awaitingConfirmation' }));
    actor.send({ type: 'otp.submit', otp: '123456' });
    await waitFor(actor, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }));
    actor.send({ type: 'recoveryCodes.acknowledge' });
    const { context } = actor.getSnapshot();
    expect(context).toMatchObject({ mfaToken: null, enrollToken: null, enrollment: null, submission: null, enrolled: true });
    expect(JSON.stringify(context)).not.toContain(ENROLLMENT.secret);
  });

  it('a cancelled flow ends with outcome cancelled, no tokens, and no secrets kept', async () => {
    const { actor } = start({ associate: [{ ok: ENROLLMENT }] }, { intent: 'enroll' });
    await waitFor(actor, (s) => s.matches({ step: 'awaitingConfirmation' }));
    actor.send({ type: 'cancel' });
    expect(actor.getSnapshot().output).toEqual({ outcome: 'cancelled' });
    expect(actor.getSnapshot().context).toMatchObject({ mfaToken: null, enrollment: null });
  });

  it('the acknowledgement can be switched off', async () => {
    const { actor } = start(
      { associate: [{ ok: { ...ENROLLMENT, recoveryCodes: ['R'.repeat(24)] } }], verifyCode: [{ ok: TOKENS }] },
      { intent: 'enroll', requireRecoveryCodeAck: false },
    );
    await waitFor(actor, (s) => s.matches({ step: 'awaitingConfirmation' }));
    actor.send({ type: 'otp.submit', otp: '123456' });
    await waitFor(actor, (s) => s.status === 'done');
    expect(actor.getSnapshot().value).toBe('authenticated');
  });

  it('already enrolled: challenge with an MFA-audience verify, then associate with that token', async () => {
    const { actor, calls } = start(
      {
        associate: [{ fail: 'already_enrolled' }, { ok: ENROLLMENT }],
        listAuthenticators: [{ ok: [otp('totp|a')] }],
        challenge: [{ ok: {} }],
        verifyCode: [{ ok: { ...TOKENS, accessToken: 'enroll-at' } }, { ok: TOKENS }],
      },
      { intent: 'enroll' },
    );
    await waitFor(actor, (s) => s.matches({ step: { verifying: 'idle' } }));
    actor.send({ type: 'otp.submit', otp: '111111' });
    await waitFor(actor, (s) => s.matches({ step: 'awaitingConfirmation' }));
    actor.send({ type: 'otp.submit', otp: '222222' });
    await waitFor(actor, (s) => s.status === 'done');
    const byService = (name: string) => calls.filter((c) => c.service === name).map((c) => c.input);
    expect(byService('associate')).toEqual([{ bearer: 'mfa-token', factor: 'otp' }, { bearer: 'enroll-at', factor: 'otp' }]);
    expect(byService('verifyCode')).toEqual([
      { mfaToken: 'mfa-token', otp: '111111', audience: 'https://tenant.test/mfa/', scope: 'enroll' },
      { mfaToken: 'mfa-token', otp: '222222' },
    ]);
    expect(actor.getSnapshot().output).toMatchObject({ enrolled: true, tokens: TOKENS });
  });
});
