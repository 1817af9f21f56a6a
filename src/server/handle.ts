// A flow's handle as the browser holds it: an opaque random id and its HMAC, `<id>.<mac>`, both
// base64url. The id says nothing about the flow; the MAC lets a process tell a handle it (or a
// sibling with the same secret) issued from a forged or altered one before touching the store.
const encoder = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** 128 random bits. */
export function randomId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

export async function signHandle(key: CryptoKey, id: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(id)));
  return `${id}.${base64url(mac)}`;
}

/** The flow id, or null when the handle is malformed or its MAC does not match. */
export async function verifyHandle(key: CryptoKey, handle: string): Promise<string | null> {
  const [id, mac, ...rest] = handle.split('.');
  if (id === undefined || mac === undefined || rest.length > 0 || !/^[A-Za-z0-9_-]{22}$/.test(id)) return null;
  const bytes = fromBase64url(mac);
  if (bytes === null || bytes.length !== 32) return null;
  // crypto.subtle.verify compares in constant time.
  return (await crypto.subtle.verify('HMAC', key, bytes, encoder.encode(id))) ? id : null;
}
