// Server flows when things break, with real processes and a real redis-server: a process killed
// (SIGKILL) while its event waits for the API, Redis restarted between two events, garbage under a
// flow's key. Through all of it the browser gets views or stable 4xx answers, never a 5xx; no
// event is acted on by two processes; a lost flow says so and starting again works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { TOTP, Secret } from 'otpauth';
import { ClusterBrowser, startCluster, type BrowserAnswer, type Cluster } from '../cluster/serverCluster.js';

const USER = { email: 'faults@example.com', password: 'faults-password' };
const OTHER = { email: 'faults-2@example.com', password: 'faults-password' };
const LEASE_MS = 3_000;

let cluster: Cluster;
const browsers: ClusterBrowser[] = [];
const newBrowser = () => {
  const b = new ClusterBrowser();
  browsers.push(b);
  return b;
};

beforeAll(async () => {
  cluster = await startCluster({ processes: 3, users: [USER, OTHER], settleMs: 2_000, leaseMs: LEASE_MS });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

/** The code an authenticator app shows for `secret` now (on the emulator's clock). */
const otp = (secret: string) => TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: cluster.now() });

async function enrolling(b: ClusterBrowser, user: typeof USER, via: string): Promise<string> {
  expect((await b.start(via, { intent: 'enroll' })).status).toBe(200);
  const answer = await b.send(via, { type: 'credentials.submit', username: user.email, password: user.password });
  expect(answer.body.view?.state).toBe('step.awaitingConfirmation.idle');
  return answer.body.view!.enrollment!.secret!;
}

/** Asks until the answer is not `flow_busy` (a lease outliving its dead process runs out). */
async function untilNotBusy(ask: () => Promise<BrowserAnswer>, budgetMs: number): Promise<{ answer: BrowserAnswer; busy: number }> {
  const deadline = Date.now() + budgetMs;
  let busy = 0;
  for (;;) {
    const answer = await ask();
    if (answer.status !== 409 || Date.now() > deadline) return { answer, busy };
    expect(answer.body.error).toBe('flow_busy');
    busy++;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('server flows across processes, when things break', () => {
  it('a process killed mid-event: the flow waits out its lease, then goes on elsewhere, never acted on twice at once', async () => {
    const [p0, p1, p2] = cluster.processes;
    const b = newBrowser();
    const countsBefore = cluster.counts.size;
    const secret = await enrolling(b, USER, p0!.url);

    // p1 sends the confirmation; the emulator holds it; p1 dies; then the emulator acts on it.
    const held = cluster.hold((request, form) => new URL(request.url).pathname === '/oauth/token' && /mfa-otp$/.test(form.get('grant_type') ?? ''));
    const killedRequest = b.send(p1!.url, { type: 'otp.submit', otp: otp(secret) }).catch((error: unknown) => error);
    await held.arrived;
    await p1!.kill();
    expect(await killedRequest).toBeInstanceOf(Error); // the browser's connection died with the process
    held.release();

    // Another process refuses to act while the dead one's lease lives, then takes the flow over
    // from its last stored state (the code input), and the user types the next code.
    const { answer: resumed, busy } = await untilNotBusy(() => b.view(p2!.url), LEASE_MS * 3);
    expect(busy).toBeGreaterThan(0);
    expect(resumed.status).toBe(200);
    expect(resumed.body.view?.state).toBe('step.awaitingConfirmation.idle');
    cluster.advance(30_000); // the held code was spent: the user waits for the next one
    const confirmed = await b.send(p0!.url, { type: 'otp.submit', otp: otp(secret) });
    expect(confirmed.body.view?.state).toBe('step.awaitingConfirmation.acknowledgingRecoveryCodes');
    const done = await b.send(p2!.url, { type: 'recoveryCodes.acknowledge' });
    expect(done.body.view?.state).toBe('authenticated');
    // At the emulator: one association; two code checks, the dead process's (held, then let
    // through) and the living one's, which could only start once the lease had run out.
    const newCounts = [...cluster.counts.values()].slice(countsBefore);
    expect(newCounts).toEqual([{ associate: 1, verify: 2 }]);
    expect(cluster.overlaps()).toBe(0);
    expect(cluster.signIns).toHaveLength(1);
    // The dead process's place is taken by a new one, for the tests that follow.
    cluster.processes[1] = cluster.processes[0]!;
  }, 30_000);

  it('Redis restarted between two events: the flow answers flow_lost, and starting again works', async () => {
    const [p0, , p2] = cluster.processes;
    const b = newBrowser();
    await enrolling(b, OTHER, p0!.url);
    await cluster.redis.restart();
    const lost = await b.send(p2!.url, { type: 'otp.submit', otp: '123456' });
    expect(lost.status).toBe(410);
    expect(lost.body.error).toBe('flow_lost');
    const secret = await enrolling(b, OTHER, p2!.url);
    let answer = await b.send(p0!.url, { type: 'otp.submit', otp: otp(secret) });
    console.log("AFTER", JSON.stringify(answer.body.view?.state), JSON.stringify(answer.body.view?.error), JSON.stringify([...cluster.counts.values()]));
    if (answer.body.view?.state === 'step.awaitingConfirmation.acknowledgingRecoveryCodes') answer = await b.send(p2!.url, { type: 'recoveryCodes.acknowledge' });
    expect(answer.body.view?.state).toBe('authenticated');
  }, 30_000);

  it('garbage under a flow’s key, or a handle this app never made: a clear 4xx, never a 5xx', async () => {
    const [p0, , p2] = cluster.processes;
    const redis = createClient({ url: cluster.redis.url });
    await redis.connect();
    try {
      for (const garbage of [
        (key: string) => redis.set(key, '\u0000not a flow'),
        (key: string) => redis.hSet(key, { rev: '1', rec: '{"format":"mfa-flow/server@1","flow":"eyJub3QiOiJhIEpXRSJ9"}' }),
        (key: string) => redis.hSet(key, { rev: 'seven', rec: 'x'.repeat(10_000) }),
      ]) {
        const b = newBrowser();
        expect((await b.start(p0!.url, { intent: 'enroll' })).status).toBe(200);
        const id = b.cookie!.split('.')[0]!;
        const key = `mfa-flow:${id}`;
        expect(await redis.exists(key)).toBe(1);
        await redis.del(key);
        await garbage(key);
        const answer = await b.send(p2!.url, { type: 'credentials.submit', username: USER.email, password: USER.password });
        expect(answer.status).toBe(410);
        expect(answer.body.error).toBe('flow_lost');
      }
      const forged = newBrowser();
      forged.cookie = 'AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      expect((await forged.view(p0!.url)).body.error).toBe('bad_handle');
    } finally {
      await redis.quit();
    }
  }, 30_000);

  it('no answer of any process was a 5xx', () => {
    const statuses = browsers.flatMap((b) => b.statuses);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});
