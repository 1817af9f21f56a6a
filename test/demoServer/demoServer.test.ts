// The server behind `npm start`, without a browser: what it serves, that no client secret
// reaches the page in any mode, the relay that adds the secret for a real tenant, and the
// start script itself (prints the URL, stops on SIGINT).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import { waitFor } from 'xstate';
import { afterEach, describe, expect, test } from 'vitest';
import { createMfaFlow } from '../../src/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { startDemoServer, type RunningDemoServer } from '../../examples/server/demoServer.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
async function demoServer(options: Parameters<typeof startDemoServer>[0]): Promise<RunningDemoServer> {
  const server = await startDemoServer({ port: 0, outdir: false, ...options });
  closers.push(() => server.close());
  return server;
}

describe('demo server', () => {
  test('serves the page, its bundle and a config naming the public client; the API is the emulator', async () => {
    const server = await demoServer({});
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/connect-src 'self'(;|$)/);
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    const bundle = await fetch(new URL('/app.js', server.url));
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await bundle.text()).length).toBeGreaterThan(10_000);

    const configText = await (await fetch(new URL('/config.json', server.url))).text();
    expect(JSON.parse(configText)).toMatchObject({ mode: 'emulator', clientId: 'demo-web', demoUser: { email: 'demo@example.com' } });
    expect(configText).not.toContain('demo-secret');

    // The page's client needs no secret; the CLI's confidential client still does.
    const grant = (clientId: string) =>
      fetch(new URL('/oauth/token', server.url), {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'password', username: 'demo@example.com', password: 'demo-password', client_id: clientId }),
      });
    await expect((await grant('demo-web')).json()).resolves.toMatchObject({ error: 'mfa_required' });
    expect((await grant('demo-client')).status).toBe(401);
  });

  test('with a real tenant and no secret, the page calls the tenant directly', async () => {
    const server = await demoServer({ domain: 'tenant.example', clientId: 'spa-client' });
    expect(server.emulator).toBeUndefined();
    const config = await (await fetch(new URL('/config.json', server.url))).json();
    expect(config).toEqual({
      mode: 'auth0',
      apiBaseUrl: 'https://tenant.example',
      clientId: 'spa-client',
      mfaAudience: 'https://tenant.example/mfa/',
      tenant: 'tenant.example',
    });
    const page = await fetch(server.url);
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self' https://tenant.example");
    expect((await fetch(new URL('/oauth/token', server.url), { method: 'POST' })).status).toBe(404);
  });

  test('with a client secret, the server relays the API and adds the secret the page never sees', async () => {
    const tenant = await startEmulator({ port: 0, domain: 'tenant.example', clients: [{ id: 'web-app', secret: 'kept-on-the-server' }] });
    closers.push(() => tenant.close());
    const server = await demoServer({ domain: 'tenant.example', clientId: 'web-app', clientSecret: 'kept-on-the-server', upstreamUrl: tenant.url });
    const configText = await (await fetch(new URL('/config.json', server.url))).text();
    expect(JSON.parse(configText)).toMatchObject({ mode: 'auth0-proxy', clientId: 'web-app' });
    expect(configText).not.toContain('kept-on-the-server');

    // What the page does, in Node: the flow knows the client id only and talks to the demo server.
    const flow = createMfaFlow({ baseUrl: server.url, clientId: 'web-app', mfaAudience: 'https://tenant.example/mfa/', intent: 'enroll' });
    flow.start();
    flow.send({ type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' });
    const enrolling = await waitFor(flow, (s) => s.matches({ awaitingConfirmation: 'idle' }) || s.matches('failed'), { timeout: 10_000 });
    expect(enrolling.context.error).toBeNull();
    const secret = enrolling.context.enrollment?.secret ?? '';
    flow.send({ type: 'otp.submit', otp: new TOTP({ secret: Secret.fromBase32(secret) }).generate() });
    await waitFor(flow, (s) => s.matches({ awaitingConfirmation: 'acknowledgingRecoveryCodes' }), { timeout: 10_000 });
    flow.send({ type: 'recoveryCodes.acknowledge' });
    const done = await waitFor(flow, (s) => s.status === 'done', { timeout: 10_000 });
    expect(done.output?.enrolled).toBe(true);
  });

  test('`npm start` (scripts/start.ts) prints the URL and demo user, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--port', '0', '--quiet'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    closers.push(async () => void (child.exitCode === null && child.kill('SIGKILL')));
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const match = /mfa-flow web demo: (http:\/\/\S+)/.exec(out);
        if (match && out.includes('Ctrl-C to stop')) resolve(match[1] ?? '');
      });
      void exited.then(() => reject(new Error(`start exited early:\n${out}`)));
    });
    expect(out).toContain('Demo user: demo@example.com / demo-password');
    expect((await fetch(url)).status).toBe(200);
    child.kill('SIGINT');
    await expect(exited).resolves.toBe(0);
    expect(out).toContain('Stopped.');
  }, 30_000);
});
