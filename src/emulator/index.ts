// Public entry of `mfa-flow/emulator`: the local Auth0-compatible MFA API.
export { createEmulator, createEmulatorApp, MAX_BODY_BYTES, type Emulator } from './app.js';
export { startEmulator, DEFAULT_HOST, DEFAULT_PORT, type RunningEmulator, type StartEmulatorOptions } from './server.js';
export {
  DEFAULT_CLIENT,
  DEFAULT_DOMAIN,
  DEFAULT_USER,
  GRANT_MFA_OTP,
  GRANT_MFA_RECOVERY_CODE,
  GRANT_PASSWORD,
  GRANT_PASSWORD_REALM,
  SUPPORTED_GRANTS,
  type EmulatorClient,
  type EmulatorOptions,
  type EmulatorUser,
} from './options.js';
export type { AuthenticatorKind, AuthenticatorView, EmulatorEvent, EmulatorStore } from './store.js';
