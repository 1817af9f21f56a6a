// Persisting a flow: a versioned, JSON-serialisable record of the chart's snapshot plus the wall
// times XState does not keep (timers). Taking one never captures a request half-done: a state
// whose request is not safe to repeat is saved as the state before it, so restoring can never
// send a second associate or verify by itself.
import type { Snapshot } from 'xstate';
import { DEFAULT_LOCKOUT_MS, DEFAULT_RATE_LIMIT_MS, MFA_FLOW_MACHINE_VERSION, mfaFlowMachine } from '../../machines/mfaFlow.js';
import type { MfaFlowContext } from '../../machines/types.js';

export const PERSISTED_FLOW_FORMAT = 'mfa-flow/persisted@1';

export interface PersistedMfaFlow {
  format: typeof PERSISTED_FLOW_FORMAT;
  /** The chart version that wrote it; another version is refused on restore. */
  machineVersion: number;
  savedAt: number;
  /** Epoch ms when the MFA token stops working (null: no token yet). */
  mfaTokenExpiresAt: number | null;
  /** Epoch ms when a lockout or rate-limit wait ends (null: not waiting). */
  waitUntil: number | null;
  /** XState's persisted snapshot, rewritten as described above. Holds the MFA token and, during
   *  enrolment, the OTP secret and recovery codes: encrypt it at rest (see encryption.ts). */
  snapshot: PersistedChart;
}

export interface PersistedChart {
  status: 'active';
  value: unknown;
  context: MfaFlowContext;
  children: Record<string, unknown>;
  [key: string]: unknown;
}

export type RestoreRefusal = 'snapshot_invalid' | 'snapshot_version' | 'snapshot_expired';
export type RestoreOutcome = { status: 'fresh' } | { status: 'restored' } | { status: 'refused'; code: RestoreRefusal };

const INTERRUPTED = {
  code: 'aborted' as const,
  message: 'The connection was interrupted before the server answered. Try again.',
};

function valueKey(value: unknown): string {
  if (typeof value === 'string') return value;
  const [parent, child] = Object.entries(value as Record<string, unknown>)[0] ?? [];
  return child === undefined ? String(parent) : `${parent}.${valueKey(child)}`;
}

/** Moves a snapshot caught mid-request to where the user (not the restore) decides what to send. */
function settle(chart: PersistedChart): PersistedChart {
  const context: MfaFlowContext = { ...chart.context, submission: null };
  const at = (value: unknown, changes: Partial<MfaFlowContext> = {}): PersistedChart => ({
    ...chart,
    value,
    children: {},
    context: { ...context, ...changes },
  });
  switch (valueKey(chart.value)) {
    case 'needMfaToken.signingIn':
      return at({ needMfaToken: 'idle' }); // the password is never kept
    case 'associating':
      // Its answer (the secret) is lost; sending it again would leave an abandoned pending
      // authenticator behind. The user retries deliberately.
      return at('failed', { resumeStep: 'associating', error: INTERRUPTED });
    case 'awaitingConfirmation.submitting':
      return at({ awaitingConfirmation: 'idle' });
    case 'verifying.submittingOtp':
    case 'verifying.submittingRecoveryCode':
      return at({ verifying: 'idle' });
    case 'rateLimited':
      // A code kept for the automatic re-send is not persisted: back to its input instead.
      if (chart.context.resumeStep === 'confirming') return at({ awaitingConfirmation: 'idle' });
      if (chart.context.resumeStep === 'verifying') return at({ verifying: 'idle' });
      return { ...chart, context };
    default:
      return { ...chart, context };
  }
}

export interface FlowClockRecord {
  /** When the current MFA token expires, as seen by the flow layer. */
  mfaTokenExpiresAt: number | null;
  /** When the current lockout / rate-limit wait ends. */
  waitUntil: number | null;
}

/** Builds the record, or null when there is nothing worth resuming (final states). */
export function createPersistedFlow(
  xstateSnapshot: Snapshot<unknown>,
  persisted: unknown,
  clocks: FlowClockRecord,
  now: number,
): PersistedMfaFlow | null {
  if (xstateSnapshot.status !== 'active') return null;
  const chart = settle(JSON.parse(JSON.stringify(persisted)) as PersistedChart);
  const waiting = ['locked.waiting', 'rateLimited'].includes(valueKey(chart.value));
  return {
    format: PERSISTED_FLOW_FORMAT,
    machineVersion: MFA_FLOW_MACHINE_VERSION,
    savedAt: now,
    mfaTokenExpiresAt: chart.context.mfaToken === null ? null : clocks.mfaTokenExpiresAt,
    waitUntil: waiting ? clocks.waitUntil : null,
    snapshot: chart,
  };
}

/** The wait a state starts with, for the flow layer to remember when it ends. */
export function waitStartedMs(context: MfaFlowContext, value: unknown): number | null {
  const key = valueKey(value);
  if (key === 'locked.waiting') return context.error?.retryAfterMs ?? DEFAULT_LOCKOUT_MS;
  if (key === 'rateLimited') return context.error?.retryAfterMs ?? DEFAULT_RATE_LIMIT_MS;
  return null;
}

export type CheckedRestore =
  | { ok: true; persisted: PersistedMfaFlow }
  | { ok: false; code: RestoreRefusal };

/** Accepts a record only when this chart can resume it whole; never half-restores. */
export function checkPersistedFlow(candidate: unknown, now: number): CheckedRestore {
  if (typeof candidate !== 'object' || candidate === null) return { ok: false, code: 'snapshot_invalid' };
  const record = candidate as Partial<PersistedMfaFlow>;
  if (record.format !== PERSISTED_FLOW_FORMAT) return { ok: false, code: 'snapshot_invalid' };
  if (record.machineVersion !== MFA_FLOW_MACHINE_VERSION) return { ok: false, code: 'snapshot_version' };
  const chart = record.snapshot;
  if (typeof chart !== 'object' || chart === null || chart.status !== 'active' || typeof chart.context !== 'object') {
    return { ok: false, code: 'snapshot_invalid' };
  }
  if (chart.context.mfaToken !== null) {
    if (typeof record.mfaTokenExpiresAt !== 'number') return { ok: false, code: 'snapshot_invalid' };
    if (record.mfaTokenExpiresAt <= now) return { ok: false, code: 'snapshot_expired' };
  }
  try {
    // Throws for a state value this chart does not have.
    mfaFlowMachine.resolveState({ value: chart.value as never, context: chart.context });
  } catch {
    return { ok: false, code: 'snapshot_invalid' };
  }
  return { ok: true, persisted: record as PersistedMfaFlow };
}
