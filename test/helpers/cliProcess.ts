// Spawns the `mfa-flow` CLI from source (node --import tsx, no build step needed) and reads its
// output in order: each `expect` waits for a pattern after the previous match.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const RUN_CLI = fileURLToPath(new URL('./runCli.ts', import.meta.url));

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything printed to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Waits until stdout, after the last match, matches `pattern`; returns the match. */
  expect(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  type(line: string): void;
  exited: Promise<number | null>;
}

export function spawnCli(args: string[]): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', RUN_CLI, ...args], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let cursor = 0;
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    listeners.forEach((listener) => listener());
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    listeners.forEach((listener) => listener());
  });

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    type: (line) => void child.stdin.write(`${line}\n`),
    expect(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const rest = out.slice(cursor);
          const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(rest);
          if (match) {
            cursor += match.index + match[0].length;
            done();
            resolve(match);
          } else if (hasExited) {
            done();
            reject(new Error(`CLI exited before printing ${pattern}\n--- stdout after the last match:\n${rest}\n--- stderr:\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`Timed out waiting for ${pattern}\n--- stdout after the last match:\n${out.slice(cursor)}\n--- stderr:\n${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** `spawnCli` for a test file: whatever it started and is still running is killed after each test. */
export function cliStarter(): (args: string[]) => CliProcess {
  const running: CliProcess[] = [];
  afterEach(() => {
    for (const cli of running.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  });
  return (args) => {
    const cli = spawnCli(args);
    running.push(cli);
    return cli;
  };
}

/** `mfa-flow demo`'s sign-in prompts, answered with Enter: the embedded emulator's demo user. */
export async function acceptDemoUser(cli: CliProcess): Promise<void> {
  await cli.expect(/Email \[demo@example\.com\]: /);
  cli.type('');
  await cli.expect(/Password \[Enter for the demo user's\]: /);
  cli.type('');
}
