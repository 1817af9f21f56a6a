// Puts a Fetch-standard handler (such as `mfa-flow/server`'s) on a 127.0.0.1 socket with
// @hono/node-server, as an app on Node would: `serve({ fetch: handler })`.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface ServedHandler {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

export function serveHandler(handler: (request: Request) => Promise<Response>, port = 0): Promise<ServedHandler> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: handler, port, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      }),
    );
    server.once('error', reject);
  });
}
