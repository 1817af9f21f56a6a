// The browser side of server flows (`mfa-flow/server`): the same shape as a local flow seen
// through `mfa-flow/view` (view, send, subscribe), over HTTP. The flow runs on the server; the
// browser holds only its cookie and the views. Requests go one at a time (a UI's double click
// never races itself); `flow_busy` (another tab, another process still at it) is retried with a
// bounded backoff; a flow the server no longer has becomes a view in state `lost` with the error
// `flow_lost`, for the UI to offer a fresh start. While the view waits on a wall time (a push's
// next poll, a cooldown, a lockout), it fetches the view again then. No xstate here.
import type { FactorType, MfaFlowEvent, MfaIntent } from '../../machines/types.js';
import { blankFlowView } from '../view/blankView.js';
import type { FlowView } from '../view/flowView.js';
import { nextRefreshAt, refreshTimes } from './refreshSchedule.js';
import { RemoteFlowError } from './remoteErrors.js';

export interface RemoteMfaFlowOptions {
  /** The handler's base, e.g. `/mfa-flow` (same origin: its cookie is SameSite=Strict). */
  url: string;
  fetch?: typeof globalThis.fetch;
  /** How many times a `flow_busy` answer is retried at least (default 5)… */
  busyRetries?: number;
  /** …the first wait, doubled each time up to 1 s (default 100 ms)… */
  busyBackoffMs?: number;
  /** …and for how long at most, when the server says the flow's lease ends later (a crashed
   *  server process's lease runs out by itself; default 30 000 ms). */
  maxBusyWaitMs?: number;
  /** The least wait before a scheduled refresh, so a clock ahead of the server's never spins (default 500 ms). */
  minRefreshMs?: number;
}

export interface StartOptions {
  intent?: MfaIntent;
  factors?: FactorType[];
}

export interface RemoteMfaFlow {
  /** A new flow on the server (its cookie replaces any earlier one). */
  start(options?: StartOptions): Promise<FlowView>;
  send(event: MfaFlowEvent): Promise<FlowView>;
  /** GET the current view now (e.g. after a reload, to pick up a flow in progress). */
  refresh(): Promise<FlowView>;
  /** The latest view, null before the first answer. */
  view(): FlowView | null;
  /** Called with each new view (not again for an answer that changes nothing). */
  subscribe(listener: (view: FlowView) => void): () => void;
  /** Stops the scheduled refreshes (a view that waits no longer fetches by itself). */
  stop(): void;
}

/** The answers that mean "this flow is gone for good": no cookie, a cookie the server refuses, nothing stored. */
const LOST = new Set(['flow_lost', 'no_flow', 'bad_handle']);
const LOST_MESSAGE = 'This sign-in is no longer available. Start again.';

function lostView(previous: FlowView | null): FlowView {
  return blankFlowView({
    state: 'lost',
    status: 'done',
    intent: previous?.intent ?? 'challenge',
    error: { code: 'flow_lost', message: LOST_MESSAGE },
  });
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRemoteMfaFlow(options: RemoteMfaFlowOptions): RemoteMfaFlow {
  if (typeof options?.url !== 'string' || options.url === '') throw new TypeError('options.url must be the handler’s base URL, e.g. "/mfa-flow"');
  const base = options.url.replace(/\/+$/, '');
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const busyRetries = options.busyRetries ?? 5;
  const busyBackoffMs = options.busyBackoffMs ?? 100;
  const maxBusyWaitMs = options.maxBusyWaitMs ?? 30_000;
  const minRefreshMs = options.minRefreshMs ?? 500;

  let current: FlowView | null = null;
  let currentText = '';
  const listeners = new Set<(view: FlowView) => void>();
  let queue: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  /** Refreshes made per wall time of the view, so a time that changes nothing is not asked forever. */
  const refreshedFor = new Map<number, number>();

  function publish(view: FlowView): FlowView {
    const text = JSON.stringify(view);
    if (text !== currentText) {
      current = view;
      currentText = text;
      for (const listener of [...listeners]) listener(view);
    }
    schedule(view);
    return view;
  }

  function schedule(view: FlowView) {
    clearTimeout(timer);
    timer = undefined;
    const times = refreshTimes(view);
    for (const at of refreshedFor.keys()) if (!times.includes(at)) refreshedFor.delete(at);
    const at = nextRefreshAt(view, refreshedFor);
    if (at === null || stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      refreshedFor.set(at, (refreshedFor.get(at) ?? 0) + 1);
      // A failed refresh keeps the view; the next event or refresh tries again.
      refresh().catch(() => undefined);
    }, Math.max(minRefreshMs, at - Date.now()));
  }

  async function request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<FlowView> {
    const started = Date.now();
    /** Retrying is worth it until the lease holding the flow ends (as the server says), within bounds. */
    let busyUntil = 0;
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetchFn(`${base}${path}`, {
          method,
          credentials: 'same-origin',
          headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch {
        throw new RemoteFlowError('network', 0, 'The server could not be reached. Check the connection and try again.');
      }
      let payload: { view?: FlowView; error?: unknown; message?: unknown; retryAfterMs?: unknown };
      try {
        payload = (await response.json()) as typeof payload;
      } catch {
        throw new RemoteFlowError('invalid_response', response.status, 'The server sent an answer this page cannot read.');
      }
      if (response.ok && typeof payload.view === 'object' && payload.view !== null) return payload.view;
      const code = typeof payload.error === 'string' ? payload.error : 'invalid_response';
      if (code === 'flow_busy') {
        if (typeof payload.retryAfterMs === 'number') busyUntil = Math.min(Date.now() + payload.retryAfterMs, started + maxBusyWaitMs);
        if (attempt < busyRetries || Date.now() < busyUntil) {
          await wait(Math.min(busyBackoffMs * 2 ** attempt, 1_000));
          continue;
        }
      }
      if (LOST.has(code)) return lostView(current);
      const message = typeof payload.message === 'string' ? payload.message : 'The server could not take this request.';
      throw new RemoteFlowError(code, response.status, message);
    }
  }

  /** One request at a time, in the order asked. */
  function enqueue(method: 'GET' | 'POST', path: string, body?: unknown): Promise<FlowView> {
    const run = queue.then(() => request(method, path, body)).then(publish);
    queue = run.catch(() => undefined);
    return run;
  }

  function refresh() {
    return enqueue('GET', '/view');
  }

  return {
    start(startOptions = {}) {
      stopped = false;
      refreshedFor.clear();
      return enqueue('POST', '/start', startOptions);
    },
    send: (event) => enqueue('POST', '/events', event),
    refresh,
    view: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
