// npm's `prepare` script: compiles src/ and machines/ into dist/ (`npm run build`, tsc) unless
// dist/ is already newer than every source. npm runs `prepare` after `npm install` in a clone, and
// again whenever the clone is installed as a link: a folder install, and `npx mfa-flow` run
// inside the clone, which links the clone into npx's cache. npm hides the output of a linked
// package's scripts, so a first `npx mfa-flow demo` used to sit silent while tsc rebuilt what
// `npm install` had just built (25-30 s on a busy machine). Now a current build is kept, and a
// build that must run says so first. Plain JavaScript: it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the build reads. */
const INPUTS = ['src', 'machines', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
/** What the build writes last or first does not matter: tsc rewrites every output on each build. */
export const OUTPUTS = ['dist/src/index.js', 'dist/src/persist/index.js', 'dist/src/emulator/index.js', 'dist/src/inspect/index.js', 'dist/src/cli/main.js'];

function newestMtime(path) {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs; // a deleted source changes its folder
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when every output of the build exists and is newer than every input. */
function buildIsCurrent(root) {
  let oldestOutput = Infinity;
  for (const output of OUTPUTS) {
    const stats = statSync(join(root, output), { throwIfNoEntry: false });
    if (!stats) return false;
    oldestOutput = Math.min(oldestOutput, stats.mtimeMs);
  }
  return INPUTS.every((input) => newestMtime(join(root, input)) <= oldestOutput);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = process.cwd(); // npm runs scripts in the package's folder
  if (!buildIsCurrent(root)) {
    process.stderr.write('mfa-flow: compiling src/ and machines/ into dist/ (tsc, up to half a minute)…\n');
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    process.exitCode = build.status ?? 1;
  }
}
