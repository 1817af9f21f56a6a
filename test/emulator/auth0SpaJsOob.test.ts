// @vitest-environment jsdom
// Auth0's @auth0/auth0-spa-js MfaApiClient in jsdom, unchanged but for the global fetch (to the
// in-process emulator), through the out-of-band factors: getEnrollmentFactors, enroll with
// factorType sms, voice, email and push, verify with oobCode + bindingCode (push: oobCode alone),
// getAuthenticators filtered by the challenge types, challenge oob. As in auth0SpaJs.test.ts,
// the password grant goes through spa-js's own token request so its MfaRequiredError and MFA
// context are made exactly as for the grants it really uses.
import { Auth0Client, GenericError, MfaRequiredError, type MfaRequirements } from '@auth0/auth0-spa-js';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { DEMO } from '../helpers/emulatorHarness.js';
import { createOobHarness, PHONE, type OobHarness } from '../helpers/oobHarness.js';
import { inProcessFetch } from '../helpers/sdkFetch.js';
import { createTestClock } from '../helpers/testClock.js';

const SPA_CLIENT = 'spa-client';

interface TokenRequests {
  _requestToken(options: Record<string, string>): Promise<unknown>;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

function setUp(): { h: OobHarness; auth0: Auth0Client } {
  const h = createOobHarness({ clients: [{ id: DEMO.clientId, secret: DEMO.clientSecret }, { id: SPA_CLIENT }] }, createTestClock(Date.now()));
  vi.stubGlobal('fetch', inProcessFetch(h.emulator.app));
  const auth0 = new Auth0Client({ domain: 'localhost:4010', clientId: SPA_CLIENT, authorizationParams: { redirect_uri: 'http://localhost/' } });
  return { h, auth0 };
}

async function signIn(auth0: Auth0Client): Promise<{ mfaToken: string; requirements: MfaRequirements }> {
  const error = await (auth0 as unknown as TokenRequests)._requestToken({ grant_type: 'password', username: DEMO.email, password: DEMO.password, scope: 'openid' }).catch((e: unknown) => e);
  if (!(error instanceof MfaRequiredError)) throw new Error(`expected spa-js's MfaRequiredError, got ${String(error)}`);
  return { mfaToken: error.mfa_token, requirements: error.mfa_requirements };
}

describe('auth0-spa-js MfaApiClient, out-of-band factors', () => {
  test.each([
    ['sms', PHONE, 'phone'],
    ['voice', PHONE, 'phone'],
    ['email', DEMO.email, 'email'],
  ] as const)('%s: enroll, verify with the code, getAuthenticators, challenge, verify', async (factorType, recipient, type) => {
    const { h, auth0 } = setUp();
    const first = await signIn(auth0);
    expect(await auth0.mfa.getEnrollmentFactors(first.mfaToken)).toContainEqual({ type });
    const enrollment = await auth0.mfa.enroll(factorType === 'email' ? { mfaToken: first.mfaToken, factorType } : { mfaToken: first.mfaToken, factorType, phoneNumber: PHONE });
    if (enrollment.authenticatorType !== 'oob') throw new Error('expected an OOB enrollment');
    expect(enrollment).toMatchObject({ oobChannel: factorType, bindingMethod: 'prompt', recoveryCodes: [expect.any(String)] });
    const confirmed = await auth0.mfa.verify({ mfaToken: first.mfaToken, oobCode: enrollment.oobCode ?? '', bindingCode: h.emulator.outbox.latest({ to: recipient })?.code ?? '' });
    expect(confirmed.id_token).toEqual(expect.any(String));

    const second = await signIn(auth0);
    expect(second.requirements).toEqual({ challenge: [{ type }] });
    const authenticators = await auth0.mfa.getAuthenticators(second.mfaToken);
    // Only the challengeable types: the recovery code is not offered; a phone is its sms and voice items.
    expect(authenticators.map((a) => [a.authenticatorType, a.type])).toEqual(type === 'phone' ? [['oob', 'phone'], ['oob', 'phone']] : [['oob', 'email']]);
    const target = authenticators.find((a) => a.id.startsWith(`${factorType}|`));
    const challenge = await auth0.mfa.challenge({ mfaToken: second.mfaToken, challengeType: 'oob', authenticatorId: target?.id ?? '' });
    expect(challenge).toEqual({ challengeType: 'oob', oobCode: expect.any(String), bindingMethod: 'prompt' });
    const wrong = await auth0.mfa.verify({ mfaToken: second.mfaToken, oobCode: challenge.oobCode ?? '', bindingCode: '000000' }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(GenericError);
    expect(wrong).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid binding_code.' });
    const signedIn = await auth0.mfa.verify({ mfaToken: second.mfaToken, oobCode: challenge.oobCode ?? '', bindingCode: h.emulator.outbox.latest({ to: recipient })?.code ?? '' });
    expect(signedIn.access_token).toEqual(expect.any(String));
  });

  test('push: enroll, scanned by the device, verify; challenge, pending, accepted, verify', async () => {
    const { h, auth0 } = setUp();
    const first = await signIn(auth0);
    expect(await auth0.mfa.getEnrollmentFactors(first.mfaToken)).toContainEqual({ type: 'push-notification' });
    const enrollment = await auth0.mfa.enroll({ mfaToken: first.mfaToken, factorType: 'push' });
    if (enrollment.authenticatorType !== 'oob') throw new Error('expected an OOB enrollment');
    expect(enrollment).toMatchObject({ oobChannel: 'auth0', barcodeUri: expect.stringMatching(/^otpauth:/) });
    h.emulator.guardian.enroll(enrollment.barcodeUri ?? '');
    expect((await auth0.mfa.verify({ mfaToken: first.mfaToken, oobCode: enrollment.oobCode ?? '' })).access_token).toEqual(expect.any(String));

    const second = await signIn(auth0);
    const authenticators = await auth0.mfa.getAuthenticators(second.mfaToken);
    expect(authenticators.map((a) => a.type)).toEqual(['push-notification', 'otp']);
    const challenge = await auth0.mfa.challenge({ mfaToken: second.mfaToken, challengeType: 'oob', authenticatorId: authenticators[0]?.id ?? '' });
    const pending = await auth0.mfa.verify({ mfaToken: second.mfaToken, oobCode: challenge.oobCode ?? '' }).catch((e: unknown) => e);
    expect(pending).toMatchObject({ error: 'authorization_pending' });
    h.emulator.guardian.accept(h.emulator.guardian.requests()[0]?.id ?? '');
    expect((await auth0.mfa.verify({ mfaToken: second.mfaToken, oobCode: challenge.oobCode ?? '' })).access_token).toEqual(expect.any(String));
  });
});
