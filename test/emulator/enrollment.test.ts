// Association and confirmation rules: pending authenticators, which code confirms which,
// recovery codes per association, the 50-pending cap and 24 h expiry, and the OTP window and
// replay rules as seen over HTTP.
import { describe, expect, test } from 'vitest';
import { createHarness, DEMO, expectError } from '../helpers/emulatorHarness.js';

const DAY = 24 * 60 * 60 * 1000;

describe('association', () => {
  test('each call creates a new pending authenticator with its own secret and recovery code', async () => {
    const h = createHarness();
    const mfa = await h.mfaToken();
    const first = await h.associate(mfa);
    const second = await h.associate(mfa);
    expect(second.body.secret).not.toBe(first.body.secret);
    expect(second.body.recovery_codes[0]).not.toBe(first.body.recovery_codes[0]);
    const listed = await h.listAuthenticators(mfa);
    expect(listed.body.map((a: { authenticator_type: string; active: boolean }) => `${a.authenticator_type}:${a.active}`)).toEqual([
      'recovery-code:false',
      'otp:false',
      'otp:false',
    ]);
  });

  test('the newest pending authenticator confirms; an older pending one does not, and dies with the confirmation', async () => {
    const h = createHarness();
    const mfa = await h.mfaToken();
    const older = await h.associate(mfa);
    const newer = await h.associate(mfa);
    expectError(await h.verifyOtp(mfa, h.otpNow(older.body.secret)), 403, 'invalid_grant', 'Invalid otp_code.');
    const ok = await h.verifyOtp(mfa, h.otpNow(newer.body.secret));
    expect(ok.status, ok.text).toBe(200);
    const otps = h.emulator.store.authenticators(DEMO.email).filter((a) => a.type === 'otp');
    expect(otps.map((a) => a.active)).toEqual([true]);
    expect(h.emulator.store.events().filter((e) => e.type === 'association_discarded')).toHaveLength(1);
  });

  test("the confirming association's recovery code is the one that works", async () => {
    const h = createHarness();
    const mfa = await h.mfaToken();
    const older = await h.associate(mfa);
    const newer = await h.associate(mfa);
    expect((await h.verifyOtp(mfa, h.otpNow(newer.body.secret))).status).toBe(200);
    expectError(await h.verifyRecoveryCode(mfa, older.body.recovery_codes[0]), 403, 'invalid_grant', 'Invalid recovery_code.');
    expect((await h.verifyRecoveryCode(mfa, newer.body.recovery_codes[0])).status).toBe(200);
  });

  test('before confirmation a recovery code is not usable', async () => {
    const h = createHarness();
    const mfa = await h.mfaToken();
    const association = await h.associate(mfa);
    expectError(await h.verifyRecoveryCode(mfa, association.body.recovery_codes[0]), 403, 'invalid_grant', 'Invalid recovery_code.');
  });

  test('confirmation emits associated → code_accepted → confirmed (otp, then recovery-code)', async () => {
    const h = createHarness();
    await h.enroll();
    const events = h.emulator.store.events().map(({ type, kind }) => `${type}:${kind ?? ''}`);
    expect(events).toEqual(['mfa_token_issued:', 'associated:otp', 'code_accepted:otp', 'confirmed:otp', 'confirmed:recovery-code']);
  });

  test('the form body authenticator_types=otp works too', async () => {
    const h = createHarness();
    const result = await h.send('POST', '/mfa/associate', { bearer: await h.mfaToken(), form: { authenticator_types: 'otp' } });
    expect(result.status, result.text).toBe(200);
  });

  test('tenantName labels the barcode_uri', async () => {
    const h = createHarness({ tenantName: 'Acme Corp', domain: 'acme.eu.auth0.com' });
    const result = await h.associate(await h.mfaToken());
    expect(result.body.barcode_uri).toMatch(/^otpauth:\/\/totp\/Acme%20Corp:demo%40example\.com\?secret=[A-Z2-7]{32}&issuer=Acme%20Corp&algorithm=SHA1&digits=6&period=30$/);
    const derived = createHarness({ domain: 'acme.eu.auth0.com' });
    expect((await derived.associate(await derived.mfaToken())).body.barcode_uri).toMatch(/^otpauth:\/\/totp\/acme:/);
  });

  test('50 pending authenticators → 403 access_denied; expired ones free the slots after 24 h', async () => {
    const h = createHarness();
    const mfa = await h.mfaToken();
    for (let i = 0; i < 50; i++) expect((await h.associate(mfa)).status).toBe(200);
    const before = JSON.stringify(h.emulator.store.dump());
    expectError(await h.associate(mfa), 403, 'access_denied', 'User has created the maximum amount of authenticators');
    expect(JSON.stringify(h.emulator.store.dump())).toBe(before);

    h.clock.advance(DAY);
    const fresh = await h.mfaToken();
    expect(h.emulator.store.authenticators(DEMO.email).filter((a) => a.type === 'otp')).toHaveLength(0);
    expect((await h.associate(fresh)).status).toBe(200);
  });

  test('a pending authenticator expires after 24 h and its code no longer confirms', async () => {
    const h = createHarness();
    const mfa = await h.mfaToken();
    const association = await h.associate(mfa);
    h.clock.advance(DAY - 1);
    expect(h.emulator.store.authenticators(DEMO.email).filter((a) => a.type === 'otp')).toHaveLength(1);
    h.clock.advance(1);
    const fresh = await h.mfaToken();
    expect((await h.listAuthenticators(fresh)).body.filter((a: { authenticator_type: string }) => a.authenticator_type === 'otp')).toEqual([]);
    expectError(await h.verifyOtp(fresh, h.otpNow(association.body.secret)), 403, 'invalid_grant', 'Invalid otp_code.');
  });

  test('after deleting every authenticator the user can enroll again with an mfa_token', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    const tokens = await h.verifyOtp(mfa, h.otpNow(secret), { audience: h.emulator.mfaAudience, scope: 'remove:authenticators' });
    for (const a of h.emulator.store.authenticators(DEMO.email)) {
      expect((await h.deleteAuthenticator(tokens.body.access_token, a.id)).status).toBe(204);
    }
    const again = await h.associate(mfa);
    expect(again.status, again.text).toBe(200);
    expect(again.body.recovery_codes).toHaveLength(1);
    expect(h.emulator.store.events().filter((e) => e.type === 'authenticator_deleted')).toHaveLength(2);
  });
});

describe('OTP window and replay over HTTP', () => {
  test('previous step accepted', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    h.clock.advance(30_000); // enroll() spent the step now just behind; move past it
    expect((await h.verifyOtp(await h.mfaToken(), h.otpNow(secret, -1))).status).toBe(200);
  });

  test('two steps back refused', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    h.clock.advance(60_000);
    expectError(await h.verifyOtp(await h.mfaToken(), h.otpNow(secret, -2)), 403, 'invalid_grant', 'Invalid otp_code.');
  });

  test('next step refused', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    expectError(await h.verifyOtp(await h.mfaToken(), h.otpNow(secret, 1)), 403, 'invalid_grant', 'Invalid otp_code.');
  });

  test('the same code twice: the second is a replay', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    const code = h.otpNow(secret);
    expect((await h.verifyOtp(mfa, code)).status).toBe(200);
    expectError(await h.verifyOtp(mfa, code), 403, 'invalid_grant', 'Invalid otp_code.');
    expect(h.emulator.store.events().at(-1)).toMatchObject({ type: 'code_rejected', kind: 'otp' });
  });

  test('after a current-step code, the previous step is a replay too', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    expect((await h.verifyOtp(mfa, h.otpNow(secret))).status).toBe(200);
    expectError(await h.verifyOtp(mfa, h.otpNow(secret, -1)), 403, 'invalid_grant', 'Invalid otp_code.');
    h.clock.advance(30_000);
    expect((await h.verifyOtp(mfa, h.otpNow(secret))).status).toBe(200);
  });

  test('the confirmation code cannot be replayed for a login', async () => {
    const h = createHarness();
    const mfa = await h.mfaToken();
    const association = await h.associate(mfa);
    const code = h.otpNow(association.body.secret);
    expect((await h.verifyOtp(mfa, code)).status).toBe(200);
    expectError(await h.verifyOtp(await h.mfaToken(), code), 403, 'invalid_grant', 'Invalid otp_code.');
  });
});

// Issue 11 §1: whoever knew the password once must not be able to add a factor after the user
// enrolled, without passing that factor.
describe('associations left pending when the user enrolls', () => {
  test('the attack sequence fails at step 4: the abandoned code is a wrong code, nothing activates, R2 stays', async () => {
    const h = createHarness();
    // 1. Sign in (T1) and associate → S1, R1, pending.
    const t1 = await h.mfaToken();
    const first = await h.associate(t1);
    expect(first.status, first.text).toBe(200);
    const [s1, r1] = [first.body.secret as string, first.body.recovery_codes[0] as string];
    // 2. Sign in again (T2), associate → S2, R2; confirm with T2 → 200.
    const t2 = await h.mfaToken();
    const second = await h.associate(t2);
    const [s2, r2] = [second.body.secret as string, second.body.recovery_codes[0] as string];
    expect((await h.verifyOtp(t2, h.otpNow(s2))).status).toBe(200);
    // 3. Associate with T1 → already enrolled.
    expectError(await h.associate(t1), 403, 'access_denied', 'User is already enrolled.');
    // 4. The mfa-otp grant with T1 and S1's current code: refused like any wrong code.
    const attemptsBefore = h.emulator.store.attemptsRemaining(DEMO.email);
    const before = JSON.stringify(h.emulator.store.authenticators(DEMO.email));
    expectError(await h.verifyOtp(t1, h.otpNow(s1)), 403, 'invalid_grant', 'Invalid otp_code.');
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(attemptsBefore - 1);
    expect(JSON.stringify(h.emulator.store.authenticators(DEMO.email))).toBe(before);
    h.clock.advance(30_000); // a fresh step, so a refusal cannot be blamed on replay
    expectError(await h.verifyOtp(t2, h.otpNow(s1)), 403, 'invalid_grant', 'Invalid otp_code.');

    const listed = await h.listAuthenticators(t2);
    expect(listed.body.filter((a: { authenticator_type: string; active: boolean }) => a.authenticator_type === 'otp' && a.active)).toHaveLength(1);
    expect(listed.body.filter((a: { active: boolean }) => !a.active)).toEqual([]);
    expectError(await h.verifyRecoveryCode(t1, r1), 403, 'invalid_grant', 'Invalid recovery_code.');
    expect((await h.verifyRecoveryCode(t1, r2)).status).toBe(200);
    expect(h.emulator.store.events().filter((e) => e.type === 'confirmed' && e.kind === 'otp')).toHaveLength(1);
  });

  test('an association made after the confirmation with an enroll token (after a passed challenge) still confirms', async () => {
    const h = createHarness();
    const { secret, recoveryCode } = await h.enroll();
    const mfa = await h.mfaToken();
    const passed = await h.verifyOtp(mfa, h.otpNow(secret), { audience: h.emulator.mfaAudience, scope: 'enroll' });
    expect(passed.status, passed.text).toBe(200);
    const later = await h.associate(passed.body.access_token);
    expect(later.status, later.text).toBe(200);
    h.clock.advance(30_000);
    expect((await h.verifyOtp(mfa, h.otpNow(later.body.secret))).status).toBe(200);
    const otps = h.emulator.store.authenticators(DEMO.email).filter((a) => a.type === 'otp');
    expect(otps.map((a) => a.active)).toEqual([true, true]);
    // The recovery code is still the first enrollment's.
    expect((await h.verifyRecoveryCode(mfa, recoveryCode)).status).toBe(200);
  });

  test('two enroll-token associations: confirming the newer kills the older one', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    const passed = await h.verifyOtp(mfa, h.otpNow(secret), { audience: h.emulator.mfaAudience, scope: 'enroll' });
    const older = await h.associate(passed.body.access_token);
    const newer = await h.associate(passed.body.access_token);
    h.clock.advance(30_000);
    expect((await h.verifyOtp(mfa, h.otpNow(newer.body.secret))).status).toBe(200);
    h.clock.advance(30_000);
    expectError(await h.verifyOtp(mfa, h.otpNow(older.body.secret)), 403, 'invalid_grant', 'Invalid otp_code.');
    expect(h.emulator.store.authenticators(DEMO.email).filter((a) => a.type === 'otp').map((a) => a.active)).toEqual([true, true]);
  });
});
