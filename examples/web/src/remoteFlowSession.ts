// The page's flow when it runs on the server (`npm start -- --server-flows`): the same FlowSession
// as flowSession.ts, over `mfa-flow/remote`. The server keeps the flow, its MFA token and the
// tokens; the page holds an HttpOnly cookie and renders the views it is sent. A reload picks the
// flow up from the server (its cookie), so nothing is kept in the page.
import type { MfaErrorCode, MfaIntent } from '../../../src/index.js';
import { createRemoteMfaFlow, isRemoteFlowError } from '../../../src/remote/index.js';
import type { DemoConfig } from '../../server/config.js';
import type { FlowSession, FlowView, RestoreOutcome, UiEvent, ViewListener } from './flowSession.js';

/** Where the demo server mounts `mfa-flow/server`. */
const FLOW_URL = '/mfa-flow';

export async function createRemoteFlowSession(options: { config: DemoConfig; intent: MfaIntent }): Promise<FlowSession> {
  const remote = createRemoteMfaFlow({ url: FLOW_URL });
  const listeners = new Set<ViewListener>();
  const start = (intent: MfaIntent) => remote.start({ intent, ...(options.config.factors ? { factors: options.config.factors } : {}) });

  // A flow in progress (this browser's cookie) is taken up; otherwise, or once it has ended, a new one.
  let view = await remote.refresh();
  const restore: RestoreOutcome = view.state === 'lost' || view.status === 'done' ? { status: 'fresh' } : { status: 'restored' };
  if (restore.status === 'fresh') view = await start(options.intent);
  let intent = view.intent;
  /** Tells one flow from the next (the code advice keys on it). */
  let flow: object = {};

  const tell = (next: FlowView) => {
    view = next;
    listeners.forEach((listener) => listener(next, flow));
  };
  // Views the client fetches by itself (a push answered, a cooldown over); the page's own requests
  // tell their answers themselves (once each, even an unchanged one).
  let asking = 0;
  remote.subscribe((next) => {
    if (asking === 0) tell(next);
  });
  const ask = (request: Promise<FlowView>) => {
    asking++;
    request.then(tell, failed).finally(() => asking--);
  };

  /** A request that got no view (the server unreachable, a bug): the current view, with the error. */
  const failed = (error: unknown) => {
    const code: MfaErrorCode = isRemoteFlowError(error) && error.error === 'network' ? 'network' : 'server_error';
    const message = isRemoteFlowError(error) ? error.message : 'Something went wrong. Try again.';
    tell({ ...view, error: { code, message } });
  };

  return {
    get intent() {
      return intent;
    },
    restore,
    view: () => view,
    send(event: UiEvent) {
      // Every answer is told, even one equal to the last (a second malformed code is news to the page).
      ask(remote.send(event));
    },
    restart(nextIntent = intent) {
      intent = nextIntent;
      flow = {};
      ask(start(intent));
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(view, flow);
      return () => listeners.delete(listener);
    },
  };
}
