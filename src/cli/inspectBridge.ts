// A relay between a Node app's WebSocket inspector and the Stately inspector in a browser, bound
// to 127.0.0.1 only (@statelyai/inspect's own `createInspectorServer` listens on every interface
// and has no host option). One port serves both:
// - GET / : a page embedding https://stately.ai/inspect in an iframe; it connects back to
//   ws://…/page and posts each relayed event into the iframe once the inspector says it is ready;
// - ws://…/ : where the app connects (`createWebSocketInspector({ url })`); every text message
//   is relayed to every connected page, and the last BUFFER_SIZE are replayed to each page that
//   connects, so a page opened late (or reloaded) still draws the run.
// WebSocket connections from a browser page of any other origin are refused: being on loopback
// does not stop another site open in the same browser from connecting.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

export const BRIDGE_HOST = '127.0.0.1';
export const STATELY_INSPECTOR_URL = 'https://stately.ai/inspect';
/** The path the bridge page's WebSocket connects to; any other client is an app. */
export const PAGE_PATH = '/page';
const BUFFER_SIZE = 500;
// An inspection event is a few kB; the largest (an actor with its definition) about 12 kB.
const MAX_MESSAGE_BYTES = 1024 * 1024;
const CLOSE_GRACE_MS = 2_000;

export interface InspectBridgeOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
}

export interface InspectBridge {
  /** The page to open in a browser: `http://127.0.0.1:PORT/`. */
  readonly pageUrl: string;
  /** Where an app's inspector connects: `ws://127.0.0.1:PORT`. */
  readonly inspectorUrl: string;
  /** The listening address (always 127.0.0.1). */
  address(): AddressInfo;
  /** Resolves once at least one app is connected; false if `signal` aborts first. */
  appConnected(signal?: AbortSignal): Promise<boolean>;
  /** Resolves once at least one page is connected; false if `signal` aborts first. */
  pageConnected(signal?: AbortSignal): Promise<boolean>;
  /**
   * Lets the apps close their own connections first (so all they sent is relayed), then closes
   * the pages' after what was relayed to them, then the server. Never takes much longer than
   * twice CLOSE_GRACE_MS: connections still open by then are cut.
   */
  close(): Promise<void>;
}

export async function startInspectBridge(options: InspectBridgeOptions): Promise<InspectBridge> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, BRIDGE_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const allowedOrigins = new Set([`http://${BRIDGE_HOST}:${port}`, `http://localhost:${port}`]);

  const apps = new Set<WebSocket>();
  const pages = new Set<WebSocket>();
  const recent: string[] = [];
  const waiters = new Set<() => void>();
  const changed = () => waiters.forEach((wake) => wake());

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('request', (request, response) => {
    if (pathOf(request) !== '/') {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
    } else {
      response.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      response.end(request.method === 'HEAD' ? undefined : bridgePage());
    }
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const origin = request.headers.origin;
    // Node clients send no Origin; a browser always does, and only our own page may connect.
    if (origin !== undefined && !allowedOrigins.has(origin)) return refuse(socket, 403, 'Forbidden');
    const path = pathOf(request);
    if (path !== '/' && path !== PAGE_PATH) return refuse(socket, 404, 'Not Found');
    sockets.handleUpgrade(request, socket, head, (ws) => (path === PAGE_PATH ? addPage(ws) : addApp(ws)));
  });

  function addApp(ws: WebSocket) {
    apps.add(ws);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return; // inspection events are JSON text
      const message = data.toString();
      recent.push(message);
      if (recent.length > BUFFER_SIZE) recent.shift();
      for (const page of pages) if (page.readyState === WebSocket.OPEN) page.send(message);
    });
    ws.on('close', () => {
      apps.delete(ws);
      changed();
    });
    ws.on('error', () => ws.terminate());
    changed();
  }

  function addPage(ws: WebSocket) {
    pages.add(ws);
    for (const message of recent) ws.send(message);
    // A page only listens.
    ws.on('close', () => {
      pages.delete(ws);
      changed();
    });
    ws.on('error', () => ws.terminate());
    changed();
  }

  /** Resolves true when `condition` holds, false when `signal` aborts or `timeoutMs` passes. */
  function until(condition: () => boolean, signal?: AbortSignal, timeoutMs?: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (held: boolean) => {
        waiters.delete(check);
        signal?.removeEventListener('abort', onAbort);
        clearTimeout(timer);
        resolve(held);
      };
      const check = () => condition() && finish(true);
      const onAbort = () => finish(false);
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => finish(false), timeoutMs);
      waiters.add(check);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    if (!(await until(() => apps.size === 0, undefined, CLOSE_GRACE_MS))) {
      for (const app of apps) app.terminate();
    }
    for (const page of pages) page.close(1001, 'the app has ended');
    if (!(await until(() => pages.size === 0, undefined, CLOSE_GRACE_MS))) {
      for (const page of pages) page.terminate();
    }
    sockets.close();
    server.closeAllConnections(); // idle keep-alive connections of a browser that loaded the page
    await serverClosed;
  }

  return {
    pageUrl: `http://${BRIDGE_HOST}:${port}/`,
    inspectorUrl: `ws://${BRIDGE_HOST}:${port}`,
    address: () => server.address() as AddressInfo,
    appConnected: (signal) => until(() => apps.size > 0, signal),
    pageConnected: (signal) => until(() => pages.size > 0, signal),
    close: () => (closing ??= close()),
  };
}

function pathOf(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://bridge').pathname;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * The page: the Stately inspector in an iframe, fed over this bridge's WebSocket. Events that
 * arrive before the inspector has loaded wait (up to BUFFER_SIZE) for its `@statelyai.connected`
 * message, which also tells the origin to post them to.
 */
function bridgePage(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>mfa-flow · Stately inspector</title>
  <style>
    html, body { height: 100%; margin: 0; }
    iframe { display: block; width: 100%; height: 100%; border: 0; }
  </style>
</head>
<body>
  <iframe id="inspector" title="Stately inspector" src="${STATELY_INSPECTOR_URL}"></iframe>
  <script>
    const iframe = document.getElementById('inspector');
    const waiting = [];
    let inspectorOrigin = null;
    window.addEventListener('message', (event) => {
      if (event.source !== iframe.contentWindow || !event.data || event.data.type !== '@statelyai.connected') return;
      inspectorOrigin = event.origin;
      for (const data of waiting.splice(0)) iframe.contentWindow.postMessage(data, inspectorOrigin);
    });
    const socket = new WebSocket('ws://' + location.host + '${PAGE_PATH}');
    socket.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (inspectorOrigin !== null) return iframe.contentWindow.postMessage(data, inspectorOrigin);
      waiting.push(data);
      if (waiting.length > ${BUFFER_SIZE}) waiting.shift();
    };
  </script>
</body>
</html>
`;
}
