// What every bench scenario shares: the emulator's demo client, bench users, a hand-moved
// clock for the in-process emulator, and RFC 6238 codes for a secret.
import { fileURLToPath } from 'node:url';
import { TOTP, Secret } from 'otpauth';
import { GRANT_MFA_OTP, GRANT_PASSWORD } from '../src/api/protocol.js';
import type { FlowClock } from '../src/index.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const CLIENT = { clientId: 'demo-client', clientSecret: 'demo-secret' } as const;
/** In-process requests go to `app.request`; the host only has to be a valid URL. */
export const IN_PROCESS_URL = 'http://emulator.bench';
export const BENCH_PASSWORD = 'bench-password';

export const GRANT = { password: GRANT_PASSWORD, mfaOtp: GRANT_MFA_OTP } as const;

export function benchUsers(prefix: string, count: number): { email: string; password: string }[] {
  return Array.from({ length: count }, (_, i) => ({ email: `${prefix}-${i}@bench.test`, password: BENCH_PASSWORD }));
}

/** Wall time moved by hand, real timers: the emulator's clock (`now`) and a flow's (`clock`). */
export interface BenchClock extends FlowClock {
  now: () => number;
  advance(ms: number): void;
}

/** Starts 20 s into a 30 s TOTP step (2033-05-18T03:33:20Z), so no code is near a step edge. */
export function benchClock(startMs = 2_000_000_000_000): BenchClock {
  let current = startMs;
  return {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
    now: () => current,
    advance(ms) {
      current += ms;
    },
  };
}

/** The 6-digit SHA1 TOTP of a base32 secret at `timeMs` (30 s steps), as an authenticator app shows it. */
export function totpAt(secretBase32: string, timeMs: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: 6, period: 30, timestamp: timeMs });
}

export const formBody = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;
