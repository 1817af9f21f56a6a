// Server flows on real server processes (mfaFlowServerMain.ts) sharing a real redis-server, the
// emulator behind a proxy that can hold a request: events of one flow alternate between the
// processes, and a process killed (SIGKILL) in the middle of an event leaves the flow to another
// once its lease runs out. Every answer is a view or a stable 4xx; never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import type { FlowView } from '../../src/view/index.js';
import { serveHandler, type ServedHandler } from '../helpers/handlerSocket.js';
import { startRedisServer, type RunningRedis } from '../helpers/redisServer.js';
import { startServerProcess, type ServerProcess } from '../helpers/serverProcess.js';
import { totpCode } from '../helpers/totp.js';
import { COOKIE_SECRET, CREDENTIALS } from './serverHarness.js';

const LEASE_MS = 1_500;

let redis: RunningRedis;
let emulator: Emulator;
let api: ServedHandler;
const processes: ServerProcess[] = [];
/** Holds requests to `/oauth/token` while set. */
let holding: { arrived: () => void; released: Promise<void> } | null = null;
const statuses: number[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  emulator = createEmulator();
  api = await serveHandler(async (request) => {
    const hold = holding;
    if (hold !== null && new URL(request.url).pathname === '/oauth/token') {
      holding = null;
      hold.arrived();
      await hold.released;
    }
    return emulator.app.request(request);
  });
  const options = { apiUrl: api.url, audience: emulator.mfaAudience, redisUrl: redis.url, cookieSecret: COOKIE_SECRET, leaseMs: LEASE_MS };
  processes.push(...(await Promise.all([startServerProcess(options), startServerProcess(options)])));
}, 60_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await api?.close();
  await redis?.stop();
});

/** A browser whose cookie goes to whichever process it talks to (they share one secret). */
function browser() {
  let cookie: string | null = null;
  return async (process: ServerProcess, method: 'GET' | 'POST', path: string, json?: unknown) => {
    const response = await fetch(`${process.url}/mfa-flow${path}`, {
      method,
      headers: { origin: process.url, ...(cookie === null ? {} : { cookie }), ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    statuses.push(response.status);
    const setCookie = response.headers.get('set-cookie');
    if (setCookie !== null) cookie = setCookie.split(';')[0]!;
    return { status: response.status, body: (await response.json()) as { view: FlowView; error?: string } };
  };
}

describe('server processes sharing Redis', () => {
  it('an enrollment whose events alternate between two processes', async () => {
    const [a, b] = processes as [ServerProcess, ServerProcess];
    const call = browser();
    await call(a, 'POST', '/start', { intent: 'enroll' });
    const enrolling = await call(b, 'POST', '/events', { type: 'credentials.submit', ...CREDENTIALS });
    const enrollment = enrolling.body.view.enrollment;
    if (enrollment?.factor !== 'otp') throw new Error(`expected an app enrollment: ${JSON.stringify(enrolling.body)}`);
    await call(a, 'POST', '/events', { type: 'otp.submit', otp: totpCode(enrollment.secret, Date.now()) });
    const done = await call(b, 'POST', '/events', { type: 'recoveryCodes.acknowledge' });
    expect(done.body.view).toMatchObject({ outcome: 'authenticated', enrolled: true });
    expect(b.signIns()).toHaveLength(1);
    expect(a.signIns()).toHaveLength(0);
  });

  it('a process killed in the middle of an event: another takes the flow over once the lease runs out', async () => {
    const [a, b] = processes as [ServerProcess, ServerProcess];
    const call = browser();
    await call(a, 'POST', '/start', { intent: 'challenge' });
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => {
      holding = { arrived: resolve, released: new Promise<void>((r) => (release = r)) };
    });
    const dying = call(a, 'POST', '/events', { type: 'credentials.submit', ...CREDENTIALS }).catch((error: unknown) => error);
    await arrived; // a holds the lease and its password grant is on the wire
    await a.kill('SIGKILL');
    expect(await dying).toBeInstanceOf(Error); // the connection died with the process

    const busy = await call(b, 'GET', '/view');
    expect(busy.status).toBe(409);
    expect(busy.body.error).toBe('flow_busy');
    let view = busy;
    while (view.status === 409) view = await call(b, 'GET', '/view'); // until the lease runs out
    expect(view.status).toBe(200);
    expect(view.body.view.state).toBe('step.needMfaToken.idle'); // as it was before the lost event
    release();

    const challenged = await call(b, 'POST', '/events', { type: 'credentials.submit', ...CREDENTIALS });
    expect(challenged.body.view.state).toBe('step.verifying.idle');
    expect(challenged.body.view.authenticators).toHaveLength(1); // the app enrolled in the test before
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  }, 30_000);
});
