// The steps with nothing to ask: a request is in flight (associating, listing, challenging) or
// the chart waits out a rate limit before retrying by itself.
import { h } from '../dom.js';
import type { FlowView } from '../flowSession.js';
import { inState } from '../viewState.js';
import type { ViewFactory } from './view.js';

function describe(view: FlowView): string {
  if (inState(view, 'step.associating')) return 'Creating your authenticator…';
  if (inState(view, 'step.listing')) return 'Looking up your authenticators…';
  if (inState(view, 'step.challenging')) return 'Asking for a code…';
  if (inState(view, 'rateLimited')) return 'The server asked us to slow down; retrying by itself shortly…';
  return 'Working…';
}

export const workingView: ViewFactory = (view) => {
  const text = h('p', { 'data-testid': 'working' }, describe(view));
  return {
    root: h('section', { 'aria-label': 'In progress' }, text),
    update(next) {
      text.textContent = describe(next);
    },
  };
};
