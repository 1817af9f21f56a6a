// What `mfa-flow/emulator` exports (index.ts loads it behind the check of its optional peers).
export { createEmulator, createEmulatorApp, MAX_BODY_BYTES, type Emulator } from './app.js';
export {
  startEmulator,
  DEFAULT_HOST,
  DEFAULT_PORT,
  type RunningEmulator,
  type StartEmulatorOptions,
} from './server.js';
export {
  DEFAULT_CLIENT,
  DEFAULT_DOMAIN,
  DEFAULT_USER,
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
