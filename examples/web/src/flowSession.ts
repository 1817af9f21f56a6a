// The one place the page creates an MFA flow. Everything else sees the flow only through this
// session: its current snapshot, `send`, and `restart`. A later change that keeps the flow
// across reloads (sessionStorage) belongs here and nowhere else; see PERSISTENCE HOOK below.
import { createMfaFlow, type CreateMfaFlowOptions, type MfaFlowActor, type MfaFlowEvent, type MfaIntent } from '../../../src/index.js';
import type { DemoConfig } from './config.js';

export type FlowSnapshot = ReturnType<MfaFlowActor['getSnapshot']>;
/** Events the UI may send (the chart raises `mfaToken.expired` itself). */
export type UiEvent = Exclude<MfaFlowEvent, { type: 'mfaToken.expired' }>;
export type SnapshotListener = (snapshot: FlowSnapshot, flow: MfaFlowActor) => void;

export interface FlowSession {
  readonly intent: MfaIntent;
  snapshot(): FlowSnapshot;
  send(event: UiEvent): void;
  /** Cancels the current flow (aborting its requests) and starts a fresh one. */
  restart(intent?: MfaIntent): void;
  subscribe(listener: SnapshotListener): () => void;
}

export interface FlowSessionOptions {
  config: DemoConfig;
  intent: MfaIntent;
  /** INSPECTOR HOOK: an XState inspector, e.g. the redacting one from `mfa-flow/inspect`. */
  inspect?: CreateMfaFlowOptions['inspect'];
}

function createFlow(options: FlowSessionOptions, intent: MfaIntent): MfaFlowActor {
  const { config } = options;
  return createMfaFlow({
    baseUrl: config.apiBaseUrl ?? window.location.origin,
    clientId: config.clientId,
    mfaAudience: config.mfaAudience,
    intent,
    // PERSISTENCE HOOK: to survive a reload, store `flow.getPersistedSnapshot()` (with
    // MFA_FLOW_MACHINE_VERSION and the intent) in sessionStorage on every change, and pass it back
    // here as `snapshot`. Restoring into a state with an invoke re-runs that request.
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
  });
}

export function createFlowSession(options: FlowSessionOptions): FlowSession {
  const listeners = new Set<SnapshotListener>();
  let intent = options.intent;
  let flow = createFlow(options, intent);
  let unsubscribe = () => {};

  const attach = () => {
    const subscription = flow.subscribe({
      next: (snapshot) => listeners.forEach((listener) => listener(snapshot, flow)),
      // The chart turns every service failure into a state; an error here is a bug worth seeing.
      error: (error) => console.error('mfa-flow actor error', error),
    });
    unsubscribe = () => subscription.unsubscribe();
    flow.start();
  };
  attach();

  return {
    get intent() {
      return intent;
    },
    snapshot: () => flow.getSnapshot(),
    send: (event) => flow.send(event),
    restart(nextIntent = intent) {
      unsubscribe();
      flow.send({ type: 'cancel' });
      flow.stop();
      intent = nextIntent;
      flow = createFlow(options, intent);
      attach(); // starting the new flow tells every listener its first snapshot
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(flow.getSnapshot(), flow);
      return () => listeners.delete(listener);
    },
  };
}
