// Public option types of the emulator and their resolution to a complete, validated config.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import type { BucketPolicy } from './attemptBucket.js';
import { isFactorName, SUPPORTED_FACTORS, type FactorName } from './factors.js';
import { DEFAULT_MESSAGE_LIMITS, MESSAGE_GROUPS } from './oob/messageLimits.js';
import { isWellFormedPassword } from './passwords.js';
import type { MessageGroup } from './storeTypes.js';

// Auth0's grant names live with the wire protocol, shared with the API client (src/api/protocol.ts).
import {
  DOMAIN_PATTERN,
  GRANT_MFA_OOB,
  GRANT_MFA_OTP,
  GRANT_MFA_RECOVERY_CODE,
  GRANT_PASSWORD,
  GRANT_PASSWORD_REALM,
} from '../api/protocol.js';

export { GRANT_MFA_OOB, GRANT_MFA_OTP, GRANT_MFA_RECOVERY_CODE, GRANT_PASSWORD, GRANT_PASSWORD_REALM };

/** Grant types the emulator implements. */
export const SUPPORTED_GRANTS: readonly string[] = [
  GRANT_PASSWORD,
  GRANT_PASSWORD_REALM,
  GRANT_MFA_OTP,
  GRANT_MFA_OOB,
  GRANT_MFA_RECOVERY_CODE,
];

/** What the emulated Guardian device does by itself when a push enrollment or challenge comes. */
export type PushMode = 'manual' | 'auto-accept' | 'auto-reject';
export const PUSH_MODES: readonly PushMode[] = ['manual', 'auto-accept', 'auto-reject'];

export interface EmulatorClient {
  id: string;
  /** Absent = a public client that authenticates with its id alone. */
  secret?: string;
  /** Grants this client may use; default: every supported grant, MFA grants included. */
  grants?: string[];
  name?: string;
}

export interface EmulatorUser {
  email: string;
  /** Hashed (scrypt over its SHA-256) when the emulator is created; the plain text is not kept. */
  password: string;
}

export interface EmulatorOptions {
  /** Issuer host[:port]; issuer = `https://${domain}/`. Default 'localhost:4010'. */
  domain?: string;
  clients?: EmulatorClient[];
  users?: EmulatorUser[];
  mfaTokenTtlSeconds?: number;
  attempts?: { limit?: number; refillSeconds?: number };
  /** Epoch ms; drives TOTP steps, TTLs, token iat/exp and the attempt buckets. */
  clock?: () => number;
  /** Source of every secret, id, token and recovery code the emulator makes. */
  randomBytes?: (n: number) => Uint8Array;
  /** Request log sink: one line per request (method, path, status, ms), never secrets. */
  log?: (line: string) => void;
  /** Label and issuer in barcode_uri; default: the domain's first label. */
  tenantName?: string;
  /**
   * A private RSA JWK to sign with, so tokens stay verifiable across restarts (or so test
   * suites share one key). Default: a new 2048-bit key per emulator.
   */
  signingKey?: JWK;
  /** Factors users may enroll (`mfa_requirements.enroll`, POST /mfa/associate). Default: all five. */
  factors?: readonly FactorName[];
  /** What the emulated Guardian device does by itself. Default 'manual' (answer it over /emulator/v1/guardian/…). */
  push?: PushMode;
  /** Lifetime of an oob_code (enrollment or challenge), and of a pending SMS, voice, email or push association. Default 300. */
  oobCodeTtlSeconds?: number;
  /** The least time between two polls of one push oob_code; `slow_down` adds 5 s to it. Default 5. */
  pollIntervalSeconds?: number;
  /** Messages per user: `limit` at once, then one more every `refillSeconds`. */
  messageLimits?: Partial<Record<MessageGroup, { limit?: number; refillSeconds?: number }>>;
  /**
   * One line per message sent (`sms to +1••••0123: 482913`): the codes are the point of it, so it
   * is a sink of its own, never the request log.
   */
  messageLog?: (line: string) => void;
}

export const DEFAULT_DOMAIN = 'localhost:4010';
export const DEFAULT_CLIENT: Readonly<EmulatorClient> = {
  id: 'demo-client',
  secret: 'demo-secret',
};
export const DEFAULT_USER: Readonly<EmulatorUser> = {
  email: 'demo@example.com',
  password: 'demo-password',
};

export interface ResolvedClient {
  id: string;
  secret: string | undefined;
  grants: ReadonlySet<string>;
  name: string;
}

export interface ResolvedConfig {
  domain: string;
  issuer: string;
  mfaAudience: string;
  tenantName: string;
  clients: ReadonlyMap<string, ResolvedClient>;
  users: readonly EmulatorUser[];
  mfaTokenTtlMs: number;
  attemptLimit: number;
  attemptRefillMs: number;
  /** Factors the tenant lets users enroll (`mfa_requirements.enroll`, POST /mfa/associate). */
  factors: readonly FactorName[];
  pushMode: PushMode;
  oobCodeTtlMs: number;
  pollIntervalMs: number;
  messageLimits: Readonly<Record<MessageGroup, BucketPolicy>>;
  messageLog: ((line: string) => void) | undefined;
  clock: () => number;
  randomBytes: (n: number) => Uint8Array;
  log: ((line: string) => void) | undefined;
  signingKey: JWK | undefined;
}

export function resolveOptions(options: EmulatorOptions = {}): ResolvedConfig {
  const domain = options.domain ?? DEFAULT_DOMAIN;
  if (!DOMAIN_PATTERN.test(domain)) {
    throw new TypeError(`options.domain must be host[:port], got "${domain}"`);
  }
  const issuer = `https://${domain}/`;
  const clients = new Map<string, ResolvedClient>();
  const clientList: readonly Readonly<EmulatorClient>[] = options.clients ?? [DEFAULT_CLIENT];
  for (const client of clientList) {
    if (!client.id) throw new TypeError('options.clients: every client needs an id');
    if (clients.has(client.id)) throw new TypeError(`options.clients: duplicate client id "${client.id}"`);
    clients.set(client.id, {
      id: client.id,
      // An empty secret would make "no secret sent" authenticate; treat it as a public client.
      secret: client.secret ? client.secret : undefined,
      grants: new Set(client.grants ?? SUPPORTED_GRANTS),
      name: client.name ?? client.id,
    });
  }
  const users = options.users ?? [DEFAULT_USER];
  const emails = new Set<string>();
  for (const user of users) {
    const email = user.email.toLowerCase();
    if (!email.includes('@')) throw new TypeError('options.users: every user needs an email address');
    if (!user.password) throw new TypeError(`options.users: user ${user.email} needs a password`);
    if (!isWellFormedPassword(user.password)) throw new TypeError(`options.users: the password of ${user.email} must be well-formed Unicode`);
    if (emails.has(email)) throw new TypeError(`options.users: duplicate user ${user.email}`);
    emails.add(email);
  }
  return {
    domain,
    issuer,
    mfaAudience: `${issuer}mfa/`,
    tenantName: options.tenantName ?? tenantFromDomain(domain),
    clients,
    users,
    mfaTokenTtlMs: positiveSeconds(options.mfaTokenTtlSeconds, 600, 'mfaTokenTtlSeconds') * 1000,
    attemptLimit: positiveInteger(options.attempts?.limit, 10, 'attempts.limit'),
    attemptRefillMs: positiveSeconds(options.attempts?.refillSeconds, 360, 'attempts.refillSeconds') * 1000,
    factors: resolveFactors(options.factors),
    pushMode: resolvePushMode(options.push),
    oobCodeTtlMs: positiveSeconds(options.oobCodeTtlSeconds, 300, 'oobCodeTtlSeconds') * 1000,
    pollIntervalMs: positiveSeconds(options.pollIntervalSeconds, 5, 'pollIntervalSeconds') * 1000,
    messageLimits: resolveMessageLimits(options.messageLimits),
    messageLog: options.messageLog,
    clock: options.clock ?? Date.now,
    randomBytes: options.randomBytes ?? ((n) => new Uint8Array(nodeRandomBytes(n))),
    log: options.log,
    signingKey: options.signingKey,
  };
}

function resolveFactors(factors: readonly FactorName[] | undefined): readonly FactorName[] {
  if (factors === undefined) return SUPPORTED_FACTORS;
  if (!Array.isArray(factors) || factors.length === 0) throw new TypeError(`options.factors must name at least one of ${SUPPORTED_FACTORS.join(', ')}`);
  for (const factor of factors) {
    if (typeof factor !== 'string' || !isFactorName(factor)) {
      throw new TypeError(`options.factors: unknown factor "${String(factor)}"; use ${SUPPORTED_FACTORS.join(', ')}`);
    }
  }
  // In the one order the emulator lists them, each once.
  return SUPPORTED_FACTORS.filter((factor) => factors.includes(factor));
}

function resolvePushMode(mode: PushMode | undefined): PushMode {
  if (mode === undefined) return 'manual';
  if (!PUSH_MODES.includes(mode)) throw new TypeError(`options.push must be one of ${PUSH_MODES.join(', ')}, got "${String(mode)}"`);
  return mode;
}

function resolveMessageLimits(limits: EmulatorOptions['messageLimits']): Record<MessageGroup, BucketPolicy> {
  const resolved = { ...DEFAULT_MESSAGE_LIMITS };
  for (const group of Object.keys(limits ?? {})) {
    if (!(MESSAGE_GROUPS as readonly string[]).includes(group)) throw new TypeError(`options.messageLimits: unknown budget "${group}"; use ${MESSAGE_GROUPS.join(', ')}`);
  }
  for (const group of MESSAGE_GROUPS) {
    const given = limits?.[group];
    if (given === undefined) continue;
    resolved[group] = {
      limit: positiveInteger(given.limit, DEFAULT_MESSAGE_LIMITS[group].limit, `messageLimits.${group}.limit`),
      refillMs:
        given.refillSeconds === undefined
          ? DEFAULT_MESSAGE_LIMITS[group].refillMs
          : positiveSeconds(given.refillSeconds, 0, `messageLimits.${group}.refillSeconds`) * 1000,
    };
  }
  return resolved;
}

// Auth0 labels authenticator apps with the tenant name, the first label of the tenant domain.
function tenantFromDomain(domain: string): string {
  const host = domain.replace(/:\d+$/, '');
  if (/^[\d.]+$/.test(host)) return host;
  return host.split('.')[0] || host;
}

function positiveSeconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`options.${name} must be a positive number`);
  return value;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw new TypeError(`options.${name} must be a positive integer`);
  return value;
}
