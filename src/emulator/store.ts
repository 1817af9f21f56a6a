// The emulator's tenant data: users, their authenticators, attempt buckets, issued mfa_tokens
// and an append-only audit log. Mutations are small named methods the routes call after they
// have decided a request succeeds (or, for the bucket, failed a code); the read-only
// EmulatorStore view is what tests inspect.
import { createHash } from 'node:crypto';
import { bucketAt, fullBucket, nextRefillAt, takeAttempt, type BucketPolicy } from './attemptBucket.js';
import { deviceId, opaqueToken, userId } from './identifiers.js';
import type { ResolvedConfig } from './options.js';
import { hashPassword } from './passwords.js';
import { hashRecoveryCode, newRecoveryCode } from './recoveryCodes.js';
import { newTotpSecret } from './totp.js';
import type {
  Authenticator,
  AuthenticatorKind,
  AuthenticatorView,
  EmulatorEvent,
  EmulatorStore,
  MfaTokenLookup,
  MfaTokenRecord,
  OtpAuthenticator,
  RecoveryCodeAuthenticator,
  UserRecord,
} from './storeTypes.js';

// Routes and tests import the data shapes from here, next to the store that holds them.
export type * from './storeTypes.js';

/** Pending (unconfirmed) associations are dropped after a day. */
export const PENDING_AUTHENTICATOR_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_PENDING_AUTHENTICATORS = 50;
// Expired mfa_tokens are kept a while so they answer "expired" rather than "malformed".
const EXPIRED_MFA_TOKEN_MEMORY_MS = 24 * 60 * 60 * 1000;

export class TenantStore implements EmulatorStore {
  readonly #config: ResolvedConfig;
  readonly #policy: BucketPolicy;
  readonly #usersByEmail = new Map<string, UserRecord>();
  readonly #usersById = new Map<string, UserRecord>();
  readonly #mfaTokens = new Map<string, MfaTokenRecord>();
  readonly #events: EmulatorEvent[] = [];

  constructor(config: ResolvedConfig) {
    this.#config = config;
    this.#policy = { limit: config.attemptLimit, refillMs: config.attemptRefillMs };
    const now = config.clock();
    for (const { email, password } of config.users) {
      const user: UserRecord = {
        id: userId(config.randomBytes),
        email,
        passwordHash: hashPassword(password, config.randomBytes(16)),
        authenticators: [],
        bucket: fullBucket(this.#policy, now),
      };
      this.#usersByEmail.set(email.toLowerCase(), user);
      this.#usersById.set(user.id, user);
    }
  }

  // ---- users -------------------------------------------------------------------------

  findUserByEmail(email: string): UserRecord | undefined {
    return this.#usersByEmail.get(email.toLowerCase());
  }

  findUserById(id: string): UserRecord | undefined {
    return this.#usersById.get(id);
  }

  // ---- mfa_tokens --------------------------------------------------------------------

  issueMfaToken(user: UserRecord, clientId: string, audience: string | undefined, scope: string | undefined): string {
    const now = this.#config.clock();
    for (const [digest, record] of this.#mfaTokens) {
      if (record.expiresAt + EXPIRED_MFA_TOKEN_MEMORY_MS <= now) this.#mfaTokens.delete(digest);
    }
    const token = opaqueToken(this.#config.randomBytes);
    const digest = tokenDigest(token);
    this.#mfaTokens.set(digest, {
      digest,
      userId: user.id,
      clientId,
      audience,
      scope,
      issuedAt: now,
      expiresAt: now + this.#config.mfaTokenTtlMs,
    });
    this.record({ type: 'mfa_token_issued', userId: user.id });
    return token;
  }

  lookupMfaToken(token: string): MfaTokenLookup {
    const record = this.#mfaTokens.get(tokenDigest(token));
    const user = record && this.#usersById.get(record.userId);
    if (!record || !user) return { status: 'unknown' };
    if (this.#config.clock() >= record.expiresAt) return { status: 'expired', record };
    return { status: 'valid', record, user };
  }

  // ---- authenticators ----------------------------------------------------------------

  /** Authenticators as listed: pending ones past their 24 h are gone. */
  visibleAuthenticators(user: UserRecord, now = this.#config.clock()): Authenticator[] {
    return user.authenticators.filter((a) => !isExpiredPending(a, now));
  }

  hasActiveAuthenticator(user: UserRecord): boolean {
    return user.authenticators.some((a) => a.active);
  }

  hasConfirmedOtp(user: UserRecord): boolean {
    return user.authenticators.some((a) => a.type === 'otp' && a.active);
  }

  pendingOtpCount(user: UserRecord): number {
    return this.visibleAuthenticators(user).filter((a) => a.type === 'otp' && !a.active).length;
  }

  /**
   * The OTP authenticators a code is checked against: active ones, then the newest pending one.
   * Every pending one was associated after the user's last confirmation (acceptOtp discards the
   * others), so an association abandoned before the user enrolled can never become "newest".
   */
  otpCandidates(user: UserRecord): OtpAuthenticator[] {
    const otps = this.visibleAuthenticators(user).filter((a): a is OtpAuthenticator => a.type === 'otp');
    const newestPending = otps.filter((a) => !a.active).at(-1);
    return [...otps.filter((a) => a.active), ...(newestPending ? [newestPending] : [])];
  }

  activeRecoveryCodeAuthenticator(user: UserRecord): RecoveryCodeAuthenticator | undefined {
    return user.authenticators.find((a): a is RecoveryCodeAuthenticator => a.type === 'recovery-code' && a.active);
  }

  /**
   * A new pending OTP authenticator. Until the user has a confirmed one, the association also
   * hands out a recovery code (and the user gets an inactive recovery-code authenticator).
   */
  associateOtp(user: UserRecord): { authenticator: OtpAuthenticator; secret: string; recoveryCode: string | undefined } {
    const now = this.#config.clock();
    user.authenticators = user.authenticators.filter((a) => !isExpiredPending(a, now));
    const recoveryCode = this.hasConfirmedOtp(user) ? undefined : newRecoveryCode(this.#config.randomBytes);
    const secret = newTotpSecret(this.#config.randomBytes);
    const authenticator: OtpAuthenticator = {
      type: 'otp',
      id: `totp|${deviceId(this.#config.randomBytes)}`,
      active: false,
      createdAt: now,
      secret,
      lastAcceptedStep: undefined,
      associationRecoveryCodeHash: recoveryCode === undefined ? undefined : hashRecoveryCode(recoveryCode),
    };
    if (recoveryCode !== undefined && !user.authenticators.some((a) => a.type === 'recovery-code')) {
      user.authenticators.push({
        type: 'recovery-code',
        id: `recovery-code|${deviceId(this.#config.randomBytes)}`,
        active: false,
        createdAt: now,
        codeHash: undefined,
      });
    }
    user.authenticators.push(authenticator);
    this.record({ type: 'associated', userId: user.id, authenticatorId: authenticator.id, kind: 'otp' });
    return { authenticator, secret, recoveryCode };
  }

  /**
   * Records an accepted OTP; a pending authenticator becomes active (the confirmation), and every
   * other pending association dies with it. Those were made before this confirmation, by whoever
   * held the password then; letting one be confirmed later would add a factor (and swap the
   * recovery code) without ever passing the factor the user now has.
   */
  acceptOtp(user: UserRecord, authenticator: OtpAuthenticator, step: number): void {
    authenticator.lastAcceptedStep = step;
    this.record({ type: 'code_accepted', userId: user.id, authenticatorId: authenticator.id, kind: 'otp' });
    if (authenticator.active) return;
    authenticator.active = true;
    this.record({ type: 'confirmed', userId: user.id, authenticatorId: authenticator.id, kind: 'otp' });
    this.#discardPendingAssociations(user, authenticator);
    const codeHash = authenticator.associationRecoveryCodeHash;
    const recovery = user.authenticators.find((a): a is RecoveryCodeAuthenticator => a.type === 'recovery-code');
    if (codeHash !== undefined && recovery) {
      recovery.codeHash = codeHash;
      if (!recovery.active) {
        recovery.active = true;
        this.record({ type: 'confirmed', userId: user.id, authenticatorId: recovery.id, kind: 'recovery-code' });
      }
    }
  }

  #discardPendingAssociations(user: UserRecord, confirmed: Authenticator): void {
    // The recovery-code authenticator is not an association of its own: it follows the OTP ones.
    const dead = user.authenticators.filter((a) => !a.active && a !== confirmed && a.type !== 'recovery-code');
    if (dead.length === 0) return;
    user.authenticators = user.authenticators.filter((a) => !dead.includes(a));
    for (const a of dead) this.record({ type: 'association_discarded', userId: user.id, authenticatorId: a.id, kind: a.type });
  }

  /** Spends the recovery code and returns its replacement (shown to the user once). */
  useRecoveryCode(user: UserRecord, authenticator: RecoveryCodeAuthenticator): string {
    const replacement = newRecoveryCode(this.#config.randomBytes);
    authenticator.codeHash = hashRecoveryCode(replacement);
    const event = { userId: user.id, authenticatorId: authenticator.id, kind: 'recovery-code' } as const;
    this.record({ type: 'code_accepted', ...event });
    this.record({ type: 'recovery_code_used', ...event });
    return replacement;
  }

  rejectCode(user: UserRecord, kind: AuthenticatorKind): void {
    const now = this.#config.clock();
    user.bucket = takeAttempt(user.bucket, this.#policy, now);
    this.record({ type: 'code_rejected', userId: user.id, kind });
  }

  deleteAuthenticator(user: UserRecord, id: string): boolean {
    const target = this.visibleAuthenticators(user).find((a) => a.id === id);
    if (!target) return false;
    user.authenticators = user.authenticators.filter((a) => a !== target);
    this.record({ type: 'authenticator_deleted', userId: user.id, authenticatorId: id, kind: target.type });
    return true;
  }

  // ---- attempt bucket ----------------------------------------------------------------

  attemptsLeft(user: UserRecord, now = this.#config.clock()): number {
    return bucketAt(user.bucket, this.#policy, now).remaining;
  }

  nextAttemptAt(user: UserRecord, now = this.#config.clock()): number {
    return nextRefillAt(user.bucket, this.#policy, now);
  }

  get attemptLimit(): number {
    return this.#policy.limit;
  }

  // ---- audit log ---------------------------------------------------------------------

  record(event: Omit<EmulatorEvent, 'at'>): void {
    this.#events.push(Object.freeze({ ...event, at: this.#config.clock() }));
  }

  // ---- EmulatorStore (inspection) ----------------------------------------------------

  events(): readonly EmulatorEvent[] {
    return this.#events.slice();
  }

  authenticators(email: string, now?: number): readonly AuthenticatorView[] {
    const user = this.findUserByEmail(email);
    if (!user) return [];
    return this.visibleAuthenticators(user, now).map(({ id, type, active, createdAt }) => ({ id, type, active, createdAt }));
  }

  attemptsRemaining(email: string, now?: number): number {
    const user = this.findUserByEmail(email);
    if (!user) throw new Error('attemptsRemaining: no such user');
    return this.attemptsLeft(user, now);
  }

  userId(email: string): string | undefined {
    return this.findUserByEmail(email)?.id;
  }

  dump(): unknown {
    return {
      users: [...this.#usersByEmail.values()].map((user) => ({
        id: user.id,
        email: user.email,
        passwordHash: user.passwordHash,
        bucket: { ...user.bucket },
        authenticators: user.authenticators.map((a) =>
          a.type === 'otp'
            ? {
                type: a.type,
                id: a.id,
                active: a.active,
                createdAt: a.createdAt,
                secretDigest: digestOf(a.secret),
                lastAcceptedStep: a.lastAcceptedStep ?? null,
                associationRecoveryCodeHash: a.associationRecoveryCodeHash ?? null,
              }
            : { type: a.type, id: a.id, active: a.active, createdAt: a.createdAt, codeHash: a.codeHash ?? null },
        ),
      })),
      mfaTokens: [...this.#mfaTokens.values()]
        .map((t) => ({ ...t, audience: t.audience ?? null, scope: t.scope ?? null }))
        .sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0)),
    };
  }
}

function isExpiredPending(authenticator: Authenticator, now: number): boolean {
  return !authenticator.active && authenticator.type === 'otp' && now - authenticator.createdAt >= PENDING_AUTHENTICATOR_TTL_MS;
}

// mfa_tokens are stored by digest so neither the store nor a dump holds a usable bearer.
function tokenDigest(token: string): string {
  return digestOf(token);
}

function digestOf(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
