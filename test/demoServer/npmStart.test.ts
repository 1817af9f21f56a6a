// `npm start` itself, as a process manager or a user's `kill -TERM <npm pid>` stops it: the
// SIGTERM reaches npm, which passes it to its script shell only; the server must still stop,
// its port close, and no process of the tree survive.
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { descendants, expectTreeStopped, spawnService } from '../helpers/processTree.js';

test('SIGTERM to the npm process stops the server and the whole process tree', async () => {
  const npm = await spawnService(
    'npm',
    ['start', '--', '--port', '0', '--quiet'],
    { cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    /mfa-flow web demo: (http:\/\/\S+)/,
  );
  const url = npm.ready[1] ?? '';
  expect((await fetch(url)).status).toBe(200);
  const tree = descendants(npm.child.pid ?? -1);
  expect(tree.length).toBeGreaterThan(1); // the shell and the server at least

  npm.child.kill('SIGTERM');
  await expectTreeStopped(npm.closed, tree, 20_000);
  expect(npm.stdout()).toContain('Stopped.');
  await expect(fetch(url)).rejects.toThrow();
}, 60_000);
