// The flow store of a single process (and of tests): a Map with expiry times. Every operation runs
// to completion before another starts (one event loop), which is what makes compare-and-set atomic.
import type { FlowStore, StoredFlowText } from './flowStore.js';

export interface MemoryFlowStoreOptions {
  /** Wall time, for expiry (Date.now by default). */
  now?: () => number;
}

export function createMemoryFlowStore(options: MemoryFlowStoreOptions = {}): FlowStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, StoredFlowText & { expiresAt: number }>();
  const live = (id: string) => {
    const entry = entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(id);
      return undefined;
    }
    return entry;
  };
  return {
    async get(id) {
      const entry = live(id);
      return entry === undefined ? null : { revision: entry.revision, record: entry.record };
    },
    async create(id, record, ttlMs) {
      if (live(id) !== undefined) return false;
      entries.set(id, { revision: 1, record, expiresAt: now() + ttlMs });
      return true;
    },
    async compareAndSet(id, expectedRevision, record, ttlMs) {
      const entry = live(id);
      if (entry === undefined || entry.revision !== expectedRevision) return false;
      entries.set(id, { revision: expectedRevision + 1, record, expiresAt: now() + ttlMs });
      return true;
    },
    async delete(id) {
      entries.delete(id);
    },
  };
}
