// Public entry of `mfa-flow/remote`: drive a flow that runs on the server (`mfa-flow/server`) from
// the browser, with the shape of a local one (`viewLocalFlow` of `mfa-flow/view`). Imports no xstate.
export { createRemoteMfaFlow, type RemoteMfaFlow, type RemoteMfaFlowOptions, type StartOptions } from './createRemoteMfaFlow.js';
export { nextRefreshAt, refreshTimes, REFRESHES_PER_TIME } from './refreshSchedule.js';
export { isRemoteFlowError, RemoteFlowError } from './remoteErrors.js';
export type { FlowView, FlowViewError } from '../view/flowView.js';
