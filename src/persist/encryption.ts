// Flow records at rest: a compact JWE (`dir`, `A256GCM`, with jose) under a key the app keeps out
// of the store. Its protected header binds the record to the store key it was written under (a
// digest of it, marked critical), so a record copied to another key or session is refused.
import { CompactEncrypt, compactDecrypt } from 'jose';
import type { FlowRecord } from './record.js';

const BOUND_TO = 'urn:mfa-flow:store-key';
const encoder = new TextEncoder();

/** A fresh random AES-256-GCM key (not extractable). Keep it out of the store it protects. */
export function generateSnapshotKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

async function digestOf(storeKey: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(storeKey)));
  return btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The record as a compact JWE, bound to `storeKey`. */
export async function encryptFlowRecord(record: FlowRecord, key: CryptoKey | Uint8Array, storeKey: string): Promise<string> {
  return new CompactEncrypt(encoder.encode(JSON.stringify(record)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', cty: 'mfa-flow+json', crit: [BOUND_TO], [BOUND_TO]: await digestOf(storeKey) })
    .encrypt(key, { crit: { [BOUND_TO]: true } });
}

/** The record, or null when the text is not a JWE this key opens for this store key (tampered,
 *  another key, or moved from another store key). */
export async function decryptFlowRecord(jwe: string, key: CryptoKey | Uint8Array, storeKey: string): Promise<unknown> {
  try {
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      crit: { [BOUND_TO]: true },
    });
    if (protectedHeader[BOUND_TO] !== (await digestOf(storeKey))) return null;
    return JSON.parse(new TextDecoder().decode(plaintext)) as unknown;
  } catch {
    return null;
  }
}
