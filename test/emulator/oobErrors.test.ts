// Every refusal of the out-of-band factors, over HTTP: status, `error`, `error_description`, the
// JSON envelope and no WWW-Authenticate (expectError). Wrong and missing binding codes, a binding
// code for push, expired, foreign and garbage oob_codes, factors the tenant does not offer, bad
// phone numbers and email addresses, bad oob_channels. Never a 5xx.
import { describe, expect, test } from 'vitest';
import { DEMO, expectError } from '../helpers/emulatorHarness.js';
import { createOobHarness, GRANT_MFA_OOB, OOB_FACTORS, oobAssociation, PHONE, recipientOf } from '../helpers/oobHarness.js';

/** A six-digit code that is not `code`. */
const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('binding codes', () => {
  test.each(['sms', 'voice', 'email'] as const)('%s: a wrong code → 403 "Invalid binding_code.", one attempt spent, the oob_code still good', async (factor) => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    const association = await h.associateOob(mfa, oobAssociation(factor));
    const code = await h.codeFor(recipientOf(factor));
    for (const wrong of [other(code), '12345', 'abcdef', `${code}0`, ' '.repeat(6)]) {
      expectError(await h.verifyOob(mfa, association.body.oob_code, wrong), 403, 'invalid_grant', 'Invalid binding_code.');
    }
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(5);
    expect((await h.verifyOob(mfa, association.body.oob_code, code)).status).toBe(200);
  });

  test('a missing binding_code for a code channel → 400 invalid_request naming it, no attempt spent', async () => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    const association = await h.associateOob(mfa, oobAssociation('sms'));
    expectError(await h.verifyOob(mfa, association.body.oob_code), 400, 'invalid_request', 'Missing required parameter: binding_code');
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(10);
  });

  test('a binding_code with a push oob_code → 400 invalid_request, the poll otherwise unchanged', async () => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    const association = await h.associateOob(mfa, oobAssociation('push'));
    expectError(await h.verifyOob(mfa, association.body.oob_code, '123456'), 400, 'invalid_request', /binding_code is not used with push/);
    expectError(await h.verifyOob(mfa, association.body.oob_code), 403, 'authorization_pending');
  });
});

describe('oob_codes', () => {
  test.each(OOB_FACTORS)('%s: valid until the last millisecond of its lifetime, then 403 expired_token "oob_code is expired"', async (factor) => {
    const h = createOobHarness({ oobCodeTtlSeconds: 120 });
    const { authenticatorId } = await h.enrollOob(factor);
    const codeNow = async () => (factor === 'push' ? undefined : await h.codeFor(recipientOf(factor)));

    const mfa = await h.mfaToken();
    const inTime = await h.challengeOob(mfa, authenticatorId);
    const inTimeCode = await codeNow();
    h.clock.advance(119_999);
    if (factor === 'push') await h.answerPush((await h.pushRequests())[0]?.id ?? '', 'accept');
    expect((await h.verifyOob(mfa, inTime.body.oob_code, inTimeCode)).status).toBe(200);

    const late = await h.challengeOob(mfa, authenticatorId);
    const lateCode = await codeNow();
    if (factor === 'push') await h.answerPush((await h.pushRequests())[0]?.id ?? '', 'accept');
    h.clock.advance(120_000);
    expectError(await h.verifyOob(mfa, late.body.oob_code, lateCode), 403, 'expired_token', 'oob_code is expired');
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(10);
  });

  test('an expired enrollment oob_code: 403 expired_token, no attempt spent; its association is gone', async () => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    const association = await h.associateOob(mfa, oobAssociation('email'));
    const code = await h.codeFor(DEMO.email);
    h.clock.advance(300_000);
    expectError(await h.verifyOob(mfa, association.body.oob_code, code), 403, 'expired_token', 'oob_code is expired');
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(10);
    expect(h.emulator.store.authenticators(DEMO.email).filter((a) => a.type === 'email')).toEqual([]);
  });

  test('garbage, or another user\'s, another login\'s, another client\'s oob_code → 403 "Malformed oob_code"', async () => {
    const users = [DEMO, { email: 'bob@example.com', password: 'bob-password' }];
    const clients = [{ id: DEMO.clientId, secret: DEMO.clientSecret }, { id: 'other', secret: 'other-secret' }];
    const h = createOobHarness({ users, clients });
    const { authenticatorId } = await h.enrollOob('sms');
    const mine = await h.mfaToken();
    const challenge = await h.challengeOob(mine, authenticatorId);
    const code = await h.codeFor(PHONE);
    const bob = await h.mfaToken({ username: 'bob@example.com', password: 'bob-password' });
    const otherLogin = await h.mfaToken();
    const otherClient = await h.mfaToken({ client_id: 'other', client_secret: 'other-secret' });
    for (const [mfa, oobCode, extra] of [
      [mine, 'not-an-oob-code', {}],
      [mine, 'x'.repeat(5000), {}],
      [bob, challenge.body.oob_code, {}],
      [otherLogin, challenge.body.oob_code, {}],
      [otherClient, challenge.body.oob_code, { client_id: 'other', client_secret: 'other-secret' }],
    ] as const) {
      expectError(await h.verifyOob(mfa, oobCode, code, extra), 403, 'invalid_grant', 'Malformed oob_code');
    }
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(10);
    expect((await h.verifyOob(mine, challenge.body.oob_code, code)).status).toBe(200);
  });

  test('an authenticator deleted meanwhile: its pending oob_code → 403 "Invalid oob_code."', async () => {
    const h = createOobHarness();
    const { authenticatorId, recoveryCode } = await h.enrollOob('email');
    const mfa = await h.mfaToken();
    const challenge = await h.challengeOob(mfa, authenticatorId);
    const code = await h.codeFor(DEMO.email);
    const remover = await h.verifyRecoveryCode(await h.mfaToken(), recoveryCode, { audience: h.emulator.mfaAudience, scope: 'remove:authenticators' });
    expect((await h.deleteAuthenticator(remover.body.access_token, authenticatorId)).status).toBe(204);
    expectError(await h.verifyOob(mfa, challenge.body.oob_code, code), 403, 'invalid_grant', 'Invalid oob_code.');
  });

  test('deleting voice|dev_X deletes the phone: sms|dev_X goes too', async () => {
    const h = createOobHarness();
    const { authenticatorId, recoveryCode } = await h.enrollOob('sms');
    const remover = await h.verifyRecoveryCode(await h.mfaToken(), recoveryCode, { audience: h.emulator.mfaAudience, scope: 'remove:authenticators' });
    expect((await h.deleteAuthenticator(remover.body.access_token, authenticatorId.replace('sms|', 'voice|'))).status).toBe(204);
    expect(h.emulator.store.authenticators(DEMO.email).map((a) => a.type)).toEqual(['recovery-code']);
  });

  test('missing oob_code → 400 invalid_request; mfa_token problems are the mfa_token\'s', async () => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    expectError(await h.token({ grant_type: GRANT_MFA_OOB, mfa_token: mfa }), 400, 'invalid_request', 'Missing required parameter: oob_code');
    expectError(await h.verifyOob('garbage', 'garbage', '123456'), 403, 'invalid_grant', 'Malformed mfa_token');
    h.clock.advance(600_000);
    expectError(await h.verifyOob(mfa, 'garbage', '123456'), 403, 'expired_token', 'mfa_token is expired');
  });

  test('a client without the mfa-oob grant: the grant and an oob challenge → 403 unauthorized_client', async () => {
    const h = createOobHarness({ clients: [{ id: DEMO.clientId, secret: DEMO.clientSecret, grants: ['password', 'http://auth0.com/oauth/grant-type/mfa-otp', 'http://auth0.com/oauth/grant-type/mfa-recovery-code'] }] });
    const mfa = await h.mfaToken();
    const association = await h.associateOob(mfa, oobAssociation('sms'));
    expectError(await h.verifyOob(mfa, association.body.oob_code, await h.codeFor(PHONE)), 403, 'unauthorized_client', "Grant type 'http://auth0.com/oauth/grant-type/mfa-oob' not allowed for the client.");
  });
});

describe('associations refused', () => {
  test.each([
    ['sms', ['otp', 'voice', 'email', 'push']],
    ['voice', ['otp', 'sms', 'email', 'push']],
    ['email', ['otp', 'sms', 'voice', 'push']],
    ['push', ['otp', 'sms', 'voice', 'email']],
    ['otp', ['sms', 'voice', 'email', 'push']],
  ] as const)('%s not offered → 400 unsupported_challenge_type, nothing associated or sent', async (factor, factors) => {
    const h = createOobHarness({ factors });
    const mfa = await h.mfaToken();
    const body = factor === 'otp' ? { authenticator_types: ['otp'] } : oobAssociation(factor);
    expectError(await h.associateOob(mfa, body), 400, 'unsupported_challenge_type', `The ${factor} factor is not enabled for this tenant (emulator: --factors or the factors option).`);
    expect(h.emulator.store.authenticators(DEMO.email)).toEqual([]);
    expect(h.emulator.outbox.messages()).toEqual([]);
  });

  test.each(['', '4155550123', '+1 415 555 0123', '+1-415-555-0123', '+0123456789', '+12345', '+1234567890123456', '++14155550123', '+1415555012a', '+١٢٣٤٥٦٧٨٩', `${PHONE}\n`])(
    'phone_number %j → 400 invalid_request naming it',
    async (phone) => {
      const h = createOobHarness();
      const answer = await h.associateOob(await h.mfaToken(), { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: phone });
      expectError(answer, 400, 'invalid_request', phone === '' ? 'Missing required parameter: phone_number' : /^phone_number must be in E\.164 format/);
      expect(h.emulator.outbox.messages()).toEqual([]);
    },
  );

  test.each(['plain', 'a@b', '@example.com', 'a@@example.com', 'a b@example.com', 'a@example..com', '<a@example.com>', 'a@example.com\r\nBcc: x@example.com', `${'a'.repeat(250)}@example.com`])(
    'email %j → 400 invalid_request naming it',
    async (email) => {
      const h = createOobHarness();
      const answer = await h.associateOob(await h.mfaToken(), { authenticator_types: ['oob'], oob_channels: ['email'], email });
      expectError(answer, 400, 'invalid_request', /^email must be an email address/);
      expect(h.emulator.outbox.messages()).toEqual([]);
    },
  );

  test.each([
    [{ authenticator_types: ['oob'] }, 'Missing required parameter: oob_channels'],
    [{ authenticator_types: ['oob'], oob_channels: [] }, 'Missing required parameter: oob_channels'],
    [{ authenticator_types: ['oob'], oob_channels: ['fax'] }, /^oob_channels: give one of/],
    [{ authenticator_types: ['oob'], oob_channels: ['sms', 'email'], phone_number: PHONE }, /^oob_channels: give one of/],
    [{ authenticator_types: ['oob'], oob_channels: [7] }, /oob_channels must be an array of strings/],
    [{ authenticator_types: ['oob'], oob_channels: ['__proto__'] }, /^oob_channels: give one of/],
    [{ authenticator_types: ['oob', 'otp'], oob_channels: ['sms'] }, /^authenticator_types/],
  ])('%j → 400 invalid_request', async (body, description) => {
    const h = createOobHarness();
    expectError(await h.associateOob(await h.mfaToken(), body), 400, 'invalid_request', description);
  });

  test('the same channel twice is the channel once; a form body works like JSON', async () => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    expect((await h.associateOob(mfa, { authenticator_types: ['oob'], oob_channels: ['sms', 'sms'], phone_number: PHONE })).status).toBe(200);
    const form = await h.send('POST', '/mfa/associate', { bearer: mfa, form: { authenticator_types: 'oob', oob_channels: 'email' } });
    expect(form.status, form.text).toBe(200);
    expect(form.body.oob_channel).toBe('email');
  });
});
