// The steps with nothing to ask: a request is in flight (associating, listing, challenging) or
// the chart waits out a rate limit before retrying by itself.
import { h } from '../dom.js';
import type { FlowSnapshot } from '../flowSession.js';
import type { ViewFactory } from './view.js';

function describe(snapshot: FlowSnapshot): string {
  if (snapshot.matches({ step: 'associating' })) return 'Creating your authenticator…';
  if (snapshot.matches({ step: 'listing' })) return 'Looking up your authenticators…';
  if (snapshot.matches({ step: 'challenging' })) return 'Asking for a code…';
  if (snapshot.matches('rateLimited')) return 'The server asked us to slow down; retrying by itself shortly…';
  return 'Working…';
}

export const workingView: ViewFactory = (snapshot) => {
  const text = h('p', { 'data-testid': 'working' }, describe(snapshot));
  return {
    root: h('section', { 'aria-label': 'In progress' }, text),
    update(next) {
      text.textContent = describe(next);
    },
  };
};
