// Builds one example page (examples/web or examples/react) with esbuild: one minified ES module
// bundle plus its source map, next to the page's HTML and CSS and the shared favicon. Returns the
// files for serving from memory, and writes them to the example's dist/ (gitignored) unless told not to.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const EXAMPLES_ROOT = fileURLToPath(new URL('../', import.meta.url));
const FAVICON = fileURLToPath(new URL('./favicon.svg', import.meta.url));

/** The pages the demo server can serve; each is a folder of examples/ with an entry module. */
export const EXAMPLES = {
  web: { entry: 'src/main.ts', files: ['index.html', 'style.css'] },
  react: { entry: 'main.tsx', files: ['index.html', 'style.css'] },
} as const;
export type ExampleName = keyof typeof EXAMPLES;

export function exampleRoot(example: ExampleName): string {
  return join(EXAMPLES_ROOT, example);
}

export interface StaticFile {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
}

/** URL path (e.g. `/app.js`) → file. */
export type ExampleBundle = ReadonlyMap<string, StaticFile>;

export interface BuildExampleOptions {
  /** Where to write the files (default: the example's dist/); `false` keeps them in memory only (tests). */
  outdir?: string | false;
  minify?: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function contentTypeOf(path: string): string {
  const extension = /\.[a-z]+$/.exec(path)?.[0] ?? '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

export async function buildExample(example: ExampleName, options: BuildExampleOptions = {}): Promise<ExampleBundle> {
  const root = exampleRoot(example);
  const outdir = options.outdir ?? join(root, 'dist');
  const result = await build({
    entryPoints: { app: join(root, EXAMPLES[example].entry) },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    jsx: 'automatic',
    // esbuild needs an output folder to name the files even when it does not write them.
    outdir: outdir === false ? join(root, 'dist') : outdir,
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });

  const files = new Map<string, StaticFile>();
  for (const output of result.outputFiles) {
    const name = basename(output.path);
    files.set(`/${name}`, { body: new Uint8Array(output.contents), contentType: contentTypeOf(name) });
  }
  for (const name of EXAMPLES[example].files) {
    files.set(`/${name}`, { body: new Uint8Array(await readFile(join(root, name))), contentType: contentTypeOf(name) });
  }
  files.set('/favicon.svg', { body: new Uint8Array(await readFile(FAVICON)), contentType: contentTypeOf(FAVICON) });

  if (outdir !== false) {
    await mkdir(outdir, { recursive: true });
    await Promise.all([...files].map(([path, file]) => writeFile(join(outdir, path.slice(1)), file.body)));
  }
  return files;
}
