// Password hashing with node:crypto scrypt: users' passwords are kept only as these hashes.
import { scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

// Moderate cost: a real memory-hard hash, yet cheap enough that test suites running
// hundreds of password grants stay fast. Parameters travel inside the hash string.
const COST = 2 ** 13;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;

/** `scrypt$N$r$p$<salt b64url>$<hash b64url>` */
export function hashPassword(password: string, salt: Uint8Array): string {
  const hash = scryptSync(password.normalize('NFC'), salt, KEY_LENGTH, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
  return ['scrypt', COST, BLOCK_SIZE, PARALLELISM, Buffer.from(salt).toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, expected] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || salt === undefined || !expected) return false;
  const expectedBytes = Buffer.from(expected, 'base64url');
  const actual = await scryptAsync(password.normalize('NFC'), Buffer.from(salt, 'base64url'), expectedBytes.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expectedBytes.length && timingSafeEqual(actual, expectedBytes);
}

/** Spend the same work as a real check, so unknown users can't be told apart by timing. */
export async function burnPasswordCheck(password: string): Promise<void> {
  await scryptAsync(password.normalize('NFC'), Buffer.alloc(16), KEY_LENGTH, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
}

function scryptAsync(
  password: string,
  salt: Uint8Array,
  keyLength: number,
  options: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
