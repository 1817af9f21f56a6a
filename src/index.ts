// mfa-flow: Auth0's MFA API as an explicit XState v5 statechart with ky services.
// This entry is the engine alone; persistence (`mfa-flow/persist`), redaction for inspectors
// (`mfa-flow/inspect`) and the emulator (`mfa-flow/emulator`) are entries of their own.
export {
  createMfaFlow,
  type CreateMfaFlowOptions,
  type MfaFlowActor,
  type MfaFlowSettings,
  type ResumableFlow,
  type WithClient,
  type WithClientOptions,
} from './flow/createMfaFlow.js';
export { createMfaActors, type PasswordGrantSettings } from './flow/actors.js';
export {
  DEFAULT_LOCKOUT_MS,
  DEFAULT_MFA_TOKEN_TTL_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_RATE_LIMIT_MS,
  RESEND_COOLDOWN_MS,
  MFA_FLOW_MACHINE_VERSION,
  mfaFlowMachine,
  type MfaFlowMachine,
} from '../machines/mfaFlow.js';
export { messageFor, toFlowError } from '../machines/messages.js';
export { normalizeOtp, normalizeRecoveryCode } from '../machines/codes.js';
export { FACTOR_TYPES, labelFor, normalizeEmail, normalizePhoneNumber } from '../machines/factors.js';
export type { FlowClock } from '../machines/clock.js';
export { MFA_ERROR_CODES } from '../machines/types.js';
export type {
  AuthenticatedOutput,
  Authenticator,
  ChallengeableAuthenticator,
  Enrollment,
  FactorChoice,
  FactorType,
  MfaRequirements,
  OtpEnrollment,
  FlowError,
  MfaErrorCode,
  MfaFlowContext,
  MfaFlowEvent,
  MfaFlowInput,
  MfaFlowOutput,
  MfaFlowTag,
  MfaIntent,
  TokenSet,
} from '../machines/types.js';
export {
  createMfaApiClient,
  type KyExtensions,
  type MfaApiClient,
  type MfaApiClientOptions,
  type PasswordGrantParams,
  type RequestOptions,
  type VerifyParams,
} from './api/client.js';
export { GRANT_MFA_OTP, GRANT_MFA_RECOVERY_CODE, GRANT_PASSWORD, GRANT_PASSWORD_REALM } from './api/protocol.js';
export { MfaError, isMfaError, type MfaErrorDetails } from './api/errors.js';
