// @vitest-environment jsdom
// Auth0's own @auth0/auth0-spa-js in jsdom against the in-process emulator, unchanged but for
// the global fetch it calls (https://localhost:4010/… goes to `app.request`). Its MfaApiClient
// reads the emulator's mfa_requirements: getEnrollmentFactors returns the enroll list, and
// getAuthenticators keeps only the authenticators whose `type` is a challenge type.
//
// spa-js has no public password grant (a SPA signs in through /authorize); on a real tenant
// the mfa_required answer reaches it on a refresh-token or token-exchange grant. The test calls
// the client's internal token request (`_requestToken`, the function those grants go through)
// with the password grant instead, so spa-js's own code parses mfa_required into its
// MfaRequiredError and stores the MFA context, exactly as it would for those grants.
import { Auth0Client, GenericError, MfaRequiredError, type MfaRequirements } from '@auth0/auth0-spa-js';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createHarness, DEMO, type Harness } from '../helpers/emulatorHarness.js';
import { inProcessFetch } from '../helpers/sdkFetch.js';
import { createTestClock } from '../helpers/testClock.js';
import { totpCode } from '../helpers/totp.js';

const SPA_CLIENT = 'spa-client';

interface TokenRequests {
  _requestToken(options: Record<string, string>): Promise<unknown>;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

/**
 * An emulator with a public SPA client (and the demo client, for setup), and spa-js pointed at it. The emulator's clock starts
 * at the real time: spa-js checks the ID token's iat and exp against its own (60 s leeway).
 */
function setUp(): { h: Harness; auth0: Auth0Client; seen: string[] } {
  const h = createHarness({ clients: [{ id: DEMO.clientId, secret: DEMO.clientSecret }, { id: SPA_CLIENT }] }, createTestClock(Date.now()));
  const seen: string[] = [];
  vi.stubGlobal('fetch', inProcessFetch(h.emulator.app, seen));
  const auth0 = new Auth0Client({ domain: 'localhost:4010', clientId: SPA_CLIENT, authorizationParams: { redirect_uri: 'http://localhost/' } });
  return { h, auth0, seen };
}

async function signIn(auth0: Auth0Client): Promise<{ mfaToken: string; requirements: MfaRequirements }> {
  const error = await (auth0 as unknown as TokenRequests)
    ._requestToken({ grant_type: 'password', username: DEMO.email, password: DEMO.password })
    .catch((e: unknown) => e);
  if (!(error instanceof MfaRequiredError)) throw new Error(`expected spa-js's MfaRequiredError, got ${String(error)}`);
  return { mfaToken: error.mfa_token, requirements: error.mfa_requirements };
}

describe('auth0-spa-js MfaApiClient', () => {
  test('getEnrollmentFactors, enroll, verify; then getAuthenticators, challenge, verify with a recovery code and an OTP', async () => {
    const { h, auth0, seen } = setUp();
    const first = await signIn(auth0);
    const offered = [{ type: 'otp' }, { type: 'phone' }, { type: 'email' }, { type: 'push-notification' }];
    expect(first.requirements).toEqual({ enroll: offered });
    expect(await auth0.mfa.getEnrollmentFactors(first.mfaToken)).toEqual(offered);

    const enrollment = await auth0.mfa.enroll({ mfaToken: first.mfaToken, factorType: 'otp' });
    if (enrollment.authenticatorType !== 'otp') throw new Error('expected an OTP enrollment');
    const recoveryCode = enrollment.recoveryCodes?.[0] ?? '';
    const confirmed = await auth0.mfa.verify({ mfaToken: first.mfaToken, otp: totpCode(enrollment.secret, h.clock.now()) });
    expect(confirmed.id_token).toEqual(expect.any(String));

    // Enrolled: nothing to enroll, and the list holds only what can be challenged (the
    // recovery-code authenticator has type recovery-code, not a challenge type).
    const second = await signIn(auth0);
    expect(second.requirements).toEqual({ challenge: [{ type: 'otp' }] });
    expect(await auth0.mfa.getEnrollmentFactors(second.mfaToken)).toEqual([]);
    const authenticators = await auth0.mfa.getAuthenticators(second.mfaToken);
    expect(authenticators.map((a) => [a.authenticatorType, a.type, a.active])).toEqual([['otp', 'otp', true]]);
    expect(h.emulator.store.authenticators(DEMO.email)).toHaveLength(2);

    const challenge = await auth0.mfa.challenge({ mfaToken: second.mfaToken, challengeType: 'otp', authenticatorId: authenticators[0]!.id });
    expect(challenge).toEqual({ challengeType: 'otp' });
    const recovered = await auth0.mfa.verify({ mfaToken: second.mfaToken, recoveryCode });
    expect(recovered.access_token).toEqual(expect.any(String));

    // The next step's code on a third sign-in (the clock stays within spa-js's leeway).
    h.clock.advance(30_000);
    const third = await signIn(auth0);
    const wrong = await auth0.mfa.verify({ mfaToken: third.mfaToken, recoveryCode }).catch((e: unknown) => e);
    // spa-js surfaces a refused code as its GenericError, with Auth0's error and description.
    expect(wrong).toBeInstanceOf(GenericError);
    expect(wrong).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid recovery_code.' });
    const signedIn = await auth0.mfa.verify({ mfaToken: third.mfaToken, otp: totpCode(enrollment.secret, h.clock.now()) });
    expect(signedIn.access_token).toEqual(expect.any(String));

    expect(new Set(seen.map((url) => new URL(url).origin))).toEqual(new Set(['https://localhost:4010']));
  });

  test('with only the recovery code left, getAuthenticators offers it', async () => {
    const { h, auth0 } = setUp();
    const { secret, otpId } = await h.enroll();
    const remover = await h.verifyOtp(await h.mfaToken(), h.otpNow(secret), { audience: h.emulator.mfaAudience, scope: 'remove:authenticators' });
    expect((await h.deleteAuthenticator(remover.body.access_token, otpId)).status).toBe(204);

    const { mfaToken, requirements } = await signIn(auth0);
    expect(requirements).toEqual({ challenge: [{ type: 'recovery-code' }] });
    const authenticators = await auth0.mfa.getAuthenticators(mfaToken);
    expect(authenticators.map((a) => a.type)).toEqual(['recovery-code']);
  });
});
