// Bundle size: `mfa-flow` (src/index.ts, no emulator) as a browser user ships it, against the
// floor of its own dependencies — an entry that re-exports exactly the xstate and ky bindings
// the engine's sources import (read from the engine bundle's own inputs, so the floor follows
// the code), bundled the same way so tree-shaking is comparable.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import ts from 'typescript';
import { measureEntrySizes } from './entrySizes.js';
import { ROOT } from './fixtures.js';
import type { Row, SectionResult } from './report.js';

const KB = 1000;
const TOTAL_TARGET = 22 * KB;
const ABOVE_FLOOR_TARGET = 4 * KB;
const GZIP_LEVEL = 9;
const OUTFILE = 'bundle.js';

const BROWSER_BUILD: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  write: false,
  metafile: true,
  outfile: OUTFILE,
  absWorkingDir: ROOT,
  logLevel: 'silent',
};

interface Built {
  bytes: number;
  gzip: number;
  metafile: Metafile;
}

export async function bundle(options: BuildOptions): Promise<Built> {
  const result = await build({ ...BROWSER_BUILD, ...options });
  const output = result.outputFiles?.find((f) => f.path.endsWith('.js'));
  if (!output || !result.metafile) throw new Error('esbuild produced no output');
  return { bytes: output.contents.byteLength, gzip: gzipSync(output.contents, { level: GZIP_LEVEL }).byteLength, metafile: result.metafile };
}

const isDependency = (input: string) => input.includes('node_modules/');

function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? match[1]! : 'mfa-flow (own code)';
}

/** Value bindings the engine's own files import from packages: package → names (`default` for a default import). */
function packageImports(ownFiles: readonly string[]): Map<string, Set<string>> {
  const imports = new Map<string, Set<string>>();
  const add = (pkg: string, name: string) => {
    if (!imports.has(pkg)) imports.set(pkg, new Set());
    imports.get(pkg)!.add(name);
  };
  for (const file of ownFiles) {
    const source = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, false);
    for (const statement of source.statements) {
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        const pkg = statement.moduleSpecifier.text;
        const clause = statement.importClause;
        if (pkg.startsWith('.') || !clause || clause.isTypeOnly) continue;
        if (clause.name) add(pkg, 'default');
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) add(pkg, '*');
        if (bindings && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements) {
            if (!element.isTypeOnly) add(pkg, (element.propertyName ?? element.name).text);
          }
        }
      } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
        const pkg = statement.moduleSpecifier.text;
        if (pkg.startsWith('.') || statement.isTypeOnly) continue;
        const clause = statement.exportClause;
        if (!clause) add(pkg, '*');
        else if (ts.isNamedExports(clause)) {
          for (const element of clause.elements) {
            if (!element.isTypeOnly) add(pkg, (element.propertyName ?? element.name).text);
          }
        }
      }
    }
  }
  return imports;
}

/** An entry that keeps every one of those bindings alive (re-exported, so nothing is shaken off). */
function floorEntry(imports: Map<string, Set<string>>): string {
  const lines: string[] = [];
  let n = 0;
  for (const [pkg, names] of [...imports].sort(([a], [b]) => a.localeCompare(b))) {
    const spec = JSON.stringify(pkg);
    if (names.has('*')) lines.push(`export * from ${spec};`);
    const named = [...names].filter((x) => x !== '*').sort().map((x) => `${x} as dep${n++}`);
    if (named.length) lines.push(`export { ${named.join(', ')} } from ${spec};`);
  }
  return lines.join('\n');
}

function contributors(metafile: Metafile): { file: string; bytes: number }[] {
  const output = Object.entries(metafile.outputs).find(([name]) => name.endsWith(OUTFILE))?.[1];
  if (!output) return [];
  return Object.entries(output.inputs)
    .map(([file, info]) => ({ file, bytes: info.bytesInOutput }))
    .filter((c) => c.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

function bytesByPackage(parts: readonly { file: string; bytes: number }[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const part of parts) totals.set(packageOf(part.file), (totals.get(packageOf(part.file)) ?? 0) + part.bytes);
  return totals;
}

export const kb = (bytes: number) => `${(bytes / KB).toFixed(2)} kB`;

export async function measureBundleSize(): Promise<SectionResult> {
  const failures: string[] = [];
  const rows: Row[] = [];
  const area = 'Bundle';
  let engine: Built;
  try {
    engine = await bundle({ entryPoints: ['src/index.ts'] });
  } catch (error) {
    // A browser build that fails (e.g. a node: import reached the public entry) is a defect.
    return {
      title: 'Bundle size',
      rows: [{ area, figure: 'browser build of src/index.ts', measured: 'FAILED', target: 'builds', met: false }],
      failures: [`bundle: the browser build of src/index.ts failed: ${(error as Error).message.split('\n')[0]}`],
      method: [],
    };
  }
  const ownFiles = Object.keys(engine.metafile.inputs).filter((f) => !isDependency(f));
  const leaked = ownFiles.filter((f) => f.startsWith('src/emulator/'));
  if (leaked.length) failures.push(`bundle: the public entry pulls in the emulator (${leaked.join(', ')})`);

  const imports = packageImports(ownFiles);
  const floor = await bundle({ stdin: { contents: floorEntry(imports), resolveDir: ROOT, sourcefile: 'floor.js', loader: 'js' } });
  const aboveFloor = engine.gzip - floor.gzip;
  // What an app that only calls createMfaFlow ships: shows how much of the total is optional API.
  const minimal = await bundle({
    stdin: { contents: "export { createMfaFlow } from './src/index.ts';", resolveDir: ROOT, sourcefile: 'minimal-app.js', loader: 'js' },
  });
  // The pure chart with the floor, and nothing of the API client or the services: what the chart
  // alone adds, against what the 22 kB target leaves above the floor.
  const chartAlone = await bundle({
    stdin: {
      contents: `${floorEntry(imports)}\nexport { mfaFlowMachine } from './machines/mfaFlow.ts';`,
      resolveDir: ROOT,
      sourcefile: 'chart-alone.js',
      loader: 'ts',
    },
  });

  rows.push(
    {
      area,
      figure: 'an app importing createMfaFlow (every factor of the chart), min+gzip',
      measured: `${kb(minimal.gzip)} (${minimal.gzip} B; ${minimal.gzip - floor.gzip} B above the floor)`,
      target: '≤ 22 kB',
      met: minimal.gzip <= TOTAL_TARGET,
    },
    { area, figure: 'the whole `mfa-flow` entry, min+gzip', measured: `${kb(engine.gzip)} (${engine.gzip} B; ${kb(engine.bytes)} min)`, target: '—', met: undefined },
    { area, figure: 'dependency floor (xstate + ky as used), min+gzip', measured: `${kb(floor.gzip)} (${floor.gzip} B; ${kb(floor.bytes)} min)`, target: '—', met: undefined },
    { area, figure: 'mfa-flow above the floor, gzip', measured: `${kb(aboveFloor)} (${aboveFloor} B)`, target: '< 4 kB', met: aboveFloor < ABOVE_FLOOR_TARGET },
    {
      area,
      figure: 'the chart alone above the floor (machines/, no API client, no services), gzip',
      measured: `${kb(chartAlone.gzip - floor.gzip)} (what 22 kB leaves above the floor: ${kb(TOTAL_TARGET - floor.gzip)})`,
      target: '—',
      met: undefined,
    },
    ...(await measureEntrySizes()),
  );

  const parts = contributors(engine.metafile);
  const byPackage = bytesByPackage(parts);
  const floorByPackage = bytesByPackage(contributors(floor.metafile));
  const importList = [...imports].map(([pkg, names]) => `${pkg}: ${[...names].sort().join(', ')}`).join('; ');

  return {
    title: 'Bundle size',
    rows,
    failures,
    method: [
      `esbuild ${(await import('esbuild')).version}: bundle, minify, format esm, platform browser; gzip level ${GZIP_LEVEL} via node:zlib; 1 kB = 1000 bytes.`,
      'Entry: `src/index.ts` (the `mfa-flow` export; `mfa-flow/emulator` is a separate entry and not included).',
      `Floor: an entry re-exporting exactly the value bindings the engine's own files import (${importList}), bundled the same way.`,
      'Contributors below are minified bytes in the output (before gzip), from the esbuild metafile.',
    ],
    details: [
      '### Top contributors (minified bytes in the output)',
      '',
      '| Input | Bytes |',
      '|---|---|',
      ...parts.slice(0, 10).map((p) => `| ${p.file} | ${p.bytes} |`),
      '',
      '| Package | Bytes in mfa-flow | Bytes in the floor |',
      '|---|---|---|',
      ...[...byPackage].sort((a, b) => b[1] - a[1]).map(([pkg, bytes]) => `| ${pkg} | ${bytes} | ${floorByPackage.get(pkg) ?? 0} |`),
    ],
  };
}

/** Lines for the terminal: the same contributors as the doc's tables, as plain text. */
export function contributorLines(section: SectionResult): string[] {
  return (section.details ?? [])
    .filter((line) => line.startsWith('| ') && !/^\| (Input|Package) \|/.test(line))
    .map((line) => {
      const [name, bytes, floorBytes] = line.split('|').slice(1, -1).map((cell) => cell.trim());
      return `${name!.padEnd(56)} ${bytes!.padStart(6)}${floorBytes === undefined ? '' : ` (floor: ${floorBytes})`}`;
    });
}
