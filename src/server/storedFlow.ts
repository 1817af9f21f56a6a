// What the store holds for one server flow, as JSON around encrypted parts: the lease (which
// process is acting on the flow, until when), when the entry is worth nothing, and either the
// running flow's record (a JWE from `mfa-flow/persist`) or, once the flow ended, its last view
// and (until the app's `onAuthenticated` took it) its output, sealed the same way.
import { decryptFlowRecord, encryptFlowRecord } from '../persist/encryption.js';
import type { FlowRecord } from '../persist/record.js';
import type { AuthenticatedOutput } from '../../machines/types.js';
import type { FlowView } from '../view/flowView.js';

export const STORED_FLOW_FORMAT = 'mfa-flow/server@1';

export interface FlowLease {
  /** A random id of the request holding it. */
  owner: string;
  /** Epoch ms; after it the lease is abandoned (its process died) and may be taken over. */
  until: number;
}

export interface StoredFlow {
  format: typeof STORED_FLOW_FORMAT;
  /** Given to `onAuthenticated`, so the app can tell a repeated call from a new sign-in. */
  signInId: string;
  lease: FlowLease | null;
  /** Epoch ms after which the entry is worth nothing (the store's TTL follows it). */
  expiresAt: number;
  /** The running flow: a JWE of its `FlowRecord`, bound to the flow id. */
  flow: string | null;
  /** The flow ended: what the UI shows from now on. */
  final: FlowView | null;
  /** An authenticated output the app's callback has not accepted yet (a JWE). */
  pendingOutput: string | null;
}

/** The entry, or null for anything else (garbage, another format). */
export function parseStoredFlow(text: string): StoredFlow | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const entry = value as Partial<StoredFlow>;
  const lease = entry.lease;
  const leaseOk = lease === null || (typeof lease === 'object' && lease !== undefined && typeof lease.owner === 'string' && typeof lease.until === 'number');
  const ok =
    entry.format === STORED_FLOW_FORMAT &&
    typeof entry.signInId === 'string' &&
    leaseOk &&
    typeof entry.expiresAt === 'number' &&
    (entry.flow === null || typeof entry.flow === 'string') &&
    (entry.final === null || (typeof entry.final === 'object' && entry.final !== undefined)) &&
    (entry.pendingOutput === null || typeof entry.pendingOutput === 'string') &&
    (entry.flow !== null) !== (entry.final !== null);
  return ok ? (entry as StoredFlow) : null;
}

export const sealFlowRecord = encryptFlowRecord;

export async function openFlowRecord(jwe: string, key: CryptoKey | Uint8Array, id: string): Promise<unknown> {
  return decryptFlowRecord(jwe, key, id);
}

// The output is sealed like a flow record (same JWE, bound to a key of its own), so that the
// tokens it carries rest encrypted just as the MFA token does.
const outputKey = (id: string) => `${id}#output`;

export function sealOutput(output: AuthenticatedOutput, key: CryptoKey | Uint8Array, id: string): Promise<string> {
  return encryptFlowRecord(output as unknown as FlowRecord, key, outputKey(id));
}

export async function openOutput(jwe: string, key: CryptoKey | Uint8Array, id: string): Promise<AuthenticatedOutput | null> {
  const value = await decryptFlowRecord(jwe, key, outputKey(id));
  return typeof value === 'object' && value !== null && (value as { outcome?: unknown }).outcome === 'authenticated' ? (value as AuthenticatedOutput) : null;
}
