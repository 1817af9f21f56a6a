// Auth0's own @auth0/auth0-auth-js (AuthClient and its MfaClient), unchanged but for its
// `customFetch`, against the emulator: the password grant's mfa_required with
// mfa_requirements, enroll, verify with an OTP and a recovery code, list, challenge, enroll a
// second factor with an MFA-API token, delete; once over a real socket, then in-process with a
// clock the test moves. The SDK discovers the issuer, validates the ID token's claims and maps
// every answer to its own types, so a shape it does not expect fails here.
import { AuthClient, isMfaRequiredError, MfaVerifyError, type MfaRequirements } from '@auth0/auth0-auth-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createHarness, DEMO, type Harness } from '../helpers/emulatorHarness.js';
import { inProcessFetch, socketFetch } from '../helpers/sdkFetch.js';
import { createTestClock } from '../helpers/testClock.js';
import { totpCode } from '../helpers/totp.js';

const MFA_SCOPES = 'enroll read:authenticators remove:authenticators';
/** What a default tenant (every factor on) lets a user without one enroll. */
const ENROLL_ANY = [{ type: 'otp' }, { type: 'phone' }, { type: 'email' }, { type: 'push-notification' }];

/** The password grant through the SDK; the emulator always answers mfa_required. */
async function signIn(client: AuthClient, scope = 'openid profile'): Promise<{ mfaToken: string; requirements: MfaRequirements | undefined }> {
  try {
    await client.getTokenByPassword({ username: DEMO.email, password: DEMO.password, scope });
  } catch (error) {
    if (isMfaRequiredError(error)) return { mfaToken: error.cause.mfa_token, requirements: error.cause.mfa_requirements };
    throw error;
  }
  throw new Error('the password grant returned tokens without MFA');
}

describe('auth0-auth-js over a socket', () => {
  let running: RunningEmulator;
  beforeAll(async () => {
    running = await startEmulator({ port: 0 });
  });
  afterAll(async () => {
    await running?.close();
  });

  test('discovery, mfa_required with enroll requirements, enroll, confirm, list', async () => {
    const client = new AuthClient({
      domain: running.domain,
      clientId: DEMO.clientId,
      clientSecret: DEMO.clientSecret,
      customFetch: socketFetch(running.domain, running.url),
    });
    expect((await client.getServerMetadata()).issuer).toBe(running.issuer);
    const { mfaToken, requirements } = await signIn(client);
    expect(requirements).toEqual({ enroll: ENROLL_ANY });

    const enrollment = await client.mfa.enrollAuthenticator({ mfaToken, authenticatorTypes: ['otp'] });
    if (enrollment.authenticatorType !== 'otp') throw new Error('expected an OTP enrollment');
    expect(enrollment.recoveryCodes).toHaveLength(1);
    const tokens = await client.mfa.verify({ mfaToken, factorType: 'otp', otp: totpCode(enrollment.secret, Date.now()) });
    expect(tokens.claims?.iss).toBe(running.issuer);
    expect(tokens.claims?.aud).toBe(DEMO.clientId);

    const listed = await client.mfa.listAuthenticators({ mfaToken });
    expect(listed.map((a) => [a.authenticatorType, a.type, a.active])).toEqual([
      ['recovery-code', 'recovery-code', true],
      ['otp', 'otp', true],
    ]);
  });
});

describe('auth0-auth-js in-process', () => {
  // Anchored at the real time: the SDK checks the ID token's exp against its own clock.
  function setUp(): { h: Harness; client: AuthClient; seen: string[] } {
    const h = createHarness({}, createTestClock(Date.now()));
    const seen: string[] = [];
    const client = new AuthClient({ domain: 'localhost:4010', clientId: DEMO.clientId, clientSecret: DEMO.clientSecret, customFetch: inProcessFetch(h.emulator.app, seen) });
    return { h, client, seen };
  }

  test('enroll, then challenge and verify, recover, and list filtered the way auth0-spa-js filters', async () => {
    const { h, client, seen } = setUp();
    const first = await signIn(client);
    expect(first.requirements).toEqual({ enroll: ENROLL_ANY });
    const enrollment = await client.mfa.enrollAuthenticator({ mfaToken: first.mfaToken, authenticatorTypes: ['otp'] });
    if (enrollment.authenticatorType !== 'otp') throw new Error('expected an OTP enrollment');
    expect(enrollment.barcodeUri).toContain(`secret=${enrollment.secret}`);
    const recoveryCode = enrollment.recoveryCodes?.[0] ?? '';
    await client.mfa.verify({ mfaToken: first.mfaToken, factorType: 'otp', otp: totpCode(enrollment.secret, h.clock.now()) });

    // A new sign-in: the user has a factor, so the requirements say challenge, with its type.
    h.clock.advance(30_000);
    const second = await signIn(client);
    expect(second.requirements).toEqual({ challenge: [{ type: 'otp' }] });
    const listed = await client.mfa.listAuthenticators({ mfaToken: second.mfaToken });
    // auth0-spa-js's getAuthenticators keeps the items whose `type` is a challenge type.
    const challengeTypes = (second.requirements?.challenge ?? []).map((c) => c.type as string);
    const offered = listed.filter((a) => a.type !== undefined && challengeTypes.includes(a.type));
    expect(offered.map((a) => a.authenticatorType)).toEqual(['otp']);
    const otp = offered[0]!;

    const challenge = await client.mfa.challengeAuthenticator({ mfaToken: second.mfaToken, challengeType: 'otp', authenticatorId: otp.id });
    expect(challenge).toEqual({ challengeType: 'otp' });
    const verified = await client.mfa.verify({ mfaToken: second.mfaToken, factorType: 'otp', otp: totpCode(enrollment.secret, h.clock.now()) });
    expect(verified.accessToken).toEqual(expect.any(String));

    // Lost the device: the recovery code, which comes back replaced.
    const third = await signIn(client);
    const recovered = await client.mfa.verify({ mfaToken: third.mfaToken, factorType: 'recovery-code', recoveryCode });
    expect(recovered.recoveryCode).toMatch(/^[A-Z0-9]{24}$/);
    expect(recovered.recoveryCode).not.toBe(recoveryCode);
    const reused = await client.mfa.verify({ mfaToken: third.mfaToken, factorType: 'recovery-code', recoveryCode }).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(MfaVerifyError);
    expect((reused as MfaVerifyError).cause).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid recovery_code.' });

    expect(new Set(seen.map((url) => new URL(url).origin))).toEqual(new Set(['https://localhost:4010']));
  });

  test('a wrong code is the SDK\'s MfaVerifyError with invalid_grant', async () => {
    const { h, client } = setUp();
    const { mfaToken } = await signIn(client);
    const enrollment = await client.mfa.enrollAuthenticator({ mfaToken, authenticatorTypes: ['otp'] });
    if (enrollment.authenticatorType !== 'otp') throw new Error('expected an OTP enrollment');
    const wrong = totpCode(enrollment.secret, h.clock.now(), { stepOffset: 5 });
    const error = await client.mfa.verify({ mfaToken, factorType: 'otp', otp: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MfaVerifyError);
    expect((error as MfaVerifyError).cause).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid otp_code.' });
  });

  test('a second factor with an MFA-API token from a passed challenge, then delete it', async () => {
    const { h, client } = setUp();
    const { secret } = await h.enroll();
    // The password grant's scope carries over to the verify grant, which asks for the MFA audience.
    const { mfaToken } = await signIn(client, `openid ${MFA_SCOPES}`);
    const mfaApi = await client.mfa.verify({ mfaToken, factorType: 'otp', otp: totpCode(secret, h.clock.now()), audience: h.emulator.mfaAudience });
    expect(mfaApi.scope).toBe(`openid ${MFA_SCOPES}`);

    const second = await client.mfa.enrollAuthenticator({ mfaToken: mfaApi.accessToken, authenticatorTypes: ['otp'] });
    if (second.authenticatorType !== 'otp') throw new Error('expected an OTP enrollment');
    expect(second.recoveryCodes).toBeUndefined();
    h.clock.advance(30_000);
    await client.mfa.verify({ mfaToken, factorType: 'otp', otp: totpCode(second.secret, h.clock.now()) });
    const listed = await client.mfa.listAuthenticators({ mfaToken: mfaApi.accessToken });
    const otps = listed.filter((a) => a.type === 'otp');
    expect(otps.map((a) => a.active)).toEqual([true, true]);

    await client.mfa.deleteAuthenticator({ mfaToken: mfaApi.accessToken, authenticatorId: otps[1]!.id });
    expect((await client.mfa.listAuthenticators({ mfaToken })).filter((a) => a.type === 'otp')).toHaveLength(1);
  });
});
