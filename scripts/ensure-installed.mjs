// `npm start` on a fresh clone: install the dependencies first when they are not there yet.
// Plain JavaScript, since it runs before anything (tsx included) is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../node_modules/tsx/package.json', import.meta.url))) {
  console.log('First run: installing dependencies (npm install)…');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(result.status ?? 1);
}
