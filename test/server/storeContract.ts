// What every FlowStore must do, run against each store (memory, Redis): revisions start at 1 and
// every write bumps them, create never overwrites, compare-and-set succeeds only on the revision
// last read (exactly one of many racing writers wins), records expire with their TTL, and a
// record comes back byte for byte.
import { expect, it } from 'vitest';
import type { FlowStore } from '../../src/server/index.js';

let counter = 0;
const freshId = () => `contract-${process.pid}-${Date.now()}-${(counter += 1)}`;

/** Polls until `check` holds (a TTL is wall time: the store decides when a record has gone). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function flowStoreContract(store: () => FlowStore): void {
  it('reads nothing for an id never written', async () => {
    expect(await store().get(freshId())).toBeNull();
  });

  it('creates at revision 1, and never over an existing record', async () => {
    const id = freshId();
    expect(await store().create(id, 'first', 60_000)).toBe(true);
    expect(await store().get(id)).toEqual({ revision: 1, record: 'first' });
    expect(await store().create(id, 'second', 60_000)).toBe(false);
    expect(await store().get(id)).toEqual({ revision: 1, record: 'first' });
  });

  it('compare-and-set writes only on the revision last read, and bumps it', async () => {
    const id = freshId();
    await store().create(id, 'r1', 60_000);
    expect(await store().compareAndSet(id, 2, 'wrong', 60_000)).toBe(false);
    expect(await store().compareAndSet(id, 1, 'r2', 60_000)).toBe(true);
    expect(await store().get(id)).toEqual({ revision: 2, record: 'r2' });
    expect(await store().compareAndSet(id, 1, 'stale', 60_000)).toBe(false);
    expect(await store().compareAndSet(id, 2, 'r3', 60_000)).toBe(true);
    expect(await store().get(id)).toEqual({ revision: 3, record: 'r3' });
  });

  it('compare-and-set on a missing record fails and creates nothing', async () => {
    const id = freshId();
    expect(await store().compareAndSet(id, 1, 'ghost', 60_000)).toBe(false);
    expect(await store().get(id)).toBeNull();
  });

  it('of many writers racing on one revision, exactly one wins', async () => {
    const id = freshId();
    await store().create(id, 'start', 60_000);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store().compareAndSet(id, 1, `writer ${i}`, 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await store().get(id)).toEqual({ revision: 2, record: `writer ${winner}` });
  });

  it('deletes', async () => {
    const id = freshId();
    await store().create(id, 'x', 60_000);
    await store().delete(id);
    expect(await store().get(id)).toBeNull();
    await store().delete(id); // deleting nothing is fine
    expect(await store().create(id, 'again', 60_000)).toBe(true);
    expect(await store().get(id)).toEqual({ revision: 1, record: 'again' });
  });

  it('forgets a record when its TTL runs out, and each write sets a new TTL', async () => {
    const id = freshId();
    await store().create(id, 'short', 100);
    expect(await store().compareAndSet(id, 1, 'longer', 60_000)).toBe(true);
    const other = freshId();
    await store().create(other, 'short', 100);
    await eventually(async () => (await store().get(other)) === null);
    expect(await store().get(id)).toEqual({ revision: 2, record: 'longer' });
    expect(await store().compareAndSet(other, 1, 'late', 60_000)).toBe(false);
  });

  it('gives a record back byte for byte (a JWE of several kilobytes, any text)', async () => {
    const id = freshId();
    const record = JSON.stringify({ flow: 'eyJ'.padEnd(6_000, 'x'), text: 'é ✓ 🔐 "quotes" \\ newline\n' });
    await store().create(id, record, 60_000);
    expect((await store().get(id))?.record).toBe(record);
  });
}
