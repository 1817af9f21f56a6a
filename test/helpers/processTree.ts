// Which processes a spawned command left behind, read from Linux's /proc: the tests that stop a
// command check that its whole tree is gone, not only the process they signalled.
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
