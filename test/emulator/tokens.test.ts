// Signed tokens: they verify against the served JWKS (found through discovery), carry the
// right claims, and MFA-API tokens open the MFA endpoints within their scopes.
import { createLocalJWKSet, createRemoteJWKSet, customFetch, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, test } from 'vitest';
import { createEmulator } from '../../src/emulator/index.js';
import { createHarness, DEMO, expectError, type Harness } from '../helpers/emulatorHarness.js';
import { TEST_SIGNING_KEY } from '../helpers/signingKey.js';

const ISSUER = 'https://localhost:4010/';

/** Enrolls, then verifies a fresh code with `params` (audience, scope). */
async function verifiedTokens(h: Harness, params: Record<string, string> = {}, passwordParams: Record<string, string> = {}) {
  const { secret } = await h.enroll();
  const mfa = await h.mfaToken(passwordParams);
  const result = await h.verifyOtp(mfa, h.otpNow(secret), params);
  expect(result.status, result.text).toBe(200);
  h.clock.advance(30_000); // so the caller's next code is a fresh step
  return { ...(result.body as { access_token: string; id_token?: string; expires_in: number; scope: string; token_type: string }), secret };
}

/** A JWKS resolver that fetches through discovery, answered in-process by the app. */
async function remoteJwks(h: Harness) {
  const discovery = await h.send('GET', '/.well-known/openid-configuration');
  const jwksUri = new URL(discovery.body.jwks_uri as string);
  return createRemoteJWKSet(jwksUri, {
    [customFetch]: async (url: string, init: RequestInit) => h.emulator.app.request(new URL(url).pathname, init),
  });
}

describe('discovery and JWKS', () => {
  test('openid-configuration names the issuer and its endpoints', async () => {
    const h = createHarness({ domain: 'tenant.example.com' });
    const result = await h.send('GET', '/.well-known/openid-configuration');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      issuer: 'https://tenant.example.com/',
      token_endpoint: 'https://tenant.example.com/oauth/token',
      jwks_uri: 'https://tenant.example.com/.well-known/jwks.json',
      id_token_signing_alg_values_supported: ['RS256'],
      grant_types_supported: [
        'password',
        'http://auth0.com/oauth/grant-type/password-realm',
        'http://auth0.com/oauth/grant-type/mfa-otp',
        'http://auth0.com/oauth/grant-type/mfa-oob',
        'http://auth0.com/oauth/grant-type/mfa-recovery-code',
      ],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    });
  });

  test('the JWKS holds one RS256 signing key with a kid, public parts only', async () => {
    const h = createHarness();
    const result = await h.send('GET', '/.well-known/jwks.json');
    expect(result.status).toBe(200);
    expect(result.body.keys).toHaveLength(1);
    const [key] = result.body.keys;
    expect(key).toEqual({ kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: expect.any(String), alg: 'RS256', use: 'sig' });
    expect(await h.emulator.jwks()).toEqual(result.body);
  });

  test('each emulator makes its own key unless one is given', async () => {
    const kid = async (e: ReturnType<typeof createEmulator>) => (await e.jwks()).keys[0]?.kid;
    const [a, b] = await Promise.all([kid(createEmulator()), kid(createEmulator())]);
    expect(a).not.toBe(b);
    const [c, d] = await Promise.all([kid(createEmulator({ signingKey: TEST_SIGNING_KEY })), kid(createEmulator({ signingKey: TEST_SIGNING_KEY }))]);
    expect(c).toBe(d);
  });
});

describe('token claims', () => {
  test('access token: iss, sub, default audience, scope, iat, exp; verifies against the served JWKS', async () => {
    const h = createHarness();
    const tokens = await verifiedTokens(h, {}, { scope: 'openid profile' });
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.scope).toBe('openid profile');
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, await remoteJwks(h), {
      issuer: ISSUER,
      audience: `${ISSUER}userinfo`,
      currentDate: new Date(h.clock.now()),
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: (await h.emulator.jwks()).keys[0]?.kid });
    expect(payload.sub).toBe(h.emulator.store.userId(DEMO.email));
    expect(payload.sub).toMatch(/^auth0\|[0-9a-f]{24}$/);
    expect(payload['scope']).toBe('openid profile');
    expect(payload.iat).toBe(Math.floor((h.clock.now() - 30_000) / 1000)); // verifiedTokens moved on one step
    expect(payload.exp).toBe((payload.iat ?? 0) + tokens.expires_in);
  });

  test('id_token exactly when openid is in scope, with aud = client id (a string)', async () => {
    const h = createHarness();
    const tokens = await verifiedTokens(h, { scope: 'openid email' });
    expect(tokens.id_token).toEqual(expect.any(String));
    const jwks = createLocalJWKSet(await h.emulator.jwks());
    const { payload } = await jwtVerify(tokens.id_token ?? '', jwks, { issuer: ISSUER, audience: DEMO.clientId, currentDate: new Date(h.clock.now()) });
    expect(payload.aud).toBe(DEMO.clientId);
    expect(payload.sub).toBe(h.emulator.store.userId(DEMO.email));
    expect(payload.exp).toBeGreaterThan(payload.iat ?? Infinity);

    const withoutOpenid = await h.verifyOtp(await h.mfaToken(), h.otpNow(tokens.secret), { scope: 'profile email' });
    expect(withoutOpenid.status, withoutOpenid.text).toBe(200);
    expect(withoutOpenid.body.id_token).toBeUndefined();
    expect(withoutOpenid.body.scope).toBe('profile email');
  });

  test('a requested audience becomes aud; without audience/scope the password grant\'s apply', async () => {
    const h = createHarness();
    const tokens = await verifiedTokens(h, {}, { audience: 'https://api.example.com/', scope: 'read:things' });
    expect(tokens.scope).toBe('read:things');
    expect(tokens.id_token).toBeUndefined();
    const { payload } = await jwtVerify(tokens.access_token, createLocalJWKSet(await h.emulator.jwks()), {
      audience: 'https://api.example.com/',
      currentDate: new Date(h.clock.now()),
    });
    expect(payload.aud).toBe('https://api.example.com/');
  });

  test('tokens from one emulator do not verify against another\'s JWKS', async () => {
    const h = createHarness();
    const tokens = await verifiedTokens(h);
    const other = createEmulator(); // makes its own key
    await expect(jwtVerify(tokens.access_token, createLocalJWKSet(await other.jwks()), { currentDate: new Date(h.clock.now()) })).rejects.toThrow();
    expect(decodeProtectedHeader(tokens.access_token).alg).toBe('RS256');
  });
});

describe('MFA API access tokens', () => {
  const ALL_SCOPES = 'enroll read:authenticators remove:authenticators';

  async function mfaApiToken(h: Harness, scope: string) {
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    const result = await h.verifyOtp(mfa, h.otpNow(secret), { audience: h.emulator.mfaAudience, scope });
    expect(result.status, result.text).toBe(200);
    return { accessToken: result.body.access_token as string, body: result.body, secret };
  }

  test('audience https://<domain>/mfa/ with all scopes opens associate, list and delete', async () => {
    const h = createHarness();
    const { accessToken, body } = await mfaApiToken(h, ALL_SCOPES);
    expect(body.scope).toBe(ALL_SCOPES);
    expect(body.id_token).toBeUndefined();
    const { payload } = await jwtVerify(accessToken, createLocalJWKSet(await h.emulator.jwks()), {
      issuer: ISSUER,
      audience: 'https://localhost:4010/mfa/',
      currentDate: new Date(h.clock.now()),
    });
    expect(payload['scope']).toBe(ALL_SCOPES);

    const associated = await h.associate(accessToken);
    expect(associated.status, associated.text).toBe(200);
    expect(associated.body.recovery_codes).toBeUndefined(); // the user already has a confirmed authenticator

    const listed = await h.listAuthenticators(accessToken);
    expect(listed.status).toBe(200);
    expect(listed.body.map((a: { authenticator_type: string; active: boolean }) => [a.authenticator_type, a.active])).toEqual([
      ['recovery-code', true],
      ['otp', true],
      ['otp', false],
    ]);

    const pendingId = listed.body[2].id as string;
    const deleted = await h.deleteAuthenticator(accessToken, pendingId);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(h.emulator.store.authenticators(DEMO.email).map((a) => a.id)).not.toContain(pendingId);
    expectError(await h.deleteAuthenticator(accessToken, pendingId), 404, 'not_found');
  });

  test('URL-encoded ids are decoded (totp%7Cdev_…); a raw | works too', async () => {
    const h = createHarness();
    const { accessToken } = await mfaApiToken(h, ALL_SCOPES);
    const [recovery, otp] = h.emulator.store.authenticators(DEMO.email);
    const encoded = await h.send('DELETE', `/mfa/authenticators/${encodeURIComponent(otp?.id ?? '')}`, { bearer: accessToken });
    expect(encoded.status).toBe(204);
    const raw = await h.send('DELETE', `/mfa/authenticators/${recovery?.id}`, { bearer: accessToken });
    expect(raw.status).toBe(204);
    expect(h.emulator.store.authenticators(DEMO.email)).toEqual([]);
  });

  test.each([
    ['enroll', 'POST /mfa/associate', (h: Harness, t: string) => h.associate(t)],
    ['read:authenticators', 'GET /mfa/authenticators', (h: Harness, t: string) => h.listAuthenticators(t)],
    ['remove:authenticators', 'DELETE /mfa/authenticators/{id}', (h: Harness, t: string) => h.deleteAuthenticator(t, 'totp|dev_x')],
  ])('missing scope %s on %s → 403 insufficient_scope', async (scope, _endpoint, call) => {
    const h = createHarness();
    const others = ALL_SCOPES.split(' ').filter((s) => s !== scope).join(' ');
    const { accessToken } = await mfaApiToken(h, others);
    expectError(await call(h, accessToken), 403, 'insufficient_scope', `Insufficient scope, expected: ${scope}`);
  });

  test('an mfa_token cannot delete → 403 insufficient_scope', async () => {
    const h = createHarness();
    await h.enroll();
    const [, otp] = h.emulator.store.authenticators(DEMO.email);
    expectError(await h.deleteAuthenticator(await h.mfaToken(), otp?.id ?? ''), 403, 'insufficient_scope');
  });

  test('the MFA audience grants only MFA and OIDC scopes', async () => {
    const h = createHarness();
    const { body } = await mfaApiToken(h, 'openid enroll read:things admin');
    expect(body.scope).toBe('openid enroll');
  });

  test('an access token for another audience is not accepted by the MFA API', async () => {
    const h = createHarness();
    const tokens = await verifiedTokens(h, { scope: ALL_SCOPES });
    expectError(await h.listAuthenticators(tokens.access_token), 401, 'invalid_token');
  });

  test('an expired MFA API token → 401 invalid_token', async () => {
    const h = createHarness();
    const { accessToken, body } = await mfaApiToken(h, ALL_SCOPES);
    expect(body.expires_in).toBe(600);
    h.clock.advance(600_000);
    expectError(await h.listAuthenticators(accessToken), 401, 'invalid_token', /expired/);
  });

  test('a token signed by another emulator → 401 invalid_token', async () => {
    const a = createHarness();
    const b = createHarness({ signingKey: undefined }, a.clock);
    const { accessToken } = await mfaApiToken(b, ALL_SCOPES);
    expectError(await a.listAuthenticators(accessToken), 401, 'invalid_token');
  });
});
