// Auth0's @auth0/auth0-auth-js MfaClient, unchanged but for its `customFetch`, through the
// out-of-band factors: enrollAuthenticator with oobChannels sms, voice, email and auth0 (push),
// verify with oobCode + bindingCode (push: oobCode alone, polled), listAuthenticators (the
// SDK's `oobChannels`, `name`, `type`), challengeAuthenticator oob. Codes come from the outbox,
// push is answered by the emulated device. In-process, with the clock at the real time (the SDK
// checks the ID token's times).
import { AuthClient, isMfaRequiredError, MfaVerifyError } from '@auth0/auth0-auth-js';
import { describe, expect, test } from 'vitest';
import { DEMO } from '../helpers/emulatorHarness.js';
import { createOobHarness, PHONE, type OobHarness } from '../helpers/oobHarness.js';
import { inProcessFetch } from '../helpers/sdkFetch.js';
import { createTestClock } from '../helpers/testClock.js';

function setUp(): { h: OobHarness; client: AuthClient } {
  const h = createOobHarness({}, createTestClock(Date.now()));
  const client = new AuthClient({ domain: 'localhost:4010', clientId: DEMO.clientId, clientSecret: DEMO.clientSecret, customFetch: inProcessFetch(h.emulator.app) });
  return { h, client };
}

async function mfaToken(client: AuthClient): Promise<{ mfaToken: string; requirements: unknown }> {
  try {
    await client.getTokenByPassword({ username: DEMO.email, password: DEMO.password, scope: 'openid profile' });
  } catch (error) {
    if (isMfaRequiredError(error)) return { mfaToken: error.cause.mfa_token, requirements: error.cause.mfa_requirements };
    throw error;
  }
  throw new Error('the password grant returned tokens without MFA');
}

describe('auth0-auth-js, out-of-band factors', () => {
  test.each([
    ['sms', PHONE],
    ['voice', PHONE],
    ['email', DEMO.email],
  ] as const)('%s: enroll, verify with the bindingCode, list, challenge, verify again', async (channel, recipient) => {
    const { h, client } = setUp();
    const first = await mfaToken(client);
    const enrollment = await client.mfa.enrollAuthenticator(
      channel === 'email'
        ? { mfaToken: first.mfaToken, authenticatorTypes: ['oob'], oobChannels: ['email'] }
        : { mfaToken: first.mfaToken, authenticatorTypes: ['oob'], oobChannels: [channel], phoneNumber: PHONE },
    );
    if (enrollment.authenticatorType !== 'oob') throw new Error('expected an OOB enrollment');
    expect(enrollment).toMatchObject({ oobChannel: channel, bindingMethod: 'prompt', oobCode: expect.any(String), recoveryCodes: [expect.any(String)] });
    const confirmed = await client.mfa.verify({ mfaToken: first.mfaToken, factorType: 'oob', oobCode: enrollment.oobCode ?? '', bindingCode: h.emulator.outbox.latest({ to: recipient })?.code ?? '' });
    expect(confirmed.claims?.sub).toBe(h.emulator.store.userId(DEMO.email));

    const second = await mfaToken(client);
    const type = channel === 'email' ? 'email' : 'phone';
    expect(second.requirements).toEqual({ challenge: [{ type }] });
    const listed = await client.mfa.listAuthenticators({ mfaToken: second.mfaToken });
    const item = listed.find((a) => a.oobChannels?.includes(channel));
    expect(item).toMatchObject({ authenticatorType: 'oob', active: true, type, name: channel === 'email' ? 'd***@example.com' : 'XXXXXXXX0123' });
    const challenge = await client.mfa.challengeAuthenticator({ mfaToken: second.mfaToken, challengeType: 'oob', authenticatorId: item?.id ?? '' });
    expect(challenge).toEqual({ challengeType: 'oob', oobCode: expect.any(String), bindingMethod: 'prompt' });
    const wrong = await client.mfa.verify({ mfaToken: second.mfaToken, factorType: 'oob', oobCode: challenge.oobCode ?? '', bindingCode: '000000' }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(MfaVerifyError);
    expect((wrong as MfaVerifyError).cause).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid binding_code.' });
    const tokens = await client.mfa.verify({ mfaToken: second.mfaToken, factorType: 'oob', oobCode: challenge.oobCode ?? '', bindingCode: h.emulator.outbox.latest({ to: recipient })?.code ?? '' });
    expect(tokens.accessToken).toEqual(expect.any(String));
  });

  test('push (oobChannels auth0): the barcode scanned by the device, polling verify until the device accepts', async () => {
    const { h, client } = setUp();
    const first = await mfaToken(client);
    const enrollment = await client.mfa.enrollAuthenticator({ mfaToken: first.mfaToken, authenticatorTypes: ['oob'], oobChannels: ['auth0'] });
    if (enrollment.authenticatorType !== 'oob') throw new Error('expected an OOB enrollment');
    expect(enrollment).toMatchObject({ oobChannel: 'auth0', barcodeUri: expect.stringMatching(/^otpauth:\/\/totp\//), oobCode: expect.any(String) });
    expect(enrollment.bindingMethod).toBeUndefined();
    const pending = await client.mfa.verify({ mfaToken: first.mfaToken, factorType: 'oob', oobCode: enrollment.oobCode ?? '' }).catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(MfaVerifyError);
    expect((pending as MfaVerifyError).cause).toMatchObject({ error: 'authorization_pending' });
    h.emulator.guardian.enroll(enrollment.barcodeUri ?? '', 'SDK phone');
    await client.mfa.verify({ mfaToken: first.mfaToken, factorType: 'oob', oobCode: enrollment.oobCode ?? '' });

    const second = await mfaToken(client);
    expect(second.requirements).toEqual({ challenge: [{ type: 'push-notification' }, { type: 'otp' }] });
    const listed = await client.mfa.listAuthenticators({ mfaToken: second.mfaToken });
    const push = listed.find((a) => a.type === 'push-notification');
    expect(push).toMatchObject({ authenticatorType: 'oob', oobChannels: ['auth0'], name: 'SDK phone', active: true });
    const challenge = await client.mfa.challengeAuthenticator({ mfaToken: second.mfaToken, challengeType: 'oob', authenticatorId: push?.id ?? '' });
    expect(challenge).toEqual({ challengeType: 'oob', oobCode: expect.any(String) });
    const tooSoon = await client.mfa.verify({ mfaToken: second.mfaToken, factorType: 'oob', oobCode: challenge.oobCode ?? '' }).catch((e: unknown) => e);
    expect((tooSoon as MfaVerifyError).cause).toMatchObject({ error: 'authorization_pending' });
    const slow = await client.mfa.verify({ mfaToken: second.mfaToken, factorType: 'oob', oobCode: challenge.oobCode ?? '' }).catch((e: unknown) => e);
    expect((slow as MfaVerifyError).cause).toMatchObject({ error: 'slow_down' });
    const [request] = h.emulator.guardian.requests();
    h.emulator.guardian.accept(request?.id ?? '');
    const tokens = await client.mfa.verify({ mfaToken: second.mfaToken, factorType: 'oob', oobCode: challenge.oobCode ?? '' });
    expect(tokens.accessToken).toEqual(expect.any(String));
  });

  test('a rejected push is the SDK\'s MfaVerifyError with invalid_grant', async () => {
    const { h, client } = setUp();
    const { authenticatorId } = await h.enrollOob('push');
    const { mfaToken: token } = await mfaToken(client);
    const challenge = await client.mfa.challengeAuthenticator({ mfaToken: token, challengeType: 'oob', authenticatorId });
    h.emulator.guardian.reject(h.emulator.guardian.requests()[0]?.id ?? '');
    const refused = await client.mfa.verify({ mfaToken: token, factorType: 'oob', oobCode: challenge.oobCode ?? '' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MfaVerifyError);
    expect((refused as MfaVerifyError).cause).toMatchObject({ error: 'invalid_grant', error_description: 'MFA Authorization rejected.' });
  });
});
