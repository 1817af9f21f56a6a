// Persisting a flow: XState's persisted snapshot of the chart, wrapped with the chart version that
// wrote it. The chart keeps its wall times (token expiry, the end of a wait, the next poll of a
// push) in its context, so the record is complete. A flow caught with a request in flight (an
// invoked service; or `busy`, waiting to send one) is saved as its chart declares for an
// interruption (`flow.interrupted`), so that restoring it never sends an associate, a challenge,
// a verify or a code a second time by itself.
import { transition } from 'xstate';
import { MFA_FLOW_MACHINE_VERSION, mfaFlowMachine } from '../../machines/mfaFlow.js';
import type { MfaFlowContext } from '../../machines/types.js';
import type { MfaFlowActor, ResumableFlow } from '../flow/createMfaFlow.js';

export const FLOW_RECORD_FORMAT = 'mfa-flow/flow@2';

/** JSON-serialisable. Holds the MFA token and, during enrolment, the OTP secret and recovery
 *  codes: encrypt it at rest (`encryptFlowRecord`, or `saveFlow` with a key). */
export interface FlowRecord {
  format: typeof FLOW_RECORD_FORMAT;
  /** The chart version that wrote it; another version is refused on restore. */
  machineVersion: number;
  savedAt: number;
  /** Epoch ms after which the record is worth nothing: its MFA token's expiry (null: no token yet). */
  expiresAt: number | null;
  snapshot: PersistedChart;
}

export interface PersistedChart {
  status: 'active';
  value: unknown;
  context: MfaFlowContext;
  [key: string]: unknown;
}

export type RestoreRefusal = 'snapshot_invalid' | 'snapshot_version' | 'snapshot_expired';

export type ReadFlowRecord = { status: 'resumable'; resume: ResumableFlow } | { status: 'refused'; code: RestoreRefusal };

/** A record to resume the flow later, or null once it has ended (nothing is worth resuming). */
export function persistFlow(flow: MfaFlowActor, now: number = Date.now()): FlowRecord | null {
  let snapshot = flow.getSnapshot();
  if (snapshot.status !== 'active') return null;
  const inFlight = snapshot.hasTag('busy') || Object.keys(snapshot.children).length > 0;
  if (inFlight) [snapshot] = transition(snapshot.machine, snapshot, { type: 'flow.interrupted' });
  const chart = JSON.parse(JSON.stringify(snapshot.machine.getPersistedSnapshot(snapshot))) as PersistedChart;
  return {
    format: FLOW_RECORD_FORMAT,
    machineVersion: MFA_FLOW_MACHINE_VERSION,
    savedAt: now,
    expiresAt: chart.context.mfaTokenExpiresAt,
    snapshot: chart,
  };
}

/** Accepts a record only when this chart can resume it whole; never half-restores. */
export function readFlowRecord(candidate: unknown, now: number = Date.now()): ReadFlowRecord {
  const refused = (code: RestoreRefusal): ReadFlowRecord => ({ status: 'refused', code });
  if (typeof candidate !== 'object' || candidate === null) return refused('snapshot_invalid');
  const record = candidate as Partial<FlowRecord>;
  if (record.format !== FLOW_RECORD_FORMAT) return refused('snapshot_invalid');
  if (record.machineVersion !== MFA_FLOW_MACHINE_VERSION) return refused('snapshot_version');
  const chart = record.snapshot;
  if (typeof chart !== 'object' || chart === null || chart.status !== 'active' || typeof chart.context !== 'object' || chart.context === null) {
    return refused('snapshot_invalid');
  }
  const { mfaToken, mfaTokenExpiresAt } = chart.context;
  if (mfaToken !== null) {
    if (typeof mfaToken !== 'string' || typeof mfaTokenExpiresAt !== 'number') return refused('snapshot_invalid');
    if (mfaTokenExpiresAt <= now) return refused('snapshot_expired');
  }
  try {
    // Throws for a state value this chart does not have.
    mfaFlowMachine.resolveState({ value: chart.value as never, context: chart.context });
  } catch {
    return refused('snapshot_invalid');
  }
  return { status: 'resumable', resume: { snapshot: chart, checkedBy: 'mfa-flow/persist' } };
}
