// Runs one bench part in a child Node process (TypeScript through tsx), talking over IPC:
// for clean heap figures (--expose-gc, nothing else in the heap) or to put a server on its own core.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './fixtures.js';

export interface Child<TMessage> {
  process: ChildProcess;
  /** The next message the child sends; rejects if it exits first or takes longer than `timeoutMs`. */
  next(timeoutMs: number): Promise<TMessage>;
  send(message: unknown): void;
  /** Waits for the child to exit; kills it (this child only) if it has not after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function startChild<TMessage>(script: string, nodeFlags: string[] = [], args: string[] = []): Child<TMessage> {
  const child = fork(path.join(ROOT, 'bench', script), args, {
    cwd: ROOT,
    execArgv: [...nodeFlags, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const queue: TMessage[] = [];
  const waiters: { resolve(m: TMessage): void; reject(e: Error): void }[] = [];
  let exited: Error | undefined;
  child.on('message', (message) => {
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(message as TMessage);
    else queue.push(message as TMessage);
  });
  child.on('exit', (code, signal) => {
    exited = new Error(`bench/${script} exited (${signal ?? `code ${code}`}) before answering`);
    for (const waiter of waiters.splice(0)) waiter.reject(exited);
  });
  return {
    process: child,
    next(timeoutMs) {
      const queued = queue.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      if (exited) return Promise.reject(exited);
      return new Promise<TMessage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`bench/${script} did not answer within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          resolve: (m) => (clearTimeout(timer), resolve(m)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
      });
    },
    send(message) {
      if (child.connected) child.send(message as object);
    },
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => (clearTimeout(timer), resolve()));
        if (child.connected) child.disconnect();
      });
    },
  };
}
