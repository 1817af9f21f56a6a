// Snapshot stores and encryption at rest: what reaches storage, for how long, and that a record
// from the wrong key, moved to another store key, or garbled is refused rather than half-restored.
import { compactDecrypt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createMemorySnapshotStore,
  createWebStorageSnapshotStore,
  decryptFlowRecord,
  encryptFlowRecord,
  generateSnapshotKey,
  loadFlow,
  persistFlow,
  saveFlow,
  type WebStorageLike,
} from '../../src/persist/index.js';
import { createFlowHarness, signIn } from '../flow/flowHarness.js';
import { otpEnrollment } from '../helpers/enrollment.js';

/** A minimal Web Storage over a Map (the browser test covers the real sessionStorage). */
function mapStorage(): WebStorageLike & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    removeItem: (key) => void map.delete(key),
    setItem: (key, value) => void map.set(key, String(value)),
  };
}

async function enrolmentRecord() {
  const h = createFlowHarness();
  const flow = h.flow({ intent: 'enroll' });
  await signIn(flow);
  return { h, flow, record: persistFlow(flow, h.now())! };
}

describe('stores', () => {
  it('round-trips a record through a memory store and resumes from it', async () => {
    const { h, flow, record } = await enrolmentRecord();
    const store = createMemorySnapshotStore(h.now);
    await saveFlow(store, 'session-1', record, { now: h.now });
    flow.stop();
    const loaded = await loadFlow(store, 'session-1', { now: h.now });
    if (loaded.status !== 'resumable') throw new Error(`not resumable: ${JSON.stringify(loaded)}`);
    const resumed = h.flow({ resume: loaded.resume }).start();
    expect(resumed.getSnapshot().value).toEqual({ step: { awaitingConfirmation: 'idle' } });
    expect(resumed.getSnapshot().context.enrollment).toEqual(flow.getSnapshot().context.enrollment);
    resumed.stop();
  });

  it('a memory store forgets a record when its MFA token would have expired', async () => {
    const { h, record } = await enrolmentRecord();
    const store = createMemorySnapshotStore(h.now);
    await saveFlow(store, 'k', record, { now: h.now });
    h.advance(599_999);
    expect(await store.get('k')).not.toBeNull();
    h.advance(1);
    expect(await store.get('k')).toBeNull();
    expect(await loadFlow(store, 'k', { now: h.now })).toEqual({ status: 'none' });
  });

  it('saving an ended flow deletes its record', async () => {
    const { h, flow, record } = await enrolmentRecord();
    const storage = mapStorage();
    const store = createWebStorageSnapshotStore(storage);
    await saveFlow(store, 'k', record, { now: h.now });
    expect(storage.map.has('k')).toBe(true);
    flow.send({ type: 'cancel' });
    await saveFlow(store, 'k', persistFlow(flow), { now: h.now });
    expect(storage.map.has('k')).toBe(false);
  });

  it('each answer of loadFlow has one meaning: none, refused (and why), resumable', async () => {
    const { h, record } = await enrolmentRecord();
    const storage = mapStorage();
    const store = createWebStorageSnapshotStore(storage);
    expect(await loadFlow(store, 'k', { now: h.now })).toEqual({ status: 'none' });
    storage.setItem('k', '{not json');
    expect(await loadFlow(store, 'k', { now: h.now })).toEqual({ status: 'refused', code: 'snapshot_unreadable' });
    storage.setItem('k', JSON.stringify({ ...record, machineVersion: record.machineVersion + 1 }));
    expect(await loadFlow(store, 'k', { now: h.now })).toEqual({ status: 'refused', code: 'snapshot_version' });
    storage.setItem('k', JSON.stringify({ ...record, snapshot: { ...record.snapshot, value: 'nowhere' } }));
    expect(await loadFlow(store, 'k', { now: h.now })).toEqual({ status: 'refused', code: 'snapshot_invalid' });
    storage.setItem('k', JSON.stringify(record));
    expect(await loadFlow(store, 'k', { now: () => record.expiresAt! })).toEqual({ status: 'refused', code: 'snapshot_expired' });
    expect((await loadFlow(store, 'k', { now: h.now })).status).toBe('resumable');
  });
});

describe('encryption at rest (JWE)', () => {
  it('stores no secret in the clear, as a compact JWE (dir, A256GCM), and resumes with the right key', async () => {
    const { h, flow, record } = await enrolmentRecord();
    const { mfaToken, enrollment } = flow.getSnapshot().context;
    const key = await generateSnapshotKey();
    const storage = mapStorage();
    await saveFlow(createWebStorageSnapshotStore(storage), 'k', record, { encryptionKey: key, now: h.now });
    const stored = storage.getItem('k')!;
    for (const secret of [mfaToken!, otpEnrollment(enrollment).secret, otpEnrollment(enrollment).barcodeUri, ...enrollment!.recoveryCodes!]) {
      expect(stored).not.toContain(secret);
    }
    expect(stored.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(stored)).toMatchObject({ alg: 'dir', enc: 'A256GCM', crit: ['urn:mfa-flow:store-key'] });
    // A standard JWE: jose itself opens it (given the critical parameter it must understand).
    const { plaintext } = await compactDecrypt(stored, key, { crit: { 'urn:mfa-flow:store-key': true } });
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual(record);
    const loaded = await loadFlow(createWebStorageSnapshotStore(storage), 'k', { encryptionKey: key, now: h.now });
    expect(loaded.status).toBe('resumable');
  });

  it('refuses a record moved to another store key, the wrong key, and a tampered token', async () => {
    const { h, record } = await enrolmentRecord();
    const key = await generateSnapshotKey();
    const sealed = await encryptFlowRecord(record, key, 'session-a');
    expect(await decryptFlowRecord(sealed, key, 'session-a')).toEqual(record);
    expect(await decryptFlowRecord(sealed, key, 'session-b')).toBeNull();
    expect(await decryptFlowRecord(sealed, await generateSnapshotKey(), 'session-a')).toBeNull();
    const parts = sealed.split('.');
    const ciphertext = parts[3]!;
    parts[3] = (ciphertext.startsWith('A') ? 'B' : 'A') + ciphertext.slice(1);
    expect(await decryptFlowRecord(parts.join('.'), key, 'session-a')).toBeNull();
    expect(await decryptFlowRecord('not a jwe', key, 'session-a')).toBeNull();

    // Through a store: the record copied under another key is refused as unreadable.
    const storage = mapStorage();
    storage.setItem('session-b', sealed);
    expect(await loadFlow(createWebStorageSnapshotStore(storage), 'session-b', { encryptionKey: key, now: h.now })).toEqual({
      status: 'refused',
      code: 'snapshot_unreadable',
    });
  });
});
