// The emulator's tenant data: users, their authenticators, attempt and message buckets, issued
// mfa_tokens, out-of-band transactions and an append-only audit log. Mutations are small named
// methods the routes call after they have decided a request succeeds (or, for the attempt
// bucket, failed a code); the read-only EmulatorStore view is what tests inspect.
import { bucketAt, fullBucket, nextRefillAt, takeAttempt, type AttemptBucket, type BucketPolicy } from './attemptBucket.js';
import { deviceId, opaqueToken, userId } from './identifiers.js';
import { listAuthenticators, type ListedRow } from './listing.js';
import { OobTransactions } from './oob/transactions.js';
import type { ResolvedConfig } from './options.js';
import { hashPassword } from './passwords.js';
import { hashRecoveryCode, newRecoveryCode } from './recoveryCodes.js';
import { digestOf, dumpTenant } from './storeDump.js';
import type {
  AssociatedAuthenticator,
  Authenticator,
  AuthenticatorKind,
  AuthenticatorView,
  EmailAuthenticator,
  EmulatorEvent,
  EmulatorStore,
  MessageGroup,
  MfaTokenLookup,
  MfaTokenRecord,
  OtpAuthenticator,
  PhoneAuthenticator,
  PhoneChannel,
  PushAuthenticator,
  RecoveryCodeAuthenticator,
  UserRecord,
} from './storeTypes.js';
import { newTotpSecret } from './totp.js';

// Routes and tests import the data shapes from here, next to the store that holds them.
export type * from './storeTypes.js';

/** Pending (unconfirmed) OTP associations are dropped after a day; out-of-band ones with their oob_code. */
export const PENDING_AUTHENTICATOR_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_PENDING_AUTHENTICATORS = 50;

/** What an out-of-band association records (the store adds ids, times and the recovery code). */
export type OobAssociationSpec =
  | { type: 'phone'; phoneNumber: string; channel: PhoneChannel }
  | { type: 'email'; email: string }
  | { type: 'push'; enrollmentTxDigest: string };
// Expired mfa_tokens are kept a while so they answer "expired" rather than "malformed".
const EXPIRED_MFA_TOKEN_MEMORY_MS = 24 * 60 * 60 * 1000;

export class TenantStore implements EmulatorStore {
  readonly #config: ResolvedConfig;
  readonly #policy: BucketPolicy;
  readonly #usersByEmail = new Map<string, UserRecord>();
  readonly #usersById = new Map<string, UserRecord>();
  readonly #mfaTokens = new Map<string, MfaTokenRecord>();
  readonly #events: EmulatorEvent[] = [];
  /** What every oob_code handed out stands for. */
  readonly oob: OobTransactions;

  constructor(config: ResolvedConfig) {
    this.#config = config;
    this.#policy = { limit: config.attemptLimit, refillMs: config.attemptRefillMs };
    this.oob = new OobTransactions(config.clock, config.randomBytes, config.oobCodeTtlMs, config.pollIntervalMs);
    const now = config.clock();
    for (const { email, password } of config.users) {
      const limits = config.messageLimits;
      const user: UserRecord = {
        id: userId(config.randomBytes),
        email,
        passwordHash: hashPassword(password, config.randomBytes(16)),
        authenticators: [],
        bucket: fullBucket(this.#policy, now),
        messageBuckets: { phone: fullBucket(limits.phone, now), email: fullBucket(limits.email, now), push: fullBucket(limits.push, now) },
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

  /** Authenticator records, without pending ones past their lifetime. */
  visibleAuthenticators(user: UserRecord, now = this.#config.clock()): Authenticator[] {
    return user.authenticators.filter((a) => !this.#isExpiredPending(a, now));
  }

  /** The user's authenticators as GET /mfa/authenticators lists them, each with its record. */
  listed(user: UserRecord, now = this.#config.clock()): ListedRow[] {
    return listAuthenticators(this.visibleAuthenticators(user, now), this.#config.factors);
  }

  findListed(user: UserRecord, id: string): ListedRow | undefined {
    return this.listed(user).find((row) => row.item.id === id);
  }

  hasActiveAuthenticator(user: UserRecord): boolean {
    return user.authenticators.some((a) => a.active);
  }

  /** A confirmed factor (the recovery code is none): until there is one, associations hand out recovery codes. */
  hasConfirmedFactor(user: UserRecord): boolean {
    return user.authenticators.some((a) => a.type !== 'recovery-code' && a.active);
  }

  pendingAssociationCount(user: UserRecord): number {
    return this.visibleAuthenticators(user).filter((a) => a.type !== 'recovery-code' && !a.active).length;
  }

  /**
   * The OTP authenticators a code is checked against: active ones, then the newest pending one.
   * Every pending one was associated after the user's last confirmation (confirmations discard
   * the others), so an association abandoned before the user enrolled can never become "newest".
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
   * A new pending OTP authenticator. Until the user has a confirmed factor, the association also
   * hands out a recovery code (and the user gets an inactive recovery-code authenticator).
   */
  associateOtp(user: UserRecord): { authenticator: OtpAuthenticator; secret: string; recoveryCode: string | undefined } {
    const { now, recoveryCode, recoveryCodeHash } = this.#startAssociation(user);
    const secret = newTotpSecret(this.#config.randomBytes);
    const authenticator: OtpAuthenticator = {
      type: 'otp',
      id: `totp|${deviceId(this.#config.randomBytes)}`,
      active: false,
      createdAt: now,
      secret,
      lastAcceptedStep: undefined,
      associationRecoveryCodeHash: recoveryCodeHash,
      companionOf: undefined,
    };
    this.#finishAssociation(user, authenticator);
    return { authenticator, secret, recoveryCode };
  }

  /** A new pending SMS/voice, email or push authenticator, with a recovery code on the same terms as OTP. */
  associateOob(user: UserRecord, spec: Extract<OobAssociationSpec, { type: 'push' }>): { authenticator: PushAuthenticator; recoveryCode: string | undefined };
  associateOob(user: UserRecord, spec: Exclude<OobAssociationSpec, { type: 'push' }>): { authenticator: PhoneAuthenticator | EmailAuthenticator; recoveryCode: string | undefined };
  associateOob(user: UserRecord, spec: OobAssociationSpec): { authenticator: PhoneAuthenticator | EmailAuthenticator | PushAuthenticator; recoveryCode: string | undefined } {
    const { now, recoveryCode, recoveryCodeHash } = this.#startAssociation(user);
    const device = deviceId(this.#config.randomBytes);
    const common = { active: false, createdAt: now, associationRecoveryCodeHash: recoveryCodeHash };
    const authenticator =
      spec.type === 'phone'
        ? ({ type: 'phone', id: `${spec.channel}|${device}`, deviceId: device, phoneNumber: spec.phoneNumber, enrolledChannel: spec.channel, ...common } satisfies PhoneAuthenticator)
        : spec.type === 'email'
          ? ({ type: 'email', id: `email|${device}`, email: spec.email, ...common } satisfies EmailAuthenticator)
          : ({ type: 'push', id: `push|${device}`, enrollmentTxDigest: spec.enrollmentTxDigest, deviceName: undefined, ...common } satisfies PushAuthenticator);
    this.#finishAssociation(user, authenticator);
    return { authenticator, recoveryCode };
  }

  #startAssociation(user: UserRecord): { now: number; recoveryCode: string | undefined; recoveryCodeHash: string | undefined } {
    const now = this.#config.clock();
    user.authenticators = user.authenticators.filter((a) => !this.#isExpiredPending(a, now));
    const recoveryCode = this.hasConfirmedFactor(user) ? undefined : newRecoveryCode(this.#config.randomBytes);
    if (recoveryCode !== undefined && !user.authenticators.some((a) => a.type === 'recovery-code')) {
      user.authenticators.push({
        type: 'recovery-code',
        id: `recovery-code|${deviceId(this.#config.randomBytes)}`,
        active: false,
        createdAt: now,
        codeHash: undefined,
      });
    }
    return { now, recoveryCode, recoveryCodeHash: recoveryCode === undefined ? undefined : hashRecoveryCode(recoveryCode) };
  }

  #finishAssociation(user: UserRecord, authenticator: AssociatedAuthenticator): void {
    user.authenticators.push(authenticator);
    this.record({ type: 'associated', userId: user.id, authenticatorId: authenticator.id, kind: authenticator.type });
  }

  /** Records an accepted OTP; a pending authenticator becomes active (the confirmation). */
  acceptOtp(user: UserRecord, authenticator: OtpAuthenticator, step: number): void {
    authenticator.lastAcceptedStep = step;
    this.record({ type: 'code_accepted', userId: user.id, authenticatorId: authenticator.id, kind: 'otp' });
    if (!authenticator.active) this.confirmAssociation(user, authenticator);
  }

  /** Records a right binding code (or an accepted push) for a challenge of an active authenticator. */
  acceptOobChallenge(user: UserRecord, authenticator: AssociatedAuthenticator): void {
    this.record({ type: 'code_accepted', userId: user.id, authenticatorId: authenticator.id, kind: authenticator.type });
  }

  /**
   * A pending association becomes active, and every other pending association dies with it. Those
   * were made before this confirmation, by whoever held the password then; letting one be
   * confirmed later would add a factor (and swap the recovery code) without ever passing the
   * factor the user now has. The recovery code handed out with this association is the one that
   * works from now on.
   */
  confirmAssociation(user: UserRecord, authenticator: AssociatedAuthenticator): void {
    authenticator.active = true;
    this.record({ type: 'confirmed', userId: user.id, authenticatorId: authenticator.id, kind: authenticator.type });
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

  /**
   * The Guardian app scanned the barcode: the push enrollment is confirmed, and the user gets the
   * OTP authenticator Guardian also carries ("when users enroll with push, they also get enrolled
   * in OTP", Auth0's push page), active from the start.
   */
  completePushEnrollment(user: UserRecord, push: PushAuthenticator, deviceName: string, totpSecret: string): OtpAuthenticator {
    push.deviceName = deviceName;
    this.confirmAssociation(user, push);
    const companion: OtpAuthenticator = {
      type: 'otp',
      id: `totp|${deviceId(this.#config.randomBytes)}`,
      active: true,
      createdAt: this.#config.clock(),
      secret: totpSecret,
      lastAcceptedStep: undefined,
      associationRecoveryCodeHash: undefined,
      companionOf: push.id,
    };
    user.authenticators.push(companion);
    this.record({ type: 'confirmed', userId: user.id, authenticatorId: companion.id, kind: 'otp' });
    return companion;
  }

  /** The pending push association whose barcode carries this enrollment_tx_id, and its user. */
  findPendingPush(enrollmentTxId: string): { user: UserRecord; push: PushAuthenticator } | undefined {
    const digest = digestOf(enrollmentTxId);
    for (const user of this.#usersById.values()) {
      const push = this.visibleAuthenticators(user).find((a): a is PushAuthenticator => a.type === 'push' && !a.active && a.enrollmentTxDigest === digest);
      if (push) return { user, push };
    }
    return undefined;
  }

  /** Active push enrollments (emulated Guardian devices) with their user, oldest first. */
  pushEnrollments(): Array<{ user: UserRecord; push: PushAuthenticator; otp: OtpAuthenticator | undefined }> {
    return [...this.#usersById.values()].flatMap((user) =>
      user.authenticators
        .filter((a): a is PushAuthenticator => a.type === 'push' && a.active)
        .map((push) => ({ user, push, otp: user.authenticators.find((a): a is OtpAuthenticator => a.type === 'otp' && a.companionOf === push.id) })),
    );
  }

  #discardPendingAssociations(user: UserRecord, confirmed: Authenticator): void {
    // The recovery-code authenticator is not an association of its own: it follows the others.
    const dead = user.authenticators.filter((a) => !a.active && a !== confirmed && a.type !== 'recovery-code');
    if (dead.length === 0) return;
    user.authenticators = user.authenticators.filter((a) => !dead.includes(a));
    this.oob.kill(new Set(dead.map((a) => a.id)));
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

  /** Deletes the authenticator a listed id names (a phone goes with both its items); false when there is none. */
  deleteAuthenticator(user: UserRecord, id: string): boolean {
    const target = this.findListed(user, id)?.record;
    if (!target) return false;
    user.authenticators = user.authenticators.filter((a) => a !== target);
    this.oob.kill(new Set([target.id]));
    this.record({ type: 'authenticator_deleted', userId: user.id, authenticatorId: id, kind: target.type });
    return true;
  }

  #isExpiredPending(authenticator: Authenticator, now: number): boolean {
    if (authenticator.active || authenticator.type === 'recovery-code') return false;
    const ttl = authenticator.type === 'otp' ? PENDING_AUTHENTICATOR_TTL_MS : this.#config.oobCodeTtlMs;
    return now - authenticator.createdAt >= ttl;
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

  // ---- message buckets ---------------------------------------------------------------

  messagePolicy(group: MessageGroup): BucketPolicy {
    return this.#config.messageLimits[group];
  }

  messagesLeft(user: UserRecord, group: MessageGroup, now = this.#config.clock()): number {
    return bucketAt(user.messageBuckets[group], this.messagePolicy(group), now).remaining;
  }

  nextMessageAt(user: UserRecord, group: MessageGroup, now = this.#config.clock()): number {
    return nextRefillAt(user.messageBuckets[group], this.messagePolicy(group), now);
  }

  takeMessage(user: UserRecord, group: MessageGroup): void {
    const bucket: AttemptBucket = takeAttempt(user.messageBuckets[group], this.messagePolicy(group), this.#config.clock());
    user.messageBuckets[group] = bucket;
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
    return this.listed(user, now).map(({ item, record }) => ({
      id: item.id,
      type: record.type,
      active: item.active,
      createdAt: record.createdAt,
      ...(item.oob_channel === undefined ? {} : { oobChannel: item.oob_channel }),
    }));
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
    return dumpTenant(this.#usersByEmail.values(), this.#mfaTokens.values(), this.oob.dump());
  }
}

// mfa_tokens are stored by digest so neither the store nor a dump holds a usable bearer.
function tokenDigest(token: string): string {
  return digestOf(token);
}
