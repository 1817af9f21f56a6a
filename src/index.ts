// mfa-flow: Auth0's MFA API as an explicit XState v5 statechart with ky services.
export { createMfaFlow, type CreateMfaFlowOptions, type MfaFlowActor } from './flow/createMfaFlow.js';
export { createMfaActors } from './flow/actors.js';
export {
  PERSISTED_FLOW_FORMAT,
  type PersistedMfaFlow,
  type RestoreOutcome,
  type RestoreRefusal,
} from './flow/persist.js';
export {
  createMemorySnapshotStore,
  createWebStorageSnapshotStore,
  loadFlowRecord,
  saveFlowRecord,
  type SaveOptions,
  type SnapshotStore,
} from './flow/snapshotStore.js';
export { decryptPersistedFlow, encryptPersistedFlow, generateSnapshotKey } from './flow/encryption.js';
export { mfaFlowMachine, MFA_FLOW_MACHINE_VERSION, toFlowError, type MfaFlowMachine } from '../machines/mfaFlow.js';
export { normalizeOtp, normalizeRecoveryCode } from '../machines/codes.js';
export { MFA_ERROR_CODES } from '../machines/types.js';
export type {
  Authenticator,
  Enrollment,
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
  GRANT_MFA_OTP,
  GRANT_MFA_RECOVERY_CODE,
  GRANT_PASSWORD,
  GRANT_PASSWORD_REALM,
  type MfaApiClient,
  type MfaApiClientOptions,
  type PasswordGrantParams,
  type RequestOptions,
  type VerifyParams,
} from './api/client.js';
export { MfaError, isMfaError, messageFor, type MfaErrorDetails } from './api/errors.js';
