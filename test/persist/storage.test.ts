// Snapshot stores and encryption at rest: what reaches storage, for how long, and that a
// record from the wrong key or a garbled store is refused rather than half-restored.
import { describe, expect, it } from 'vitest';
import {
  createMemorySnapshotStore,
  createWebStorageSnapshotStore,
  decryptPersistedFlow,
  encryptPersistedFlow,
  generateSnapshotKey,
  loadFlowRecord,
  saveFlowRecord,
} from '../../src/index.js';
import { createFlowHarness, signIn } from '../flow/flowHarness.js';

/** A minimal Web Storage over a Map (the browser test covers the real sessionStorage). */
function mapStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (key) => map.get(key) ?? null,
    key: (index) => [...map.keys()][index] ?? null,
    removeItem: (key) => void map.delete(key),
    setItem: (key, value) => void map.set(key, String(value)),
  };
}

async function enrolmentRecord() {
  const h = createFlowHarness();
  const flow = h.flow({ intent: 'enroll' });
  await signIn(flow);
  return { h, flow, record: flow.persist()! };
}

describe('stores', () => {
  it('round-trips a record through a memory store and resumes from it', async () => {
    const { h, flow, record } = await enrolmentRecord();
    const store = createMemorySnapshotStore(h.now);
    await saveFlowRecord(store, 'session-1', record, { now: h.now });
    flow.stop();
    const resumed = h.flow({ snapshot: await loadFlowRecord(store, 'session-1') }).start();
    expect(resumed.restore).toEqual({ status: 'restored' });
    expect(resumed.getSnapshot().context.enrollment).toEqual(flow.getSnapshot().context.enrollment);
  });

  it('a memory store forgets a record when its MFA token would have expired', async () => {
    const { h, record } = await enrolmentRecord();
    const store = createMemorySnapshotStore(h.now);
    await saveFlowRecord(store, 'k', record, { now: h.now });
    h.advance(599_999);
    expect(await store.get('k')).not.toBeNull();
    h.advance(1);
    expect(await store.get('k')).toBeNull();
    expect(await loadFlowRecord(store, 'k')).toBeUndefined();
  });

  it('saving an ended flow deletes its record', async () => {
    const { h, flow, record } = await enrolmentRecord();
    const store = createWebStorageSnapshotStore(mapStorage());
    await saveFlowRecord(store, 'k', record, { now: h.now });
    flow.send({ type: 'cancel' });
    await saveFlowRecord(store, 'k', flow.persist(), { now: h.now });
    expect(await store.get('k')).toBeNull();
  });

  it('a garbled stored record loads as null, which a flow refuses', async () => {
    const { h } = await enrolmentRecord();
    const storage = mapStorage();
    storage.setItem('k', '{not json');
    const loaded = await loadFlowRecord(createWebStorageSnapshotStore(storage), 'k');
    expect(loaded).toBeNull();
    expect(h.flow({ snapshot: loaded }).restore).toEqual({ status: 'refused', code: 'snapshot_invalid' });
  });
});

describe('encryption at rest', () => {
  it('stores no secret in the clear, and resumes with the right key', async () => {
    const { h, flow, record } = await enrolmentRecord();
    const { mfaToken, enrollment } = flow.getSnapshot().context;
    const key = await generateSnapshotKey();
    const storage = mapStorage();
    await saveFlowRecord(createWebStorageSnapshotStore(storage), 'k', record, { encryptionKey: key, now: h.now });
    const stored = storage.getItem('k')!;
    for (const secret of [mfaToken!, enrollment!.secret, enrollment!.barcodeUri, ...enrollment!.recoveryCodes!]) {
      expect(stored).not.toContain(secret);
    }
    const loaded = await loadFlowRecord(createWebStorageSnapshotStore(storage), 'k', { encryptionKey: key });
    expect(loaded).toEqual(JSON.parse(JSON.stringify(record)));
  });

  it('the wrong key or a tampered envelope reads as null', async () => {
    const { record } = await enrolmentRecord();
    const sealed = await encryptPersistedFlow(record, await generateSnapshotKey());
    expect(await decryptPersistedFlow(sealed, await generateSnapshotKey())).toBeNull();
    const right = await generateSnapshotKey();
    const envelope = JSON.parse(await encryptPersistedFlow(record, right));
    const flipped = { ...envelope, data: envelope.data.startsWith('A') ? `B${envelope.data.slice(1)}` : `A${envelope.data.slice(1)}` };
    expect(await decryptPersistedFlow(JSON.stringify(flipped), right)).toBeNull();
    expect(await decryptPersistedFlow('not an envelope', right)).toBeNull();
  });
});
