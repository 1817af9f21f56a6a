// Builds the web demo (examples/web) with esbuild: one minified ES module bundle plus its source
// map, next to the page's HTML and CSS. Returns the files for serving from memory, and writes
// them to examples/web/dist/ (gitignored) unless told not to.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const WEB_ROOT = fileURLToPath(new URL('../examples/web/', import.meta.url));
export const DEFAULT_WEB_OUTDIR = join(WEB_ROOT, 'dist');

export interface StaticFile {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
}

/** URL path (e.g. `/app.js`) → file. */
export type WebBundle = ReadonlyMap<string, StaticFile>;

export interface BuildWebOptions {
  /** Where to write the files; `false` keeps them in memory only (tests). */
  outdir?: string | false;
  minify?: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function contentTypeOf(path: string): string {
  const extension = /\.[a-z]+$/.exec(path)?.[0] ?? '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

export async function buildWebBundle(options: BuildWebOptions = {}): Promise<WebBundle> {
  const outdir = options.outdir ?? DEFAULT_WEB_OUTDIR;
  const result = await build({
    entryPoints: { app: join(WEB_ROOT, 'src/main.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    // esbuild needs an output folder to name the files even when it does not write them.
    outdir: outdir === false ? join(WEB_ROOT, 'dist') : outdir,
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });

  const files = new Map<string, StaticFile>();
  for (const output of result.outputFiles) {
    const name = basename(output.path);
    files.set(`/${name}`, { body: new Uint8Array(output.contents), contentType: contentTypeOf(name) });
  }
  for (const name of ['index.html', 'style.css']) {
    files.set(`/${name}`, { body: new Uint8Array(await readFile(join(WEB_ROOT, name))), contentType: contentTypeOf(name) });
  }

  if (outdir !== false) {
    await mkdir(outdir, { recursive: true });
    await Promise.all([...files].map(([path, file]) => writeFile(join(outdir, path.slice(1)), file.body)));
  }
  return files;
}
