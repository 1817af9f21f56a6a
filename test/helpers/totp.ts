// RFC 4226 / RFC 6238 computed here from node:crypto alone, independently of the emulator's
// code path (which goes through `otpauth`), so tests check the emulator against the RFC.
import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (padding and case ignored). */
export function base32Decode(input: string): Buffer {
  const clean = input.replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP with dynamic truncation. */
export function hotp(key: Uint8Array, counter: number, digits = 6, algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** RFC 6238 TOTP for a base32 secret at `timeMs`, `stepOffset` steps away (-1 = previous). */
export function totpCode(secretBase32: string, timeMs: number, options: { stepOffset?: number; digits?: number } = {}): string {
  const step = Math.floor(timeMs / 1000 / 30) + (options.stepOffset ?? 0);
  return hotp(base32Decode(secretBase32), step, options.digits ?? 6);
}

/** A six-digit code that is none of the codes valid around `timeMs` (for "wrong code" tests). */
export function wrongTotpCode(secretBase32: string, timeMs: number): string {
  const nearby = new Set([-2, -1, 0, 1, 2].map((stepOffset) => totpCode(secretBase32, timeMs, { stepOffset })));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!nearby.has(candidate)) return candidate;
  }
}
