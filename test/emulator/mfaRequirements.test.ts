// `mfa_requirements` on the password grant's mfa_required answer, and the `type` of listed
// authenticators: enroll while the user has no active factor, challenge the types of the ones
// they have, the recovery code only when it is all that is left.
import { describe, expect, test } from 'vitest';
import { createHarness, DEMO, GRANTS, type Harness } from '../helpers/emulatorHarness.js';

/** Every factor, as a default tenant offers them: SMS and voice are one `phone`. */
const ENROLL_ANY = { enroll: [{ type: 'otp' }, { type: 'phone' }, { type: 'email' }, { type: 'push-notification' }] };

async function requirements(h: Harness, params: Record<string, string> = {}) {
  const answer = await h.passwordGrant(params);
  expect(answer.status, answer.text).toBe(403);
  expect(answer.body.error).toBe('mfa_required');
  return answer.body.mfa_requirements as unknown;
}

/** An MFA-API token that may delete, from a fresh login and the user's current OTP. */
async function removeToken(h: Harness, secret: string): Promise<string> {
  h.clock.advance(30_000);
  const answer = await h.verifyOtp(await h.mfaToken(), h.otpNow(secret), { audience: h.emulator.mfaAudience, scope: 'remove:authenticators read:authenticators enroll' });
  expect(answer.status, answer.text).toBe(200);
  return answer.body.access_token as string;
}

describe('mfa_requirements', () => {
  test('a user without authenticators must enroll one of the factors the tenant offers', async () => {
    const h = createHarness();
    expect(await requirements(h)).toEqual(ENROLL_ANY);
    expect(await requirements(h, { grant_type: GRANTS.passwordRealm, realm: 'Username-Password-Authentication' })).toEqual(ENROLL_ANY);
  });

  test.each([
    [['otp'], [{ type: 'otp' }]],
    [['sms'], [{ type: 'phone' }]],
    [['voice', 'sms'], [{ type: 'phone' }]],
    [['push', 'email'], [{ type: 'email' }, { type: 'push-notification' }]],
  ] as const)('factors %j → enroll %j (each type once, in one order)', async (factors, enroll) => {
    expect(await requirements(createHarness({ factors }))).toEqual({ enroll });
  });

  test('a pending association is no factor yet', async () => {
    const h = createHarness();
    expect((await h.associate(await h.mfaToken())).status).toBe(200);
    expect(await requirements(h)).toEqual(ENROLL_ANY);
  });

  test('an enrolled user is challenged with the types of their active factors, each named once', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    expect(await requirements(h)).toEqual({ challenge: [{ type: 'otp' }] });
    // A second OTP authenticator (enrolled after a challenge) is the same type.
    const access = await removeToken(h, secret);
    const second = await h.associate(access);
    h.clock.advance(30_000);
    expect((await h.verifyOtp(await h.mfaToken(), h.otpNow(second.body.secret))).status).toBe(200);
    expect(h.emulator.store.authenticators(DEMO.email).filter((a) => a.type === 'otp' && a.active)).toHaveLength(2);
    expect(await requirements(h)).toEqual({ challenge: [{ type: 'otp' }] });
  });

  test('with only the recovery code left it is the challenge; with nothing left, enroll again', async () => {
    const h = createHarness();
    const { secret, otpId } = await h.enroll();
    const access = await removeToken(h, secret);
    expect((await h.deleteAuthenticator(access, otpId)).status).toBe(204);
    expect(await requirements(h)).toEqual({ challenge: [{ type: 'recovery-code' }] });
    const recovery = h.emulator.store.authenticators(DEMO.email).find((a) => a.type === 'recovery-code');
    expect((await h.deleteAuthenticator(access, recovery?.id ?? '')).status).toBe(204);
    expect(await requirements(h)).toEqual(ENROLL_ANY);
  });
});

describe('GET /mfa/authenticators items carry `type`', () => {
  test('otp and recovery-code, pending or active', async () => {
    const h = createHarness();
    const mfa = await h.mfaToken();
    await h.associate(mfa);
    const pending = await h.listAuthenticators(mfa);
    expect(pending.body.map((a: { authenticator_type: string; type: string }) => [a.authenticator_type, a.type])).toEqual([
      ['recovery-code', 'recovery-code'],
      ['otp', 'otp'],
    ]);
    const { secret } = await h.enroll();
    const listed = await h.listAuthenticators(await removeToken(h, secret));
    expect(listed.body.every((a: { authenticator_type: string; type: string }) => a.type === a.authenticator_type)).toBe(true);
  });
});
