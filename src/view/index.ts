// Public entry of `mfa-flow/view`: what a UI may render of a flow (no token, no secret it does not
// need), from a local actor or, with the same shape, from a flow run on the server.
export { statePathOf, toFlowView, type EnrollmentView, type FactorChoiceView, type FlowView, type FlowViewError, type FlowViewSource } from './flowView.js';
export { viewLocalFlow, type ViewedFlow } from './viewLocalFlow.js';
export { blankFlowView } from './blankView.js';
