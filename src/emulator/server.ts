// Serves an emulator on a socket (127.0.0.1 unless told otherwise) via @hono/node-server.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createEmulator, type Emulator } from './app.js';
import type { EmulatorOptions } from './options.js';

export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = '127.0.0.1';

export interface StartEmulatorOptions extends EmulatorOptions {
  /** 0 picks a free port. Default 4010. */
  port?: number;
  host?: string;
}

export interface RunningEmulator {
  /** Where it listens, e.g. `http://127.0.0.1:4010`. */
  url: string;
  /** The issuer domain, `localhost:<port>` unless `domain` was given. */
  domain: string;
  issuer: string;
  mfaAudience: string;
  emulator: Emulator;
  close(): Promise<void>;
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const { port = DEFAULT_PORT, host = DEFAULT_HOST, ...emulatorOptions } = options;
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

  const urlHost = reachableHost(address);
  return {
    url: `http://${urlHost}:${address.port}`,
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
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}
