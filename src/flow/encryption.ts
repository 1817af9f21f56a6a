// Encryption of persisted flows at rest: AES-GCM (WebCrypto, in browsers and Node alike) with a
// key the caller supplies. The record holds the MFA token and, during enrolment, the OTP secret.
import type { PersistedMfaFlow } from './persist.js';

const ALGORITHM = 'A256GCM';

interface Envelope {
  alg: typeof ALGORITHM;
  iv: string;
  data: string;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** A fresh random AES-GCM key (extractable: false). Keep it out of the store it protects. */
export function generateSnapshotKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

export async function encryptPersistedFlow(record: PersistedMfaFlow, key: CryptoKey): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(record));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain));
  const envelope: Envelope = { alg: ALGORITHM, iv: toBase64(iv), data: toBase64(sealed) };
  return JSON.stringify(envelope);
}

/** The record, or null when the text is not an envelope this key opens (tampered, other key). */
export async function decryptPersistedFlow(text: string, key: CryptoKey): Promise<unknown> {
  try {
    const envelope = JSON.parse(text) as Partial<Envelope>;
    if (envelope.alg !== ALGORITHM || typeof envelope.iv !== 'string' || typeof envelope.data !== 'string') return null;
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(envelope.iv) }, key, fromBase64(envelope.data));
    return JSON.parse(new TextDecoder().decode(plain)) as unknown;
  } catch {
    return null;
  }
}
