// `npm start` itself, as a process manager or a user's `kill -TERM <npm pid>` stops it: the
// SIGTERM reaches npm, which passes it to its script shell only; the server must still stop,
// its port close, and no process of the tree survive.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { descendants, expectTreeStopped } from '../helpers/processTree.js';

test('SIGTERM to the npm process stops the server and the whole process tree', async () => {
  const npm = spawn('npm', ['start', '--', '--port', '0', '--quiet'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // 'close' comes once every process holding the pipes has exited: npm, its shell and the server.
  const closed = new Promise<void>((resolve) => npm.on('close', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    npm.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /mfa-flow web demo: (http:\/\/\S+)/.exec(out);
      if (match && out.includes('Ctrl-C to stop')) resolve(match[1] ?? '');
    });
    void closed.then(() => reject(new Error(`npm start exited early:\n${out}`)));
  });
  expect((await fetch(url)).status).toBe(200);
  const tree = descendants(npm.pid ?? -1);
  expect(tree.length).toBeGreaterThan(1); // the shell and the server at least

  npm.kill('SIGTERM');
  await expectTreeStopped(closed, tree, 20_000);
  expect(out).toContain('Stopped.');
  await expect(fetch(url)).rejects.toThrow();
}, 60_000);
