// What `--auto` needs to stand in for a phone: TOTP codes from the enrollment (via `otpauth`),
// and a clock that can move to the next 30 s step, since a server refuses a step's code twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { Secret, TOTP, URI } from 'otpauth';
import type { OtpEnrollment } from '../../index.js';

const PERIOD_MS = 30_000;

/** The authenticator an app would make from the QR code: the barcode URI's parameters, else RFC 6238 defaults. */
export function authenticatorFor(enrollment: OtpEnrollment): TOTP {
  try {
    const parsed = URI.parse(enrollment.barcodeUri);
    if (parsed instanceof TOTP) return parsed;
  } catch {
    // An unreadable URI still leaves the secret, which is all the defaults need.
  }
  return new TOTP({ secret: Secret.fromBase32(enrollment.secret), algorithm: 'SHA1', digits: 6, period: 30 });
}

export interface StepClock {
  now(): number;
  /** Moves to a TOTP step after the current one: at once when the clock is ours, else by waiting. */
  nextStep(signal?: AbortSignal): Promise<void>;
  /** True when `nextStep` only advances a number (the embedded emulator runs on this clock). */
  readonly instant: boolean;
}

/** Wall time plus an offset that `nextStep` moves; give `now` to the embedded emulator as its clock. */
export function shiftableClock(): StepClock {
  let offset = 0;
  const now = () => Date.now() + offset;
  return {
    now,
    instant: true,
    async nextStep() {
      // One second into the next step, clear of its edge.
      offset += PERIOD_MS - (now() % PERIOD_MS) + 1_000;
    },
  };
}

/** A real server's clock cannot be moved: wait for the next step instead (up to 31 s). */
export function wallClock(): StepClock {
  return {
    now: () => Date.now(),
    instant: false,
    async nextStep(signal) {
      await sleep(PERIOD_MS - (Date.now() % PERIOD_MS) + 1_000, undefined, signal ? { signal } : {});
    },
  };
}
