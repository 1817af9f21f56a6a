// Waits that outlive a request: a lockout's end, re-armed from its wall time by whichever request
// loads the flow next; the MFA token's lifetime, which is the record's TTL. And a sign-in with a
// recovery code, whose replacement the view shows once, without the code that was typed.
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, createServerHarness } from './serverHarness.js';

/** Resolves once the wall clock reaches `epochMs`. */
const until = (epochMs: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now()) + 5));

describe('waits across requests', () => {
  it('a lockout: locked until its wall time, then ready on the next request, and a retry goes back to the code', async () => {
    const h = createServerHarness({ emulator: { attempts: { limit: 1, refillSeconds: 1 } } });
    const { secret } = await h.emu.enroll();
    const browser = h.browser();
    await browser.start();
    await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    const wrong = await browser.send({ type: 'otp.submit', otp: h.emu.otpNow(secret, 5) });
    expect(wrong.view.error?.code).toBe('invalid_otp');
    const locked = await browser.send({ type: 'otp.submit', otp: h.emu.otpNow(secret, 6) });
    expect(locked.view).toMatchObject({ state: 'locked.waiting', error: { code: 'too_many_attempts' } });
    expect(locked.view.waitUntil).toBeGreaterThan(Date.now());

    expect((await browser.view()).view.state).toBe('locked.waiting'); // not yet
    await until(locked.view.waitUntil!);
    h.emu.clock.advance(1_000);
    expect((await browser.view()).view.state).toBe('locked.ready');
    const back = await browser.send({ type: 'retry' });
    expect(back.view.state).toBe('step.verifying.idle');
    const done = await browser.send({ type: 'otp.submit', otp: h.emu.otpNow(secret) });
    expect(done.view.outcome).toBe('authenticated');
    expect(h.leaks()).toEqual([]);
  });

  it('the record lives as long as the MFA token: after that the flow is lost (410)', async () => {
    const h = createServerHarness({ handler: { mfaTokenTtlMs: 300 } });
    await h.emu.enroll();
    const browser = h.browser();
    await browser.start();
    const challenged = await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    expect(challenged.view.mfaTokenExpiresAt).toBeLessThanOrEqual(Date.now() + 300);
    await until(challenged.view.mfaTokenExpiresAt!);
    const lost = await browser.view();
    expect(lost.status).toBe(410);
    expect(lost.body.error).toBe('flow_lost');
  });
});

describe('a recovery code through the server', () => {
  it('signs in; the view shows the replacement code once the flow ended, never the code typed', async () => {
    const h = createServerHarness();
    const { recoveryCode } = await h.emu.enroll();
    h.secrets.add(recoveryCode);
    const browser = h.browser();
    await browser.start();
    await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    const done = await browser.send({ type: 'recoveryCode.submit', recoveryCode });
    expect(done.view).toMatchObject({ state: 'authenticated', outcome: 'authenticated' });
    expect(done.view.newRecoveryCode).toMatch(/^[A-Z0-9]{24}$/);
    expect(done.view.newRecoveryCode).not.toBe(recoveryCode);
    expect(h.signIns[0]!.output.newRecoveryCode).toBe(done.view.newRecoveryCode);
    expect(h.leaks()).toEqual([]);
  });
});
