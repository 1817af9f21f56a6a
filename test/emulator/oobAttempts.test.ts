// One bucket of code attempts per user, whatever the factor: wrong binding codes (SMS, voice,
// email), wrong OTPs and wrong recovery codes all take from it; with it empty every code, right
// or wrong, is 429 too_many_attempts. Push polls guess nothing and take nothing.
import { describe, expect, test } from 'vitest';
import { DEMO, expectError } from '../helpers/emulatorHarness.js';
import { createOobHarness, PHONE } from '../helpers/oobHarness.js';
import { wrongTotpCode } from '../helpers/totp.js';

describe('the attempt bucket across factors', () => {
  test('wrong binding codes, OTPs and recovery codes drain one bucket; then even the right binding code is 429', async () => {
    const h = createOobHarness();
    const { secret } = await h.enroll();
    const access = await h.verifyOtp(await h.mfaToken(), h.otpNow(secret), { audience: h.emulator.mfaAudience, scope: 'enroll' });
    h.clock.advance(30_000);
    const sms = await h.associateOob(access.body.access_token, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: PHONE });
    const mfa = await h.mfaToken();
    const code = await h.codeFor(PHONE);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 4; i++) expectError(await h.verifyOob(mfa, sms.body.oob_code, wrong), 403, 'invalid_grant', 'Invalid binding_code.');
    for (let i = 0; i < 3; i++) expectError(await h.verifyOtp(mfa, wrongTotpCode(secret, h.clock.now())), 403, 'invalid_grant', 'Invalid otp_code.');
    for (let i = 0; i < 3; i++) expectError(await h.verifyRecoveryCode(mfa, 'Z'.repeat(24)), 403, 'invalid_grant', 'Invalid recovery_code.');
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(0);
    const locked = await h.verifyOob(mfa, sms.body.oob_code, code);
    expectError(locked, 429, 'too_many_attempts', 'Too many failed codes. Wait before trying again.');
    expect(locked.headers.get('x-ratelimit-limit')).toBe('10');
    expectError(await h.verifyOtp(mfa, h.otpNow(secret)), 429, 'too_many_attempts');
    expectError(await h.verifyRecoveryCode(mfa, 'Z'.repeat(24)), 429, 'too_many_attempts');
  });

  test('an enrolled SMS user: wrong codes across challenges share the bucket; the bucket refills one per 6 minutes', async () => {
    const h = createOobHarness();
    const { authenticatorId } = await h.enrollOob('sms');
    const mfa = await h.mfaToken();
    for (let round = 0; round < 2; round++) {
      const challenge = await h.challengeOob(mfa, authenticatorId);
      const code = await h.codeFor(PHONE);
      const wrong = String((Number(code) + 7) % 1_000_000).padStart(6, '0');
      for (let i = 0; i < 5; i++) await h.verifyOob(mfa, challenge.body.oob_code, wrong);
    }
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(0);
    h.clock.advance(360_000);
    const challenge = await h.challengeOob(mfa, authenticatorId);
    expect((await h.verifyOob(mfa, challenge.body.oob_code, await h.codeFor(PHONE))).status).toBe(200);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(1);
  });

  test('push does not touch the bucket: a locked-out user can still be let in by the device', async () => {
    const h = createOobHarness();
    const { authenticatorId, device } = await h.enrollOob('push');
    const mfa = await h.mfaToken();
    for (let i = 0; i < 10; i++) await h.verifyOtp(mfa, wrongTotpCode(device?.totpSecret ?? '', h.clock.now()));
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(0);
    const challenge = await h.challengeOob(mfa, authenticatorId);
    expectError(await h.verifyOob(mfa, challenge.body.oob_code), 403, 'authorization_pending');
    await h.answerPush((await h.pushRequests())[0]?.id ?? '', 'accept');
    expect((await h.verifyOob(mfa, challenge.body.oob_code)).status).toBe(200);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(0);
  });
});
