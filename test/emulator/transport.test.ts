// How requests may arrive: form and JSON bodies (also JSON under a form content type, as the
// seed's curl samples send it), HTTP Basic client auth, CORS, empty and unknown parameters
// and headers, and arbitrary junk that must never produce a 5xx.
import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { createHarness, DEMO, expectError, GRANTS } from '../helpers/emulatorHarness.js';

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('bodies', () => {
  test('JSON bodies on /oauth/token, for every grant', async () => {
    const h = createHarness();
    const creds = { client_id: DEMO.clientId, client_secret: DEMO.clientSecret };
    const password = await h.send('POST', '/oauth/token', { json: { grant_type: GRANTS.password, username: DEMO.email, password: DEMO.password, ...creds } });
    expect(password.body.error).toBe('mfa_required');
    const mfa = password.body.mfa_token as string;
    const association = await h.associate(mfa);
    const otp = await h.send('POST', '/oauth/token', { json: { grant_type: GRANTS.mfaOtp, mfa_token: mfa, otp: h.otpNow(association.body.secret), ...creds } });
    expect(otp.status, otp.text).toBe(200);
    const recovery = await h.send('POST', '/oauth/token', {
      json: { grant_type: GRANTS.mfaRecoveryCode, mfa_token: mfa, recovery_code: association.body.recovery_codes[0], ...creds },
    });
    expect(recovery.status, recovery.text).toBe(200);
  });

  test('form body on /mfa/challenge', async () => {
    const h = createHarness();
    await h.enroll();
    const form = { client_id: DEMO.clientId, client_secret: DEMO.clientSecret, challenge_type: 'otp', mfa_token: await h.mfaToken() };
    const result = await h.send('POST', '/mfa/challenge', { form });
    expect(result.status, result.text).toBe(200);
    expect(result.body).toEqual({ challenge_type: 'otp' });
  });

  test("JSON sent under curl's default form content type, or with none, is read as JSON", async () => {
    const h = createHarness();
    await h.enroll();
    const body = JSON.stringify({ client_id: DEMO.clientId, client_secret: DEMO.clientSecret, challenge_type: 'otp', mfa_token: await h.mfaToken() });
    const asForm = await h.send('POST', '/mfa/challenge', { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(asForm.status, asForm.text).toBe(200);
    // Bytes, not a string: fetch would label a string body text/plain.
    const untyped = await h.emulator.app.request('/mfa/challenge', { method: 'POST', body: new TextEncoder().encode(body) });
    expect(untyped.status, await untyped.text()).toBe(200);
  });

  test('content types with parameters and +json are accepted', async () => {
    const h = createHarness();
    for (const type of ['application/json; charset=utf-8', 'application/vnd.auth0+json', 'application/x-www-form-urlencoded;charset=UTF-8']) {
      const body = type.includes('json')
        ? JSON.stringify({ grant_type: GRANTS.password, client_id: DEMO.clientId, client_secret: DEMO.clientSecret, username: DEMO.email, password: DEMO.password })
        : new URLSearchParams({ grant_type: GRANTS.password, client_id: DEMO.clientId, client_secret: DEMO.clientSecret, username: DEMO.email, password: DEMO.password }).toString();
      const result = await h.send('POST', '/oauth/token', { body, headers: { 'content-type': type } });
      expect(result.body.error, type).toBe('mfa_required');
    }
  });

  test('empty optional parameters count as absent', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken({ audience: '', scope: '' });
    const tokens = await h.verifyOtp(mfa, h.otpNow(secret), { audience: '', scope: '' });
    expect(tokens.status, tokens.text).toBe(200);
    expect(tokens.body.scope).toBe('openid profile email');
    const challenge = await h.challenge({ mfa_token: mfa, challenge_type: '', authenticator_id: '' });
    expect(challenge.status, challenge.text).toBe(200);
    const nulls = await h.send('POST', '/mfa/challenge', {
      json: { client_id: DEMO.clientId, client_secret: DEMO.clientSecret, mfa_token: mfa, challenge_type: null, authenticator_id: null },
    });
    expect(nulls.status, nulls.text).toBe(200);
  });

  test('extra parameters and unknown headers are ignored', async () => {
    const h = createHarness();
    const auth0Client = Buffer.from(JSON.stringify({ name: 'auth0.js', version: '9.0.0' })).toString('base64');
    const result = await h.passwordGrant({ connection: 'x', device: 'y', nonce: 'z' });
    expect(result.body.error).toBe('mfa_required');
    const withHeaders = await h.token(
      { grant_type: GRANTS.password, username: DEMO.email, password: DEMO.password },
      { headers: { 'auth0-client': auth0Client, 'x-whatever': '1', authorization: 'Bearer ignored-here' } },
    );
    expect(withHeaders.body.error).toBe('mfa_required');
  });
});

describe('HTTP Basic client authentication', () => {
  test('on /oauth/token and /mfa/challenge', async () => {
    const h = createHarness();
    const { secret } = await h.enroll();
    const headers = { authorization: basic(DEMO.clientId, DEMO.clientSecret) };
    const password = await h.send('POST', '/oauth/token', { form: { grant_type: GRANTS.password, username: DEMO.email, password: DEMO.password }, headers });
    expect(password.body.error).toBe('mfa_required');
    const mfa = password.body.mfa_token as string;
    const challenge = await h.send('POST', '/mfa/challenge', { json: { challenge_type: 'otp', mfa_token: mfa }, headers });
    expect(challenge.status, challenge.text).toBe(200);
    const otp = await h.send('POST', '/oauth/token', { form: { grant_type: GRANTS.mfaOtp, mfa_token: mfa, otp: h.otpNow(secret) }, headers });
    expect(otp.status, otp.text).toBe(200);
  });

  test('id and secret are form-urlencoded inside Basic (RFC 6749 §2.3.1)', async () => {
    const h = createHarness({ clients: [{ id: 'my client', secret: 'p@ss:w/rd%' }] });
    const result = await h.send('POST', '/oauth/token', {
      form: { grant_type: GRANTS.password, username: DEMO.email, password: DEMO.password },
      headers: { authorization: basic('my client', 'p@ss:w/rd%') },
    });
    expect(result.body.error, result.text).toBe('mfa_required');
  });

  test('wrong Basic secret → 401 invalid_client; malformed Basic → 401 invalid_client', async () => {
    const h = createHarness();
    const form = { grant_type: GRANTS.password, username: DEMO.email, password: DEMO.password };
    expectError(await h.send('POST', '/oauth/token', { form, headers: { authorization: basic(DEMO.clientId, 'nope') } }), 401, 'invalid_client');
    expectError(await h.send('POST', '/oauth/token', { form, headers: { authorization: 'Basic !!!' } }), 401, 'invalid_client');
  });

  test('a body client_id that contradicts Basic → 400 invalid_request', async () => {
    const h = createHarness();
    const result = await h.send('POST', '/oauth/token', {
      form: { grant_type: GRANTS.password, client_id: 'someone-else', username: DEMO.email, password: DEMO.password },
      headers: { authorization: basic(DEMO.clientId, DEMO.clientSecret) },
    });
    expectError(result, 400, 'invalid_request', /client_id/);
  });
});

describe('CORS', () => {
  test('preflight allows authorization, content-type and auth0-client from any origin', async () => {
    const h = createHarness();
    for (const path of ['/oauth/token', '/mfa/associate', '/mfa/authenticators/totp%7Cdev_x', '/mfa/challenge']) {
      const response = await h.emulator.app.request(path, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:5173',
          'access-control-request-method': path.includes('/authenticators/') ? 'DELETE' : 'POST',
          'access-control-request-headers': 'authorization, content-type, auth0-client',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(',');
      expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'auth0-client']));
      expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(response.headers.get('access-control-allow-methods')).toMatch(/DELETE/);
    }
  });

  test('answers, errors included, carry the CORS headers and expose the rate-limit ones', async () => {
    const h = createHarness();
    const origin = { origin: 'https://app.example' };
    const ok = await h.send('GET', '/.well-known/jwks.json', { headers: origin });
    const refused = await h.send('POST', '/oauth/token', { form: { grant_type: 'nope' }, headers: origin });
    for (const result of [ok, refused]) {
      expect(result.headers.get('access-control-allow-origin')).toBe('*');
      const exposed = (result.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(',');
      expect(exposed).toEqual(expect.arrayContaining(['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after']));
    }
  });
});

describe('bad input never yields a 5xx', () => {
  const h = createHarness();
  const methods = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH');
  const paths = fc.constantFrom(
    '/oauth/token',
    '/mfa/associate',
    '/mfa/authenticators',
    '/mfa/authenticators/%E0%A4%A',
    '/mfa/authenticators/totp%7Cdev_x',
    '/mfa/challenge',
    '/.well-known/jwks.json',
    '/%',
  );
  const contentTypes = fc.constantFrom(undefined, 'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=latin1', '', ';;;');
  const bodies = fc.oneof(
    fc.string(),
    fc.json(),
    fc.dictionary(fc.constantFrom('grant_type', 'client_id', 'client_secret', 'mfa_token', 'otp', 'recovery_code', 'username', 'password', 'authenticator_types', '__proto__', 'constructor'), fc.jsonValue()).map((o) => JSON.stringify(o)),
    fc.dictionary(fc.constantFrom('grant_type', 'client_id', 'otp', 'mfa_token'), fc.string()).map((o) => new URLSearchParams(o).toString()),
  );
  const authorization = fc.option(fc.oneof(fc.string(), fc.string().map((s) => `Bearer ${s}`), fc.string().map((s) => `Basic ${s}`)), { nil: undefined });

  propTest.prop([methods, paths, contentTypes, bodies, authorization], { numRuns: 300 })('random requests get a 4xx JSON envelope or a success', async (method, path, type, body, auth) => {
    const headers: Record<string, string> = {};
    if (type !== undefined) headers['content-type'] = type;
    if (auth !== undefined && /^[\x20-\x7e]*$/.test(auth)) headers['authorization'] = auth;
    const hasBody = method !== 'GET';
    const response = await h.emulator.app.request(path, { method, headers, ...(hasBody ? { body } : {}) });
    expect(response.status).toBeLessThan(500);
    if (response.status >= 400) {
      const envelope = (await response.json()) as Record<string, unknown>;
      expect(typeof envelope['error']).toBe('string');
      expect(typeof envelope['error_description']).toBe('string');
    }
  });

  let mfa: string | undefined;
  propTest.prop([fc.string(), fc.string()], { numRuns: 100 })('any otp / recovery_code string is a clean 4xx', async (otp, code) => {
    mfa ??= await h.mfaToken();
    const a = await h.verifyOtp(mfa, otp);
    const b = await h.verifyRecoveryCode(mfa, code);
    for (const r of [a, b]) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
  });
});
