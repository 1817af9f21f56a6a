// The handler on a real socket (@hono/node-server), against the emulator on its own socket: an
// authenticator-app enrollment end to end over HTTP, as a browser at http://127.0.0.1 drives it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createMfaFlowHandler, type AuthenticatedSignIn } from '../../src/server/index.js';
import { serveHandler, type ServedHandler } from '../helpers/handlerSocket.js';
import { totpCode } from '../helpers/totp.js';
import { COOKIE_SECRET, CREDENTIALS } from './serverHarness.js';

let emulator: RunningEmulator;
let app: ServedHandler;
const signIns: AuthenticatedSignIn[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  const handler = createMfaFlowHandler({
    baseUrl: emulator.url,
    clientId: 'demo-client',
    clientSecret: 'demo-secret',
    mfaAudience: emulator.mfaAudience,
    cookieSecret: COOKIE_SECRET,
    onAuthenticated: (result) => void signIns.push(result),
  });
  app = await serveHandler(handler);
});

afterAll(async () => {
  await app?.close();
  await emulator?.close();
});

describe('mfa-flow/server on a socket', () => {
  it('enrolls an authenticator app over HTTP; the cookie carries no Secure flag on 127.0.0.1', async () => {
    let cookie = '';
    const call = async (method: string, path: string, json?: unknown) => {
      const response = await fetch(`${app.url}/mfa-flow${path}`, {
        method,
        headers: { origin: app.url, ...(cookie ? { cookie } : {}), ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
      const setCookie = response.headers.get('set-cookie');
      if (setCookie !== null) {
        expect(setCookie).toMatch(/; Path=\/mfa-flow; HttpOnly; SameSite=Strict$/);
        cookie = setCookie.split(';')[0]!;
      }
      expect(response.status).toBe(200);
      return ((await response.json()) as { view: any }).view;
    };
    await call('POST', '/start', { intent: 'enroll' });
    const enrolling = await call('POST', '/events', { type: 'credentials.submit', ...CREDENTIALS });
    expect(enrolling.state).toBe('step.awaitingConfirmation.idle');
    await call('POST', '/events', { type: 'otp.submit', otp: totpCode(enrolling.enrollment.secret, Date.now()) });
    const done = await call('POST', '/events', { type: 'recoveryCodes.acknowledge' });
    expect(done).toMatchObject({ outcome: 'authenticated', enrolled: true });
    expect(signIns).toHaveLength(1);
    expect(JSON.stringify(done)).not.toContain(signIns[0]!.output.tokens.accessToken);
  });
});
