// Recovery codes: 24 characters of A-Z0-9, kept only as SHA-256 digests, single use.
// A hash without salt is enough here: the code itself carries ~124 bits of randomness.
import { createHash, timingSafeEqual } from 'node:crypto';
import { randomString } from './identifiers.js';

export const RECOVERY_CODE_LENGTH = 24;
const RECOVERY_CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function newRecoveryCode(randomBytes: (n: number) => Uint8Array): string {
  return randomString(randomBytes, RECOVERY_CODE_LENGTH, RECOVERY_CODE_ALPHABET);
}

/** Users copy codes from paper or a password manager: ignore case, spaces and dashes. */
export function normalizeRecoveryCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normalizeRecoveryCode(code), 'utf8').digest('hex');
}

/** Constant-time check of an offered code against a stored digest. */
export function recoveryCodeMatches(offered: string, storedHash: string): boolean {
  const actual = Buffer.from(hashRecoveryCode(offered), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
