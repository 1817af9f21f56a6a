// Public entry of `mfa-flow/emulator`: the local Auth0-compatible MFA API. Its packages (hono,
// @hono/node-server, otpauth) are optional peer dependencies of mfa-flow, so the entry loads its
// implementation behind a check that names them, with the command that installs them, when one
// is missing (a static import would fail first, with Node's bare "Cannot find package").
import { loadWithPeers, PEERS } from '../optionalPeers.js';

const emulator = await loadWithPeers('mfa-flow/emulator', PEERS.emulator, () => import('./entry.js'));

export const {
  createEmulator,
  createEmulatorApp,
  startEmulator,
  MAX_BODY_BYTES,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_CLIENT,
  DEFAULT_DOMAIN,
  DEFAULT_USER,
  PUSH_MODES,
  SUPPORTED_GRANTS,
  SUPPORTED_FACTORS,
  EMULATOR_PREFIX,
  EMULATOR_ROUTES,
} = emulator;
export type * from './entry.js';
