// Where persisted flows live between a reload, a crash or a hop to another server. A store
// holds text (JSON or an encrypted envelope) under a key the app chooses, e.g. a session id.
import { decryptPersistedFlow, encryptPersistedFlow } from './encryption.js';
import type { PersistedMfaFlow } from './persist.js';

export interface SnapshotStore {
  get(key: string): Promise<string | null>;
  /** `ttlMs`: how long the record is worth keeping (the MFA token's remaining life). */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** For one server process, and for tests. A farm backs the same interface with Redis or SQL. */
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

/** Browser `sessionStorage` (survives a reload of the tab) or `localStorage` (survives the tab). */
export function createWebStorageSnapshotStore(storage: Storage): SnapshotStore {
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

export interface SaveOptions {
  /** Encrypts the record with AES-GCM before it reaches the store. */
  encryptionKey?: CryptoKey;
  now?: () => number;
}

/** Writes a record, or deletes the key when there is nothing to keep (the flow ended). */
export async function saveFlowRecord(
  store: SnapshotStore,
  key: string,
  record: PersistedMfaFlow | null,
  options: SaveOptions = {},
): Promise<void> {
  if (record === null) return store.delete(key);
  const text = options.encryptionKey ? await encryptPersistedFlow(record, options.encryptionKey) : JSON.stringify(record);
  const ttlMs = record.mfaTokenExpiresAt === null ? undefined : record.mfaTokenExpiresAt - (options.now ?? Date.now)();
  return store.set(key, text, ttlMs);
}

/** Reads a record back: decrypted and parsed, or `undefined` when there is none. A record that
 *  cannot be read (garbled, wrong key) comes back as `null`, which `createMfaFlow` refuses. */
export async function loadFlowRecord(
  store: SnapshotStore,
  key: string,
  options: Pick<SaveOptions, 'encryptionKey'> = {},
): Promise<unknown> {
  const text = await store.get(key);
  if (text === null) return undefined;
  if (options.encryptionKey) return decryptPersistedFlow(text, options.encryptionKey);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
