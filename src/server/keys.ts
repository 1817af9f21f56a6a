// The handler's keys, all derived (HKDF-SHA256) from the one `cookieSecret` every process of an app
// shares: the HMAC key that signs flow handles, and the AES-256-GCM key of the records at rest
// (unless the app gives its own `snapshotKey`).
const encoder = new TextEncoder();

export const MIN_COOKIE_SECRET_LENGTH = 32;

export interface HandlerKeys {
  handle: CryptoKey;
  snapshot: CryptoKey | Uint8Array;
}

export async function deriveHandlerKeys(cookieSecret: string, snapshotKey?: CryptoKey | Uint8Array): Promise<HandlerKeys> {
  const base = await crypto.subtle.importKey('raw', encoder.encode(cookieSecret), 'HKDF', false, ['deriveKey']);
  const params = (info: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(info) });
  const handle = await crypto.subtle.deriveKey(params('mfa-flow/server handle'), base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
    'sign',
    'verify',
  ]);
  const snapshot =
    snapshotKey ??
    (await crypto.subtle.deriveKey(params('mfa-flow/server snapshot'), base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']));
  return { handle, snapshot };
}
