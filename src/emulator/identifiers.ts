// Random identifiers and opaque tokens, all drawn from the injected randomBytes so tests
// can make them reproducible.

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `length` characters of `alphabet`. Two random bytes per character keep the modulo bias
 * below 0.1% without a rejection loop (a loop could spin forever on a fake randomBytes).
 */
export function randomString(randomBytes: (n: number) => Uint8Array, length: number, alphabet: string): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; i < length; i++) {
    const value = ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0);
    out += alphabet[value % alphabet.length];
  }
  return out;
}

/** Auth0-style device id, e.g. `dev_6NWz8awwC8brh2dN`. */
export function deviceId(randomBytes: (n: number) => Uint8Array): string {
  return `dev_${randomString(randomBytes, 16, ALPHANUMERIC)}`;
}

/** Auth0-style user id, e.g. `auth0|5f7c8ec7c33c6c004bbafe82`. */
export function userId(randomBytes: (n: number) => Uint8Array): string {
  return `auth0|${Buffer.from(randomBytes(12)).toString('hex')}`;
}

/** 256-bit opaque bearer value; base64url has no dots, so it never looks like a JWT. */
export function opaqueToken(randomBytes: (n: number) => Uint8Array): string {
  return Buffer.from(randomBytes(32)).toString('base64url');
}
