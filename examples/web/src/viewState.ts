// Where a FlowView is, read from its dotted state path: `inState(view, 'step.verifying')` is true
// in `step.verifying.idle` and every other substate. The page asks this instead of an actor's
// `matches`, since a view may come from a flow running on a server.
import type { FlowView } from './flowSession.js';

export function inState(view: FlowView, path: string): boolean {
  return view.state === path || view.state.startsWith(`${path}.`);
}

/** The factor of the authenticator being challenged. */
export function challengedFactor(view: FlowView) {
  return view.authenticators.find((authenticator) => authenticator.id === view.authenticatorId)?.factor;
}
