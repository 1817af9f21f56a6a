// Serves an emulator on a socket (127.0.0.1 unless told otherwise) via @hono/node-server.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createEmulator, type Emulator } from './app.js';
import { resolveOptions, type EmulatorOptions } from './options.js';

export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = '127.0.0.1';

export interface StartEmulatorOptions extends EmulatorOptions {
  /** 0 picks a free port. Default 4010. */
  port?: number;
  host?: string;
}

export interface RunningEmulator {
  /** Where to reach it, e.g. `http://127.0.0.1:4010`; loopback when bound to every interface. */
  url: string;
  /** What it is bound to, e.g. `http://0.0.0.0:4010` for `host: '0.0.0.0'` (same as `url` otherwise). */
  listenUrl: string;
  /** The issuer domain, `localhost:<port>` unless `domain` was given. */
  domain: string;
  issuer: string;
  mfaAudience: string;
  emulator: Emulator;
  close(): Promise<void>;
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const { port = DEFAULT_PORT, host = DEFAULT_HOST, ...emulatorOptions } = options;
  // Bad options are the caller's mistake: refuse them (TypeError) before touching the network,
  // so they are reported as such even when the port is taken.
  resolveOptions({ ...emulatorOptions, domain: emulatorOptions.domain ?? `localhost:${port}` });
  // The app needs its issuer before it exists, but with port 0 the port is known only after
  // listening: bind first with a placeholder handler, then install the real app.
  let handle: (request: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  const { server, address } = await new Promise<{ server: ReturnType<typeof serve>; address: AddressInfo }>((resolve, reject) => {
    const server = serve({ fetch: (request) => handle(request), port, hostname: host }, (info) => resolve({ server, address: info }));
    server.once('error', reject);
  });
  const domain = emulatorOptions.domain ?? `localhost:${address.port}`;
  let emulator: Emulator;
  try {
    emulator = createEmulator({ ...emulatorOptions, domain });
    await emulator.ready();
  } catch (error) {
    server.close();
    throw error;
  }
  handle = (request) => emulator.app.fetch(request);

  return {
    url: `http://${reachableHost(address)}:${address.port}`,
    listenUrl: `http://${urlHost(address.address, address.family)}:${address.port}`,
    domain,
    issuer: emulator.issuer,
    mfaAudience: emulator.mfaAudience,
    emulator,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections would hold close() open for seconds.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

// A wildcard bind (0.0.0.0, ::) is not an address to connect to; point the URL at loopback.
function reachableHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return urlHost(address.address, address.family);
}

function urlHost(ip: string, family: string): string {
  return family === 'IPv6' ? `[${ip}]` : ip;
}
