// The emulator's TOTP module against RFC 6238's SHA1 vectors and the window/replay rules,
// plus the tests' own RFC implementation against the same vectors.
import { describe, expect, test } from 'vitest';
import { checkTotp, newTotpSecret, totpCodeAt, totpStep } from '../../src/emulator/totp.js';
import { base32Decode, hotp, totpCode } from '../helpers/totp.js';

// RFC 6238 Appendix B, SHA1, key "12345678901234567890".
const RFC_SECRET_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: ReadonlyArray<[seconds: number, eightDigits: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('RFC 6238 test vectors (SHA1)', () => {
  test('the base32 secret is the RFC key', () => {
    expect(base32Decode(RFC_SECRET_BASE32).toString('latin1')).toBe('12345678901234567890');
  });

  test.each(RFC_VECTORS)('test helper at T=%i gives %s', (seconds, expected) => {
    expect(totpCode(RFC_SECRET_BASE32, seconds * 1000, { digits: 8 })).toBe(expected);
  });

  test.each(RFC_VECTORS)('emulator code at T=%i is the last six digits of %s', (seconds, expected) => {
    expect(totpCodeAt(RFC_SECRET_BASE32, totpStep(seconds * 1000))).toBe(expected.slice(-6));
  });

  test.each(RFC_VECTORS)('emulator accepts the vector code at T=%i', (seconds, expected) => {
    const result = checkTotp({ secretBase32: RFC_SECRET_BASE32, code: expected.slice(-6), nowMs: seconds * 1000, lastAcceptedStep: undefined });
    expect(result).toEqual({ ok: true, step: totpStep(seconds * 1000) });
  });
});

describe('window and replay', () => {
  const now = 1_234_567_890_000;
  const step = totpStep(now);
  const code = (offset: number) => hotp(base32Decode(RFC_SECRET_BASE32), step + offset);
  const check = (c: string, lastAcceptedStep?: number) => checkTotp({ secretBase32: RFC_SECRET_BASE32, code: c, nowMs: now, lastAcceptedStep });

  test('current step accepted', () => expect(check(code(0))).toEqual({ ok: true, step }));
  test('previous step accepted', () => expect(check(code(-1))).toEqual({ ok: true, step: step - 1 }));
  test('two steps back refused', () => expect(check(code(-2))).toEqual({ ok: false, reason: 'mismatch' }));
  test('next step refused', () => expect(check(code(1))).toEqual({ ok: false, reason: 'mismatch' }));
  test('a step equal to the last accepted one is a replay', () => expect(check(code(0), step)).toEqual({ ok: false, reason: 'replay' }));
  test('a step below the last accepted one is a replay', () => expect(check(code(-1), step)).toEqual({ ok: false, reason: 'replay' }));
  test('a step above the last accepted one is fine', () => expect(check(code(0), step - 1)).toEqual({ ok: true, step }));
  test.each(['', '12345', '1234567', 'abcdef', '１２３４５６', `${code(0)} `, `${code(0)}0`])('malformed code %j refused', (bad) => {
    expect(check(bad).ok).toBe(false);
  });
  test('no previous step before the first one', () => {
    const first = hotp(base32Decode(RFC_SECRET_BASE32), 0);
    expect(checkTotp({ secretBase32: RFC_SECRET_BASE32, code: first, nowMs: 10_000, lastAcceptedStep: undefined }).ok).toBe(true);
  });
});

test('new secrets are 160-bit base32 drawn from the injected randomBytes', () => {
  const secret = newTotpSecret((n) => new Uint8Array(n).fill(7));
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(base32Decode(secret)).toEqual(Buffer.alloc(20, 7));
  expect(newTotpSecret((n) => new Uint8Array(n).fill(7))).toBe(secret);
});
