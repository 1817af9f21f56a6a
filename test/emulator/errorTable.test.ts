// Every row of docs/emulator.md's "Errors it answers" (where each error comes from): status, `error`,
// `error_description`, JSON content type, and no WWW-Authenticate header.
import { describe, expect, test } from 'vitest';
import { createHarness, DEMO, expectError, GRANTS, type Harness, type HttpResult } from '../helpers/emulatorHarness.js';
import { wrongTotpCode } from '../helpers/totp.js';

const OTHER_CLIENT = { id: 'other-client', secret: 'other-secret' };
const twoClients = () =>
  createHarness({ clients: [{ id: DEMO.clientId, secret: DEMO.clientSecret }, OTHER_CLIENT] });

describe('token endpoint rows', () => {
  test('MFA needed after password → 403 mfa_required with an mfa_token', async () => {
    const h = createHarness();
    const result = await h.passwordGrant();
    expectError(result, 403, 'mfa_required', 'Multifactor authentication required');
    expect(result.body.mfa_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test.each([
    ['wrong password', { password: 'nope' }],
    ['unknown user', { username: 'nobody@example.com' }],
    ['username in another case is the same user, wrong password still wrong', { username: 'DEMO@example.com', password: 'x' }],
  ])('%s → 403 invalid_grant', async (_name, params) => {
    expectError(await createHarness().passwordGrant(params), 403, 'invalid_grant', 'Wrong email or password.');
  });

  test('wrong OTP → 403 invalid_grant "Invalid otp_code."', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    expectError(await h.verifyOtp(await h.mfaToken(), wrongTotpCode(secret, h.clock.now())), 403, 'invalid_grant', 'Invalid otp_code.');
  });

  test('wrong recovery code → 403 invalid_grant "Invalid recovery_code."', async () => {
    const h = createHarness();
    await h.enroll();
    expectError(await h.verifyRecoveryCode(await h.mfaToken(), 'A'.repeat(24)), 403, 'invalid_grant', 'Invalid recovery_code.');
  });

  test.each([GRANTS.mfaOtp, GRANTS.mfaRecoveryCode])('expired mfa_token on %s → 403 expired_token', async (grant) => {
    const h = createHarness();
    const { secret, recoveryCode } = await h.enroll();
    const mfa = await h.mfaToken();
    h.clock.advance(600_000);
    const code: Record<string, string> = grant === GRANTS.mfaOtp ? { otp: h.otpNow(secret) } : { recovery_code: recoveryCode };
    expectError(await h.token({ grant_type: grant, mfa_token: mfa, ...code }), 403, 'expired_token', 'mfa_token is expired');
  });

  test('an mfa_token is valid until the last millisecond of its TTL', async () => {
    const h = createHarness({ mfaTokenTtlSeconds: 60 });
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    h.clock.advance(59_999);
    expect((await h.verifyOtp(mfa, h.otpNow(secret))).status).toBe(200);
    h.clock.advance(1);
    expectError(await h.verifyOtp(mfa, h.otpNow(secret, -1)), 403, 'expired_token', 'mfa_token is expired');
  });

  test.each([
    ['random text', 'not-a-token'],
    ['a JWT-looking value', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
    ['an overlong value', 'x'.repeat(5000)],
  ])('garbled mfa_token (%s) → 403 invalid_grant "Malformed mfa_token"', async (_name, token) => {
    const h = createHarness();
    expectError(await h.verifyOtp(token, '123456'), 403, 'invalid_grant', 'Malformed mfa_token');
    expectError(await h.verifyRecoveryCode(token, 'A'.repeat(24)), 403, 'invalid_grant', 'Malformed mfa_token');
  });

  test("another client's mfa_token → 403 invalid_grant \"mfa_token not issued to this client\"", async () => {
    const h = twoClients();
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    const asOther = { client_id: OTHER_CLIENT.id, client_secret: OTHER_CLIENT.secret };
    expectError(await h.verifyOtp(mfa, h.otpNow(secret), asOther), 403, 'invalid_grant', 'mfa_token not issued to this client');
  });

  test('unknown grant → 400 unsupported_grant_type', async () => {
    const result = await createHarness().token({ grant_type: 'client_credentials' });
    expectError(result, 400, 'unsupported_grant_type', 'Unsupported grant type: client_credentials');
  });

  test.each([
    ['grant_type', { grant_type: '' }],
    ['username', { grant_type: GRANTS.password, password: 'x' }],
    ['password', { grant_type: GRANTS.password, username: DEMO.email }],
    ['realm', { grant_type: GRANTS.passwordRealm, username: DEMO.email, password: DEMO.password }],
    ['mfa_token', { grant_type: GRANTS.mfaOtp, otp: '123456' }],
    ['otp', { grant_type: GRANTS.mfaOtp, mfa_token: 'whatever' }],
    ['recovery_code', { grant_type: GRANTS.mfaRecoveryCode, mfa_token: 'whatever' }],
  ])('missing %s → 400 invalid_request naming it', async (name, params) => {
    const h = createHarness();
    expectError(await h.token(params), 400, 'invalid_request', `Missing required parameter: ${name}`);
  });

  test('missing client_id → 400 invalid_request naming it', async () => {
    const h = createHarness();
    const result = await h.send('POST', '/oauth/token', { form: { grant_type: GRANTS.password, username: DEMO.email, password: DEMO.password } });
    expectError(result, 400, 'invalid_request', 'Missing required parameter: client_id');
  });

  test('unknown realm → 400 invalid_request', async () => {
    const h = createHarness();
    const result = await h.token({ grant_type: GRANTS.passwordRealm, realm: 'google-oauth2', username: DEMO.email, password: DEMO.password });
    expectError(result, 400, 'invalid_request', /realm/);
  });

  test('unknown client → 401 invalid_client', async () => {
    expectError(await createHarness().passwordGrant({ client_id: 'who' }), 401, 'invalid_client', 'Unknown client.');
  });

  test('wrong secret → 401 invalid_client', async () => {
    expectError(await createHarness().passwordGrant({ client_secret: 'wrong' }), 401, 'invalid_client', 'Client authentication failed.');
  });

  test('confidential client without its secret → 401 invalid_client', async () => {
    expectError(await createHarness().passwordGrant({ client_secret: '' }), 401, 'invalid_client', /Client authentication is required/);
  });

  test('grant not enabled for the client → 403 unauthorized_client', async () => {
    const h = createHarness({ clients: [{ id: DEMO.clientId, secret: DEMO.clientSecret, grants: ['password'] }] });
    const mfa = await h.mfaToken();
    expectError(await h.verifyOtp(mfa, '123456'), 403, 'unauthorized_client', `Grant type '${GRANTS.mfaOtp}' not allowed for the client.`);
  });

  test('a public client (no secret configured) authenticates with its id alone', async () => {
    const h = createHarness({ clients: [{ id: 'spa' }] });
    const result = await h.send('POST', '/oauth/token', {
      form: { grant_type: GRANTS.password, client_id: 'spa', username: DEMO.email, password: DEMO.password },
    });
    expect(result.body.error).toBe('mfa_required');
  });
});

describe('/mfa/associate and /mfa/authenticators rows', () => {
  const bearerEndpoints: ReadonlyArray<[string, (h: Harness, bearer: string | undefined) => Promise<HttpResult>]> = [
    ['POST /mfa/associate', (h, bearer) => h.send('POST', '/mfa/associate', { json: { authenticator_types: ['otp'] }, ...(bearer === undefined ? {} : { bearer }) })],
    ['GET /mfa/authenticators', (h, bearer) => h.send('GET', '/mfa/authenticators', bearer === undefined ? {} : { bearer })],
    ['DELETE /mfa/authenticators/{id}', (h, bearer) => h.send('DELETE', '/mfa/authenticators/totp%7Cdev_x', bearer === undefined ? {} : { bearer })],
  ];

  test.each(bearerEndpoints)('%s without a bearer → 401 invalid_token', async (_name, call) => {
    expectError(await call(createHarness(), undefined), 401, 'invalid_token');
  });

  test.each(bearerEndpoints)('%s with a garbage bearer → 401 invalid_token', async (_name, call) => {
    const h = createHarness();
    expectError(await call(h, 'garbage'), 401, 'invalid_token');
    expectError(await call(h, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'), 401, 'invalid_token');
  });

  test.each([
    ['POST', '/mfa/associate'],
    ['GET', '/mfa/authenticators'],
    ['DELETE', '/mfa/authenticators/x'],
  ])('%s %s with a non-Bearer scheme → 401 invalid_token', async (method, path) => {
    const h = createHarness();
    const body = method === 'POST' ? { json: { authenticator_types: ['otp'] } } : {};
    const result = await h.send(method, path, { headers: { authorization: 'Basic ZGVtbzpkZW1v' }, ...body });
    expectError(result, 401, 'invalid_token');
  });

  test.each(bearerEndpoints.slice(0, 2))('%s with an expired mfa_token → 401 expired_token', async (_name, call) => {
    const h = createHarness();
    const mfa = await h.mfaToken();
    h.clock.advance(600_000);
    expectError(await call(h, mfa), 401, 'expired_token', 'mfa_token is expired');
  });

  test('associate while enrolled, with an mfa_token → 403 access_denied "User is already enrolled."', async () => {
    const h = createHarness();
    await h.enroll();
    expectError(await h.associate(await h.mfaToken()), 403, 'access_denied', 'User is already enrolled.');
  });

  test('DELETE of an unknown id → 404 not_found', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    const tokens = await h.verifyOtp(mfa, h.otpNow(secret), { audience: h.emulator.mfaAudience, scope: 'remove:authenticators' });
    expectError(await h.deleteAuthenticator(tokens.body.access_token, 'totp|dev_doesnotexist'), 404, 'not_found');
  });

  test('associate with bad authenticator_types → 400 invalid_request', async () => {
    const h = createHarness();
    const mfa = await h.mfaToken();
    expectError(await h.associate(mfa, {}), 400, 'invalid_request', 'Missing required parameter: authenticator_types');
    expectError(await h.associate(mfa, { authenticator_types: [] }), 400, 'invalid_request', 'Missing required parameter: authenticator_types');
    expectError(await h.associate(mfa, { authenticator_types: ['otp', 'oob'] }), 400, 'invalid_request', /authenticator_types/);
    expectError(await h.associate(mfa, { authenticator_types: ['sms'] }), 400, 'invalid_request', /authenticator_types/);
    expectError(await h.associate(mfa, { authenticator_types: [7] }), 400, 'invalid_request', /authenticator_types/);
    // A bare string is read as a one-element list (form bodies can only send it that way).
    expect((await h.associate(mfa, { authenticator_types: 'otp' })).status).toBe(200);
  });
});

describe('/mfa/challenge rows', () => {
  test('no active authenticator of that type → 400 unsupported_challenge_type', async () => {
    const h = createHarness();
    const mfa = await h.mfaToken();
    expectError(await h.challenge({ mfa_token: mfa }), 400, 'unsupported_challenge_type');
    // A pending (unconfirmed) association does not count.
    await h.associate(mfa);
    expectError(await h.challenge({ mfa_token: mfa }), 400, 'unsupported_challenge_type');
  });

  test('a challenge type the emulator does not offer → 400 unsupported_challenge_type', async () => {
    const h = createHarness();
    await h.enroll();
    expectError(await h.challenge({ mfa_token: await h.mfaToken(), challenge_type: 'oob' }), 400, 'unsupported_challenge_type');
  });

  test('the recovery-code authenticator cannot be challenged with otp', async () => {
    const h = createHarness();
    await h.enroll();
    const recovery = h.emulator.store.authenticators(DEMO.email).find((a) => a.type === 'recovery-code');
    expectError(await h.challenge({ mfa_token: await h.mfaToken(), authenticator_id: recovery?.id ?? '' }), 400, 'unsupported_challenge_type');
  });

  test('an authenticator id that is not the user\'s → 400 invalid_request', async () => {
    const h = createHarness();
    await h.enroll();
    expectError(await h.challenge({ mfa_token: await h.mfaToken(), authenticator_id: 'totp|dev_nope' }), 400, 'invalid_request', /authenticator_id/);
  });

  test('garbage mfa_token → 403 invalid_grant "Malformed mfa_token"', async () => {
    expectError(await createHarness().challenge({ mfa_token: 'garbage' }), 403, 'invalid_grant', 'Malformed mfa_token');
  });

  test('expired mfa_token → 403 expired_token', async () => {
    const h = createHarness();
    await h.enroll();
    const mfa = await h.mfaToken();
    h.clock.advance(600_000);
    expectError(await h.challenge({ mfa_token: mfa }), 403, 'expired_token', 'mfa_token is expired');
  });

  test("another client's mfa_token → 403 invalid_grant", async () => {
    const h = twoClients();
    await h.enroll();
    const mfa = await h.mfaToken();
    const result = await h.challenge({ mfa_token: mfa, client_id: OTHER_CLIENT.id, client_secret: OTHER_CLIENT.secret });
    expectError(result, 403, 'invalid_grant', 'mfa_token not issued to this client');
  });

  test('wrong client secret → 401 invalid_client', async () => {
    const h = createHarness();
    expectError(await h.challenge({ mfa_token: await h.mfaToken(), client_secret: 'wrong' }), 401, 'invalid_client');
  });

  test('a client without the mfa-otp grant → 403 unauthorized_client', async () => {
    const h = createHarness({ clients: [{ id: DEMO.clientId, secret: DEMO.clientSecret, grants: ['password'] }] });
    expectError(await h.challenge({ mfa_token: await h.mfaToken() }), 403, 'unauthorized_client');
  });

  test('missing mfa_token or client_id → 400 invalid_request naming it', async () => {
    const h = createHarness();
    expectError(await h.challenge({}), 400, 'invalid_request', 'Missing required parameter: mfa_token');
    const noClient = await h.send('POST', '/mfa/challenge', { json: { challenge_type: 'otp', mfa_token: 'x' } });
    expectError(noClient, 400, 'invalid_request', 'Missing required parameter: client_id');
  });
});

describe('request-level rows', () => {
  test('unsupported content type → 400 invalid_request', async () => {
    const h = createHarness();
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml']) {
      const result = await h.send('POST', '/oauth/token', { body: 'grant_type=password', headers: { 'content-type': type } });
      expectError(result, 400, 'invalid_request', /Unsupported content type/);
    }
  });

  test('body over 64 KB → 413 invalid_request', async () => {
    const h = createHarness();
    const big = 'x'.repeat(64 * 1024 + 1);
    for (const path of ['/oauth/token', '/mfa/challenge', '/mfa/associate']) {
      const result = await h.send('POST', path, { form: { grant_type: GRANTS.password, padding: big } });
      expectError(result, 413, 'invalid_request', /64 KB/);
    }
  });

  test('a body of exactly 64 KB is read', async () => {
    const h = createHarness();
    const prefix = new URLSearchParams({ grant_type: 'nope', p: '' }).toString();
    const body = prefix + 'x'.repeat(64 * 1024 - prefix.length);
    const result = await h.send('POST', '/oauth/token', { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectError(result, 400, 'unsupported_grant_type');
  });

  test('malformed JSON → 400 invalid_request that says so', async () => {
    const h = createHarness();
    const result = await h.send('POST', '/oauth/token', { body: '{"grant_type": "password",', headers: { 'content-type': 'application/json' } });
    expectError(result, 400, 'invalid_request', 'Malformed JSON in request body');
  });

  test('JSON that is not an object → 400 invalid_request', async () => {
    const h = createHarness();
    for (const body of ['[]', '"password"', '42', 'null']) {
      const result = await h.send('POST', '/oauth/token', { body, headers: { 'content-type': 'application/json' } });
      expectError(result, 400, 'invalid_request', 'Request body must be a JSON object');
    }
  });

  test('a parameter of the wrong JSON type → 400 invalid_request naming it', async () => {
    const h = createHarness();
    const result = await h.send('POST', '/oauth/token', { json: { grant_type: GRANTS.password, client_id: DEMO.clientId, client_secret: DEMO.clientSecret, username: DEMO.email, password: 12345 } });
    expectError(result, 400, 'invalid_request', 'Invalid parameter: password must be a string');
  });

  test('a repeated form parameter → 400 invalid_request naming it', async () => {
    const h = createHarness();
    const result = await h.send('POST', '/oauth/token', {
      body: 'grant_type=password&grant_type=password',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectError(result, 400, 'invalid_request', 'Parameter grant_type must not be repeated');
  });

  test('unknown path or method → 404 not_found envelope', async () => {
    const h = createHarness();
    expectError(await h.send('GET', '/nope'), 404, 'not_found');
    expectError(await h.send('GET', '/oauth/token'), 404, 'not_found');
  });
});
