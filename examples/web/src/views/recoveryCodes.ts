// awaitingConfirmation.acknowledgingRecoveryCodes: the recovery code of a first enrollment, the
// only copy the user will ever see, with a copy button and an explicit "I saved it".
import { copyText, h } from '../dom.js';
import { groupsOfFour } from './codeInputs.js';
import type { ViewFactory } from './view.js';

export const recoveryCodesView: ViewFactory = (view, context) => {
  const codes = view.recoveryCodes ?? [];
  const list = h(
    'ul',
    { class: 'codes', 'data-testid': 'recovery-codes' },
    ...codes.map((code) => h('li', {}, h('code', { 'data-testid': 'recovery-code', 'data-code': code }, groupsOfFour(code)))),
  );
  const copy = h('button', { type: 'button', class: 'secondary', 'data-testid': 'copy-recovery-codes' }, 'Copy');
  copy.addEventListener('click', () => void copyText(codes.join('\n'), list, context.announce));
  const acknowledge = h('button', { type: 'button', 'data-testid': 'acknowledge' }, 'I have saved it, continue');
  acknowledge.addEventListener('click', () => context.send({ type: 'recoveryCodes.acknowledge' }));

  const root = h(
    'section',
    { 'aria-labelledby': 'recovery-title', 'data-testid': 'recovery' },
    h('h2', { id: 'recovery-title' }, 'Save your recovery code'),
    h('p', {}, 'Your second factor is set up. If you lose it, this code signs you in once. Keep it somewhere safe: it will not be shown again.'),
    list,
    h('p', { class: 'actions' }, copy, ' ', acknowledge),
  );
  return { root, initialFocus: copy };
};
