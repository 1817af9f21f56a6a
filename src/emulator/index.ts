// Public entry of `mfa-flow/emulator`: the local Auth0-compatible MFA API.
export { createEmulator, createEmulatorApp, MAX_BODY_BYTES, type Emulator } from './app.js';
export { startEmulator, DEFAULT_HOST, DEFAULT_PORT, type RunningEmulator, type StartEmulatorOptions } from './server.js';
export {
  DEFAULT_CLIENT,
  DEFAULT_DOMAIN,
  DEFAULT_USER,
  GRANT_MFA_OOB,
  GRANT_MFA_OTP,
  GRANT_MFA_RECOVERY_CODE,
  GRANT_PASSWORD,
  GRANT_PASSWORD_REALM,
  PUSH_MODES,
  SUPPORTED_GRANTS,
  type EmulatorClient,
  type EmulatorOptions,
  type EmulatorUser,
  type PushMode,
} from './options.js';
export { SUPPORTED_FACTORS, type FactorName } from './factors.js';
export type { EmulatorOutbox, OutboxChannel, OutboxFilter, OutboxMessage } from './oob/outbox.js';
export type { EmulatorGuardian, GuardianDevice, PendingPushEnrollment, PushRequest } from './oob/guardian.js';
export { EMULATOR_PREFIX, EMULATOR_ROUTES } from './routes/emulatorRoutes.js';
export type { AuthenticatorKind, AuthenticatorView, EmulatorEvent, EmulatorStore } from './store.js';
