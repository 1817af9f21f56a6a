// Where server flows live between two requests, possibly on two processes: text under an id, with
// a revision that every write bumps, so that a write can be made conditional on nothing having
// changed since it was read (compare-and-set). A flow's lease and its encrypted record both go
// through it. Memory (memoryStore.ts) for one process, Redis (`mfa-flow/server/redis`) for many;
// anything with an atomic conditional write (PostgreSQL: `UPDATE … WHERE revision = $n`) fits.

export interface StoredFlowText {
  /** Bumped by every write; `compareAndSet` succeeds only against the revision last read. */
  revision: number;
  record: string;
}

export interface FlowStore {
  /** The record and its revision, or null when there is none (never written, deleted or expired). */
  get(id: string): Promise<StoredFlowText | null>;
  /** Writes a new record (revision 1); false when the id is taken. `ttlMs`: how long to keep it. */
  create(id: string, record: string, ttlMs: number): Promise<boolean>;
  /** Replaces the record only if its revision is still `expectedRevision`; false otherwise (or when gone). */
  compareAndSet(id: string, expectedRevision: number, record: string, ttlMs: number): Promise<boolean>;
  delete(id: string): Promise<void>;
}
