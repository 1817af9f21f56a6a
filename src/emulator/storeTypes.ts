// The shapes of the emulator's tenant data and the read-only view tests get of it.
import type { AttemptBucket } from './attemptBucket.js';

/**
 * What an authenticator record is. `phone` is one phone number, listed once per phone channel
 * the tenant offers (`sms|dev_…`, `voice|dev_…`); `push` is an Auth0 Guardian enrollment.
 */
export type AuthenticatorKind = 'otp' | 'recovery-code' | 'phone' | 'email' | 'push';

/** Auth0's out-of-band channels: `auth0` is push through Guardian. */
export type OobChannel = 'sms' | 'voice' | 'email' | 'auth0';
export type PhoneChannel = 'sms' | 'voice';

/** The per-user message budgets: SMS and voice share the phone's. */
export type MessageGroup = 'phone' | 'email' | 'push';

export interface EmulatorEvent {
  type:
    | 'code_accepted'
    | 'code_rejected'
    | 'associated'
    | 'confirmed'
    /** A pending association made before a confirmation, dropped by it. */
    | 'association_discarded'
    | 'recovery_code_used'
    | 'authenticator_deleted'
    | 'mfa_token_issued'
    /** An SMS, voice call, email or push notification went to the outbox. */
    | 'message_sent'
    | 'push_accepted'
    | 'push_rejected';
  at: number;
  userId: string;
  authenticatorId?: string;
  kind?: AuthenticatorKind;
}

export interface AuthenticatorView {
  id: string;
  type: AuthenticatorKind;
  active: boolean;
  createdAt: number;
  /** For out-of-band authenticators: the channel of this listed item. */
  oobChannel?: OobChannel;
}

/** What tests may look at; the emulator's own routes use the wider TenantStore. */
export interface EmulatorStore {
  /** Append-only audit log; never carries secrets. */
  events(): readonly EmulatorEvent[];
  /** The user's authenticators as GET /mfa/authenticators lists them (expired pending ones hidden). */
  authenticators(email: string, now?: number): readonly AuthenticatorView[];
  attemptsRemaining(email: string, now?: number): number;
  /** The user id (`sub`) of an email, as events and tokens carry it. */
  userId(email: string): string | undefined;
  /** A deterministic, JSON-serialisable picture of every mutable datum (digests, not secrets). */
  dump(): unknown;
}

/** What every association (a factor being enrolled) carries until and after its confirmation. */
interface AssociationFields {
  id: string;
  active: boolean;
  createdAt: number;
  /** Digest of the recovery code handed out with this association, if one was. */
  associationRecoveryCodeHash: string | undefined;
}

export interface OtpAuthenticator extends AssociationFields {
  type: 'otp';
  secret: string;
  lastAcceptedStep: number | undefined;
  /** The push enrollment this OTP came with (Guardian's offline codes), if any. */
  companionOf: string | undefined;
}

export interface PhoneAuthenticator extends AssociationFields {
  type: 'phone';
  /** `dev_…`: the listed ids are `sms|dev_…` and `voice|dev_…`. */
  deviceId: string;
  phoneNumber: string;
  /** The channel the association asked for (the other one is listed when the tenant offers it). */
  enrolledChannel: PhoneChannel;
}

export interface EmailAuthenticator extends AssociationFields {
  type: 'email';
  email: string;
}

export interface PushAuthenticator extends AssociationFields {
  type: 'push';
  /** Digest of the `enrollment_tx_id` in the barcode_uri: whoever holds that can enroll a device. */
  enrollmentTxDigest: string;
  /** Set when the (emulated) Guardian app scanned the barcode. */
  deviceName: string | undefined;
}

export interface RecoveryCodeAuthenticator {
  type: 'recovery-code';
  id: string;
  active: boolean;
  createdAt: number;
  codeHash: string | undefined;
}

export type OobAuthenticator = PhoneAuthenticator | EmailAuthenticator | PushAuthenticator;
/** Authenticators that come from an association (everything but the recovery code). */
export type AssociatedAuthenticator = OtpAuthenticator | OobAuthenticator;
export type Authenticator = AssociatedAuthenticator | RecoveryCodeAuthenticator;

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  authenticators: Authenticator[];
  bucket: AttemptBucket;
  messageBuckets: Record<MessageGroup, AttemptBucket>;
}

export interface MfaTokenRecord {
  digest: string;
  userId: string;
  clientId: string;
  audience: string | undefined;
  scope: string | undefined;
  issuedAt: number;
  expiresAt: number;
}

export type MfaTokenLookup =
  | { status: 'unknown' }
  | { status: 'expired'; record: MfaTokenRecord }
  | { status: 'valid'; record: MfaTokenRecord; user: UserRecord };
