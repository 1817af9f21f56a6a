// The vocabulary of the MFA statechart: input, context, events, output, error codes and the
// shapes its invoked services exchange. Pure types and constants; no I/O.

/** Every error code the chart can hold in `context.error.code`. */
export const MFA_ERROR_CODES = [
  // answers of the Auth0 MFA API, mapped by the API client from the `error` field
  'invalid_credentials',
  'already_enrolled',
  'invalid_otp',
  'invalid_recovery_code',
  'mfa_token_expired',
  'mfa_token_invalid',
  'too_many_attempts',
  'rate_limited',
  'unsupported_challenge',
  'invalid_request',
  'unauthorized_client',
  'access_denied',
  // transport and protocol problems
  'network',
  'timeout',
  'server_error',
  'invalid_response',
  'aborted',
  // decided by the chart itself
  'unsupported_factor',
  'no_authenticator',
  'unexpected',
] as const;
export type MfaErrorCode = (typeof MFA_ERROR_CODES)[number];

/** What a UI shows: a stable code, a message free of secrets, and when a wait applies, how long. */
export interface FlowError {
  code: MfaErrorCode;
  message: string;
  /** The wait the server asked for (429 answers); `context.waitUntil` says when it ends. */
  retryAfterMs?: number;
}

export type MfaIntent = 'enroll' | 'challenge';

export interface Authenticator {
  id: string;
  authenticatorType: string;
  active: boolean;
  name?: string;
}

export interface Enrollment {
  secret: string;
  barcodeUri: string;
  recoveryCodes?: string[];
}

export interface TokenSet {
  accessToken: string;
  idToken?: string;
  expiresIn: number;
  scope?: string;
  tokenType: string;
}

// ---- what the invoked services take and give back ------------------------------------------

export interface PasswordGrantInput { username: string; password: string }
/** The password grant either demands MFA (the normal case) or, on a tenant without MFA, signs in. */
export type PasswordGrantOutput =
  | { kind: 'mfa_required'; mfaToken: string }
  | { kind: 'tokens'; tokens: TokenSet };

export interface AssociateInput { bearer: string }
export interface ListAuthenticatorsInput { mfaToken: string }
export interface ChallengeInput { mfaToken: string; authenticatorId: string }
export interface VerifyInput {
  mfaToken: string;
  /** Set only when the verification must yield a token for the MFA API itself (enroll after challenge). */
  audience?: string;
  scope?: string;
}
export interface VerifyOtpInput extends VerifyInput { otp: string }
export interface VerifyRecoveryCodeInput extends VerifyInput { recoveryCode: string }
export interface VerifyRecoveryCodeOutput { tokens: TokenSet; recoveryCode?: string }

// ---- the machine's own shapes ---------------------------------------------------------------

export interface MfaFlowInput {
  intent: MfaIntent;
  /** Audience of the MFA API itself, `https://<domain>/mfa/`, for enrolling another factor. */
  mfaAudience: string;
  /** Start with an MFA token obtained elsewhere (e.g. from a `mfa_required` answer of your own). */
  mfaToken?: string;
  /** Epoch ms when that token stops working; default: `mfaTokenTtlMs` from when the flow starts. */
  mfaTokenExpiresAt?: number;
  /** How long an MFA token lives when nothing says otherwise. Default 600 000 (Auth0's 10 minutes). */
  mfaTokenTtlMs?: number;
  /** Show first-association recovery codes and wait for `recoveryCodes.acknowledge`. Default true. */
  requireRecoveryCodeAck?: boolean;
}

/** A code the user submitted, kept only while its request is in flight or waiting out a 429. */
export type CodeSubmission = { kind: 'otp'; code: string } | { kind: 'recoveryCode'; code: string };

export interface MfaFlowContext {
  intent: MfaIntent;
  mfaAudience: string;
  mfaTokenTtlMs: number;
  requireRecoveryCodeAck: boolean;
  mfaToken: string | null;
  /** Epoch ms when the MFA token stops working; the chart's expiry timer follows it. */
  mfaTokenExpiresAt: number | null;
  /** The associate call answered "already enrolled": challenge first, then enroll with `enrollToken`. */
  alreadyEnrolled: boolean;
  /** Listing found no authenticator and sent the flow to associate: never bounce back from there. */
  listedNone: boolean;
  /** MFA-audience access token (scope `enroll`) obtained by challenging the existing factor. */
  enrollToken: string | null;
  enrollment: Enrollment | null;
  authenticators: Authenticator[];
  authenticatorId: string | null;
  submission: CodeSubmission | null;
  tokens: TokenSet | null;
  newRecoveryCode: string | null;
  /** An OTP authenticator was confirmed during this flow (set when the flow ends). */
  enrolled: boolean;
  error: FlowError | null;
  /** Epoch ms when the current lockout or rate-limit wait ends (null: not waiting). */
  waitUntil: number | null;
}

/** The events a UI sends. */
export type MfaFlowEvent =
  | { type: 'credentials.submit'; username: string; password: string }
  | { type: 'mfaToken.provide'; mfaToken: string; /** epoch ms */ expiresAt?: number }
  | { type: 'otp.submit'; otp: string }
  | { type: 'recoveryCode.submit'; recoveryCode: string }
  | { type: 'authenticator.select'; authenticatorId: string }
  | { type: 'recoveryCodes.acknowledge' }
  | { type: 'retry' }
  | { type: 'cancel' };

/** Events the chart and its flow layer send themselves; a UI never does. */
export type MfaFlowInternalEvent =
  /** Raised by the chart when the MFA token's lifetime runs out. */
  | { type: 'mfaToken.expired' }
  /** Sent once after a persisted snapshot is restored: XState persists no timers, so the chart
   *  re-arms them from the wall times its context keeps. */
  | { type: 'flow.restored' }
  /** Applied (never sent) to a snapshot being persisted while a request is in flight: each state
   *  says where an interrupted request leaves the flow, so a restore never repeats it by itself. */
  | { type: 'flow.interrupted' };

export type MfaFlowMachineEvent = MfaFlowEvent | MfaFlowInternalEvent;

/** How a flow ended. */
export type MfaFlowOutput =
  | {
      outcome: 'authenticated';
      tokens: TokenSet;
      /** The replacement recovery code when the user signed in with one: show it, it is the only copy. */
      newRecoveryCode: string | null;
      /** An OTP authenticator was enrolled (confirmed) during this flow. */
      enrolled: boolean;
    }
  | { outcome: 'cancelled' };

/** The output of a flow that signed the user in. */
export type AuthenticatedOutput = Extract<MfaFlowOutput, { outcome: 'authenticated' }>;

export type MfaFlowTag = 'busy' | 'needsCode' | 'needsCredentials';
