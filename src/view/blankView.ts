// A view with nothing in it yet: in a file of its own, so that the browser client of server flows
// (`mfa-flow/remote`) can use it without bundling anything else of the view or the engine.
import type { FlowView } from './flowView.js';

/** A view with nothing in it yet but `fields`: what a client shows before (or instead of) a
 *  server's answer, e.g. a flow the server no longer has. */
export function blankFlowView(fields: Partial<FlowView> & Pick<FlowView, 'state'>): FlowView {
  return {
    tags: [],
    status: 'active',
    intent: 'challenge',
    enrollableFactors: [],
    factorChoice: null,
    enrollment: null,
    recoveryCodes: null,
    newRecoveryCode: null,
    authenticators: [],
    authenticatorId: null,
    canResend: false,
    resendAvailableAt: null,
    nextPollAt: null,
    error: null,
    waitUntil: null,
    mfaTokenExpiresAt: null,
    enrolled: false,
    ...fields,
  };
}
