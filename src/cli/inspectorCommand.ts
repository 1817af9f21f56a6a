// `mfa-flow inspector`: only the 127.0.0.1 bridge to the Stately inspector, for your own Node
// app (`createWebSocketInspector({ url: 'ws://127.0.0.1:PORT', ...inspectorRedaction })`), until
// SIGINT/SIGTERM. Also how `mfa-flow demo --inspect` starts its bridge. The bridge needs `ws`,
// loaded only when a bridge is started. Exit codes: 0 after a clean stop, 1 when it cannot
// start, 2 on bad flags.
import { parseArgs } from 'node:util';
import type { InspectBridge } from './inspectBridge.js';
import { portFlag } from './flags.js';
import { untilStopSignal } from './untilStopSignal.js';

export const DEFAULT_INSPECT_PORT = 4011;

const USAGE = `Usage: mfa-flow inspector [options]

Serves the Stately inspector (https://stately.ai/inspect, so it needs the internet) on a page at
http://127.0.0.1:PORT/, fed by any app whose WebSocket inspector connects to ws://127.0.0.1:PORT.
Listens on 127.0.0.1 only. Redact what you send: see mfa-flow/inspect.

Options:
  --port PORT   port on 127.0.0.1 (default ${DEFAULT_INSPECT_PORT}; 0 picks a free one)
  -h, --help    show this text
`;

/** The error of an `import()` whose package is not installed. */
export const isModuleMissing = (error: unknown) => (error as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND';

/**
 * Loads the bridge (and with it `ws`) and starts it on 127.0.0.1:`port`. A port in use or not
 * allowed is an error whose message says what to do; a missing `ws` is left to the caller
 * ({@link isModuleMissing}), which knows what else it needs.
 */
export async function startBridge(port: number): Promise<InspectBridge> {
  const { startInspectBridge } = await import('./inspectBridge.js');
  try {
    return await startInspectBridge({ port });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') throw new Error(`127.0.0.1:${port} is in use; give another port, or 0 for a free one`);
    if (code === 'EACCES') throw new Error(`not allowed to listen on 127.0.0.1:${port}; give a port above 1023, or 0`);
    throw error;
  }
}

export async function runInspectorCommand(argv: string[]): Promise<number> {
  let port: number;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    port = values.port === undefined ? DEFAULT_INSPECT_PORT : portFlag('--port', values.port);
  } catch (error) {
    process.stderr.write(`mfa-flow inspector: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }

  let bridge: InspectBridge;
  try {
    bridge = await startBridge(port);
  } catch (error) {
    const message = isModuleMissing(error) ? 'needs the package ws: npm install ws' : error instanceof Error ? error.message : String(error);
    process.stderr.write(`mfa-flow inspector: ${message}\n`);
    return 1;
  }
  // Listened for before the address is printed, so a stop sent as soon as it is read is not lost.
  const stopped = untilStopSignal();
  process.stdout.write(
    `Inspector: open ${bridge.pageUrl} (needs internet for the Stately UI)\n` +
      `Apps connect to ${bridge.inspectorUrl}: createWebSocketInspector({ url: '${bridge.inspectorUrl}', ...inspectorRedaction })\n` +
      'Ctrl-C to stop\n',
  );
  await stopped;
  await bridge.close();
  process.stdout.write('Inspector bridge stopped\n');
  return 0;
}
