// The per-user attempt bucket: 10 failed codes, then 429 for every code (right ones too),
// one attempt back every 6 minutes, rate-limit headers on the 429.
import { describe, expect, test } from 'vitest';
import { createHarness, DEMO, expectError } from '../helpers/emulatorHarness.js';
import { wrongTotpCode } from '../helpers/totp.js';

const SIX_MINUTES = 360_000;

async function exhaust(h: ReturnType<typeof createHarness>, mfa: string, secret: string, count = 10) {
  for (let i = 0; i < count; i++) {
    expectError(await h.verifyOtp(mfa, wrongTotpCode(secret, h.clock.now())), 403, 'invalid_grant', 'Invalid otp_code.');
    h.clock.advance(1_000);
  }
}

describe('attempt bucket', () => {
  test('10 failures → 429 even with the right code; headers present and right', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    const firstFailureAt = h.clock.now();
    await exhaust(h, mfa, secret);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(0);

    const blocked = await h.verifyOtp(mfa, h.otpNow(secret));
    expectError(blocked, 429, 'too_many_attempts');
    const nextAttemptAt = firstFailureAt + SIX_MINUTES;
    expect(blocked.headers.get('x-ratelimit-limit')).toBe('10');
    expect(blocked.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(blocked.headers.get('x-ratelimit-reset')).toBe(String(Math.ceil(nextAttemptAt / 1000)));
    expect(blocked.headers.get('retry-after')).toBe(String(Math.ceil((nextAttemptAt - h.clock.now()) / 1000)));
    // The refused right code was never checked: no event for it, and the bucket stays empty.
    expect(h.emulator.store.events().filter((e) => e.type === 'code_accepted')).toHaveLength(1); // the enrollment's
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(0);

    expectError(await h.verifyRecoveryCode(mfa, 'A'.repeat(24)), 429, 'too_many_attempts');
  });

  test('6 minutes after the first failure exactly one attempt is back', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    const firstFailureAt = h.clock.now();
    await exhaust(h, mfa, secret);

    h.clock.set(firstFailureAt + SIX_MINUTES - 1);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(0);
    expectError(await h.verifyOtp(mfa, h.otpNow(secret)), 429, 'too_many_attempts');

    h.clock.set(firstFailureAt + SIX_MINUTES);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(1);
    expectError(await h.verifyOtp(mfa, wrongTotpCode(secret, h.clock.now())), 403, 'invalid_grant', 'Invalid otp_code.');
    expectError(await h.verifyOtp(mfa, h.otpNow(secret)), 429, 'too_many_attempts');
  });

  test('the attempt that came back lets the right code through; success does not refill', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    await exhaust(h, mfa, secret);
    h.clock.advance(SIX_MINUTES);
    const ok = await h.verifyOtp(mfa, h.otpNow(secret));
    expect(ok.status, ok.text).toBe(200);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(1);
  });

  test('the bucket refills to its limit and no further', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    await exhaust(h, await h.mfaToken(), secret, 3);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(7);
    h.clock.advance(2 * SIX_MINUTES);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(9);
    h.clock.advance(100 * SIX_MINUTES);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(10);
  });

  test('replays and wrong recovery codes take one each; malformed requests take none', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    const code = h.otpNow(secret);
    expect((await h.verifyOtp(mfa, code)).status).toBe(200);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(10);

    expectError(await h.verifyOtp(mfa, code), 403, 'invalid_grant', 'Invalid otp_code.'); // replay
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(9);
    expectError(await h.verifyRecoveryCode(mfa, 'B'.repeat(24)), 403, 'invalid_grant', 'Invalid recovery_code.');
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(8);

    expectError(await h.token({ grant_type: 'http://auth0.com/oauth/grant-type/mfa-otp', mfa_token: mfa }), 400, 'invalid_request');
    expectError(await h.verifyOtp('garbage', '123456'), 403, 'invalid_grant', 'Malformed mfa_token');
    expectError(await h.verifyOtp(mfa, '123456', { client_secret: 'wrong' }), 401, 'invalid_client');
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(8);
  });

  test('buckets are per user', async () => {
    const h = createHarness({ users: [{ email: DEMO.email, password: DEMO.password }, { email: 'b@example.com', password: 'pw-b' }] });
    const { secret } = await h.enroll();
    await exhaust(h, await h.mfaToken(), secret);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(0);
    expect(h.emulator.store.attemptsRemaining('b@example.com')).toBe(10);
  });

  test('limit and refill period are configurable', async () => {
    const h = createHarness({ attempts: { limit: 2, refillSeconds: 60 } });
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    const start = h.clock.now();
    await exhaust(h, mfa, secret, 2);
    const blocked = await h.verifyOtp(mfa, h.otpNow(secret));
    expectError(blocked, 429, 'too_many_attempts');
    expect(blocked.headers.get('x-ratelimit-limit')).toBe('2');
    expect(blocked.headers.get('x-ratelimit-reset')).toBe(String(Math.ceil((start + 60_000) / 1000)));
    h.clock.set(start + 60_000);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(1);
  });

  test('twenty parallel associations, then their twenty confirmations: the older codes are wrong codes, the user is locked out', async () => {
    const h = createHarness();
    const mfa = await h.mfaToken();
    const associations = await Promise.all(Array.from({ length: 20 }, () => h.associate(mfa)));
    expect(associations.every((a) => a.status === 200)).toBe(true);
    const answers = await Promise.all(associations.map((a) => h.verifyOtp(mfa, h.otpNow(a.body.secret))));
    const count = (status: number) => answers.filter((a) => a.status === status).length;
    // Only the newest association confirms (if its code came before the bucket ran dry); the
    // other nineteen are wrong codes: ten spend the bucket, the rest meet the empty bucket.
    expect(count(200)).toBeLessThanOrEqual(1);
    expect(count(403)).toBe(10);
    expect(count(429)).toBe(20 - 10 - count(200));
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(0);
    h.clock.advance(SIX_MINUTES);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(1);
  });
});
