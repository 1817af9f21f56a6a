// Public entry of `mfa-flow/server`: flows run on the app's server (the client secret and the MFA
// token never reach the browser), one UI event per request, stored between requests. Redis is
// in `mfa-flow/server/redis`; the browser side is `mfa-flow/remote`.
export { createMfaFlowHandler, type MfaFlowHandler } from './handler.js';
export type { AuthenticatedSignIn, MfaFlowHandlerOptions, MfaFlowHandlerSettings, ServerMfaToken } from './options.js';
export type { FlowStore, StoredFlowText } from './flowStore.js';
export { createMemoryFlowStore, type MemoryFlowStoreOptions } from './memoryStore.js';
export { SERVER_ERRORS, type ServerErrorCode } from './answers.js';
export { FLOW_COOKIE } from './cookies.js';
export { UI_EVENT_TYPES } from './uiEvents.js';
export type { FlowView } from '../view/flowView.js';
