// The README's usage example, run exactly as written (it imports the package by its own name,
// which Node resolves to this checkout's build): it must print "authenticated true".
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = `${root}.readme-usage.test-run.mjs`;
afterAll(() => rmSync(script, { force: true }));

it('the usage example in README.md works when pasted', async () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const usage = readme.split('## Usage')[1]?.match(/```js\n([\s\S]*?)```/)?.[1];
  expect(usage, 'README.md has a ```js block under "## Usage"').toBeDefined();
  expect(usage!.trim().split('\n').length).toBeLessThanOrEqual(15);
  writeFileSync(script, usage!);
  const { stdout } = await promisify(execFile)(process.execPath, [script], { cwd: root, timeout: 20_000 });
  expect(stdout.trim()).toBe('authenticated true');
});
