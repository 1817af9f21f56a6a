// The server behind `npm start` and `npm run example:react`, without a browser: what it serves,
// that no client secret reaches the page in any mode, the relay that adds the secret for a real
// tenant, and the start script itself (prints the URL, stops on SIGINT, serves either example).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import { waitFor } from 'xstate';
import { afterEach, describe, expect, test } from 'vitest';
import { createMfaFlow } from '../../src/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { startDemoServer, type RunningDemoServer } from '../../examples/server/demoServer.js';
import { otpEnrollment } from '../helpers/enrollment.js';

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
    expect(JSON.parse(configText)).toMatchObject({
      mode: 'emulator',
      clientId: 'demo-web',
      demoUser: { email: 'demo@example.com' },
      attempts: { limit: 10, refillSeconds: 360 }, // Auth0's documented bucket, which the emulator keeps
      // `npm start` offers every factor, and the emulated phone (outbox, Guardian) beside the chart.
      factors: ['otp', 'sms', 'voice', 'email', 'push'],
      emulatedPhone: true,
    });
    const outbox = await fetch(new URL('/emulator/v1/outbox', server.url));
    expect(outbox.status).toBe(200);
    expect(server.emulator!.store.attemptsRemaining('demo@example.com')).toBe(10);
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
      // A real tenant's factors are its own settings: the page offers an app unless told more.
      factors: ['otp'],
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
    const enrolling = await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }) || s.matches('failed'), { timeout: 10_000 });
    expect(enrolling.context.error).toBeNull();
    const secret = otpEnrollment(enrolling.context.enrollment).secret ?? '';
    flow.send({ type: 'otp.submit', otp: new TOTP({ secret: Secret.fromBase32(secret) }).generate() });
    await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }), { timeout: 10_000 });
    flow.send({ type: 'recoveryCodes.acknowledge' });
    const done = await waitFor(flow, (s) => s.status === 'done', { timeout: 10_000 });
    expect(done.output).toMatchObject({ outcome: 'authenticated', enrolled: true });
  });

  test('--server-flows with a real tenant: the flow runs here with the secret, the page reaches the tenant only through it', async () => {
    const tenant = await startEmulator({ port: 0, domain: 'tenant.example', clients: [{ id: 'web-app', secret: 'kept-on-the-server' }] });
    closers.push(() => tenant.close());
    const log: string[] = [];
    const server = await demoServer({
      domain: 'tenant.example', clientId: 'web-app', clientSecret: 'kept-on-the-server', upstreamUrl: tenant.url, serverFlows: true, log: (l) => log.push(l),
    });
    const configText = await (await fetch(new URL('/config.json', server.url))).text();
    expect(JSON.parse(configText)).toMatchObject({ serverFlows: true, clientId: 'web-app' });
    expect(configText).not.toContain('kept-on-the-server');
    // The relay of round 1 is closed in this mode: only the flow handler reaches the tenant.
    expect((await fetch(new URL('/oauth/token', server.url), { method: 'POST', body: 'grant_type=password' })).status).toBe(404);

    const origin = new URL(server.url).origin;
    let cookie = '';
    const call = async (path: string, body: unknown, headers: Record<string, string> = { origin }) => {
      const response = await fetch(new URL(`/mfa-flow${path}`, server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: JSON.stringify(body),
      });
      cookie = /^(mfa_flow=[^;]*)/.exec(response.headers.get('set-cookie') ?? '')?.[1] ?? cookie;
      return { status: response.status, body: (await response.json()) as { view?: { state: string; enrollment?: { secret?: string } }; error?: string } };
    };
    expect((await call('/start', { intent: 'enroll' }, { origin: 'https://evil.example' })).body.error).toBe('cross_origin');
    expect((await call('/start', { intent: 'enroll' })).body.view?.state).toBe('step.needMfaToken.idle');
    const enrolling = await call('/events', { type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' });
    expect(enrolling.body.view?.state).toBe('step.awaitingConfirmation.idle');
    const secret = enrolling.body.view?.enrollment?.secret ?? '';
    await call('/events', { type: 'otp.submit', otp: new TOTP({ secret: Secret.fromBase32(secret) }).generate() });
    const done = await call('/events', { type: 'recoveryCodes.acknowledge' });
    expect(done.body.view?.state).toBe('authenticated');
    expect(JSON.stringify(done.body)).not.toMatch(/eyJ[\w-]+\.eyJ/);
    expect(log.some((line) => line.startsWith('signed in'))).toBe(true);
  });

  test('`npm start` (scripts/start.ts) prints the URL and demo user, and stops cleanly on SIGINT', async () => {
    const start = spawnStart(['--port', '0', '--quiet']);
    const url = await start.url(/mfa-flow web demo: (http:\/\/\S+)/);
    expect(start.output()).toContain('Demo user: demo@example.com / demo-password');
    expect(start.output()).toContain('Factors offered: otp, sms, voice, email, push; their messages and pushes reach the emulated phone on the page.');
    expect((await fetch(url)).status).toBe(200);
    start.child.kill('SIGINT');
    await expect(start.exited).resolves.toBe(0);
    expect(start.output()).toContain('Stopped.');
  }, 30_000);

  test('`npm run example:react` serves the React example on the same server, with the emulator\'s attempt bucket', async () => {
    const script = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts[
      'example:react'
    ];
    expect(script).toBe('node --import tsx scripts/start.ts --example react');
    const start = spawnStart(['--example', 'react', '--port', '0', '--quiet']);
    const url = await start.url(/mfa-flow React example: (http:\/\/\S+)/);
    const page = await (await fetch(url)).text();
    expect(page).toContain('<div id="root">');
    expect(page).toContain('<script type="module" src="/app.js">');
    const bundle = await (await fetch(new URL('/app.js', url))).text();
    expect(bundle).toContain('Two-step verification'); // MfaScreen, bundled with React
    const config = await (await fetch(new URL('/config.json', url))).json();
    expect(config).toMatchObject({ mode: 'emulator', clientId: 'demo-web', attempts: { limit: 10, refillSeconds: 360 } });
    const icon = await fetch(new URL('/favicon.svg', url));
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    start.child.kill('SIGINT');
    await expect(start.exited).resolves.toBe(0);
  }, 30_000);

  test('an unknown --example is a usage error', async () => {
    const start = spawnStart(['--example', 'vue']);
    await expect(start.exited).resolves.toBe(2);
    expect(start.errors()).toMatch(/--example must be web or react/);
  });
});

/** Runs scripts/start.ts as `npm start` does, and reads the URL it prints. */
function spawnStart(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', ...args], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  closers.push(async () => void (child.exitCode === null && child.kill('SIGKILL')));
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    child,
    exited,
    output: () => out,
    errors: () => err,
    url: (pattern: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out);
          if (match && out.includes('Ctrl-C to stop')) resolve(match[1] ?? '');
        };
        child.stdout.on('data', check);
        check();
        void exited.then(() => reject(new Error(`start exited early:\n${out}${err}`)));
      }),
  };
}
