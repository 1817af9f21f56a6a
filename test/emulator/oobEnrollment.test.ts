// Enrolling SMS, voice, email and push over HTTP as Auth0's "Enroll and Challenge …" pages show
// it: the association's exact answer, the message (with its code) in the outbox, the mfa-oob
// confirmation, the listed items (`oob_channel`, masked `name`, `type`), mfa_requirements after
// it, the recovery code handed out with the first factor, and a second factor enrolled after a
// challenge.
import { describe, expect, test } from 'vitest';
import { DEMO, GRANTS } from '../helpers/emulatorHarness.js';
import { createOobHarness, OOB_FACTORS, oobAssociation, PHONE, recipientOf, type OobFactor } from '../helpers/oobHarness.js';

const CODE = expect.stringMatching(/^\d{6}$/);
const OOB_CODE = expect.stringMatching(/^[A-Za-z0-9_-]{43}$/);
const RECOVERY = expect.stringMatching(/^[A-Z0-9]{24}$/);

describe('association answers', () => {
  test.each(['sms', 'voice', 'email'] as const)('%s: oob_code, binding_method prompt, recovery code; a message with a six-digit code', async (factor) => {
    const h = createOobHarness();
    const answer = await h.associateOob(await h.mfaToken(), oobAssociation(factor));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual({ authenticator_type: 'oob', binding_method: 'prompt', oob_channel: factor, oob_code: OOB_CODE, recovery_codes: [RECOVERY] });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(h.emulator.outbox.messages()).toEqual([
      {
        id: 'msg_1',
        channel: factor,
        to: recipientOf(factor),
        code: CODE,
        text: expect.stringMatching(/^[\d ]+ is your verification code for localhost\. Please enter this code to verify your enrollment\.$/),
        purpose: 'enrollment',
        user: DEMO.email,
        authenticatorId: expect.stringMatching(new RegExp(`^${factor}\\|dev_`)),
        requestId: null,
        sentAt: new Date(h.clock.now()).toISOString(),
      },
    ]);
  });

  test('push: a Guardian barcode_uri and the oob_code to poll; nothing is sent', async () => {
    const h = createOobHarness({ domain: 'tenant.example.com' });
    const answer = await h.associateOob(await h.mfaToken(), oobAssociation('push'));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual({
      authenticator_type: 'oob',
      barcode_uri: expect.stringMatching(/^otpauth:\/\/totp\/tenant:demo%40example\.com\?enrollment_tx_id=[A-Za-z0-9]{32}&base_url=https%3A%2F%2Ftenant\.example\.com%2F$/),
      oob_channel: 'auth0',
      oob_code: OOB_CODE,
      recovery_codes: [RECOVERY],
      interval: 5,
    });
    expect(h.emulator.outbox.messages()).toEqual([]);
    expect(h.messageLines).toEqual(['push enrollment for d••@example.com: scan it with POST /emulator/v1/guardian/devices {"barcodeUri": …}']);
  });

  test('voice reads the digits one by one; email goes to the user\'s own address unless one is given', async () => {
    const h = createOobHarness();
    await h.associateOob(await h.mfaToken(), oobAssociation('voice'));
    const call = h.emulator.outbox.latest({ channel: 'voice' });
    expect(call?.text.startsWith(`${call.code?.split('').join(' ')} is your verification code`)).toBe(true);
    await h.associateOob(await h.mfaToken(), oobAssociation('email'));
    expect(h.emulator.outbox.latest({ channel: 'email' })?.to).toBe(DEMO.email);
    await h.associateOob(await h.mfaToken(), oobAssociation('email', 'Second.Address@Example.org'));
    expect(h.emulator.outbox.latest({ channel: 'email' })?.to).toBe('Second.Address@Example.org');
  });
});

describe.each(OOB_FACTORS)('%s: enroll and confirm', (factor: OobFactor) => {
  test('the confirmation gives tokens; the authenticator is listed active; mfa_requirements says challenge', async () => {
    const h = createOobHarness();
    const { mfaToken, authenticatorId } = await h.enrollOob(factor);
    expect(authenticatorId).toMatch(new RegExp(`^${factor}\\|dev_[A-Za-z0-9]{16}$`));
    const listed = await h.listAuthenticators(mfaToken);
    expect(listed.status).toBe(200);
    const type = { sms: 'phone', voice: 'phone', email: 'email', push: 'push-notification' }[factor];
    expect(listed.body).toContainEqual(expect.objectContaining({ id: authenticatorId, authenticator_type: 'oob', active: true, type }));
    const requirements = (await h.passwordGrant()).body.mfa_requirements;
    const expected = factor === 'push' ? [{ type: 'push-notification' }, { type: 'otp' }] : [{ type }];
    expect(requirements).toEqual({ challenge: expected });
    expect(h.emulator.store.events().filter((e) => e.type === 'confirmed').map((e) => e.kind)).toEqual(
      factor === 'push' ? ['push', 'recovery-code', 'otp'] : [factor === 'email' ? 'email' : 'phone', 'recovery-code'],
    );
  });

  test('the recovery code handed out with the association works after it, once, and comes back replaced', async () => {
    const h = createOobHarness();
    const { recoveryCode } = await h.enrollOob(factor);
    const mfa = await h.mfaToken();
    const recovered = await h.verifyRecoveryCode(mfa, recoveryCode);
    expect(recovered.status, recovered.text).toBe(200);
    expect(recovered.body.recovery_code).toEqual(RECOVERY);
    expect((await h.verifyRecoveryCode(mfa, recoveryCode)).body.error_description).toBe('Invalid recovery_code.');
  });

  test('with the factor enrolled, an mfa_token may no longer associate: 403 "User is already enrolled."', async () => {
    const h = createOobHarness();
    const { mfaToken } = await h.enrollOob(factor);
    const again = await h.associateOob(mfaToken, oobAssociation(factor));
    expect(again.status).toBe(403);
    expect(again.body).toEqual({ error: 'access_denied', error_description: 'User is already enrolled.' });
  });
});

describe('listed items', () => {
  test('a phone is listed as sms and voice, one device id, the number masked as Auth0 does', async () => {
    const h = createOobHarness();
    const { mfaToken, authenticatorId } = await h.enrollOob('sms');
    const device = authenticatorId.slice('sms|'.length);
    const listed = (await h.listAuthenticators(mfaToken)).body;
    expect(listed).toEqual([
      { id: expect.stringMatching(/^recovery-code\|dev_/), authenticator_type: 'recovery-code', active: true, type: 'recovery-code' },
      { id: `sms|${device}`, authenticator_type: 'oob', active: true, oob_channel: 'sms', oob_channels: ['sms'], name: 'XXXXXXXX0123', type: 'phone' },
      { id: `voice|${device}`, authenticator_type: 'oob', active: true, oob_channel: 'voice', oob_channels: ['voice'], name: 'XXXXXXXX0123', type: 'phone' },
    ]);
    expect(PHONE).toHaveLength(12);
  });

  test('with only SMS offered, a phone is listed as sms alone', async () => {
    const h = createOobHarness({ factors: ['sms'] });
    const { mfaToken } = await h.enrollOob('sms');
    expect((await h.listAuthenticators(mfaToken)).body.map((a: { id: string }) => a.id.split('|')[0])).toEqual(['recovery-code', 'sms']);
  });

  test('email is masked; push carries the device name and Guardian\'s OTP authenticator follows it', async () => {
    const h = createOobHarness();
    const email = await h.enrollOob('email');
    expect((await h.listAuthenticators(email.mfaToken)).body[1]).toEqual({
      id: email.authenticatorId,
      authenticator_type: 'oob',
      active: true,
      oob_channel: 'email',
      oob_channels: ['email'],
      name: 'd***@example.com',
      type: 'email',
    });

    const p = createOobHarness();
    const mfa = await p.mfaToken();
    const association = await p.associateOob(mfa, oobAssociation('push'));
    const pending = (await p.listAuthenticators(mfa)).body;
    // Before the scan: pending, no name yet.
    expect(pending[1]).toEqual({ id: expect.stringMatching(/^push\|dev_/), authenticator_type: 'oob', active: false, oob_channel: 'auth0', oob_channels: ['auth0'], type: 'push-notification' });
    expect((await p.scan(association.body.barcode_uri, 'Pixel 9')).status).toBe(201);
    const listed = (await p.listAuthenticators(mfa)).body;
    expect(listed.slice(1)).toEqual([
      { ...pending[1], active: true, name: 'Pixel 9' },
      { id: expect.stringMatching(/^totp\|dev_/), authenticator_type: 'otp', active: true, type: 'otp' },
    ]);
  });

  test('pending phone and email associations are listed inactive until confirmed, and gone when their oob_code expires', async () => {
    const h = createOobHarness({ oobCodeTtlSeconds: 60 });
    const mfa = await h.mfaToken();
    await h.associateOob(mfa, oobAssociation('sms'));
    await h.associateOob(mfa, oobAssociation('email'));
    const listed = (await h.listAuthenticators(mfa)).body as Array<{ id: string; active: boolean }>;
    expect(listed.map((a) => [a.id.split('|')[0], a.active])).toEqual([
      ['recovery-code', false],
      ['sms', false],
      ['voice', false],
      ['email', false],
    ]);
    h.clock.advance(60_000);
    expect(((await h.listAuthenticators(mfa)).body as Array<{ id: string }>).map((a) => a.id.split('|')[0])).toEqual(['recovery-code']);
  });
});

describe('a second factor, enrolled after a challenge', () => {
  test.each(OOB_FACTORS)('%s after an OTP app: an enroll token associates it, no new recovery code, any mfa_token of that client confirms', async (factor) => {
    const h = createOobHarness();
    const { secret, recoveryCode } = await h.enroll();
    const enrollToken = await h.verifyOtp(await h.mfaToken(), h.otpNow(secret), { audience: h.emulator.mfaAudience, scope: 'enroll' });
    expect(enrollToken.status, enrollToken.text).toBe(200);
    const association = await h.associateOob(enrollToken.body.access_token, oobAssociation(factor));
    expect(association.status, association.text).toBe(200);
    expect(association.body.recovery_codes).toBeUndefined();
    const later = await h.mfaToken();
    if (factor === 'push') expect((await h.scan(association.body.barcode_uri)).status).toBe(201);
    const binding = factor === 'push' ? undefined : await h.codeFor(recipientOf(factor));
    const confirmed = await h.verifyOob(later, association.body.oob_code, binding);
    expect(confirmed.status, confirmed.text).toBe(200);
    const active = h.emulator.store.authenticators(DEMO.email).filter((a) => a.active);
    expect(active.some((a) => a.type === (factor === 'sms' || factor === 'voice' ? 'phone' : factor))).toBe(true);
    // The recovery code is still the first association's.
    expect((await h.verifyRecoveryCode(later, recoveryCode)).status).toBe(200);
  });

  test('an OOB factor first, then an OTP app with the enroll token its challenge gave', async () => {
    const h = createOobHarness();
    const { authenticatorId } = await h.enrollOob('email');
    const mfa = await h.mfaToken();
    const challenge = await h.challengeOob(mfa, authenticatorId);
    const access = await h.verifyOob(mfa, challenge.body.oob_code, await h.codeFor(DEMO.email), { audience: h.emulator.mfaAudience, scope: 'enroll' });
    expect(access.status, access.text).toBe(200);
    const otp = await h.associate(access.body.access_token);
    expect(otp.status, otp.text).toBe(200);
    expect(otp.body.recovery_codes).toBeUndefined();
    expect((await h.verifyOtp(mfa, h.otpNow(otp.body.secret))).status).toBe(200);
    expect((await h.passwordGrant()).body.mfa_requirements).toEqual({ challenge: [{ type: 'email' }, { type: 'otp' }] });
  });

  test('a confirmation drops every association still pending, of any factor, with their oob_codes', async () => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    const sms = await h.associateOob(mfa, oobAssociation('sms'));
    const smsCode = await h.codeFor(PHONE);
    const push = await h.associateOob(mfa, oobAssociation('push'));
    const otp = await h.associate(mfa);
    expect((await h.verifyOtp(mfa, h.otpNow(otp.body.secret))).status).toBe(200);
    expect(h.emulator.store.events().filter((e) => e.type === 'association_discarded').map((e) => e.kind)).toEqual(['phone', 'push']);
    const late = await h.verifyOob(mfa, sms.body.oob_code, smsCode);
    expect(late.status).toBe(403);
    expect(late.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid oob_code.' });
    expect((await h.scan(push.body.barcode_uri)).status).toBe(404);
    h.clock.advance(30_000);
    expect((await h.token({ grant_type: GRANTS.mfaOtp, mfa_token: mfa, otp: h.otpNow(otp.body.secret) })).status).toBe(200);
  });
});
