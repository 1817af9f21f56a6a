// RFC 6238 TOTP as the emulator checks it: SHA1, 6 digits, 30 s steps (what Auth0 and every
// authenticator app use), the current and the previous step accepted, replays refused.
// `otpauth` computes the codes; the window, replay rule and comparison are ours.
import { timingSafeEqual } from 'node:crypto';
import { HOTP, Secret } from 'otpauth';

export const TOTP_ALGORITHM = 'SHA1';
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** 160-bit secrets, the size RFC 4226 recommends and Auth0 issues (32 base32 characters). */
export const TOTP_SECRET_BYTES = 20;

/** The RFC 6238 time step (counter) that contains `nowMs`. */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** A new random secret in base32, as the associate response and barcode_uri carry it. */
export function newTotpSecret(randomBytes: (n: number) => Uint8Array): string {
  // Copy into a fresh buffer: node may hand out views into a shared pool.
  const bytes = Uint8Array.from(randomBytes(TOTP_SECRET_BYTES));
  return new Secret({ buffer: bytes.buffer }).base32;
}

/** The code for one step (used by the checker; tests compute codes independently). */
export function totpCodeAt(secretBase32: string, step: number): string {
  return HOTP.generate({
    secret: Secret.fromBase32(secretBase32),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    counter: step,
  });
}

export type TotpCheck =
  | { ok: true; step: number }
  | { ok: false; reason: 'mismatch' | 'replay' };

/**
 * Checks `code` against the current and the previous step. A match at or below
 * `lastAcceptedStep` is a replay (RFC 6238 §5.2). Every candidate is compared in constant
 * time and none is skipped early, so the answer time does not depend on which one matched.
 */
export function checkTotp(input: {
  secretBase32: string;
  code: string;
  nowMs: number;
  lastAcceptedStep: number | undefined;
}): TotpCheck {
  const current = totpStep(input.nowMs);
  // Fixed-size buffers: timingSafeEqual needs equal lengths, and a code's length is no secret.
  const raw = Buffer.from(input.code, 'utf8');
  const offered = Buffer.alloc(TOTP_DIGITS);
  raw.copy(offered, 0, 0, TOTP_DIGITS);
  const wellFormed = raw.length === TOTP_DIGITS;
  let matched: number | undefined;
  for (const step of [current, current - 1]) {
    if (step < 0) continue; // before 1970-01-01T00:00:30Z there is no previous step
    const expected = Buffer.from(totpCodeAt(input.secretBase32, step), 'utf8');
    if (timingSafeEqual(expected, offered) && wellFormed && matched === undefined) matched = step;
  }
  if (matched === undefined) return { ok: false, reason: 'mismatch' };
  if (input.lastAcceptedStep !== undefined && matched <= input.lastAcceptedStep) {
    return { ok: false, reason: 'replay' };
  }
  return { ok: true, step: matched };
}
