// The shapes of the emulator's tenant data and the read-only view tests get of it.
import type { AttemptBucket } from './attemptBucket.js';

export type AuthenticatorKind = 'otp' | 'recovery-code';

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
    | 'mfa_token_issued';
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

export interface OtpAuthenticator {
  type: 'otp';
  id: string;
  active: boolean;
  createdAt: number;
  secret: string;
  lastAcceptedStep: number | undefined;
  /** Digest of the recovery code handed out with this association, if one was. */
  associationRecoveryCodeHash: string | undefined;
}

export interface RecoveryCodeAuthenticator {
  type: 'recovery-code';
  id: string;
  active: boolean;
  createdAt: number;
  codeHash: string | undefined;
}

export type Authenticator = OtpAuthenticator | RecoveryCodeAuthenticator;

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  authenticators: Authenticator[];
  bucket: AttemptBucket;
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
