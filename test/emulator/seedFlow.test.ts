// The seed page's whole sequence, end to end over HTTP: enroll with OTP, challenge with OTP,
// then recover with a recovery code. Codes come from the tests' own RFC 6238 implementation.
import { describe, expect, test } from 'vitest';
import { createHarness, DEMO, expectError } from '../helpers/emulatorHarness.js';

describe('seed sequence: enroll, challenge, recover', () => {
  test('the full flow', async () => {
    // The seed's tenant: OTP is the one factor it offers.
    const h = createHarness({ factors: ['otp'] });

    // Password grant: every user must pass MFA.
    const password = await h.passwordGrant({ scope: 'openid profile' });
    expect(password.status).toBe(403);
    expect(password.body).toEqual({
      error: 'mfa_required',
      error_description: 'Multifactor authentication required',
      mfa_token: expect.any(String),
      // No factor yet: enroll one of those the tenant offers (here the OTP app alone).
      mfa_requirements: { enroll: [{ type: 'otp' }] },
    });
    const mfaToken = password.body.mfa_token as string;

    // Associate.
    const association = await h.associate(mfaToken);
    expect(association.status).toBe(200);
    expect(association.body).toEqual({
      authenticator_type: 'otp',
      secret: expect.stringMatching(/^[A-Z2-7]{32}$/),
      barcode_uri: expect.any(String),
      recovery_codes: [expect.stringMatching(/^[A-Z0-9]{24}$/)],
    });
    const { secret, barcode_uri: barcodeUri } = association.body;
    expect(barcodeUri).toBe(
      `otpauth://totp/localhost:demo%40example.com?secret=${secret}&issuer=localhost&algorithm=SHA1&digits=6&period=30`,
    );
    const recoveryCode = association.body.recovery_codes[0] as string;

    // Pending until confirmed.
    const pending = await h.listAuthenticators(mfaToken);
    expect(pending.body).toEqual([
      { id: expect.stringMatching(/^recovery-code\|dev_[A-Za-z0-9]{16}$/), authenticator_type: 'recovery-code', active: false, type: 'recovery-code' },
      { id: expect.stringMatching(/^totp\|dev_[A-Za-z0-9]{16}$/), authenticator_type: 'otp', active: false, type: 'otp' },
    ]);

    // Confirm with an independently computed code.
    const confirm = await h.verifyOtp(mfaToken, h.otpNow(secret));
    expect(confirm.status, confirm.text).toBe(200);
    expect(confirm.body).toEqual({
      access_token: expect.any(String),
      id_token: expect.any(String),
      expires_in: expect.any(Number),
      scope: 'openid profile',
      token_type: 'Bearer',
    });
    expect(Number.isInteger(confirm.body.expires_in)).toBe(true);

    // Both authenticators active now.
    const listed = await h.listAuthenticators(mfaToken);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      { id: pending.body[0].id, authenticator_type: 'recovery-code', active: true, type: 'recovery-code' },
      { id: pending.body[1].id, authenticator_type: 'otp', active: true, type: 'otp' },
    ]);
    const otpId = pending.body[1].id as string;

    // A new login: associate is refused, the user must be challenged with the existing factor.
    h.clock.advance(30_000);
    const secondLogin = await h.passwordGrant();
    // Enrolled: challenge one of the user's factors (the recovery code is no factor to challenge).
    expect(secondLogin.body.mfa_requirements).toEqual({ challenge: [{ type: 'otp' }] });
    const second = secondLogin.body.mfa_token as string;
    expectError(await h.associate(second), 403, 'access_denied', 'User is already enrolled.');

    const challenge = await h.challenge({ mfa_token: second, authenticator_id: otpId });
    expect(challenge.status, challenge.text).toBe(200);
    expect(challenge.body).toEqual({ challenge_type: 'otp' });

    const verify = await h.verifyOtp(second, h.otpNow(secret));
    expect(verify.status, verify.text).toBe(200);
    expect(verify.body.token_type).toBe('Bearer');
    expect(verify.body.recovery_code).toBeUndefined();

    // Lost the device: recovery code, then the same code again, then the new one.
    const third = await h.mfaToken();
    const recovered = await h.verifyRecoveryCode(third, recoveryCode);
    expect(recovered.status, recovered.text).toBe(200);
    expect(recovered.body).toEqual({
      access_token: expect.any(String),
      id_token: expect.any(String),
      expires_in: expect.any(Number),
      scope: 'openid profile email',
      token_type: 'Bearer',
      recovery_code: expect.stringMatching(/^[A-Z0-9]{24}$/),
    });
    const newCode = recovered.body.recovery_code as string;
    expect(newCode).not.toBe(recoveryCode);

    expectError(await h.verifyRecoveryCode(third, recoveryCode), 403, 'invalid_grant', 'Invalid recovery_code.');
    const again = await h.verifyRecoveryCode(third, newCode);
    expect(again.status, again.text).toBe(200);
    expect(again.body.recovery_code).toMatch(/^[A-Z0-9]{24}$/);

    // The audit log tells the same story, without secrets.
    const userId = h.emulator.store.userId(DEMO.email);
    const types = h.emulator.store.events().map((e) => e.type);
    expect(types).toEqual([
      'mfa_token_issued',
      'associated',
      'code_accepted',
      'confirmed',
      'confirmed',
      'mfa_token_issued',
      'code_accepted',
      'mfa_token_issued',
      'code_accepted',
      'recovery_code_used',
      'code_rejected',
      'code_accepted',
      'recovery_code_used',
    ]);
    expect(h.emulator.store.events().every((e) => e.userId === userId)).toBe(true);
  });

  test('the recovery code accepts spaces, dashes and lower case as typed by a user', async () => {
    const h = createHarness();
    const { recoveryCode } = await h.enroll();
    const typed = `${recoveryCode.slice(0, 4).toLowerCase()} ${recoveryCode.slice(4, 12)}-${recoveryCode.slice(12)}`;
    const result = await h.verifyRecoveryCode(await h.mfaToken(), typed);
    expect(result.status, result.text).toBe(200);
  });

  test('the password-realm grant behaves like the password grant', async () => {
    const h = createHarness();
    const result = await h.token({
      grant_type: 'http://auth0.com/oauth/grant-type/password-realm',
      realm: 'Username-Password-Authentication',
      username: DEMO.email,
      password: DEMO.password,
    });
    expect(result.status).toBe(403);
    expect(result.body.error).toBe('mfa_required');
    expect(result.body.mfa_token).toEqual(expect.any(String));
  });

  test('an mfa_token is reusable within its lifetime (challenge, verify, then enroll more)', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    const first = await h.verifyOtp(mfa, h.otpNow(secret), { audience: h.emulator.mfaAudience, scope: 'enroll' });
    expect(first.status).toBe(200);
    const association = await h.associate(first.body.access_token);
    expect(association.status, association.text).toBe(200);
    expect(association.body.recovery_codes).toBeUndefined();
    h.clock.advance(30_000);
    // Same mfa_token; the newest pending authenticator's code confirms it.
    const confirm = await h.verifyOtp(mfa, h.otpNow(association.body.secret));
    expect(confirm.status, confirm.text).toBe(200);
    const otps = h.emulator.store.authenticators(DEMO.email).filter((a) => a.type === 'otp');
    expect(otps.map((a) => a.active)).toEqual([true, true]);
  });
});
