// One request acting on one flow, across any number of processes: it first takes the flow's
// lease with a compare-and-set on the revision it read, and only then restores the flow and sends
// anything to the API. A second request (here or on another process) finds the lease live and
// answers `flow_busy` without acting, so an event is never acted on twice. A lease whose process
// died runs out and is taken over. Every later write is a compare-and-set too: a request that
// overran its lease and lost it writes nothing.
import { ServerAnswer } from './answers.js';
import type { FlowStore } from './flowStore.js';
import { randomId } from './handle.js';
import { parseStoredFlow, type StoredFlow } from './storedFlow.js';

/** The store's TTL for an entry: until it is worth nothing. */
export function ttlOf(entry: StoredFlow, now: number): number {
  return Math.max(1, entry.expiresAt - now);
}

/** The entry under `id`, with its revision; `flow_lost` when there is none or it is unreadable or stale. */
export async function readEntry(store: FlowStore, id: string, now: number): Promise<{ revision: number; entry: StoredFlow }> {
  const stored = await store.get(id);
  if (stored === null) throw new ServerAnswer('flow_lost');
  const entry = parseStoredFlow(stored.record);
  if (entry === null || entry.expiresAt <= now) throw new ServerAnswer('flow_lost');
  return { revision: stored.revision, entry };
}

export class HeldLease {
  private constructor(
    private readonly store: FlowStore,
    readonly id: string,
    private revision: number,
    public entry: StoredFlow,
  ) {}

  static async take(store: FlowStore, id: string, read: { revision: number; entry: StoredFlow }, leaseMs: number, now: number): Promise<HeldLease> {
    const { entry, revision } = read;
    if (entry.lease !== null && entry.lease.until > now) throw new ServerAnswer('flow_busy', undefined, entry.lease.until - now);
    const leased: StoredFlow = { ...entry, lease: { owner: randomId(), until: now + leaseMs } };
    if (!(await store.compareAndSet(id, revision, JSON.stringify(leased), ttlOf(leased, now)))) throw new ServerAnswer('flow_busy');
    return new HeldLease(store, id, revision + 1, leased);
  }

  /** Writes `entry` if nobody took the flow over meanwhile; `flow_busy` if somebody did. */
  async write(entry: StoredFlow, now: number): Promise<void> {
    if (!(await this.store.compareAndSet(this.id, this.revision, JSON.stringify(entry), ttlOf(entry, now)))) throw new ServerAnswer('flow_busy');
    this.revision += 1;
    this.entry = entry;
  }

  /** Gives the flow back unchanged (after a failure), best effort: an expired lease frees it anyway. */
  async release(now: number): Promise<void> {
    try {
      await this.write({ ...this.entry, lease: null }, now);
    } catch {
      // Lost or unreachable: the lease runs out by itself.
    }
  }
}
