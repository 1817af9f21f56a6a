// Signing in with SMS, voice, email and push over HTTP: list, POST /mfa/challenge with
// challenge_type oob, a fresh message (or push request) and oob_code, the mfa-oob grant with the
// code read from GET /emulator/v1/outbox (push: answered on the device's routes). An oob_code
// gives tokens once; a new challenge makes the previous one dead.
import { describe, expect, test } from 'vitest';
import { DEMO } from '../helpers/emulatorHarness.js';
import { createOobHarness, OOB_FACTORS, PHONE, recipientOf, type OobFactor } from '../helpers/oobHarness.js';

const OOB_CODE = expect.stringMatching(/^[A-Za-z0-9_-]{43}$/);

describe.each(OOB_FACTORS)('%s: challenge and verify', (factor: OobFactor) => {
  test('a challenge answers a fresh oob_code, sends anew, and the code (or the device) passes it', async () => {
    const h = createOobHarness();
    const { authenticatorId } = await h.enrollOob(factor);
    h.emulator.outbox.clear();
    const mfa = await h.mfaToken({ scope: 'openid profile' });
    const challenge = await h.challengeOob(mfa, authenticatorId);
    expect(challenge.status, challenge.text).toBe(200);
    if (factor === 'push') {
      expect(challenge.body).toEqual({ challenge_type: 'oob', oob_code: OOB_CODE, interval: 5 });
      const [message] = h.emulator.outbox.messages();
      expect(message).toMatchObject({ channel: 'push', to: authenticatorId.slice('push|'.length), code: null, purpose: 'challenge', requestId: expect.stringMatching(/^req_/) });
      const [request] = await h.pushRequests();
      expect(request).toMatchObject({ id: message?.requestId, authenticatorId, user: DEMO.email, status: 'pending' });
      expect((await h.answerPush(request?.id ?? '', 'accept')).status).toBe(200);
    } else {
      expect(challenge.body).toEqual({ challenge_type: 'oob', oob_code: OOB_CODE, binding_method: 'prompt' });
      expect(h.emulator.outbox.messages()).toEqual([expect.objectContaining({ channel: factor, to: recipientOf(factor), purpose: 'challenge', authenticatorId })]);
      expect(h.emulator.outbox.latest()?.text).toMatch(/ is your verification code for localhost$/);
    }
    const code = factor === 'push' ? undefined : await h.codeFor(recipientOf(factor));
    const verified = await h.verifyOob(mfa, challenge.body.oob_code, code);
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), id_token: expect.any(String), scope: 'openid profile' });
    expect(verified.headers.get('cache-control')).toBe('no-store');

    // Single use: the same oob_code (and code) once more is refused.
    const again = await h.verifyOob(mfa, challenge.body.oob_code, code);
    expect(again.status).toBe(403);
    expect(again.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid oob_code.' });
  });

  test('a new challenge makes the previous oob_code dead; only the newest message\'s code works', async () => {
    const h = createOobHarness();
    const { authenticatorId } = await h.enrollOob(factor);
    const mfa = await h.mfaToken();
    const first = await h.challengeOob(mfa, authenticatorId);
    const firstCode = factor === 'push' ? undefined : await h.codeFor(recipientOf(factor));
    const second = await h.challengeOob(mfa, authenticatorId);
    expect(second.body.oob_code).not.toBe(first.body.oob_code);
    if (factor === 'push') {
      const requests = await h.pushRequests();
      expect(requests).toHaveLength(1); // the first request is gone from the device
      await h.answerPush(requests[0]?.id ?? '', 'accept');
    }
    const stale = await h.verifyOob(mfa, first.body.oob_code, firstCode);
    expect(stale.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid oob_code.' });
    const code = factor === 'push' ? undefined : await h.codeFor(recipientOf(factor));
    expect((await h.verifyOob(mfa, second.body.oob_code, code)).status).toBe(200);
  });
});

describe('choosing what to challenge', () => {
  test('a phone enrolled by SMS can be called: voice|dev_X sends a voice message to the same number', async () => {
    const h = createOobHarness();
    const { authenticatorId } = await h.enrollOob('sms');
    const voiceId = authenticatorId.replace('sms|', 'voice|');
    const mfa = await h.mfaToken();
    const challenge = await h.challengeOob(mfa, voiceId);
    expect(challenge.status, challenge.text).toBe(200);
    expect(h.emulator.outbox.latest()).toMatchObject({ channel: 'voice', to: PHONE, authenticatorId: voiceId });
    expect((await h.verifyOob(mfa, challenge.body.oob_code, await h.codeFor(PHONE))).status).toBe(200);
  });

  test('without authenticator_id: "otp oob" prefers the OTP app, "oob" takes the first out-of-band item listed', async () => {
    const h = createOobHarness();
    const { authenticatorId } = await h.enrollOob('email');
    const mfa = await h.mfaToken();
    const byType = await h.challenge({ mfa_token: mfa, challenge_type: 'oob' });
    expect(byType.body).toMatchObject({ challenge_type: 'oob', binding_method: 'prompt' });
    expect(h.emulator.outbox.latest()?.authenticatorId).toBe(authenticatorId);
    // An email user has no OTP app: "otp oob" falls to oob, plain "otp" finds nothing.
    expect((await h.challenge({ mfa_token: mfa, challenge_type: 'otp oob' })).body.challenge_type).toBe('oob');
    const otpOnly = await h.challenge({ mfa_token: mfa, challenge_type: 'otp' });
    expect(otpOnly.status).toBe(400);
    expect(otpOnly.body.error).toBe('unsupported_challenge_type');
  });

  test('the OTP Guardian carries is challenged (and verified) as an OTP app', async () => {
    const h = createOobHarness();
    const { device } = await h.enrollOob('push');
    const mfa = await h.mfaToken();
    expect((await h.challenge({ mfa_token: mfa, challenge_type: 'otp', authenticator_id: device?.otpAuthenticatorId ?? '' })).body).toEqual({ challenge_type: 'otp' });
    expect((await h.verifyOtp(mfa, h.otpNow(device?.totpSecret ?? ''))).status).toBe(200);
    const listed = (await h.send('GET', '/emulator/v1/guardian/devices')).body.devices;
    expect(listed[0].otp).toBe(h.otpNow(device?.totpSecret ?? ''));
  });

  test.each([
    ['an OOB item with challenge_type otp', 'otp'],
    ['a pending OOB item', 'oob'],
  ])('%s → 400 unsupported_challenge_type, nothing sent', async (_name, challengeType) => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    let id: string;
    if (challengeType === 'otp') {
      ({ authenticatorId: id } = await h.enrollOob('sms'));
    } else {
      await h.associateOob(mfa, { authenticator_types: ['oob'], oob_channels: ['email'] });
      id = h.emulator.store.authenticators(DEMO.email).find((a) => a.type === 'email')?.id ?? '';
    }
    const sent = h.emulator.outbox.messages().length;
    const refused = await h.challenge({ mfa_token: await h.mfaToken(), challenge_type: challengeType, authenticator_id: id });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('unsupported_challenge_type');
    expect(h.emulator.outbox.messages()).toHaveLength(sent);
  });

  test('a recovery code item is no challenge; an id not the user\'s is 400 invalid_request', async () => {
    const h = createOobHarness();
    await h.enrollOob('sms');
    const mfa = await h.mfaToken();
    const recovery = h.emulator.store.authenticators(DEMO.email).find((a) => a.type === 'recovery-code')?.id ?? '';
    expect((await h.challenge({ mfa_token: mfa, challenge_type: 'oob', authenticator_id: recovery })).body.error).toBe('unsupported_challenge_type');
    const foreign = await h.challenge({ mfa_token: mfa, challenge_type: 'oob', authenticator_id: 'sms|dev_notYours0000000' });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toBe('invalid_request');
  });
});
