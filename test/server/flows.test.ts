// Whole flows through `mfa-flow/server` against the emulator: an authenticator app enrolled then
// challenged, SMS with the code read from the outbox, push answered on the emulated device. The
// browser sees views only; the app's callback gets the tokens once per sign-in.
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, createServerHarness } from './serverHarness.js';

describe('an authenticator app through the server', () => {
  it('enrolls, shows the recovery codes once, hands the tokens to onAuthenticated and none to the browser', async () => {
    const h = createServerHarness();
    const browser = h.browser();
    const started = await browser.start({ intent: 'enroll' });
    expect(started.status).toBe(200);
    expect(started.view).toMatchObject({ state: 'step.needMfaToken.idle', tags: ['needsCredentials'], intent: 'enroll' });

    const enrolling = await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    expect(enrolling.status).toBe(200);
    expect(enrolling.view.state).toBe('step.awaitingConfirmation.idle');
    const enrollment = enrolling.view.enrollment;
    if (enrollment?.factor !== 'otp') throw new Error(`expected an app enrollment, got ${enrolling.text}`);
    expect(h.calls).toEqual(['POST /oauth/token password', 'POST /mfa/associate']);

    const confirmed = await browser.send({ type: 'otp.submit', otp: h.emu.otpNow(enrollment.secret) });
    expect(confirmed.view.state).toBe('step.awaitingConfirmation.acknowledgingRecoveryCodes');
    expect(confirmed.view.recoveryCodes).toHaveLength(1);
    expect(confirmed.view.enrollment).toBeNull();
    expect(h.signIns).toHaveLength(0);

    const done = await browser.send({ type: 'recoveryCodes.acknowledge' });
    expect(done.view).toMatchObject({ state: 'authenticated', status: 'done', outcome: 'authenticated', enrolled: true });
    expect(h.signIns).toHaveLength(1);
    expect(h.signIns[0]!.output).toMatchObject({ outcome: 'authenticated', enrolled: true, tokens: { accessToken: expect.any(String) } });

    // The ended flow keeps answering its last view, and never calls the app again.
    const again = await browser.view();
    expect(again.view).toEqual(done.view);
    await browser.send({ type: 'retry' });
    expect(h.signIns).toHaveLength(1);
    expect(h.calls.filter((c) => c === 'POST /mfa/associate')).toHaveLength(1);
    expect(h.leaks()).toEqual([]);
  });

  it('challenges an enrolled user; a wrong code is an error in the view, the right one signs in', async () => {
    const h = createServerHarness();
    const { secret } = await h.emu.enroll();
    const browser = h.browser();
    await browser.start();
    const challenged = await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    expect(challenged.view).toMatchObject({ state: 'step.verifying.idle', tags: ['needsCode'] });
    expect(challenged.view.authenticators).toEqual([{ id: expect.any(String), factor: 'otp', label: expect.any(String) }]);

    const wrong = await browser.send({ type: 'otp.submit', otp: h.emu.otpNow(secret, 5) });
    expect(wrong.status).toBe(200);
    expect(wrong.view).toMatchObject({ state: 'step.verifying.idle', error: { code: 'invalid_otp' } });

    const done = await browser.send({ type: 'otp.submit', otp: h.emu.otpNow(secret) });
    expect(done.view).toMatchObject({ outcome: 'authenticated', enrolled: false });
    expect(h.signIns).toHaveLength(1);
    expect(h.calls.filter((c) => c.endsWith('mfa-otp'))).toHaveLength(2);
    expect(h.leaks()).toEqual([]);
  });

  it('each flow gets its own sign-in id', async () => {
    const h = createServerHarness();
    const { secret } = await h.emu.enroll();
    for (const step of [0, 1]) {
      const browser = h.browser();
      await browser.start();
      await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
      await browser.send({ type: 'otp.submit', otp: h.emu.otpNow(secret) });
      h.emu.clock.advance(30_000);
      expect(h.signIns, `flow ${step}`).toHaveLength(step + 1);
    }
    expect(h.signIns[0]!.signIn.id).not.toBe(h.signIns[1]!.signIn.id);
  });
});

describe('an MFA token the app already holds', () => {
  it('startWith gives it for the request: the flow starts at the challenge, no password grant, the token never in a view', async () => {
    let appToken: string | null = null;
    const h = createServerHarness({ handler: { startWith: (request) => (request.headers.get('x-session') === 'mine' && appToken ? { mfaToken: appToken } : null) } });
    const { secret } = await h.emu.enroll();
    appToken = await h.emu.mfaToken();
    h.secrets.add(appToken);
    const browser = h.browser();
    const started = await browser.request('POST', '/start', { json: {}, headers: { 'x-session': 'mine' } });
    expect(started.view).toMatchObject({ state: 'step.verifying.idle', tags: ['needsCode'] });
    expect(h.calls).toEqual(['GET /mfa/authenticators', 'POST /mfa/challenge']);
    const done = await browser.send({ type: 'otp.submit', otp: h.emu.otpNow(secret) });
    expect(done.view.outcome).toBe('authenticated');
    expect(h.signIns).toHaveLength(1);
    expect(h.leaks()).toEqual([]);

    const without = h.browser();
    expect((await without.start()).view.state).toBe('step.needMfaToken.idle');
  });

  it('a startWith that throws → 503 callback_failed, and no flow is made', async () => {
    const h = createServerHarness({ handler: { startWith: () => { throw new Error('session store down'); } } });
    const browser = h.browser();
    const answer = await browser.start();
    expect(answer.status).toBe(503);
    expect(answer.body.error).toBe('callback_failed');
    expect(answer.text).not.toContain('session store down');
    expect(browser.cookie).toBeNull();
  });
});

describe('SMS through the server', () => {
  it('enrolls a phone with the code from the outbox; the view says where the code went, never the code', async () => {
    const h = createServerHarness({ handler: { factors: ['otp', 'sms'] } });
    const browser = h.browser();
    await browser.start({ intent: 'enroll' });
    const choosing = await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    expect(choosing.view).toMatchObject({ state: 'step.choosingFactor', enrollableFactors: ['otp', 'sms'] });

    const sent = await browser.send({ type: 'factor.choose', factor: 'sms', phoneNumber: '+14155550123' });
    expect(sent.view).toMatchObject({ state: 'step.awaitingConfirmation.idle', enrollment: { factor: 'sms' }, factorChoice: { factor: 'sms', phoneNumber: '+14155550123' } });
    expect(sent.view.canResend).toBe(false);
    expect(sent.view.resendAvailableAt).toBeGreaterThan(Date.now());

    const code = await h.emu.codeFor('+14155550123');
    const acknowledging = await browser.send({ type: 'otp.submit', otp: code });
    expect(acknowledging.view.state).toBe('step.awaitingConfirmation.acknowledgingRecoveryCodes');
    const done = await browser.send({ type: 'recoveryCodes.acknowledge' });
    expect(done.view.outcome).toBe('authenticated');
    expect(h.signIns).toHaveLength(1);
    expect(h.leaks()).toEqual([]);
  });
});

describe('push through the server', () => {
  it('waits for the device between requests: each GET /view at nextPollAt polls once, the accepted push signs in', async () => {
    const h = createServerHarness({ emulator: { pollIntervalSeconds: 1 } });
    const { device } = await h.emu.enrollOob('push');
    expect(device).toBeDefined();
    const browser = h.browser();
    await browser.start();
    // Guardian also enrolls an app code: the user picks the push.
    const choosing = await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    expect(choosing.view.state).toBe('step.listing.choosing');
    const push = choosing.view.authenticators.find((a) => a.factor === 'push');
    const waiting = await browser.send({ type: 'authenticator.select', authenticatorId: push!.id });
    expect(waiting.view).toMatchObject({ state: 'step.verifying.waitingForDevice.waiting', tags: ['waitingForDevice'] });
    const pushes = await h.emu.pushRequests();
    expect(pushes).toHaveLength(1);

    // Not yet due: the view is answered without a poll.
    const polls = () => h.calls.filter((c) => c.endsWith('mfa-oob')).length;
    const early = await browser.view();
    expect(early.view.state).toBe('step.verifying.waitingForDevice.waiting');
    expect(polls()).toBe(0);

    // Due: one poll, still pending.
    await waitUntil(waiting.view.nextPollAt!);
    h.emu.clock.advance(1_000);
    const pending = await browser.view();
    expect(pending.view.state).toBe('step.verifying.waitingForDevice.waiting');
    expect(polls()).toBe(1);

    const accepted = await h.emu.answerPush(pushes[0]!.id, 'accept');
    expect(accepted.status, accepted.text).toBe(200);
    await waitUntil(pending.view.nextPollAt!);
    h.emu.clock.advance(1_000);
    const done = await browser.view();
    expect(done.view).toMatchObject({ state: 'authenticated', outcome: 'authenticated' });
    expect(polls()).toBe(2);
    expect(h.calls.filter((c) => c === 'POST /mfa/challenge')).toHaveLength(1);
    expect(h.signIns).toHaveLength(1);
    expect(h.leaks()).toEqual([]);
  });
});

/** Resolves once the wall clock reaches `epochMs` (a push's next poll is a wall time). */
function waitUntil(epochMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now()) + 5));
}
