// Spawns server processes of `mfa-flow/server` (mfaFlowServerMain.ts, from source through tsx)
// sharing one Redis, and reads what they print: where they listen, who signed in. `kill('SIGKILL')`
// is a crash mid-request; `stop()` a clean shutdown.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('./mfaFlowServerMain.ts', import.meta.url));

export interface ServerProcessOptions {
  apiUrl: string;
  audience: string;
  redisUrl: string;
  cookieSecret: string;
  settleMs?: number;
  leaseMs?: number;
  factors?: string[];
}

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcessWithoutNullStreams;
  /** The sign-in ids this process handed to onAuthenticated, in order. */
  signIns(): string[];
  stderr(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO,
    env: {
      ...process.env,
      MFA_FLOW_API_URL: options.apiUrl,
      MFA_FLOW_AUDIENCE: options.audience,
      MFA_FLOW_REDIS_URL: options.redisUrl,
      MFA_FLOW_COOKIE_SECRET: options.cookieSecret,
      ...(options.settleMs === undefined ? {} : { MFA_FLOW_SETTLE_MS: String(options.settleMs) }),
      ...(options.leaseMs === undefined ? {} : { MFA_FLOW_LEASE_MS: String(options.leaseMs) }),
      ...(options.factors === undefined ? {} : { MFA_FLOW_FACTORS: options.factors.join(',') }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server process did not start within 30 s:\n${err}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server process exited (${code}) before listening:\n${err}`));
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const listening = /^listening (\S+)$/m.exec(out);
      if (listening === null) return;
      clearTimeout(timer);
      const kill = async (signal: NodeJS.Signals) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited;
      };
      resolve({
        url: listening[1]!,
        pid: child.pid!,
        child,
        signIns: () => [...out.matchAll(/^signed-in (\S+)$/gm)].map((m) => m[1]!),
        stderr: () => err,
        kill,
        stop: () => kill('SIGTERM'),
      });
    });
  });
}
