// The one place the page creates an MFA flow. Everything else sees the flow only through this
// session, in the shape of `mfa-flow/view` (`view()`, `send`, `subscribe`) plus `restart`: the views
// render a FlowView, never the actor's snapshot, so the same page can drive a flow that runs on a
// server. The flow is kept in sessionStorage on every change, so a reload (or a tab the phone
// killed) resumes where the user was.
import { createMfaFlow, type CreateMfaFlowOptions, type FactorType, type MfaFlowActor, type MfaFlowEvent, type MfaIntent } from '../../../src/index.js';
import {
  createWebStorageSnapshotStore,
  loadFlow,
  persistFlow,
  saveFlow,
  type LoadedFlow,
  type ResumableFlow,
  type SnapshotStore,
} from '../../../src/persist/index.js';
import { toFlowView, type FlowView } from '../../../src/view/index.js';
import type { DemoConfig } from '../../server/config.js';

export type { FlowView };
export type UiEvent = MfaFlowEvent;
/** Whether the flow was resumed from the previous page load, or refused (and why). */
export type RestoreOutcome = { status: 'fresh' } | { status: 'restored' } | Extract<LoadedFlow, { status: 'refused' }>;
/** Called with every view of the flow, even one equal to the last (a second malformed code is news
 *  to the page); `flow` tells one flow from the next (the code advice keys on it). */
export type ViewListener = (view: FlowView, flow: object) => void;

/** Where the page keeps its flow between reloads: this tab's sessionStorage, in the clear (the
 *  tab's own origin is the only reader; a server would encrypt with `encryptionKey`). */
const FLOW_KEY = 'mfa-flow-demo/flow';

export interface FlowSession {
  readonly intent: MfaIntent;
  /** Whether the flow was resumed from the previous page load, or refused (and why). */
  readonly restore: RestoreOutcome;
  view(): FlowView;
  send(event: UiEvent): void;
  /** Cancels the current flow (aborting its requests) and starts a fresh one. */
  restart(intent?: MfaIntent): void;
  subscribe(listener: ViewListener): () => void;
}

export interface FlowSessionOptions {
  config: DemoConfig;
  intent: MfaIntent;
  /** INSPECTOR HOOK: an XState inspector, e.g. the redacting one from `mfa-flow/inspect`. */
  inspect?: CreateMfaFlowOptions['inspect'];
  /** Default: this tab's sessionStorage. */
  store?: SnapshotStore;
}

function createFlow(options: FlowSessionOptions, intent: MfaIntent, resume?: ResumableFlow): MfaFlowActor {
  const { config } = options;
  return createMfaFlow({
    baseUrl: config.apiBaseUrl ?? window.location.origin,
    clientId: config.clientId,
    mfaAudience: config.mfaAudience,
    intent,
    // What the server offers (all five on the emulator); a page of an older server: an app.
    factors: config.factors ?? (['otp'] satisfies FactorType[]),
    ...(resume === undefined ? {} : { resume }),
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
  });
}

export async function createFlowSession(options: FlowSessionOptions): Promise<FlowSession> {
  const store = options.store ?? createWebStorageSnapshotStore(window.sessionStorage);
  const listeners = new Set<ViewListener>();
  const loaded = await loadFlow(store, FLOW_KEY);
  let flow = createFlow(options, options.intent, loaded.status === 'resumable' ? loaded.resume : undefined);
  const restore: RestoreOutcome =
    loaded.status === 'none' ? { status: 'fresh' } : loaded.status === 'resumable' ? { status: 'restored' } : loaded;
  // A resumed flow keeps the intent it was started with.
  let intent = flow.getSnapshot().context.settings.intent;
  let unsubscribe = () => {};

  const attach = () => {
    const subscription = flow.subscribe({
      next: (snapshot) => {
        // Every change is saved; an ended flow's record is deleted (persistFlow is then null).
        void saveFlow(store, FLOW_KEY, persistFlow(flow));
        const view = toFlowView(snapshot);
        listeners.forEach((listener) => listener(view, flow));
      },
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
    restore,
    view: () => toFlowView(flow.getSnapshot()),
    send: (event) => flow.send(event),
    restart(nextIntent = intent) {
      unsubscribe();
      flow.send({ type: 'cancel' });
      flow.stop();
      void store.delete(FLOW_KEY);
      intent = nextIntent;
      flow = createFlow(options, intent);
      attach(); // starting the new flow tells every listener its first snapshot
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(toFlowView(flow.getSnapshot()), flow);
      return () => listeners.delete(listener);
    },
  };
}
