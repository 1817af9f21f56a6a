// What `createMfaFlowHandler` takes, checked once when the handler is made (a caller's mistake is
// a TypeError naming the option).
import type { KeyObject } from 'node:crypto';
import type { AuthenticatedOutput, FactorType, MfaRequirements } from '../../machines/types.js';
import type { PasswordGrantSettings } from '../flow/actors.js';
import type { WithClient, WithClientOptions } from '../flow/createMfaFlow.js';
import type { FlowStore } from './flowStore.js';
import { MIN_COOKIE_SECRET_LENGTH } from './keys.js';

/** What the app's callback gets when a flow signs the user in. */
export interface AuthenticatedSignIn {
  /** Unique per flow: a second call with the same id is the same sign-in (calls are at-least-once). */
  signIn: { id: string };
  /** The tokens, and whether a factor was enrolled: make the app's own session from them. */
  output: AuthenticatedOutput;
}

/** An MFA token the app already holds for this request (its own sign-in answered `mfa_required`). */
export interface ServerMfaToken {
  mfaToken: string;
  /** Epoch ms; default: `mfaTokenTtlMs` from now. */
  expiresAt?: number;
  /** The `mfa_requirements` of that answer, when it had some. */
  requirements?: MfaRequirements;
}

export interface MfaFlowHandlerSettings extends PasswordGrantSettings {
  /** HMAC key material for flow handles, shared by every process of the app (at least 32 characters).
   *  The records' encryption key is derived from it too, unless `snapshotKey` is given. */
  cookieSecret: string;
  /** Called once a flow has signed the user in, before the browser sees `authenticated`. */
  onAuthenticated(result: AuthenticatedSignIn, request: Request): Promise<void> | void;
  /** When the app signed the user in itself and holds the MFA token server-side: the token for
   *  this `/start` request (e.g. from the app's session), or null to start at the password step.
   *  The browser never sends an MFA token. */
  startWith?(request: Request): Promise<ServerMfaToken | null> | ServerMfaToken | null;
  /** Where flows live between requests (default: memory, one process). */
  store?: FlowStore;
  /** The key the records are encrypted with at rest (AES-256-GCM). Default: derived from `cookieSecret`.
   *  (A Web Crypto `CryptoKey`, named through node:crypto so these declarations need no DOM library.) */
  snapshotKey?: Parameters<typeof KeyObject.from>[0] | Uint8Array;
  /** The handler's path prefix, and the cookie's Path (default `/mfa-flow`). */
  basePath?: string;
  /** The longest a request waits for its flow to settle (default 10 000 ms). */
  settleMs?: number;
  /** How long a request holds its flow; a lease older than that was abandoned and is taken over
   *  (default `settleMs` + 10 000 ms). */
  leaseMs?: number;
  /** How long a flow is kept while it has no MFA token to go by (default 600 000 ms). */
  idleTtlMs?: number;
  /** How long the last view of an ended flow stays readable (default 600 000 ms). */
  doneTtlMs?: number;
  /** 'auto' (default): Secure cookies except on localhost. */
  secureCookies?: 'auto' | boolean;
  /** The origins state-changing requests may come from (default: the request's own origin; set it
   *  behind a proxy that changes the host or scheme). */
  allowedOrigins?: string[];
  /** The factors this app offers to enroll (default `['otp']`); `/start` may narrow them. */
  factors?: FactorType[];
  /** Lifetime of an MFA token whose expiry is not known (default 600 000 ms). */
  mfaTokenTtlMs?: number;
  /** Wait for the user to acknowledge first-enrollment recovery codes (default true). */
  requireRecoveryCodeAck?: boolean;
}

export type MfaFlowHandlerOptions = MfaFlowHandlerSettings & (WithClient | WithClientOptions);

export interface ResolvedHandlerOptions {
  basePath: string;
  settleMs: number;
  leaseMs: number;
  idleTtlMs: number;
  doneTtlMs: number;
  factors: FactorType[];
}

const positive = (name: string, value: number | undefined, fallback: number) => {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`options.${name} must be a positive number of milliseconds`);
  return value;
};

export function resolveHandlerOptions(options: MfaFlowHandlerOptions): ResolvedHandlerOptions {
  if (typeof options.cookieSecret !== 'string' || options.cookieSecret.length < MIN_COOKIE_SECRET_LENGTH) {
    throw new TypeError(`options.cookieSecret must be a string of at least ${MIN_COOKIE_SECRET_LENGTH} characters`);
  }
  if (typeof options.onAuthenticated !== 'function') throw new TypeError('options.onAuthenticated must be a function');
  const basePath = (options.basePath ?? '/mfa-flow').replace(/\/+$/, '');
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(basePath) || basePath === '') throw new TypeError('options.basePath must be a path such as "/mfa-flow"');
  const settleMs = positive('settleMs', options.settleMs, 10_000);
  return {
    basePath,
    settleMs,
    leaseMs: positive('leaseMs', options.leaseMs, settleMs + 10_000),
    idleTtlMs: positive('idleTtlMs', options.idleTtlMs, 600_000),
    doneTtlMs: positive('doneTtlMs', options.doneTtlMs, 600_000),
    factors: options.factors ?? ['otp'],
  };
}
