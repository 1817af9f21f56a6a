// authenticated (the final state): what the flow produced, without showing any token, and the
// replacement recovery code when one was spent. Also `cancelled`, the other final state.
import { copyText, h } from '../dom.js';
import { groupsOfFour } from './codeInputs.js';
import type { ViewFactory } from './view.js';

export const resultView: ViewFactory = (snapshot, context) => {
  const output = snapshot.output?.outcome === 'authenticated' ? snapshot.output : undefined;
  const tokens = output?.tokens;
  const again = h('button', { type: 'button', 'data-testid': 'start-again' }, 'Start again');
  again.addEventListener('click', () => context.restart());

  let newCode: HTMLElement | null = null;
  if (output?.newRecoveryCode) {
    const code = output.newRecoveryCode;
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
      h('dd', { 'data-testid': 'enrolled' }, output?.enrolled ? 'yes' : 'no'),
      h('dt', {}, 'Access token'),
      h('dd', {}, tokens ? `${tokens.tokenType}, expires in ${tokens.expiresIn} s (not shown)` : 'none'),
      h('dt', {}, 'Scope'),
      h('dd', {}, tokens?.scope || '(none)'),
      h('dt', {}, 'ID token'),
      h('dd', {}, tokens?.idToken ? 'received (not shown)' : 'none'),
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
