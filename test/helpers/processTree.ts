// Long-running commands spawned by tests, and which processes they left behind, read from
// Linux's /proc: the tests that stop a command check that its whole tree is gone, not only the
// process they signalled.
import { spawn, type ChildProcessWithoutNullStreams, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Every live descendant of `root` (children, their children, …). */
export function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(Number(entry));
    if (parent !== undefined) parents.set(Number(entry), parent);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const [pid, parent] of parents) {
      if (parent === current && !found.includes(pid)) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

/** Whether `pid` still runs (a zombie, exited but not yet reaped, does not). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Waits up to `ms` for `closed` (a spawned command's 'close': every process holding its pipes
 * has exited), then asserts that no process of `tree` still runs. Survivors are this test's
 * own children: they are killed, by pid, before the assertion fails.
 */
export async function expectTreeStopped(closed: Promise<void>, tree: number[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const outcome = await Promise.race([closed, late]);
  clearTimeout(timer);
  const survivors = tree.filter(isAlive);
  for (const pid of survivors) process.kill(pid, 'SIGKILL');
  expect(outcome === 'late' ? `still running: ${survivors.join(', ')}` : 'stopped').toBe('stopped');
  expect(survivors).toEqual([]);
}

export interface Service {
  child: ChildProcessWithoutNullStreams;
  /** 'close': every process holding the command's pipes (its whole tree) has exited. */
  closed: Promise<void>;
  /** The first match of `ready` on stdout. */
  ready: RegExpExecArray;
  stdout(): string;
}

/**
 * Spawns a long-running command and waits until its stdout matches `ready` and says how to stop
 * it. If it is not ready within `timeoutMs`, its tree is killed (by pid: ours) and this rejects.
 */
export async function spawnService(command: string, args: string[], options: SpawnOptions, ready: RegExp, timeoutMs = 30_000): Promise<Service> {
  const child = spawn(command, args, { ...options, stdio: 'pipe' }) as ChildProcessWithoutNullStreams;
  let out = '';
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  try {
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const found = ready.exec(out);
        if (found && out.includes('Ctrl-C to stop')) resolve(found);
      });
      void closed.then(() => reject(new Error(`${command} exited before it was ready:\n${out}`)));
      timer = setTimeout(() => {
        for (const pid of [...descendants(child.pid ?? -1), child.pid ?? -1].filter(isAlive)) process.kill(pid, 'SIGKILL');
        reject(new Error(`${command} was not ready within ${timeoutMs} ms:\n${out}`));
      }, timeoutMs);
    });
    return { child, closed, ready: match, stdout: () => out };
  } finally {
    clearTimeout(timer);
  }
}
