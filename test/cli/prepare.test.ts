// npm's `prepare` (scripts/prepare.mjs), which runs after `npm install` and again, unseen, when
// `npx mfa-flow` links the clone into npx's cache: it keeps a current build instead of compiling
// it again in silence, and when it must compile it says so first. Checked on a small package in a
// temporary folder whose `build` script stands in for tsc, and run exactly as npm runs it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';

const PREPARE = fileURLToPath(new URL('../../scripts/prepare.mjs', import.meta.url));
// The outputs prepare.mjs looks at, read from it (a variable specifier: the script has no types).
const { OUTPUTS } = (await import(PREPARE)) as { OUTPUTS: string[] };
const COMPILING = 'mfa-flow: compiling src/ and machines/ into dist/ (tsc, up to half a minute)…\n';
const folders: string[] = [];
afterEach(() => folders.splice(0).forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** A package shaped like this one; its build writes every output and leaves a mark that it ran. */
function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'mfa-flow-prepare-'));
  folders.push(root);
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'fixture', private: true, scripts: { build: 'node build.mjs' } }),
    'build.mjs': `import { mkdirSync, writeFileSync } from 'node:fs';
for (const file of ${JSON.stringify(OUTPUTS)}) {
  mkdirSync(file.slice(0, file.lastIndexOf('/')), { recursive: true });
  writeFileSync(file, '');
}
writeFileSync('built.mark', '');
console.log('tsc stand-in ran');
`,
    'tsconfig.json': '{}',
    'tsconfig.build.json': '{}',
    'src/index.ts': '',
    'src/cli/main.ts': '',
    'machines/mfaFlow.ts': '',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** Runs prepare and says whether it compiled (the stand-in's mark), clearing the mark. */
async function compiles(root: string): Promise<boolean> {
  const run = await runPrepare(root);
  expect(run.code).toBe(0);
  const compiled = existsSync(join(root, 'built.mark'));
  if (compiled) rmSync(join(root, 'built.mark'));
  expect(run.stderr).toBe(compiled ? COMPILING : '');
  return compiled;
}

/** Gives `paths` the time `seconds` after the epoch (mtimes decide what is current). */
function touch(root: string, paths: string[], seconds: number): void {
  for (const path of paths) utimesSync(join(root, path), seconds, seconds);
}

function runPrepare(cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [PREPARE], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('prepare', () => {
  test('is what npm runs as `prepare`', () => {
    const scripts = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.prepare).toBe('node scripts/prepare.mjs');
  });

  test('a fresh clone: says it is compiling, then builds', async () => {
    const root = fixture();
    const run = await runPrepare(root);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(COMPILING);
    expect(run.stdout).toContain('tsc stand-in ran');
    expect(existsSync(join(root, 'dist/src/cli/main.js'))).toBe(true);
  });

  test('a current build (after `npm install`, when npx links the clone): nothing compiled, nothing said', async () => {
    const root = fixture();
    expect(await compiles(root)).toBe(true);
    const run = await runPrepare(root);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(join(root, 'built.mark'))).toBe(false);
  });

  test('a source newer than the build, or a missing output, builds again', async () => {
    const root = fixture();
    const sources = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src/index.ts', 'src/cli/main.ts', 'machines/mfaFlow.ts', 'src', 'src/cli', 'machines'];
    expect(await compiles(root)).toBe(true);
    touch(root, sources, 1_000);
    touch(root, OUTPUTS, 2_000);
    expect(await compiles(root)).toBe(false);
    touch(root, ['machines/mfaFlow.ts'], 3_000); // an edited source
    expect(await compiles(root)).toBe(true);
    touch(root, sources, 1_000);
    touch(root, OUTPUTS, 2_000);
    rmSync(join(root, 'dist/src/cli/main.js')); // a damaged build
    expect(await compiles(root)).toBe(true);
    expect(existsSync(join(root, 'dist/src/cli/main.js'))).toBe(true);
  });
});
