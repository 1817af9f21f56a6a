// The six-digit codes SMS, voice and email messages carry (the mfa-oob grant's `binding_code`):
// made from the injected randomness, kept only as digests, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { randomString } from '../identifiers.js';

/** Auth0's pages: "a message with a 6-digit code". */
export const BINDING_CODE_LENGTH = 6;

export function newBindingCode(randomBytes: (n: number) => Uint8Array): string {
  return randomString(randomBytes, BINDING_CODE_LENGTH, '0123456789');
}

export function hashBindingCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

/** Whatever was offered (any length, any characters) is hashed first, so the comparison's time says nothing. */
export function bindingCodeMatches(offered: string, storedHash: string): boolean {
  const actual = Buffer.from(hashBindingCode(offered), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
