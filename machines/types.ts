// The vocabulary of the MFA statechart: input, context, events, output, error codes and the
// shapes its invoked services exchange. Pure types and constants; no I/O.

/** Every error code the chart can hold in `context.error.code`. */
export const MFA_ERROR_CODES = [
  // answers of the Auth0 MFA API, mapped by the API client from the `error` field
  'invalid_credentials',
  'already_enrolled',
  'invalid_otp',
  'invalid_binding_code',
  'invalid_recovery_code',
  'mfa_token_expired',
  'mfa_token_invalid',
  'too_many_attempts',
  'too_many_messages',
  'rate_limited',
  'push_rejected',
  'oob_code_expired',
  'authorization_pending',
  'slow_down',
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
  'invalid_phone_number',
  'invalid_email',
  'resend_too_soon',
  'unsupported_factor',
  'no_authenticator',
  'unexpected',
] as const;
export type MfaErrorCode = (typeof MFA_ERROR_CODES)[number];

/** What a UI shows: a stable code, a message free of secrets, and when a wait applies, how long. */
export interface FlowError {
  code: MfaErrorCode;
  message: string;
  /** The wait the server asked for (429 answers); `context.timers.waitUntil` says when it ends. */
  retryAfterMs?: number;
}

export type MfaIntent = 'enroll' | 'challenge';

/** The factors Auth0's MFA API offers: an authenticator app, SMS and voice (a phone number),
 *  email, and push (Auth0 Guardian, OOB channel `auth0`). */
export type FactorType = 'otp' | 'sms' | 'voice' | 'email' | 'push';

/** What `mfa_required` says the user must do, in Auth0's type names (`otp`, `phone`, `email`,
 *  `push-notification`, …): be challenged with one of their factors, or enroll one. */
export interface MfaRequirements {
  challenge?: string[];
  enroll?: string[];
}

/** An authenticator as GET /mfa/authenticators lists it. */
export interface Authenticator {
  id: string;
  /** `otp`, `oob` (SMS, voice, email, push) or `recovery-code`. */
  authenticatorType: string;
  active: boolean;
  /** Auth0's masked name: the phone's last digits, the masked email address. */
  name?: string;
  /** For `oob`: `sms`, `voice`, `email` or `auth0` (push). */
  oobChannel?: string;
}

/** An authenticator the chart can challenge, with the words a person reads for it. */
export interface ChallengeableAuthenticator {
  id: string;
  factor: FactorType;
  /** "Authenticator app", "SMS to ••••0123", "Email to j••@example.com", "Push to your phone". */
  label: string;
}

/** The factor being enrolled, with where a code goes. */
export interface FactorChoice {
  factor: FactorType;
  phoneNumber?: string;
  email?: string;
}

/** An authenticator app being enrolled: its secret and the otpauth:// URI of its QR code. */
export type OtpEnrollment = { factor: 'otp'; secret: string; barcodeUri: string; recoveryCodes?: string[] };

/** What an association answered: an app's secret, or where a message went (and its `oob_code`). */
export type Enrollment =
  | OtpEnrollment
  | { factor: 'sms' | 'voice' | 'email'; oobCode: string; recoveryCodes?: string[] }
  /** Push: the Guardian app scans `barcodeUri`; the flow then waits for the device. */
  | { factor: 'push'; oobCode: string; barcodeUri: string; recoveryCodes?: string[] };

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
  | { kind: 'mfa_required'; mfaToken: string; requirements?: MfaRequirements }
  | { kind: 'tokens'; tokens: TokenSet };

export interface AssociateInput extends FactorChoice { bearer: string }
export interface ListAuthenticatorsInput { mfaToken: string }
export interface ChallengeInput { mfaToken: string; authenticatorId: string; factor: FactorType }
/** A challenge of an out-of-band factor answers the `oob_code` its verification needs. */
export interface ChallengeOutput {
  oobCode?: string;
  /** How long to wait between polls of a push, when the server says (an emulator extension; RFC 8628 `interval`). */
  pollIntervalMs?: number;
}
export interface VerifyInput {
  mfaToken: string;
  /** Set only when the verification must yield a token for the MFA API itself (enroll after challenge). */
  audience?: string;
  scope?: string;
}
export interface VerifyOtpInput extends VerifyInput { otp: string }
/** The mfa-oob grant: with `bindingCode` for a code the message carried; alone to poll a push. */
export interface VerifyOobInput extends VerifyInput { oobCode: string; bindingCode?: string }
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
  /** The factors this app offers to enroll, in the order to show them. Default `['otp']`. */
  factors?: FactorType[];
  /** What the `mfa_required` answer that gave `mfaToken` required, when it said. */
  mfaRequirements?: MfaRequirements;
}

/** A code the user submitted, kept only while its request is in flight or waiting out a 429. */
export type CodeSubmission = { kind: 'otp'; code: string } | { kind: 'recoveryCode'; code: string };

/** What the flow was started with; fixed for its life. */
export interface MfaFlowContextSettings {
  intent: MfaIntent;
  mfaAudience: string;
  mfaTokenTtlMs: number;
  requireRecoveryCodeAck: boolean;
  /** The factors this app offers to enroll. */
  factors: FactorType[];
}

/** The chart's waits, kept as wall times so that a flow restored anywhere waits only what is left. */
export interface MfaFlowTimers {
  /** Epoch ms when the current lockout or rate-limit wait ends (null: not waiting). */
  waitUntil: number | null;
  /** Epoch ms from when "send the code again" is allowed… */
  resendAvailableAt: number | null;
  /** …and whether that time has come (`code.resend` is refused locally before). */
  canResend: boolean;
  /** How long to wait between two polls of a push (Auth0's `interval`; `slow_down` adds 5 s). */
  pollIntervalMs: number;
  /** Epoch ms of the next poll of a push. */
  nextPollAt: number | null;
}

/** The chart's context. At most 19 keys at the top (test/machines/contextShape.test.ts): XState
 *  copies it at every `assign`, and V8 keeps a copy of up to 19 keys a fast object, while a copy of
 *  more becomes a slow dictionary (see docs/benchmarks.md). */
export interface MfaFlowContext {
  settings: MfaFlowContextSettings;
  timers: MfaFlowTimers;
  mfaToken: string | null;
  /** Epoch ms when the MFA token stops working; the chart's expiry timer follows it. */
  mfaTokenExpiresAt: number | null;
  /** What `mfa_required` said the user must do (enroll or be challenged), when it said. */
  mfaRequirements: MfaRequirements | null;
  /** The ones this user may enroll now: offered, and allowed by `mfa_requirements`. */
  enrollableFactors: FactorType[];
  /** The factor being enrolled, and where its code goes. */
  factorChoice: FactorChoice | null;
  /** The associate call answered "already enrolled": challenge first, then enroll with `enrollToken`. */
  alreadyEnrolled: boolean;
  /** Listing found no authenticator and sent the flow to associate: never bounce back from there. */
  listedNone: boolean;
  /** MFA-audience access token (scope `enroll`) obtained by challenging the existing factor. */
  enrollToken: string | null;
  enrollment: Enrollment | null;
  /** The user's factors that can be challenged, with labels. */
  authenticators: ChallengeableAuthenticator[];
  authenticatorId: string | null;
  /** The `oob_code` of the current out-of-band challenge (SMS, voice, email, push). */
  oobCode: string | null;
  submission: CodeSubmission | null;
  tokens: TokenSet | null;
  newRecoveryCode: string | null;
  /** An OTP authenticator was confirmed during this flow (set when the flow ends). */
  enrolled: boolean;
  error: FlowError | null;
}

/** The events a UI sends. */
export type MfaFlowEvent =
  | { type: 'credentials.submit'; username: string; password: string }
  | { type: 'mfaToken.provide'; mfaToken: string; /** epoch ms */ expiresAt?: number; requirements?: MfaRequirements }
  /** The factor to enroll, with the phone number (E.164) or email address it needs. */
  | ({ type: 'factor.choose' } & FactorChoice)
  /** A 6-digit code: from an authenticator app, or from the SMS, call or email that was sent. */
  | { type: 'otp.submit'; otp: string }
  | { type: 'recoveryCode.submit'; recoveryCode: string }
  | { type: 'authenticator.select'; authenticatorId: string }
  /** "Use another method": back to the list of the user's factors. */
  | { type: 'authenticator.change' }
  /** "Send the code again": a new challenge, once the cooldown is over. */
  | { type: 'code.resend' }
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

/** `busy`: a request in flight (or a wait before one); `needsCode`: a code input is expected;
 *  `needsCredentials`: the sign-in form; `needsFactor`: choose a factor to enroll;
 *  `waitingForDevice`: a push waits for the phone's answer. */
export type MfaFlowTag = 'busy' | 'needsCode' | 'needsCredentials' | 'needsFactor' | 'waitingForDevice';
