// What `mfa-flow/emulator` exports (index.ts loads it behind the check of its optional peers).
export { createEmulator, createEmulatorApp, MAX_BODY_BYTES, type Emulator } from './app.js';
export { startEmulator, DEFAULT_HOST, DEFAULT_PORT, type RunningEmulator, type StartEmulatorOptions } from './server.js';
export {
  DEFAULT_CLIENT,
  DEFAULT_DOMAIN,
  DEFAULT_USER,
  SUPPORTED_GRANTS,
  type EmulatorClient,
  type EmulatorOptions,
  type EmulatorUser,
} from './options.js';
export type { AuthenticatorKind, AuthenticatorView, EmulatorEvent, EmulatorStore } from './store.js';
