// Each package entry's size on its own: what an app pays for importing just that entry. Entries
// meant for browsers (no `node:` import) are bundled with their dependencies for the browser; the
// Node-only ones (emulator, server) are bundled for Node with their packages left external, since
// a server installs them rather than shipping them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bundle, kb } from './bundleSize.js';
import { ROOT } from './fixtures.js';
import type { Row } from './report.js';

interface EntryExport {
  name: string;
  source: string;
}

/** `package.json` exports, each mapped back from its built file to the source it is built from. */
export function packageEntries(): EntryExport[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; exports: Record<string, { default: string }> };
  return Object.entries(pkg.exports).map(([key, target]) => ({
    name: key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`,
    source: target.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'),
  }));
}

export async function measureEntrySizes(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const entry of packageEntries()) {
    const contents = `export * from './${entry.source}';`;
    const stdin = { contents, resolveDir: ROOT, sourcefile: `${entry.name}.js`, loader: 'js' as const };
    let measured: string;
    try {
      const built = await bundle({ stdin });
      measured = `${kb(built.gzip)} min+gzip, with its dependencies (browser)`;
    } catch {
      const built = await bundle({ stdin, platform: 'node', packages: 'external' });
      measured = `${kb(built.gzip)} min+gzip, own code only (Node; its packages installed, not bundled)`;
    }
    rows.push({ area: 'Bundle', figure: `entry \`${entry.name}\` on its own`, measured, target: '—', met: undefined });
  }
  return rows;
}
