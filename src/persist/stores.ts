// Where persisted flows live between a reload, a crash or a hop to another server: a store holds
// text (JSON, or a JWE) under a key the app chooses, e.g. a session id. Memory and web storage
// here; `mfa-flow/server` has Redis.
import { decryptFlowRecord, encryptFlowRecord } from './encryption.js';
import { readFlowRecord, type FlowRecord, type RestoreRefusal } from './record.js';
import type { ResumableFlow } from '../flow/createMfaFlow.js';

export interface SnapshotStore {
  get(key: string): Promise<string | null>;
  /** `ttlMs`: how long the record is worth keeping (the MFA token's remaining life). */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** For one process, and for tests. */
export function createMemorySnapshotStore(now: () => number = Date.now): SnapshotStore {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  return {
    async get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return null;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return null;
      }
      return entry.value;
    },
    async set(key, value, ttlMs = Number.POSITIVE_INFINITY) {
      entries.set(key, { value, expiresAt: now() + ttlMs });
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}

/** The part of the Web Storage API a store needs (`sessionStorage`, `localStorage`). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Browser `sessionStorage` (survives a reload of the tab) or `localStorage` (survives the tab). */
export function createWebStorageSnapshotStore(storage: WebStorageLike): SnapshotStore {
  return {
    async get(key) {
      return storage.getItem(key);
    },
    async set(key, value) {
      storage.setItem(key, value);
    },
    async delete(key) {
      storage.removeItem(key);
    },
  };
}

export interface FlowStoreOptions {
  /** Encrypts records at rest (a JWE bound to the store key). */
  encryptionKey?: CryptoKey | Uint8Array;
  now?: () => number;
}

/** Writes a record, or deletes the key when there is nothing to keep (the flow ended). */
export async function saveFlow(store: SnapshotStore, key: string, record: FlowRecord | null, options: FlowStoreOptions = {}): Promise<void> {
  if (record === null) return store.delete(key);
  const text = options.encryptionKey ? await encryptFlowRecord(record, options.encryptionKey, key) : JSON.stringify(record);
  const ttlMs = record.expiresAt === null ? undefined : Math.max(0, record.expiresAt - (options.now ?? Date.now)());
  return store.set(key, text, ttlMs);
}

/** What a store holds under a key: nothing; something this chart cannot resume (and why); or a
 *  flow to pass to `createMfaFlow({ resume })`. */
export type LoadedFlow =
  | { status: 'none' }
  | { status: 'refused'; code: RestoreRefusal | 'snapshot_unreadable' }
  | { status: 'resumable'; resume: ResumableFlow };

export async function loadFlow(store: SnapshotStore, key: string, options: FlowStoreOptions = {}): Promise<LoadedFlow> {
  const text = await store.get(key);
  if (text === null) return { status: 'none' };
  const record = options.encryptionKey ? await decryptFlowRecord(text, options.encryptionKey, key) : parseJson(text);
  if (record === null) return { status: 'refused', code: 'snapshot_unreadable' };
  return readFlowRecord(record, (options.now ?? Date.now)());
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
