// Password hashing with node:crypto scrypt: users' passwords are kept only as these hashes.
//
// What scrypt is given is a SHA-256 of the password's exact UTF-8 bytes, not the password.
// scrypt's first step is PBKDF2-HMAC-SHA256 keyed with the password, and HMAC pads a key shorter
// than its 64-byte block with zeros (and hashes a longer one): fed directly, "pw12" and
// "pw12\0" would be the same key and both sign in. A 32-byte digest is always padded the same
// way, so every distinct byte string (length included) gets its own hash.
//
// Passwords are compared in Unicode NFC, as RFC 8265 (PRECIS OpaqueString) does: "é" typed as
// one code point or as "e" + combining accent is the same password, while compatibility variants
// ("ﬁ" vs "fi", full-width letters) are different ones. A password that is not well-formed
// UTF-16 (a lone surrogate) has no exact bytes, so it never matches.
import { createHash, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

// Moderate cost: a real memory-hard hash, yet cheap enough that test suites running
// hundreds of password grants stay fast. Parameters travel inside the hash string.
const SCHEME = 'scrypt-sha256';
const COST = 2 ** 13;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;

/** Whether `password` can be hashed: well-formed Unicode (no lone surrogate). */
export function isWellFormedPassword(password: string): boolean {
  return !/\p{Surrogate}/u.test(password);
}

/** `scrypt-sha256$N$r$p$<salt b64url>$<hash b64url>` */
export function hashPassword(password: string, salt: Uint8Array): string {
  if (!isWellFormedPassword(password)) throw new TypeError('a password must be well-formed Unicode (no lone surrogates)');
  const hash = scryptSync(passwordKey(password), salt, KEY_LENGTH, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
  return [SCHEME, COST, BLOCK_SIZE, PARALLELISM, Buffer.from(salt).toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, expected] = stored.split('$');
  if (scheme !== SCHEME || !n || !r || !p || salt === undefined || !expected) return false;
  const expectedBytes = Buffer.from(expected, 'base64url');
  // The work is done even for an ill-formed password, so it cannot be told apart by timing.
  const actual = await scryptAsync(passwordKey(password), Buffer.from(salt, 'base64url'), expectedBytes.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return isWellFormedPassword(password) && actual.length === expectedBytes.length && timingSafeEqual(actual, expectedBytes);
}

/** Spend the same work as a real check, so unknown users can't be told apart by timing. */
export async function burnPasswordCheck(password: string): Promise<void> {
  await scryptAsync(passwordKey(password), Buffer.alloc(16), KEY_LENGTH, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
}

function passwordKey(password: string): Buffer {
  return createHash('sha256').update(Buffer.from(password.normalize('NFC'), 'utf8')).digest();
}

function scryptAsync(
  password: Uint8Array,
  salt: Uint8Array,
  keyLength: number,
  options: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
