// `mfa-flow demo --inspect`: the Stately inspector on the demo's flows, through the 127.0.0.1
// bridge, every event redacted by mfa-flow/inspect on its way out. @statelyai/inspect is not a
// dependency of mfa-flow (only the web demo and this option use it), and the bridge needs ws:
// both are loaded only when --inspect is given, and a missing one is a one-line message.
import type { InspectionObserver } from '../../inspect/index.js';
import { inspectorRedaction } from '../../inspect/index.js';
import type { InspectBridge } from '../inspectBridge.js';
import { isModuleMissing, startBridge } from '../inspectorCommand.js';

// How long the inspector may take to connect to a bridge in this same process.
const CONNECT_TIMEOUT_MS = 5_000;

export interface DemoInspection {
  /** The page a user opens. */
  pageUrl: string;
  /** For `createMfaFlow({ inspect })`. */
  inspect: InspectionObserver;
  /** Resolves true once a page is open; false if `signal` aborts first. */
  pageConnected(signal?: AbortSignal): Promise<boolean>;
  /** Sends what is left, disconnects the inspector and closes the bridge. */
  close(): Promise<void>;
}

const MISSING = '--inspect needs the packages @statelyai/inspect and ws: npm install @statelyai/inspect ws';

export async function startDemoInspection(port: number): Promise<DemoInspection> {
  let bridge: InspectBridge;
  let stately: typeof import('@statelyai/inspect');
  try {
    stately = await import('@statelyai/inspect');
    bridge = await startBridge(port);
  } catch (error) {
    if (isModuleMissing(error)) throw new Error(MISSING);
    throw new Error(`--inspect: ${error instanceof Error ? error.message : String(error)}`);
  }

  const inspector = stately.createWebSocketInspector({ url: bridge.inspectorUrl, ...inspectorRedaction });
  // Stopping @statelyai/inspect's socket while it is still connecting makes it retry every 5 s
  // forever, which would keep the process alive: wait until it is in. (On loopback to this
  // process it always is at once; should it not be, that retrying is out of our hands.)
  const connectTimeout = AbortSignal.timeout(CONNECT_TIMEOUT_MS);
  if (!(await bridge.appConnected(connectTimeout))) {
    await bridge.close();
    throw new Error('--inspect: the inspector could not connect to its bridge on 127.0.0.1');
  }

  return {
    pageUrl: bridge.pageUrl,
    inspect: inspector.inspect,
    pageConnected: (signal) => bridge.pageConnected(signal),
    async close() {
      // @statelyai/inspect converts and sends each event on a later tick (setTimeout 0): a
      // timer set now runs after the ones already queued, so by then all has been sent.
      await new Promise((resolve) => setTimeout(resolve, 0));
      inspector.stop();
      await bridge.close();
    },
  };
}
