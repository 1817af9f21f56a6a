// failed: the network, the server or its answer let us down. `retry` re-runs the step that failed.
import { h } from '../dom.js';
import type { ViewFactory } from './view.js';

const TITLES: Partial<Record<string, string>> = {
  network: 'Cannot reach the server',
  timeout: 'The server is not answering',
  server_error: 'The server had a problem',
  unsupported_factor: 'This account needs another kind of factor',
  no_authenticator: 'No authenticator to challenge',
  unauthorized_client: 'This application is not allowed to do that',
  flow_lost: 'This sign-in is no longer on the server',
};

export const failedView: ViewFactory = (view, context) => {
  const code = view.error?.code ?? 'unexpected';
  const retry = h('button', { type: 'button', 'data-testid': 'retry' }, 'Try again');
  retry.addEventListener('click', () => context.send({ type: 'retry' }));
  const startAgain = h('button', { type: 'button', class: 'secondary', 'data-testid': 'failed-start-again' }, 'Start again');
  startAgain.addEventListener('click', () => context.restart());
  const root = h(
    'section',
    { 'aria-labelledby': 'failed-title', 'data-testid': 'failed' },
    h('h2', { id: 'failed-title' }, TITLES[code] ?? 'Something went wrong'),
    h('p', {}, 'Nothing is lost: try the same step again, or start again from the sign-in.'),
    h('p', { class: 'actions' }, retry, ' ', startAgain),
  );
  return { root, initialFocus: retry };
};
