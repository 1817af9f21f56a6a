// listing.choosing: the chart asks which authenticator to challenge. When all of them are
// authenticator apps the answer changes nothing (the server takes a code from any of them), so
// the page answers for the user with the first and says so; otherwise it asks.
import { interchangeableApp } from '../../../../src/cli/demo/authenticatorChoice.js';
import { h } from '../dom.js';
import type { ViewFactory } from './view.js';

export const chooserView: ViewFactory = (snapshot, context) => {
  const authenticators = snapshot.context.authenticators;
  const anyApp = interchangeableApp(authenticators);
  if (anyApp) {
    let shown = true;
    // After this snapshot has been handled, not from within it; not at all once the screen is gone.
    queueMicrotask(() => {
      if (shown) context.send({ type: 'authenticator.select', authenticatorId: anyApp.id });
    });
    const text = h('p', { 'data-testid': 'working' }, `You have ${authenticators.length} authenticator apps; a code from any of them works.`);
    return { root: h('section', { 'aria-label': 'In progress' }, text), dispose: () => void (shown = false) };
  }

  const options = authenticators.map((authenticator, index) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'authenticator', value: authenticator.id, checked: index === 0, 'data-testid': 'authenticator-option' }),
      h('span', {}, authenticator.name ?? authenticator.authenticatorType, ' ', h('small', {}, `(${authenticator.id})`)),
    ),
  );
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'chooser-title', 'data-testid': 'chooser' },
    h('h2', { id: 'chooser-title' }, 'How do you want to confirm it is you?'),
    h('fieldset', {}, h('legend', {}, `You have ${authenticators.length} ways to sign in.`), ...options),
    h('button', { type: 'submit', 'data-submit': true, 'data-testid': 'choose' }, 'Use this one'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = form.querySelector<HTMLInputElement>('input[name=authenticator]:checked');
    if (chosen) context.send({ type: 'authenticator.select', authenticatorId: chosen.value });
  });
  return { root: form, initialFocus: form.querySelector<HTMLInputElement>('input:checked') ?? undefined };
};
