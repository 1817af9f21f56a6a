// The chart as a finite graph for `xstate/graph`: which events to try in each state (user
// events in their meaningful variants, and every outcome an invoked service can have, as the
// `xstate.done.actor.*` / `xstate.error.actor.*` events the real service would produce), a
// state key that keeps only what guards read (so the graph is finite), and an inventory of the
// machine's state nodes and transitions to measure coverage against.
import { createEmptyActor, type AnyActorScope, type AnyStateMachine, type AnyStateNode, type EventObject, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { getStateNodes } from 'xstate/graph';
import { mfaFlowMachine } from '../../machines/mfaFlow.js';
import { challengeableAuthenticators, FACTOR_TYPES, isMessageFactor } from '../../machines/factors.js';
import type { Authenticator, MfaErrorCode } from '../../machines/types.js';
import type { Service } from './serverAnswers.js';

export type ChartSnapshot = SnapshotFrom<typeof mfaFlowMachine>;
/** A chart event, or a service outcome (done/error event) the graph feeds the chart directly. */
export type ModelEvent = EventObject & Record<string, unknown>;

// ---- outcomes of each service -------------------------------------------------------------

export const SAMPLE_TOKENS = { accessToken: 'sample-at', tokenType: 'Bearer', expiresIn: 86_400 };
export const SAMPLE_IDS = ['totp|dev_sampleA', 'totp|dev_sampleB'] as const;
/** Items as the API client hands them to the chart (`Authenticator`), one per factor. */
const otpItem = (id: string) => ({ id, authenticatorType: 'otp', active: true });
const oobItem = (id: string, oobChannel: string, name: string) => ({ id, authenticatorType: 'oob', oobChannel, active: true, name });
const recoveryItem = { id: 'recovery-code|dev_sample', authenticatorType: 'recovery-code', active: true };
const SMS_ITEM = oobItem('sms|dev_sampleP', 'sms', 'XXXXXXXX0123');
const VOICE_ITEM = oobItem('voice|dev_sampleP', 'voice', 'XXXXXXXX0123');
const EMAIL_ITEM = oobItem('email|dev_sampleE', 'email', 'd***@example.com');
const PUSH_ITEM = oobItem('push|dev_sampleG', 'auth0', 'Emulated Guardian');

/** The list answers the chart tells apart, by name. */
export const LIST_OUTCOMES = {
  one: [otpItem(SAMPLE_IDS[0]), recoveryItem],
  several: [otpItem(SAMPLE_IDS[0]), otpItem(SAMPLE_IDS[1]), recoveryItem],
  other: [{ id: 'webauthn-roaming|dev_sample', authenticatorType: 'webauthn-roaming', active: true }, recoveryItem],
  none: [{ id: 'totp|dev_pending', authenticatorType: 'otp', active: false }],
  /** One factor, and a message one: challenged at once, its code resendable. */
  email: [EMAIL_ITEM, recoveryItem],
  /** Every factor (a Guardian enrollment brings its app's codes, a phone is listed per channel): the user chooses. */
  every: [otpItem(SAMPLE_IDS[0]), SMS_ITEM, VOICE_ITEM, EMAIL_ITEM, PUSH_ITEM, otpItem('totp|dev_sampleG'), recoveryItem],
} as const;
export type ListOutcome = keyof typeof LIST_OUTCOMES;

/** Which of LIST_OUTCOMES a list is, as the chart tells them apart (undefined: none of them). */
export function listLabel(listed: readonly Authenticator[]): ListOutcome | undefined {
  const factors = challengeableAuthenticators(listed).map((a) => a.factor);
  if (factors.length === 0) return listed.some((a) => a.active && a.authenticatorType !== 'recovery-code') ? 'other' : 'none';
  if (factors.every((f) => f === 'otp')) return factors.length === 1 ? 'one' : 'several';
  if (factors.length === 1 && factors[0] === 'email') return 'email';
  return FACTOR_TYPES.every((f) => factors.includes(f)) ? 'every' : undefined;
}

/** What the user has and the app offers, as one graph explores it. */
export interface ModelWorld {
  /** The list answers tried. */
  lists: readonly ListOutcome[];
}
/** An app of authenticator apps only, as before every factor. */
export const OTP_WORLD: ModelWorld = { lists: ['one', 'several', 'other', 'none'] };
/** Every factor on both sides. */
export const EVERY_FACTOR_WORLD: ModelWorld = { lists: ['one', 'other', 'none', 'email', 'every'] };

/** `mfa_requirements` as the emulator's password grant sends them: enroll (no factor yet) or challenge. */
export const REQUIREMENTS = {
  enroll: { enroll: ['otp', 'phone', 'email', 'push-notification'] },
  challenge: { challenge: ['otp'] },
} as const;

/** The factor a context is challenging (the chart's own reading). */
export const challengedFactor = (c: ChartSnapshot['context']) => c.authenticators.find((a) => a.id === c.authenticatorId)?.factor;

/** Sample outputs, one per answer the chart can tell apart, labelled so a runner can realise them;
 *  a service's answer matches what it was asked (the factor being enrolled or challenged). */
function doneOutputs(service: Service, c: ChartSnapshot['context'], world: ModelWorld): Array<{ label: string; output: unknown }> {
  switch (service) {
    case 'passwordGrant':
      return [
        { label: 'mfa_required', output: { kind: 'mfa_required', mfaToken: 'sample-mfa-token' } },
        { label: 'mfa_required:enroll', output: { kind: 'mfa_required', mfaToken: 'sample-mfa-token', requirements: REQUIREMENTS.enroll } },
        { label: 'mfa_required:challenge', output: { kind: 'mfa_required', mfaToken: 'sample-mfa-token', requirements: REQUIREMENTS.challenge } },
        { label: 'tokens', output: { kind: 'tokens', tokens: SAMPLE_TOKENS } },
      ];
    case 'associate': {
      const factor = c.factorChoice?.factor ?? 'otp';
      const enrollment =
        factor === 'otp'
          ? { factor, secret: 'JBSWY3DPEHPK3PXP', barcodeUri: 'otpauth://totp/x' }
          : factor === 'push'
            ? { factor, oobCode: 'sample-oob', barcodeUri: 'otpauth://totp/x?enrollment_tx_id=x' }
            : { factor, oobCode: 'sample-oob' };
      return [
        { label: 'withRecoveryCode', output: { ...enrollment, recoveryCodes: ['A'.repeat(24)] } },
        { label: 'withoutRecoveryCode', output: enrollment },
      ];
    }
    case 'listAuthenticators':
      return world.lists.map((label) => ({ label, output: LIST_OUTCOMES[label] }));
    case 'challenge':
      return [{ label: 'ok', output: challengedFactor(c) === 'otp' ? {} : { oobCode: 'sample-oob' } }];
    case 'verifyCode':
    case 'pollDevice':
      return [{ label: 'ok', output: SAMPLE_TOKENS }];
    case 'verifyRecoveryCode':
      return [{ label: 'ok', output: { tokens: SAMPLE_TOKENS, recoveryCode: 'B'.repeat(24) } }];
  }
}

const TRANSPORT: MfaErrorCode[] = ['rate_limited', 'server_error', 'network', 'timeout', 'invalid_response'];
const SESSION: MfaErrorCode[] = ['mfa_token_expired', 'mfa_token_invalid'];

/** Error codes each service is made to fail with; every branch of the chart's onError is among
 *  them, each only where the API can answer it (a message budget only where a message is sent). */
export function errorCodes(service: Service, c: ChartSnapshot['context']): MfaErrorCode[] {
  const oobChoice = (c.factorChoice?.factor ?? 'otp') !== 'otp';
  const oobChallenge = (challengedFactor(c) ?? 'otp') !== 'otp';
  const oobCode = c.oobCode !== null;
  switch (service) {
    case 'passwordGrant':
      return ['invalid_credentials', 'rate_limited', 'unauthorized_client', 'server_error', 'network', 'timeout', 'invalid_response'];
    case 'associate':
      return ['already_enrolled', 'access_denied', ...(oobChoice ? (['too_many_messages'] as const) : []), ...SESSION, ...TRANSPORT];
    case 'listAuthenticators':
      return [...SESSION, ...TRANSPORT];
    case 'challenge':
      return ['unsupported_challenge', 'invalid_request', ...(oobChallenge ? (['too_many_messages'] as const) : []), ...SESSION, ...TRANSPORT];
    case 'verifyCode':
      return [
        ...(oobCode ? (['invalid_binding_code', 'oob_code_expired'] as const) : (['invalid_otp'] as const)),
        'too_many_attempts',
        ...SESSION,
        ...TRANSPORT,
      ];
    case 'pollDevice':
      return ['authorization_pending', 'slow_down', 'push_rejected', 'oob_code_expired', ...SESSION, ...TRANSPORT];
    case 'verifyRecoveryCode':
      return ['invalid_recovery_code', 'too_many_attempts', ...SESSION, ...TRANSPORT];
  }
}

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
 * What a state is, for the graph: its value plus the context that guards read later (the route
 * `mfa_requirements` says, the factors on offer and the one chosen, the factor challenged and
 * whether "send again" is open). Where `retry` or a wait's end goes (the history states) and the
 * kept submission matter only there. Poll intervals are left out: `slow_down` lengthens them
 * without end, and no guard reads them.
 */
export function stateKey(snapshot: ChartSnapshot): string {
  const c = snapshot.context;
  const waiting = WAITS.some((w) => snapshot.matches(w));
  const requirements = c.mfaRequirements;
  return JSON.stringify({
    value: snapshot.value,
    status: snapshot.status,
    intent: c.settings.intent,
    token: c.mfaToken !== null,
    requirements: requirements === null ? null : { enroll: (requirements.enroll?.length ?? 0) > 0, challenge: (requirements.challenge?.length ?? 0) > 0 },
    enrollable: c.enrollableFactors.join(','),
    choice: c.factorChoice?.factor ?? null,
    alreadyEnrolled: c.alreadyEnrolled,
    listedNone: c.listedNone,
    enrollToken: c.enrollToken !== null,
    enrollment: c.enrollment === null ? null : `${c.enrollment.factor}:${(c.enrollment.recoveryCodes?.length ?? 0) > 0 ? 'codes' : 'noCodes'}`,
    listed: c.authenticators.length > 1 ? 'several' : c.authenticators.length,
    challenged: challengedFactor(c) ?? null,
    // A push still to poll, or one the phone answered (a recovery code's failure returns to either).
    oobCode: c.oobCode !== null,
    canResend: c.timers.canResend,
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

const PHONE_TYPED = '+1 (415) 555-0123';
const EMAIL_TYPED = ' demo@example.com ';

/** `factor.choose` in its variants: each offered factor with good details, the ones needing a
 *  phone number or an address also with bad ones, and one factor this user may not enroll. */
function factorChoices(c: ChartSnapshot['context']): ModelEvent[] {
  const type = 'factor.choose';
  const out: ModelEvent[] = [];
  for (const factor of c.settings.factors) {
    if (factor === 'sms' || factor === 'voice') out.push({ type, factor, phoneNumber: PHONE_TYPED }, { type, factor, phoneNumber: '555-0123' });
    else if (factor === 'email') out.push({ type, factor, email: EMAIL_TYPED }, { type, factor, email: 'demo@' });
    else out.push({ type, factor });
  }
  const refused = FACTOR_TYPES.find((f) => !c.enrollableFactors.includes(f));
  if (refused !== undefined && !out.some((e) => e.factor === refused)) out.push({ type, factor: refused, phoneNumber: PHONE_TYPED, email: EMAIL_TYPED });
  return out;
}

/** Every own event type of the active nodes, expanded into the variants worth trying. */
export function eventsFor(snapshot: ChartSnapshot, world: ModelWorld = OTP_WORLD, inv: Inventory = INVENTORY): ModelEvent[] {
  if (snapshot.status !== 'active') return [];
  const c = snapshot.context;
  const types = [...new Set(snapshot._nodes.flatMap((n) => [...n.ownEvents]))];
  // What persistFlow() saves as interrupted: a request in flight (an invoked service) or a busy wait.
  const inFlight = snapshot.hasTag('busy') || invokedService(snapshot) !== undefined;
  const out: ModelEvent[] = [];
  for (const type of types) {
    const service = type.startsWith('xstate.done.actor.')
      ? inv.services.get(type.slice('xstate.done.actor.'.length))
      : type.startsWith('xstate.error.actor.')
        ? inv.services.get(type.slice('xstate.error.actor.'.length))
        : undefined;
    if (type.startsWith('xstate.done.actor.') && service) {
      for (const { label, output } of doneOutputs(service, c, world)) out.push({ type, output, label });
    } else if (type.startsWith('xstate.error.actor.') && service) {
      for (const code of errorCodes(service, c)) out.push({ type, error: { code, message: code } });
    } else {
      switch (type) {
        case 'credentials.submit':
          out.push({ type, username: 'demo@example.com', password: 'typed' }, { type, username: ' ', password: '' });
          break;
        case 'mfaToken.provide':
          out.push({ type, mfaToken: 'provided-mfa-token' }, { type, mfaToken: 'provided-mfa-token', requirements: REQUIREMENTS.enroll });
          break;
        case 'factor.choose':
          out.push(...factorChoices(c));
          break;
        case 'otp.submit':
          out.push({ type, otp: '123456' }, { type, otp: '12a4' });
          break;
        case 'recoveryCode.submit':
          out.push({ type, recoveryCode: 'ABCD-EFGH-JKLM-NPQR-STUV-WXY2' }, { type, recoveryCode: 'not-a-code' });
          break;
        case 'authenticator.select': {
          // One of each factor listed (the first of its kind), and one the list does not hold.
          const firstOfEach = [...new Map(c.authenticators.map((a) => [a.factor, a.id] as const)).values()];
          for (const authenticatorId of firstOfEach) out.push({ type, authenticatorId });
          out.push({ type, authenticatorId: 'totp|dev_unknown' });
          break;
        }
        case 'mfaToken.expired':
          if (c.mfaToken !== null) out.push({ type });
          break;
        // Both are a real persistFlow() + createMfaFlow({ resume }): a flow with a request in flight is
        // persisted as its chart says an interruption leaves it (`flow.interrupted`), any other as it is.
        case 'flow.restored':
          if (!inFlight) out.push({ type });
          break;
        case 'flow.interrupted':
          if (inFlight) out.push({ type });
          break;
        default:
          // The resend cooldown is a timer of every challenge; it only does something for a message.
          if (type.startsWith('xstate.after.resendCooldown.') && (c.timers.canResend || !isMessageFactor(challengedFactor(c)))) break;
          out.push({ type });
      }
    }
  }
  return out;
}
