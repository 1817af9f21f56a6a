// Several server processes of one app, as a load balancer would see them: each a child process
// running `mfa-flow/server` (flowServerProcess.ts), all sharing one real redis-server and one
// emulator on 127.0.0.1. The emulator sits behind a thin layer that counts what reaches it per
// MFA token (associations, code checks) and can hold a request, so a test can kill the process
// that sent it while it waits for its answer. Used by test/server/faults.test.ts and the bench.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createEmulator, type EmulatorUser } from '../../src/emulator/index.js';
import { serveHandler, type ServedHandler } from '../helpers/handlerSocket.js';
import { startRedisServer, type RunningRedis } from '../helpers/redisServer.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./flowServerProcess.ts', import.meta.url));
export const APP_ORIGIN = 'http://app.test';
const COOKIE_SECRET = 'the-cluster-cookie-secret-shared-by-every-process';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL, as an out-of-memory killer or a crashed host would: no cleanup of any kind. */
  kill(): Promise<void>;
}

/** A request held in front of the emulator until `release` lets it through. */
export interface Hold {
  arrived: Promise<void>;
  release(): void;
}

export interface Cluster {
  processes: ServerProcess[];
  redis: RunningRedis;
  /** Requests that reached the emulator, per MFA token: `associate` and code checks (`verify`). */
  counts: Map<string, { associate: number; verify: number }>;
  /** Times a request for one MFA token reached the emulator while another of the same kind for
   *  that token was still being answered: two processes acting on one flow at once (must be 0). */
  overlaps(): number;
  /** `signedIn` lines of every process: the app's callback ran with this sign-in id. */
  signIns: string[];
  /** The emulator's clock (wall time plus what `advance` added): codes are computed at it. */
  now(): number;
  /** Moves the emulator's clock on, e.g. to the next 30 s step after a code was spent. */
  advance(ms: number): void;
  /** Holds the next request the predicate matches. */
  hold(match: (request: Request, form: URLSearchParams) => boolean): Hold;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  processes: number;
  users: EmulatorUser[];
  settleMs?: number;
  leaseMs?: number;
}

function tokenOf(request: Request, form: URLSearchParams): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  return form.get('mfa_token') ?? bearer;
}

async function formOf(request: Request): Promise<URLSearchParams> {
  const text = await request.clone().text();
  if (!text.trimStart().startsWith('{')) return new URLSearchParams(text);
  const json = JSON.parse(text) as Record<string, unknown>;
  return new URLSearchParams(Object.entries(json).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])));
}

function startProcess(env: Record<string, string>, signIns: string[]): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('exit', (code, signal) => reject(new Error(`flow server exited (${code ?? signal}) before it was ready:\n${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [word, value] = line.split(' ');
      if (word === 'signedIn' && value) signIns.push(value);
      if (word === 'ready' && value) {
        resolve({
          url: value,
          child,
          async kill() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
  });
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const redis = await startRedisServer();
  let offset = 0;
  const now = () => Date.now() + offset;
  const emulator = createEmulator({ users: options.users, clock: now });
  const counts = new Map<string, { associate: number; verify: number }>();
  const inFlight = new Set<string>();
  let overlaps = 0;
  const holds: Array<{ match: (r: Request, f: URLSearchParams) => boolean; arrived: () => void; released: Promise<void> }> = [];

  const front = async (request: Request): Promise<Response> => {
    const form = await formOf(request);
    const path = new URL(request.url).pathname;
    const grant = form.get('grant_type') ?? '';
    const kind = path === '/mfa/associate' ? 'associate' : /mfa-(otp|oob|recovery-code)$/.test(grant) ? 'verify' : undefined;
    const token = tokenOf(request, form);
    const flight = kind !== undefined && token !== undefined ? `${kind} ${token}` : undefined;
    if (kind !== undefined && token !== undefined) {
      const count = counts.get(token) ?? { associate: 0, verify: 0 };
      count[kind] += 1;
      counts.set(token, count);
    }
    if (flight !== undefined) {
      if (inFlight.has(flight)) overlaps++;
      inFlight.add(flight);
    }
    try {
      const index = holds.findIndex((h) => h.match(request, form));
      if (index >= 0) {
        const [held] = holds.splice(index, 1);
        held!.arrived();
        await held!.released;
      }
      return await emulator.app.request(request);
    } finally {
      if (flight !== undefined) inFlight.delete(flight);
    }
  };
  const served: ServedHandler = await serveHandler(front);

  const signIns: string[] = [];
  const env = {
    MFA_REDIS_URL: redis.url,
    MFA_EMULATOR_URL: served.url,
    MFA_AUDIENCE: emulator.mfaAudience,
    MFA_COOKIE_SECRET: COOKIE_SECRET,
    MFA_APP_ORIGIN: APP_ORIGIN,
    MFA_SETTLE_MS: String(options.settleMs ?? 5_000),
    MFA_LEASE_MS: String(options.leaseMs ?? 8_000),
  };
  const processes: ServerProcess[] = [];
  try {
    for (let i = 0; i < options.processes; i++) processes.push(await startProcess(env, signIns));
  } catch (error) {
    await Promise.all(processes.map((p) => p.kill()));
    await served.close();
    await redis.stop();
    throw error;
  }

  return {
    processes,
    redis,
    counts,
    signIns,
    overlaps: () => overlaps,
    now,
    advance(ms) {
      offset += ms;
    },
    hold(match) {
      let arrived!: () => void;
      let release!: () => void;
      const arrivedPromise = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push({ match, arrived, released });
      return { arrived: arrivedPromise, release };
    },
    async stop() {
      await Promise.all(processes.map((p) => p.kill()));
      await served.close();
      await redis.stop();
    },
  };
}

export interface BrowserAnswer {
  status: number;
  body: { view?: { state: string; tags: string[]; enrollment?: { factor: string; secret?: string } | null; error?: { code: string } | null }; error?: string };
}

/** A browser tab of the app: one cookie, JSON events, the app's origin; `via` picks the process. */
export class ClusterBrowser {
  cookie: string | null = null;
  readonly statuses: number[] = [];

  async request(via: string, method: 'GET' | 'POST', route: string, json?: unknown): Promise<BrowserAnswer> {
    const headers: Record<string, string> = { origin: APP_ORIGIN };
    if (this.cookie !== null) headers.cookie = `mfa_flow=${this.cookie}`;
    if (json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${via}/mfa-flow${route}`, { method, headers, ...(json === undefined ? {} : { body: JSON.stringify(json) }) });
    this.statuses.push(response.status);
    const handle = /^mfa_flow=([^;]*)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
    if (handle !== undefined) this.cookie = handle;
    return { status: response.status, body: (await response.json()) as BrowserAnswer['body'] };
  }

  start(via: string, body: unknown = {}) {
    return this.request(via, 'POST', '/start', body);
  }
  send(via: string, event: Record<string, unknown>) {
    return this.request(via, 'POST', '/events', event);
  }
  view(via: string) {
    return this.request(via, 'GET', '/view');
  }
}
