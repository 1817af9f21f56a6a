// Emulator throughput: the challenge sequence (GET /mfa/authenticators → POST /mfa/challenge →
// POST /oauth/token mfa-otp with a right code) over loopback, 50 concurrent clients, a fixed
// number of sequences and a time bound. The emulator runs in a child process; this process is
// the load loop (node:http, keep-alive). Any answer other than 200 is an error, and errors are
// a correctness failure.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { startChild } from './child.js';
import type { LoadUser, ServerMessage } from './emulatorServer.js';
import { CLIENT, GRANT, totpAt } from './fixtures.js';
import type { Row, SectionResult } from './report.js';
import { percentile } from './stats.js';

const CLIENTS = 50;
const SEQUENCES_PER_CLIENT = 20;
const WARMUP_PER_CLIENT = 1;
const USERS_PER_CLIENT = 2;
const TIME_BOUND_MS = 30_000;
/** Enough authenticators that no code is ever used twice (warm-up included). */
const AUTHENTICATORS_PER_USER = Math.ceil((SEQUENCES_PER_CLIENT + WARMUP_PER_CLIENT) / USERS_PER_CLIENT);

type Endpoint = 'list' | 'challenge' | 'verify';
interface Sample {
  endpoint: Endpoint;
  ms: number;
}

interface Answer {
  status: number;
  body: string;
}

function request(agent: http.Agent, url: URL, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, method, path, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function measureEmulatorLoad(): Promise<SectionResult> {
  const area = 'Emulator';
  const child = startChild<ServerMessage>('emulatorServer.ts', [], [String(CLIENTS * USERS_PER_CLIENT), String(AUTHENTICATORS_PER_USER)]);
  const failures: string[] = [];
  try {
    const ready = await child.next(120_000);
    if (ready.type === 'error') throw new Error(ready.message.split('\n')[0]);
    const url = new URL(ready.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    const errors: string[] = [];

    async function sequence(user: LoadUser, authenticator: { id: string; secret: string }, samples: Sample[] | undefined): Promise<void> {
      const timed = async (endpoint: Endpoint, call: () => Promise<Answer>, check: (a: Answer) => boolean) => {
        const t = performance.now();
        const answer = await call();
        samples?.push({ endpoint, ms: performance.now() - t });
        if (answer.status !== 200 || !check(answer)) errors.push(`${endpoint}: ${answer.status} ${answer.body.slice(0, 120)}`);
      };
      await timed('list', () => request(agent, url, 'GET', '/mfa/authenticators', { authorization: `Bearer ${user.mfaToken}` }), (a) => a.body.startsWith('['));
      const challenge = JSON.stringify({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, challenge_type: 'otp', mfa_token: user.mfaToken, authenticator_id: authenticator.id });
      await timed('challenge', () => request(agent, url, 'POST', '/mfa/challenge', { 'content-type': 'application/json' }, challenge), (a) => a.body.includes('"otp"'));
      const verify = () =>
        request(agent, url, 'POST', '/oauth/token', { 'content-type': 'application/x-www-form-urlencoded' },
          new URLSearchParams({ grant_type: GRANT.mfaOtp, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, mfa_token: user.mfaToken, otp: totpAt(authenticator.secret, Date.now()) }).toString());
      await timed('verify', verify, (a) => a.body.includes('"access_token"'));
    }

    /** One client: its own users, each authenticator used once, sequences one after another. */
    async function client(index: number, count: number, offset: number, samples: Sample[] | undefined, deadline: number): Promise<number> {
      const users = ready.type === 'ready' ? ready.users.slice(index * USERS_PER_CLIENT, (index + 1) * USERS_PER_CLIENT) : [];
      let done = 0;
      for (let k = offset; k < offset + count && performance.now() < deadline; k++) {
        const user = users[k % USERS_PER_CLIENT]!;
        await sequence(user, user.authenticators[Math.floor(k / USERS_PER_CLIENT)]!, samples);
        done++;
      }
      return done;
    }

    const clients = Array.from({ length: CLIENTS }, (_, i) => i);
    await Promise.all(clients.map((i) => client(i, WARMUP_PER_CLIENT, 0, undefined, Infinity)));
    const samples: Sample[] = [];
    const started = performance.now();
    const deadline = started + TIME_BOUND_MS;
    const counts = await Promise.all(clients.map((i) => client(i, SEQUENCES_PER_CLIENT, WARMUP_PER_CLIENT, samples, deadline)));
    const elapsedMs = performance.now() - started;
    agent.destroy();

    const sequences = counts.reduce((a, b) => a + b, 0);
    const planned = CLIENTS * SEQUENCES_PER_CLIENT;
    if (errors.length) failures.push(`emulator load: ${errors.length} error answers, first: ${errors[0]}`);
    const all = samples.map((s) => s.ms);
    const of = (endpoint: Endpoint) => samples.filter((s) => s.endpoint === endpoint).map((s) => s.ms);
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const rows: Row[] = [
      {
        area,
        figure: `requests per second, challenge sequence, ${CLIENTS} concurrent clients`,
        measured: `${Math.round(samples.length / (elapsedMs / 1000)).toLocaleString('en')} req/s (${Math.round(sequences / (elapsedMs / 1000))} sequences/s; ${samples.length} requests in ${(elapsedMs / 1000).toFixed(2)} s${sequences < planned ? `, stopped by the ${TIME_BOUND_MS / 1000} s bound` : ''})`,
        target: '—',
        met: undefined,
      },
      { area, figure: 'latency p50 / p99, all requests', measured: `${ms(percentile(all, 50))} / ${ms(percentile(all, 99))}`, target: '—', met: undefined },
      ...(['list', 'challenge', 'verify'] as const).map((endpoint) => ({
        area,
        figure: `latency p50 / p99, ${endpoint === 'list' ? 'GET /mfa/authenticators' : endpoint === 'challenge' ? 'POST /mfa/challenge' : 'POST /oauth/token (mfa-otp)'}`,
        measured: `${ms(percentile(of(endpoint), 50))} / ${ms(percentile(of(endpoint), 99))}`,
        target: '—',
        met: undefined,
      })),
      { area, figure: 'error answers (anything but 200)', measured: String(errors.length), target: '0', met: errors.length === 0 },
    ];
    return {
      title: 'Emulator under load',
      rows,
      failures,
      method: [
        `The emulator (\`startEmulator({ port: 0, host: "127.0.0.1" })\`) runs in a child process; this process runs ${CLIENTS} concurrent clients over loopback with node:http (keep-alive agent, ${CLIENTS} sockets).`,
        `Each client runs ${SEQUENCES_PER_CLIENT} challenge sequences one after another (after ${WARMUP_PER_CLIENT} untimed warm-up sequence), ${CLIENTS * SEQUENCES_PER_CLIENT} in all, bounded by ${TIME_BOUND_MS / 1000} s: GET /mfa/authenticators (Bearer mfa_token) → POST /mfa/challenge (JSON, otp, authenticator_id) → POST /oauth/token mfa-otp with the right code (form). Every answer must be 200 with the expected body; verifies return an access token and an ID token (the default scope), two RS256 signatures each.`,
        `No request hits the attempt bucket or the replay rule: setup gives each of the ${CLIENTS * USERS_PER_CLIENT} users ${AUTHENTICATORS_PER_USER} confirmed OTP authenticators (on a clock 60 s behind), and each authenticator serves one verify, so every code is a first use (the list answers therefore carry ${AUTHENTICATORS_PER_USER + 1} entries). Setup took ${(ready.setupMs / 1000).toFixed(1)} s, untimed.`,
        'Latency is per request, from sending to the end of the answer body, on the client side.',
      ],
    };
  } catch (error) {
    failures.push(`emulator load: ${(error as Error).message}`);
    return { title: 'Emulator under load', rows: [{ area, figure: 'challenge sequence under load', measured: 'failed', target: 'no errors', met: false }], failures, method: [] };
  } finally {
    child.send({ type: 'stop' });
    await child.stop();
  }
}
