// The inspector bridge of `mfa-flow demo --inspect`: it listens on 127.0.0.1 and nowhere else,
// serves the page that embeds the Stately inspector, relays what apps send to every page (the
// last 500 replayed to a page that connects late), and refuses browser pages of other origins.
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { PAGE_PATH, startInspectBridge, type InspectBridge } from '../../src/cli/inspectBridge.js';

const bridges: InspectBridge[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(bridges.splice(0).map((bridge) => bridge.close()));
});

async function start(): Promise<InspectBridge> {
  const bridge = await startInspectBridge({ port: 0 });
  bridges.push(bridge);
  return bridge;
}

/** An open WebSocket to the bridge, keeping every text message it receives. */
async function open(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  sockets.push(socket);
  const received: string[] = [];
  socket.on('message', (data) => received.push(data.toString()));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, received, closed };
}

/** Waits until `condition` holds, polling each tick, or fails after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The status a WebSocket handshake is answered with (101 when it is accepted). */
function handshakeStatus(url: string, headers: Record<string, string>): Promise<number> {
  const socket = new WebSocket(url, { headers });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once('open', () => resolve(101));
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', () => resolve(0));
  });
}

describe('the inspector bridge', () => {
  test('listens on 127.0.0.1 only', async () => {
    const bridge = await start();
    const { address, family, port } = bridge.address();
    expect(address).toBe('127.0.0.1');
    expect(family).toBe('IPv4');
    expect(bridge.pageUrl).toBe(`http://127.0.0.1:${port}/`);
    expect(bridge.inspectorUrl).toBe(`ws://127.0.0.1:${port}`);

    // Through any other address of this machine, nothing answers on that port.
    const others = Object.values(networkInterfaces()).flat().filter((nic) => nic && !nic.internal).map((nic) => nic!.address);
    for (const host of others) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host, port });
        socket.once('connect', () => (socket.destroy(), resolve('connected')));
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(outcome, `connecting through ${host}`).not.toBe('connected');
    }
  });

  test('GET / is the page embedding the Stately inspector, fed over ws://…/page', async () => {
    const bridge = await start();
    const response = await fetch(bridge.pageUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toMatch(/<iframe id="inspector"[^>]* src="https:\/\/stately\.ai\/inspect"><\/iframe>/);
    expect(html).toContain(`new WebSocket('ws://' + location.host + '${PAGE_PATH}')`);
    // Events wait for the inspector to say it is ready, and go to the origin it said so from.
    expect(html).toContain("event.data.type !== '@statelyai.connected'");
    expect(html).toContain('postMessage(data, inspectorOrigin)');

    expect((await fetch(new URL('/elsewhere', bridge.pageUrl))).status).toBe(404);
    expect((await fetch(bridge.pageUrl, { method: 'POST' })).status).toBe(405);
  });

  test('relays what apps send to every page, replaying what came before a page connected', async () => {
    const bridge = await start();
    const app = await open(bridge.inspectorUrl);
    expect(await bridge.appConnected()).toBe(true);
    app.socket.send('{"n":1}');
    app.socket.send('{"n":2}');

    const page = await open(`${bridge.inspectorUrl}${PAGE_PATH}`);
    await until(() => page.received.length === 2);
    app.socket.send('{"n":3}');
    await until(() => page.received.length === 3);
    expect(page.received).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);

    const later = await open(`${bridge.inspectorUrl}${PAGE_PATH}`);
    await until(() => later.received.length === 3);
    expect(later.received).toEqual(page.received);

    // Pages only listen: nothing they send reaches an app or another page.
    page.socket.send('{"from":"page"}');
    app.socket.send('{"n":4}');
    await until(() => later.received.length === 4);
    expect(later.received.at(-1)).toBe('{"n":4}');
    expect(app.received).toEqual([]);
  });

  test('keeps the last 500 messages for pages that connect late', async () => {
    const bridge = await start();
    const app = await open(bridge.inspectorUrl);
    for (let n = 0; n < 510; n++) app.socket.send(String(n));
    // The bridge answers the close after the messages before it: by then it has them all.
    app.socket.close();
    await app.closed;

    const page = await open(`${bridge.inspectorUrl}${PAGE_PATH}`);
    await until(() => page.received.at(-1) === '509');
    expect(page.received).toHaveLength(500);
    expect(page.received[0]).toBe('10');
  });

  test('refuses WebSockets from browser pages of any other origin', async () => {
    const bridge = await start();
    const { port } = bridge.address();
    const pageSocket = `${bridge.inspectorUrl}${PAGE_PATH}`;
    expect(await handshakeStatus(pageSocket, { Origin: 'http://evil.example' })).toBe(403);
    expect(await handshakeStatus(bridge.inspectorUrl, { Origin: `http://127.0.0.1:${port + 1}` })).toBe(403);
    expect(await handshakeStatus(pageSocket, { Origin: `http://127.0.0.1:${port}` })).toBe(101);
    expect(await handshakeStatus(pageSocket, { Origin: `http://localhost:${port}` })).toBe(101);
    expect(await handshakeStatus(`${bridge.inspectorUrl}/elsewhere`, {})).toBe(404);
  });

  test('close() lets the app finish, then closes the pages after what was relayed to them', async () => {
    const bridge = await start();
    const app = await open(bridge.inspectorUrl);
    const page = await open(`${bridge.inspectorUrl}${PAGE_PATH}`);
    expect(await bridge.pageConnected()).toBe(true);

    const closing = bridge.close();
    app.socket.send('{"last":true}');
    app.socket.close();
    await closing;
    expect(await page.closed).toBe(1001);
    expect(page.received).toEqual(['{"last":true}']);
    await expect(fetch(bridge.pageUrl)).rejects.toThrow();
  });

  test('waiting for a page ends when the signal aborts', async () => {
    const bridge = await start();
    const abort = new AbortController();
    const waiting = bridge.pageConnected(abort.signal);
    abort.abort();
    await expect(waiting).resolves.toBe(false);
  });
});
