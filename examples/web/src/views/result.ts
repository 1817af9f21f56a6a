// authenticated (the final state): what the flow produced, and the replacement recovery code when
// one was spent. Also `cancelled`, the other final state. The view carries no token at all (a flow
// on a server keeps them there): the page says that tokens were received, nothing about them.
import { copyText, h } from '../dom.js';
import { groupsOfFour } from './codeInputs.js';
import type { ViewFactory } from './view.js';

export const resultView: ViewFactory = (view, context) => {
  const again = h('button', { type: 'button', 'data-testid': 'start-again' }, 'Start again');
  again.addEventListener('click', () => context.restart());

  let newCode: HTMLElement | null = null;
  if (view.newRecoveryCode) {
    const code = view.newRecoveryCode;
    const text = h('code', { 'data-testid': 'new-recovery-code', 'data-code': code }, groupsOfFour(code));
    const copy = h('button', { type: 'button', class: 'secondary', 'data-testid': 'copy-new-recovery-code' }, 'Copy');
    copy.addEventListener('click', () => void copyText(code, text, context.announce));
    newCode = h(
      'div',
      { class: 'notice' },
      h('h3', {}, 'Your new recovery code'),
      h('p', {}, 'The code you used is spent. This one replaces it; save it now, it is shown only once.'),
      h('p', {}, text, ' ', copy),
    );
  }

  const root = h(
    'section',
    { 'aria-labelledby': 'result-title', 'data-testid': 'result' },
    h('h2', { id: 'result-title' }, 'You are signed in'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'New authenticator enrolled'),
      h('dd', { 'data-testid': 'enrolled' }, view.enrolled ? 'yes' : 'no'),
      h('dt', {}, 'Tokens'),
      h('dd', { 'data-testid': 'tokens' }, context.config.serverFlows ? 'kept on the server (this page never had them)' : 'received by the app (never shown)'),
    ),
    newCode,
    h('p', {}, again),
  );
  return { root, initialFocus: newCode?.querySelector('button') ?? again };
};

export const cancelledView: ViewFactory = (_snapshot, context) => {
  const again = h('button', { type: 'button', 'data-testid': 'start-again' }, 'Start again');
  again.addEventListener('click', () => context.restart());
  const root = h('section', { 'aria-labelledby': 'cancelled-title', 'data-testid': 'cancelled' },
    h('h2', { id: 'cancelled-title' }, 'Cancelled'),
    h('p', {}, 'The flow was cancelled and its requests aborted.'),
    h('p', {}, again));
  return { root, initialFocus: again };
};
