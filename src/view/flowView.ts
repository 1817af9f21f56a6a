// What a UI may render of a flow, and nothing more: an allowlist built from the chart's snapshot,
// JSON-serializable, so that it can cross from a server to a browser. The MFA token, the enroll
// token, the `oob_code`, a submitted code and the final tokens are never copied into it; the
// enrollment secret and recovery codes only while the user needs them on screen.
import type { SnapshotFrom } from 'xstate';
import type { MfaFlowMachine } from '../../machines/mfaFlow.js';
import type { ChallengeableAuthenticator, FactorType, FlowError, MfaFlowTag, MfaIntent } from '../../machines/types.js';

/** The enrollment as a UI shows it: an app's secret and QR, a push's QR, or just the factor a code went by. */
export type EnrollmentView =
  | { factor: 'otp'; secret: string; barcodeUri: string }
  | { factor: 'sms' | 'voice' | 'email' }
  | { factor: 'push'; barcodeUri: string };

/** An error a view shows: the chart's, or for a flow run on the server (`mfa-flow/remote`),
 *  `flow_lost` — the server no longer has the flow (expired, lost, ended long ago): offer to start again. */
export type FlowViewError = FlowError | { code: 'flow_lost'; message: string; retryAfterMs?: undefined };

export interface FactorChoiceView {
  factor: FactorType;
  phoneNumber?: string;
  email?: string;
}

export interface FlowView {
  /** The dotted state path, e.g. `step.verifying.idle`, `failed`, `authenticated`, `cancelled`; and
   *  `lost` for a server flow the server no longer has (`mfa-flow/remote`). */
  state: string;
  /** The chart's tags (busy, needsCode, needsCredentials, needsFactor, waitingForDevice), sorted. */
  tags: MfaFlowTag[];
  status: 'active' | 'done';
  /** How the flow ended, once it has. */
  outcome?: 'authenticated' | 'cancelled';
  intent: MfaIntent;
  enrollableFactors: FactorType[];
  /** The factor being enrolled and where its code went (what the user typed). */
  factorChoice: FactorChoiceView | null;
  /** While enrolling: what the user needs to set the factor up. Never the `oob_code`. */
  enrollment: EnrollmentView | null;
  /** Recovery codes to show once, while their acknowledgement is awaited. */
  recoveryCodes: string[] | null;
  /** The replacement recovery code after signing in with one: show it once. */
  newRecoveryCode: string | null;
  authenticators: ChallengeableAuthenticator[];
  authenticatorId: string | null;
  canResend: boolean;
  /** Epoch ms from when "send the code again" is allowed. */
  resendAvailableAt: number | null;
  /** Epoch ms of the next poll of a push. */
  nextPollAt: number | null;
  error: FlowViewError | null;
  /** Epoch ms when a lockout or rate-limit wait ends. */
  waitUntil: number | null;
  mfaTokenExpiresAt: number | null;
  /** A factor was enrolled (confirmed) during this flow. */
  enrolled: boolean;
}

/** The parts of a snapshot the view reads (a live actor's snapshot, or one restored from a record). */
export type FlowViewSource = Pick<SnapshotFrom<MfaFlowMachine>, 'value' | 'context' | 'status' | 'output' | 'tags'>;

type StateValue = string | { [key: string]: StateValue };

/** `{ step: { verifying: 'idle' } }` → `step.verifying.idle` (the chart has no parallel states). */
export function statePathOf(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [entry] = Object.entries(value);
  if (entry === undefined) return '';
  const [key, child] = entry;
  const rest = statePathOf(child);
  return rest === '' ? key : `${key}.${rest}`;
}

const ENROLLING = 'step.awaitingConfirmation.';
const ACKNOWLEDGING = 'step.awaitingConfirmation.acknowledgingRecoveryCodes';

export function toFlowView(snapshot: FlowViewSource): FlowView {
  const { context } = snapshot;
  const state = statePathOf(snapshot.value as StateValue);
  const done = snapshot.status !== 'active';
  const outcome = snapshot.status === 'done' ? snapshot.output?.outcome : undefined;
  const enrollment = context.enrollment;
  const choice = context.factorChoice;
  return {
    state,
    tags: [...snapshot.tags].sort() as MfaFlowTag[],
    status: done ? 'done' : 'active',
    ...(outcome === undefined ? {} : { outcome }),
    intent: context.settings.intent,
    enrollableFactors: [...context.enrollableFactors],
    factorChoice:
      choice === null
        ? null
        : {
            factor: choice.factor,
            ...(choice.phoneNumber === undefined ? {} : { phoneNumber: choice.phoneNumber }),
            ...(choice.email === undefined ? {} : { email: choice.email }),
          },
    // Only while the factor is being set up: once confirmed, the secret has no reason to be on screen.
    enrollment: enrollment !== null && state.startsWith(ENROLLING) && state !== ACKNOWLEDGING ? enrollmentView(enrollment) : null,
    recoveryCodes: state === ACKNOWLEDGING ? [...(enrollment?.recoveryCodes ?? [])] : null,
    newRecoveryCode: context.newRecoveryCode,
    authenticators: context.authenticators.map(({ id, factor, label }) => ({ id, factor, label })),
    authenticatorId: context.authenticatorId,
    canResend: context.timers.canResend,
    resendAvailableAt: context.timers.resendAvailableAt,
    nextPollAt: context.timers.nextPollAt,
    error: context.error === null ? null : errorView(context.error),
    waitUntil: context.timers.waitUntil,
    mfaTokenExpiresAt: context.mfaTokenExpiresAt,
    enrolled: context.enrolled,
  };
}

function enrollmentView(enrollment: NonNullable<FlowViewSource['context']['enrollment']>): EnrollmentView {
  switch (enrollment.factor) {
    case 'otp':
      return { factor: 'otp', secret: enrollment.secret, barcodeUri: enrollment.barcodeUri };
    case 'push':
      return { factor: 'push', barcodeUri: enrollment.barcodeUri };
    default:
      return { factor: enrollment.factor };
  }
}

function errorView(error: FlowError): FlowError {
  return { code: error.code, message: error.message, ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }) };
}
