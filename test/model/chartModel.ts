// The chart as a finite graph for `xstate/graph`: which events to try in each state (user
// events in their meaningful variants, and every outcome an invoked service can have, as the
// `xstate.done.actor.*` / `xstate.error.actor.*` events the real service would produce), a
// state key that keeps only what guards read (so the graph is finite), and an inventory of the
// machine's state nodes and transitions to measure coverage against.
import { createEmptyActor, type AnyActorScope, type AnyStateMachine, type AnyStateNode, type EventObject, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { getStateNodes } from 'xstate/graph';
import { mfaFlowMachine } from '../../machines/mfaFlow.js';
import type { MfaErrorCode } from '../../machines/types.js';
import type { Service } from './serverAnswers.js';

export type ChartSnapshot = SnapshotFrom<typeof mfaFlowMachine>;
/** A chart event, or a service outcome (done/error event) the graph feeds the chart directly. */
export type ModelEvent = EventObject & Record<string, unknown>;

// ---- outcomes of each service -------------------------------------------------------------

export const SAMPLE_TOKENS = { accessToken: 'sample-at', tokenType: 'Bearer', expiresIn: 86_400 };
export const SAMPLE_IDS = ['totp|dev_sampleA', 'totp|dev_sampleB'] as const;
const otpItem = (id: string) => ({ id, authenticatorType: 'otp', active: true });
const recoveryItem = { id: 'recovery-code|dev_sample', authenticatorType: 'recovery-code', active: true };

/** The list answers the chart tells apart, by name. */
export const LIST_OUTCOMES = {
  one: [otpItem(SAMPLE_IDS[0]), recoveryItem],
  several: [otpItem(SAMPLE_IDS[0]), otpItem(SAMPLE_IDS[1]), recoveryItem],
  other: [{ id: 'sms|dev_sample', authenticatorType: 'sms', active: true }, recoveryItem],
  none: [{ id: 'totp|dev_pending', authenticatorType: 'otp', active: false }],
} as const;
export type ListOutcome = keyof typeof LIST_OUTCOMES;

/** Sample outputs, one per answer the chart can tell apart, labelled so a runner can realise them. */
const DONE_OUTPUTS: Record<Service, Array<{ label: string; output: unknown }>> = {
  passwordGrant: [
    { label: 'mfa_required', output: { kind: 'mfa_required', mfaToken: 'sample-mfa-token' } },
    { label: 'tokens', output: { kind: 'tokens', tokens: SAMPLE_TOKENS } },
  ],
  associate: [
    { label: 'withRecoveryCode', output: { secret: 'JBSWY3DPEHPK3PXP', barcodeUri: 'otpauth://totp/x', recoveryCodes: ['A'.repeat(24)] } },
    { label: 'withoutRecoveryCode', output: { secret: 'JBSWY3DPEHPK3PXP', barcodeUri: 'otpauth://totp/x' } },
  ],
  listAuthenticators: Object.entries(LIST_OUTCOMES).map(([label, output]) => ({ label, output })),
  challenge: [{ label: 'ok', output: undefined }],
  verifyOtp: [{ label: 'ok', output: SAMPLE_TOKENS }],
  verifyRecoveryCode: [{ label: 'ok', output: { tokens: SAMPLE_TOKENS, recoveryCode: 'B'.repeat(24) } }],
};

/** Error codes each service is made to fail with; every branch of the chart's onError is among them. */
export const ERROR_CODES: Record<Service, MfaErrorCode[]> = {
  passwordGrant: ['invalid_credentials', 'rate_limited', 'unauthorized_client', 'server_error', 'network', 'timeout', 'invalid_response'],
  associate: ['already_enrolled', 'access_denied', 'mfa_token_expired', 'mfa_token_invalid', 'rate_limited', 'server_error', 'network', 'timeout', 'invalid_response'],
  listAuthenticators: ['mfa_token_expired', 'mfa_token_invalid', 'rate_limited', 'server_error', 'network', 'timeout', 'invalid_response'],
  challenge: ['unsupported_challenge', 'invalid_request', 'mfa_token_expired', 'mfa_token_invalid', 'rate_limited', 'server_error', 'network', 'timeout', 'invalid_response'],
  verifyOtp: ['invalid_otp', 'too_many_attempts', 'mfa_token_expired', 'mfa_token_invalid', 'rate_limited', 'server_error', 'network', 'timeout', 'invalid_response'],
  verifyRecoveryCode: ['invalid_recovery_code', 'too_many_attempts', 'mfa_token_expired', 'mfa_token_invalid', 'rate_limited', 'server_error', 'network', 'timeout', 'invalid_response'],
};

// ---- the machine's inventory -----------------------------------------------------------------

export interface Inventory {
  states: string[];
  transitions: string[];
  /** Invoke id → the service it invokes (`0.mfaFlow.listing.fetching` → `listAuthenticators`). */
  services: Map<string, Service>;
}

type TransitionLike = { source: AnyStateNode; eventType: string };

/** A stable name for a transition definition: source, event, position (same across `provide`). */
export function transitionKey(t: TransitionLike): string {
  const source = t.source;
  if (t.eventType === '') return `${source.id} --always[${source.always?.indexOf(t as never)}]`;
  return `${source.id} --${t.eventType}[${source.transitions.get(t.eventType)?.indexOf(t as never)}]`;
}

export function inventory(machine: AnyStateMachine = mfaFlowMachine): Inventory {
  const nodes: AnyStateNode[] = [machine.root, ...getStateNodes(machine.root)];
  const transitions: string[] = [];
  const services = new Map<string, Service>();
  for (const node of nodes) {
    for (const list of node.transitions.values()) for (const t of list) transitions.push(transitionKey(t));
    for (const t of node.always ?? []) transitions.push(transitionKey(t));
    for (const invoke of node.invoke) services.set(invoke.id, invoke.src as Service);
  }
  // A history state is never active itself: it is covered by the transitions that target it.
  return { states: nodes.filter((n) => n.type !== 'history').map((n) => n.id), transitions, services };
}

export const INVENTORY = inventory();

/** Records which state nodes and transitions an actor went through, from its inspection events. */
export class CoverageRecorder {
  readonly states = new Set<string>();
  readonly transitions = new Set<string>();

  readonly inspect = (event: InspectionEvent) => {
    if (event.type === '@xstate.microstep') {
      for (const t of event._transitions as TransitionLike[]) {
        this.transitions.add(transitionKey(t));
        this.states.add(t.source.id);
      }
    }
    if (event.type === '@xstate.microstep' || event.type === '@xstate.snapshot') {
      const nodes = (event.snapshot as { _nodes?: AnyStateNode[] })._nodes;
      for (const node of nodes ?? []) this.states.add(node.id);
    }
  };

  merge(other: CoverageRecorder): void {
    for (const s of other.states) this.states.add(s);
    for (const t of other.transitions) this.transitions.add(t);
  }
}

/** Transitions (and entered nodes) one abstract step takes, computed on the pure machine. */
export function transitionsOf(machine: AnyStateMachine, snapshot: ChartSnapshot, event: ModelEvent): CoverageRecorder {
  const recorder = new CoverageRecorder();
  const empty = createEmptyActor();
  const system = Object.create(empty.system) as typeof empty.system & { _sendInspectionEvent: (e: InspectionEvent) => void };
  system._sendInspectionEvent = recorder.inspect;
  const scope = {
    self: empty,
    logger: () => {},
    id: '',
    sessionId: 'model',
    defer: () => {},
    system,
    stopChild: () => {},
    emit: () => {},
    actionExecutor: () => {},
  } as unknown as AnyActorScope;
  const next = machine.transition(snapshot as never, event as never, scope) as ChartSnapshot;
  for (const node of next._nodes) recorder.states.add(node.id);
  return recorder;
}

// ---- the state key and the events of each state ---------------------------------------------

const WAITS = ['failed', 'rateLimited', 'locked'] as const;

/**
 * What a state is, for the graph: its value plus the context that guards read later. Where
 * `retry` or a wait's end goes (the history states) and the kept submission matter only there.
 */
export function stateKey(snapshot: ChartSnapshot): string {
  const c = snapshot.context;
  const waiting = WAITS.some((w) => snapshot.matches(w));
  return JSON.stringify({
    value: snapshot.value,
    status: snapshot.status,
    intent: c.intent,
    token: c.mfaToken !== null,
    alreadyEnrolled: c.alreadyEnrolled,
    listedNone: c.listedNone,
    enrollToken: c.enrollToken !== null,
    enrollment: c.enrollment === null ? null : (c.enrollment.recoveryCodes?.length ?? 0) > 0 ? 'codes' : 'noCodes',
    ...(waiting ? { history: historyOf(snapshot), submission: c.submission?.kind ?? null } : {}),
  });
}

/** The state each history state would return to, by state node id. */
function historyOf(snapshot: ChartSnapshot): Record<string, string[]> {
  const history = snapshot.historyValue as Record<string, Array<{ id: string }>>;
  return Object.fromEntries(Object.entries(history).map(([id, nodes]) => [id, nodes.map((n) => n.id)]));
}

export function invokedService(snapshot: ChartSnapshot): { id: string; service: Service } | undefined {
  for (const node of snapshot._nodes) {
    const invoke = node.invoke[0];
    if (invoke) return { id: invoke.id, service: invoke.src as Service };
  }
  return undefined;
}

export const isOutcome = (event: EventObject) =>
  event.type.startsWith('xstate.done.actor.') || event.type.startsWith('xstate.error.actor.');
export const isTimer = (event: EventObject) => event.type.startsWith('xstate.after.');

export function outcomeLabel(event: ModelEvent): string {
  if (event.type.startsWith('xstate.error.actor.')) return `error:${(event.error as { code: string }).code}`;
  return `done:${String(event.label)}`;
}

/** Every own event type of the active nodes, expanded into the variants worth trying. */
export function eventsFor(snapshot: ChartSnapshot, inv: Inventory = INVENTORY): ModelEvent[] {
  if (snapshot.status !== 'active') return [];
  const c = snapshot.context;
  const types = [...new Set(snapshot._nodes.flatMap((n) => [...n.ownEvents]))];
  const invoking = invokedService(snapshot) !== undefined;
  const out: ModelEvent[] = [];
  for (const type of types) {
    const service = type.startsWith('xstate.done.actor.')
      ? inv.services.get(type.slice('xstate.done.actor.'.length))
      : type.startsWith('xstate.error.actor.')
        ? inv.services.get(type.slice('xstate.error.actor.'.length))
        : undefined;
    if (type.startsWith('xstate.done.actor.') && service) {
      for (const { label, output } of DONE_OUTPUTS[service]) out.push({ type, output, label });
    } else if (type.startsWith('xstate.error.actor.') && service) {
      for (const code of ERROR_CODES[service]) out.push({ type, error: { code, message: code } });
    } else {
      switch (type) {
        case 'credentials.submit':
          out.push({ type, username: 'demo@example.com', password: 'typed' }, { type, username: ' ', password: '' });
          break;
        case 'mfaToken.provide':
          out.push({ type, mfaToken: 'provided-mfa-token' });
          break;
        case 'otp.submit':
          out.push({ type, otp: '123456' }, { type, otp: '12a4' });
          break;
        case 'recoveryCode.submit':
          out.push({ type, recoveryCode: 'ABCD-EFGH-JKLM-NPQR-STUV-WXY2' }, { type, recoveryCode: 'not-a-code' });
          break;
        case 'authenticator.select':
          out.push({ type, authenticatorId: SAMPLE_IDS[1] }, { type, authenticatorId: 'totp|dev_unknown' });
          break;
        case 'mfaToken.expired':
          if (c.mfaToken !== null) out.push({ type });
          break;
        // Both are a real persistFlow() + createMfaFlow({ resume }): a busy flow is persisted as its
        // chart says an interruption leaves it (`flow.interrupted`), any other as it is.
        case 'flow.restored':
          if (!snapshot.hasTag('busy')) out.push({ type });
          break;
        case 'flow.interrupted':
          if (snapshot.hasTag('busy')) out.push({ type });
          break;
        default:
          out.push({ type });
      }
    }
  }
  return out;
}
