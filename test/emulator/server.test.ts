// startEmulator over a real socket on 127.0.0.1 (port 0): discovery, a full enrollment with
// real time, tokens checked against the JWKS fetched over HTTP, CORS, and a clean close.
import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { DEMO, GRANTS } from '../helpers/emulatorHarness.js';
import { totpCode } from '../helpers/totp.js';

describe('startEmulator', () => {
  let running: RunningEmulator;
  const logLines: string[] = [];

  beforeAll(async () => {
    running = await startEmulator({ port: 0, log: (line) => logLines.push(line) });
  });
  afterAll(async () => {
    await running?.close();
  });

  const post = (path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${running.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  test('listens on 127.0.0.1 with a free port; the issuer domain defaults to localhost:<port>', async () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.listenUrl).toBe(running.url);
    const port = new URL(running.url).port;
    expect(port).not.toBe('4010');
    expect(running.domain).toBe(`localhost:${port}`);
    expect(running.issuer).toBe(`https://localhost:${port}/`);
    expect(running.mfaAudience).toBe(`https://localhost:${port}/mfa/`);
    const discovery = await (await fetch(`${running.url}/.well-known/openid-configuration`)).json();
    expect(discovery.issuer).toBe(running.issuer);
  });

  test('a whole enrollment over HTTP with the real clock', async () => {
    const creds = { client_id: DEMO.clientId, client_secret: DEMO.clientSecret };
    const password = await post('/oauth/token', { grant_type: GRANTS.password, username: DEMO.email, password: DEMO.password, scope: 'openid', ...creds });
    expect(password.status).toBe(403);
    expect(password.headers.get('www-authenticate')).toBeNull();
    const { mfa_token: mfaToken } = await password.json();

    const associate = await post('/mfa/associate', { authenticator_types: ['otp'] }, { authorization: `Bearer ${mfaToken}` });
    expect(associate.status).toBe(200);
    const { secret } = await associate.json();

    // Computed before the request: if a step boundary falls in between, the previous step is still accepted.
    const otp = totpCode(secret, Date.now());
    const verify = await post('/oauth/token', { grant_type: GRANTS.mfaOtp, mfa_token: mfaToken, otp, ...creds });
    const tokens = await verify.json();
    expect(verify.status, JSON.stringify(tokens)).toBe(200);

    const jwksUri = (await (await fetch(`${running.url}/.well-known/openid-configuration`)).json()).jwks_uri as string;
    const jwks = createRemoteJWKSet(new URL(jwksUri), {
      // The issuer is https://localhost:<port>/ by design (independent of the listen address).
      [customFetch]: (url: string, init: RequestInit) => fetch(`${running.url}${new URL(url).pathname}`, init),
    });
    const { payload } = await jwtVerify(tokens.id_token, jwks, { issuer: running.issuer, audience: DEMO.clientId });
    expect(payload.sub).toBe(running.emulator.store.userId(DEMO.email));
    expect(logLines.some((line) => /^POST \/oauth\/token 200 \d+ms$/.test(line))).toBe(true);
  });

  test('CORS preflight over the socket', async () => {
    const response = await fetch(`${running.url}/oauth/token`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,auth0-client' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('startEmulator options and shutdown', () => {
  test('domain is independent of the listen address', async () => {
    const running = await startEmulator({ port: 0, domain: 'tenant.example.com' });
    try {
      expect(running.issuer).toBe('https://tenant.example.com/');
      const jwks = await (await fetch(`${running.url}/.well-known/jwks.json`)).json();
      expect(jwks.keys).toHaveLength(1);
    } finally {
      await running.close();
    }
  });

  test('close() stops listening, even with a keep-alive connection open', async () => {
    const running = await startEmulator({ port: 0 });
    await fetch(`${running.url}/.well-known/jwks.json`, { headers: { connection: 'keep-alive' } });
    await running.close();
    await expect(fetch(`${running.url}/.well-known/jwks.json`)).rejects.toThrow();
  });

  test('bad options are a TypeError before anything listens, even on a port in use', async () => {
    const first = await startEmulator({ port: 0 });
    try {
      const port = Number(new URL(first.url).port);
      const users = [{ email: 'a@example.com', password: 'x' }, { email: 'A@example.com', password: 'y' }];
      await expect(startEmulator({ port, users })).rejects.toThrow(new TypeError('options.users: duplicate user A@example.com'));
    } finally {
      await first.close();
    }
  });

  test('a port in use is an error, not a hang', async () => {
    const first = await startEmulator({ port: 0 });
    try {
      await expect(startEmulator({ port: Number(new URL(first.url).port) })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

test('a wildcard bind reports what it is bound to, and a loopback URL that works', async () => {
  const running = await startEmulator({ port: 0, host: '0.0.0.0' });
  try {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.listenUrl).toBe(`http://0.0.0.0:${new URL(running.url).port}`);
    expect((await fetch(`${running.url}/.well-known/jwks.json`)).status).toBe(200);
  } finally {
    await running.close();
  }
});
