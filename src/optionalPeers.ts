// The emulator and the command line need packages that an app running only the engine never
// installs (hono, @hono/node-server, otpauth, qrcode, ws): they are optional peer dependencies of
// mfa-flow. Loading through here turns Node's "Cannot find package" into a sentence that names
// what is missing and the command that installs it.

/** What each part of mfa-flow needs beyond the engine's own dependencies. */
export const PEERS = {
  emulator: ['hono', '@hono/node-server', 'otpauth'],
  demo: ['hono', '@hono/node-server', 'otpauth', 'qrcode'],
  inspector: ['ws'],
} as const satisfies Record<string, readonly string[]>;

/** The package an ERR_MODULE_NOT_FOUND names, if it is a missing package (not a missing file). */
function missingPackage(error: unknown): string | undefined {
  if ((error as { code?: unknown } | null)?.code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  return /Cannot find package '([^']+)'/.exec(String((error as Error).message))?.[1];
}

/** Loads a part of mfa-flow; when a peer it needs is not installed, fails with how to install them. */
export async function loadWithPeers<T>(feature: string, peers: readonly string[], load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const missing = missingPackage(error);
    if (missing === undefined || !peers.includes(missing)) throw error;
    throw new Error(
      `${feature} needs ${peers.join(', ')} (optional peer dependencies of mfa-flow; "${missing}" is not installed). ` +
        `Install them in your project: npm install ${peers.join(' ')}`,
      { cause: error },
    );
  }
}
