// The Redis store against a real redis-server (started here, on its own port): the FlowStore
// contract, keys under their prefix, a key of another type read as no flow, and server flows on
// two "processes" (two handlers, two connections) sharing it: events alternate between them, two
// at once act once, a Redis restart loses the flows (410 flow_lost, never a 5xx but the 503 of
// a store that is down).
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisFlowStore } from '../../src/server/redis/index.js';
import type { FlowStore } from '../../src/server/index.js';
import { startRedisServer, type RunningRedis } from '../helpers/redisServer.js';
import { CREDENTIALS, createServerHarness } from './serverHarness.js';
import { flowStoreContract } from './storeContract.js';

let redis: RunningRedis;
const clients: Array<{ destroy(): void }> = [];

async function connect() {
  // No reconnect backoff worth waiting for in a test; errors are the store's to report (503).
  const client = createClient({ url: redis.url, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}

beforeAll(async () => {
  redis = await startRedisServer();
}, 20_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  await redis?.stop();
});

describe('createRedisFlowStore: the FlowStore contract', () => {
  let store: FlowStore;
  beforeAll(async () => {
    store = createRedisFlowStore(await connect(), { prefix: 'contract:' });
  });
  flowStoreContract(() => store);
});

describe('createRedisFlowStore on Redis', () => {
  it('keeps each flow under its prefix, as a hash with a TTL', async () => {
    const client = await connect();
    const store = createRedisFlowStore(client, { prefix: 'app-a:' });
    const other = createRedisFlowStore(client, { prefix: 'app-b:' });
    await store.create('flow-1', 'record', 60_000);
    expect(await other.get('flow-1')).toBeNull();
    expect(await client.type('app-a:flow-1')).toBe('hash');
    const ttl = await client.pTTL('app-a:flow-1');
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await createRedisFlowStore(client).create('x', 'y', 1_000)).toBe(true);
    expect(await client.exists('mfa-flow:x')).toBe(1);
  });

  it('a key holding anything else reads as no flow, and is never overwritten by a compare-and-set', async () => {
    const client = await connect();
    const store = createRedisFlowStore(client, { prefix: 'garbage:' });
    await client.set('garbage:string', 'not a flow');
    await client.hSet('garbage:partial', { rec: 'no revision' });
    await client.hSet('garbage:badrev', { rev: 'x', rec: 'y' });
    for (const id of ['string', 'partial', 'badrev']) {
      expect(await store.get(id), id).toBeNull();
      expect(await store.compareAndSet(id, 1, 'mine', 60_000), id).toBe(false);
    }
    expect(await client.get('garbage:string')).toBe('not a flow');
  });
});

describe('server flows on two processes sharing Redis', () => {
  async function twoProcesses(prefix: string) {
    const store = createRedisFlowStore(await connect(), { prefix });
    const h = createServerHarness({ handler: { store } });
    const second = h.process({ store: createRedisFlowStore(await connect(), { prefix }) });
    return { h, second };
  }

  it('an enrollment whose events alternate between the processes', async () => {
    const { h, second } = await twoProcesses('alternate:');
    const browser = h.browser();
    await browser.start({ intent: 'enroll' });
    browser.handler = second;
    const enrolling = await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    expect(enrolling.view.state).toBe('step.awaitingConfirmation.idle');
    browser.handler = h.handler;
    const enrollment = enrolling.view.enrollment;
    if (enrollment?.factor !== 'otp') throw new Error('expected an app enrollment');
    await browser.send({ type: 'otp.submit', otp: h.emu.otpNow(enrollment.secret) });
    browser.handler = second;
    const done = await browser.send({ type: 'recoveryCodes.acknowledge' });
    expect(done.view).toMatchObject({ outcome: 'authenticated', enrolled: true });
    expect(h.signIns).toHaveLength(1);
    expect(h.calls).toEqual(['POST /oauth/token password', 'POST /mfa/associate', 'POST /oauth/token mfa-otp']);
    expect(h.leaks()).toEqual([]);
  });

  it('the same event on both at once: one verify, one flow_busy', async () => {
    const { h, second } = await twoProcesses('race:');
    const { secret } = await h.emu.enroll();
    const a = h.browser();
    await a.start();
    await a.send({ type: 'credentials.submit', ...CREDENTIALS });
    const b = h.browser();
    b.cookie = a.cookie;
    b.handler = second;
    const code = h.emu.otpNow(secret);
    const answers = await Promise.all([a.send({ type: 'otp.submit', otp: code }), b.send({ type: 'otp.submit', otp: code })]);
    expect(answers.map((x) => x.status).sort()).toEqual([200, 409]);
    expect(h.calls.filter((c) => c.endsWith('mfa-otp'))).toHaveLength(1);
    expect(h.signIns).toHaveLength(1);
  });

  it('Redis restarted between two events: the flow is lost (410), while down the store is unavailable (503)', async () => {
    const { h } = await twoProcesses('restart:');
    const browser = h.browser();
    await browser.start({ intent: 'enroll' });
    const before = await browser.view();
    expect(before.status).toBe(200);

    await redis.restart();
    let answer = await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    // The client may still be reconnecting: that is the store being unavailable, never a 500.
    while (answer.status === 503) {
      expect(answer.body.error).toBe('store_unavailable');
      answer = await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    }
    expect(answer.status).toBe(410);
    expect(answer.body.error).toBe('flow_lost');
    expect(h.calls).toEqual([]);
    const again = await browser.start({ intent: 'enroll' });
    expect(again.status).toBe(200);
  }, 20_000);
});
