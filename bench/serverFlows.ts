// Flows on the server across processes: 3 processes of `mfa-flow/server` sharing one real
// redis-server (test/cluster/serverCluster.ts), N concurrent OTP enroll+confirm flows driven over
// the cookie API, each event sent to the next process in turn, as a round-robin load balancer
// would. Counted at the emulator: associations and code checks per MFA token, and any two of one
// kind for one token at once (two processes acting on one flow). Then the same with one process
// SIGKILLed mid-run: the client moves on to the next process, waiting out `flow_busy`.
import { performance } from 'node:perf_hooks';
import { TOTP, Secret } from 'otpauth';
import { createClient } from 'redis';
import { ClusterBrowser, startCluster, type BrowserAnswer, type Cluster } from '../test/cluster/serverCluster.js';
import type { Row, SectionResult } from './report.js';
import { percentile } from './stats.js';

const PROCESSES = 3;
const IN_FLIGHT = 48;
const LEASE_MS = 12_000;
const SETTLE_MS = 10_000;
const area = 'Server flows';

function flowsFromArgs(): number {
  const argv = process.argv;
  const i = argv.indexOf('--flows');
  const n = i >= 0 ? Number(argv[i + 1]) : 1_000;
  return Number.isInteger(n) && n > 0 ? n : 1_000;
}

interface RunResult {
  flows: number;
  completed: number;
  lost: number;
  seconds: number;
  latencies: number[];
  fiveHundreds: number;
  busyRetries: number;
  deadRetries: number;
  duplicated: number;
  overlaps: number;
  resentAfterKill: number;
  failures: string[];
}

/** A counting semaphore: at most `n` requests on the wire at once. */
function limiter(n: number) {
  let free = n;
  const waiting: Array<() => void> = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (free === 0) await new Promise<void>((resolve) => waiting.push(resolve));
    else free--;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

async function runFlows(cluster: Cluster, users: Array<{ email: string; password: string }>, killMidRun: boolean): Promise<RunResult> {
  const alive = new Set(cluster.processes.map((p) => p.url));
  const order = cluster.processes.map((p) => p.url);
  let turn = 0;
  const nextProcess = () => {
    for (;;) {
      const url = order[turn++ % order.length]!;
      if (alive.has(url)) return url;
    }
  };
  const limit = limiter(IN_FLIGHT);
  /** Why flows did not complete, for the report. */
  const why: string[] = [];
  const latencies: number[] = [];
  const r = { fiveHundreds: 0, busyRetries: 0, deadRetries: 0, answered: 0 };
  const expectedEvents = users.length * 4;
  let killed = false;
  const codeOf = (secret: string) => TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: cluster.now() });

  /** One request, moved to the next process on a dead connection or `flow_busy`. */
  async function ask(b: ClusterBrowser, send: (via: string) => Promise<BrowserAnswer>): Promise<BrowserAnswer> {
    for (let attempt = 0; ; attempt++) {
      const via = nextProcess();
      let answer: BrowserAnswer;
      let started = 0;
      try {
        // Latency is the request's own time on the wire, not its wait for a free slot.
        answer = await limit(() => {
          started = performance.now();
          return send(via);
        });
      } catch {
        alive.delete(via); // the load balancer's health check would take it out
        r.deadRetries++;
        if (attempt > 40) throw new Error('no process answers');
        continue;
      }
      if (answer.status >= 500) r.fiveHundreds++;
      if (answer.status === 409 && attempt < 100) {
        r.busyRetries++;
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      latencies.push(performance.now() - started);
      if (killMidRun && !killed && ++r.answered >= expectedEvents * 0.4) {
        killed = true;
        const victim = cluster.processes[1]!;
        void victim.kill();
      }
      return answer;
    }
  }

  async function flow(user: { email: string; password: string }): Promise<boolean> {
    const b = new ClusterBrowser();
    let answer = await ask(b, (via) => b.start(via, { intent: 'enroll' }));
    let lastCode: string | undefined;
    for (let step = 0; step < 12; step++) {
      const view = answer.body.view;
      if (answer.status !== 200 || view === undefined) {
        why.push(`answered ${answer.status} ${answer.body.error ?? ''}`);
        return false;
      }
      switch (view.state) {
        case 'authenticated':
          return true;
        case 'step.needMfaToken.idle':
          answer = await ask(b, (via) => b.send(via, { type: 'credentials.submit', username: user.email, password: user.password }));
          break;
        case 'step.awaitingConfirmation.idle': {
          let code = codeOf(view.enrollment!.secret!);
          // The same code again means it was spent by a process that died before answering:
          // the user waits for the next one (the emulator's clock moves on a step).
          if (code === lastCode) {
            cluster.advance(30_000);
            code = codeOf(view.enrollment!.secret!);
          }
          lastCode = code;
          answer = await ask(b, (via) => b.send(via, { type: 'otp.submit', otp: code }));
          break;
        }
        case 'step.awaitingConfirmation.acknowledgingRecoveryCodes':
          answer = await ask(b, (via) => b.send(via, { type: 'recoveryCodes.acknowledge' }));
          break;
        default:
          why.push(`ended in ${view.state} (${view.error?.code ?? 'no error'})`);
          return false;
      }
    }
    return false;
  }

  const countsBefore = cluster.counts.size;
  const overlapsBefore = cluster.overlaps();
  const started = performance.now();
  const outcomes = await Promise.all(users.map((u) =>
      flow(u).catch((error: unknown) => {
        why.push(String(error));
        return false;
      }),
    ));
  const seconds = (performance.now() - started) / 1000;
  const counts = [...cluster.counts.values()].slice(countsBefore);
  const completed = outcomes.filter(Boolean).length;
  const failures: string[] = [];
  const duplicated = counts.filter((c) => c.associate > 1 || c.verify > 1).length;
  const overlaps = cluster.overlaps() - overlapsBefore;
  if (overlaps > 0) failures.push(`server flows: ${overlaps} requests of one flow reached the emulator at once`);
  if (!killMidRun && duplicated > 0) failures.push(`server flows: ${duplicated} flows associated or verified twice`);
  if (r.fiveHundreds > 0) failures.push(`server flows: ${r.fiveHundreds} answers were 5xx`);
  if (completed !== users.length) failures.push(`server flows: ${users.length - completed} of ${users.length} flows did not complete${killMidRun ? ' (one process killed)' : ''}: ${[...new Set(why)].slice(0, 3).join('; ')}`);
  return {
    flows: users.length,
    completed,
    lost: users.length - completed,
    seconds,
    latencies,
    fiveHundreds: r.fiveHundreds,
    busyRetries: r.busyRetries,
    deadRetries: r.deadRetries,
    duplicated: killMidRun ? 0 : duplicated,
    overlaps,
    resentAfterKill: killMidRun ? duplicated : 0,
    failures,
  };
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Redis memory per stored flow (MEMORY USAGE of its key, and the record's own length), for flows
 *  parked at the sign-in form, at the code input while enrolling, and ended (the last view kept). */
async function storedBytes(cluster: Cluster, users: Array<{ email: string; password: string }>): Promise<Record<string, { memory: number; record: number }>> {
  const redis = createClient({ url: cluster.redis.url });
  await redis.connect();
  const via = cluster.processes[0]!.url;
  const measure = async (browsers: ClusterBrowser[]) => {
    let memory = 0;
    let record = 0;
    for (const b of browsers) {
      const key = `mfa-flow:${b.cookie!.split('.')[0]}`;
      memory += Number(await redis.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
      record += (await redis.hGet(key, 'rec'))?.length ?? 0;
    }
    return { memory: Math.round(memory / browsers.length), record: Math.round(record / browsers.length) };
  };
  try {
    const browsers = users.map(() => new ClusterBrowser());
    for (const b of browsers) await b.start(via, { intent: 'enroll' });
    const signIn = await measure(browsers);
    const secrets: string[] = [];
    for (const [i, b] of browsers.entries()) {
      const answer = await b.send(via, { type: 'credentials.submit', username: users[i]!.email, password: users[i]!.password });
      secrets.push(answer.body.view!.enrollment!.secret!);
    }
    const enrolling = await measure(browsers);
    for (const [i, b] of browsers.entries()) {
      await b.send(via, { type: 'otp.submit', otp: TOTP.generate({ secret: Secret.fromBase32(secrets[i]!), period: 30, digits: 6, algorithm: 'SHA1', timestamp: cluster.now() }) });
      await b.send(via, { type: 'recoveryCodes.acknowledge' });
    }
    const ended = await measure(browsers);
    return { 'at the sign-in form': signIn, 'at the code input, enrolling': enrolling, 'ended (last view kept)': ended };
  } finally {
    await redis.quit();
  }
}

function rowsOf(label: string, r: RunResult): Row[] {
  return [
    { area, figure: `${label}: flows completed per second`, measured: `${(r.completed / r.seconds).toFixed(0)} /s (${r.completed}/${r.flows} in ${r.seconds.toFixed(1)} s)`, target: '—', met: undefined },
    { area, figure: `${label}: event latency p50 / p99`, measured: `${ms(percentile(r.latencies, 50))} / ${ms(percentile(r.latencies, 99))}`, target: '—', met: undefined },
    {
      area,
      figure: `${label}: lost flows, 5xx, two processes acting on one flow`,
      measured: `${r.lost}, ${r.fiveHundreds}, ${r.overlaps}`,
      target: '0, 0, 0',
      met: r.lost === 0 && r.fiveHundreds === 0 && r.overlaps === 0,
    },
  ];
}

export async function measureServerFlows(): Promise<SectionResult> {
  const flows = flowsFromArgs();
  const SIZED = 20;
  const users = Array.from({ length: flows * 2 + SIZED }, (_, i) => ({ email: `server-${i}@bench.test`, password: 'bench-password' }));
  const cluster = await startCluster({ processes: PROCESSES, users, settleMs: SETTLE_MS, leaseMs: LEASE_MS });
  try {
    const steady = await runFlows(cluster, users.slice(0, flows), false);
    const killed = await runFlows(cluster, users.slice(flows, flows * 2), true);
    const sizes = await storedBytes(cluster, users.slice(flows * 2));
    const rows = [
      ...rowsOf(`${flows.toLocaleString('en')} flows, ${PROCESSES} processes`, steady),
      { area, figure: 'associations / code checks per flow (at the emulator)', measured: steady.duplicated === 0 ? '1 / 1 for every flow' : `${steady.duplicated} flows with more`, target: '1 / 1', met: steady.duplicated === 0 },
      ...rowsOf(`the same, one process SIGKILLed at 40 %`, killed),
      ...Object.entries(sizes).map(([where, size]) => ({
        area,
        figure: `Redis memory per flow ${where}`,
        measured: `${(size.memory / 1024).toFixed(1)} KB (record ${(size.record / 1024).toFixed(1)} KB)`,
        target: '—',
        met: undefined,
      })),
    ];
    return {
      title: 'Server flows',
      rows,
      failures: [...steady.failures, ...killed.failures],
      method: [
        `${PROCESSES} child processes (\`node --import tsx test/cluster/flowServerProcess.ts\`), each \`createMfaFlowHandler\` with \`createRedisFlowStore\` on one redis-server started for the run (no persistence, 127.0.0.1), served by @hono/node-server; the emulator (in the bench process, behind a counting layer) on a 127.0.0.1 socket. Lease ${LEASE_MS / 1000} s, settle ${SETTLE_MS / 1000} s (the handler's default).`,
        `${flows.toLocaleString('en')} flows start at once (each its own user); each runs POST /start, credentials.submit, otp.submit (RFC 6238 code from the view's secret), recoveryCodes.acknowledge over fetch with its own cookie, each request to the next process in turn; at most ${IN_FLIGHT} requests on the wire. Latency: one answered request (retries of \`flow_busy\` counted apart: ${steady.busyRetries} and ${killed.busyRetries}).`,
        `Killed run: the second process gets SIGKILL once 40 % of the events were answered; a dead connection takes that process out of the rotation (${killed.deadRetries} requests moved), a flow whose event died with it waits out the lease (\`flow_busy\`) and goes on from its last stored state. ${killed.resentAfterKill} flows sent a code check or association again after the kill (the user's retry of an event whose answer was lost, never at the same time as the first).`,
        `Redis memory: \`MEMORY USAGE <key> SAMPLES 0\` averaged over ${SIZED} flows at each point (the record is JSON around the flow's JWE); 1 KB = 1024 bytes.`,
        'Both runs share the machine: the emulator (scrypt password checks), redis-server, 3 servers and the load loop on the same cores.',
      ],
    };
  } finally {
    await cluster.stop();
  }
}
