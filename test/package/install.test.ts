// The package as a user gets it: packed with `npm pack`, installed into an empty project by the
// commands README.md gives, then the README's usage example run as written (both extracted from
// README.md, never copied here). Also: an engine-only install brings xstate, ky and jose and
// nothing else; a missing optional peer is named with its install command; the declarations of
// the Node-only entries need no DOM types.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const NPM_QUIET = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

let work: string;
let tarball: string;

/** A fresh, empty ESM project in the work folder. */
function project(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  return dir;
}

/** The fenced blocks of a README section. */
function codeBlocks(heading: string): string[] {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/```\w*\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mfa-flow-package-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work, ...NPM_QUIET], { cwd: root, timeout: 120_000 });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, packed!.filename);
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package', () => {
  it('an engine-only install brings mfa-flow, xstate (peer), ky and jose, and nothing else', async () => {
    const app = project('engine-only');
    await run('npm', ['install', tarball, ...NPM_QUIET], { cwd: app, timeout: 120_000 });
    const installed = readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(installed.sort()).toEqual(['jose', 'ky', 'mfa-flow', 'xstate']);

    // The engine runs there…
    const engine = await run(process.execPath, ['--input-type=module', '-e', `
      import { createMfaFlow } from 'mfa-flow';
      import { loadFlow, createMemorySnapshotStore } from 'mfa-flow/persist';
      import { redactValue } from 'mfa-flow/inspect';
      const flow = createMfaFlow({ baseUrl: 'http://127.0.0.1:9', clientId: 'c' }).start();
      console.log(JSON.stringify(flow.getSnapshot().value), (await loadFlow(createMemorySnapshotStore(), 'k')).status, typeof redactValue);
      flow.stop();
    `], { cwd: app });
    expect(engine.stdout.trim()).toBe('{"step":{"needMfaToken":"idle"}} none function');

    // …and the emulator, missing its optional peers, says what to install.
    const emulator = run(process.execPath, ['--input-type=module', '-e', "await import('mfa-flow/emulator')"], { cwd: app });
    await expect(emulator).rejects.toMatchObject({ stderr: expect.stringContaining('npm install hono @hono/node-server otpauth') });
    const cli = run(join(app, 'node_modules/.bin/mfa-flow'), ['emulator', '--port', '0'], { cwd: app, timeout: 20_000 });
    await expect(cli).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('npm install hono @hono/node-server otpauth') });
  }, 180_000);

  it("README's install commands, then its usage example as written, print \"authenticated true\"", async () => {
    const app = project('readme');
    const installs = codeBlocks('Install')
      .flatMap((block) => block.split('\n'))
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line.startsWith('npm install ') && !line.includes('npm install mfa-flow'));
    const packedName = `mfa-flow-${version}.tgz`;
    expect(installs.some((line) => line.includes(packedName)), `README installs ${packedName}`).toBe(true);
    for (const line of installs) {
      const args = line.split(/\s+/).slice(2).map((arg) => (arg.endsWith(packedName) ? tarball : arg));
      if (args.some((arg) => arg === '../mfa-flow')) continue; // the link variant: the next test's subject
      await run('npm', ['install', ...args, ...NPM_QUIET], { cwd: app, timeout: 120_000 });
    }
    const [usage] = codeBlocks('Usage');
    expect(usage, 'README.md has a code block under "## Usage"').toBeDefined();
    writeFileSync(join(app, 'usage.mjs'), usage!);
    const { stdout } = await run(process.execPath, ['usage.mjs'], { cwd: app, timeout: 30_000 });
    expect(stdout.trim()).toBe('authenticated true');

    // The Node-only entries' declarations type-check without the DOM library.
    writeFileSync(join(app, 'check.ts'), [
      "import type { Emulator, EmulatorOptions } from 'mfa-flow/emulator';",
      "import type { MfaFlowActor } from 'mfa-flow';",
      "import type { MfaFlowHandler, MfaFlowHandlerOptions } from 'mfa-flow/server';",
      "import type { RedisFlowStoreOptions } from 'mfa-flow/server/redis';",
      'export type Used = [Emulator, EmulatorOptions, MfaFlowActor, MfaFlowHandler, MfaFlowHandlerOptions, RedisFlowStoreOptions];',
    ].join('\n'));
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false,
        lib: ['ES2023'], types: ['node'], typeRoots: [join(root, 'node_modules/@types')],
      },
      files: ['check.ts'],
    }));
    await expect(run(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: app })).resolves.toBeDefined();
  }, 240_000);
});
