// listing.choosing: the chart asks which of the user's factors to challenge (it picks by itself
// when there is nothing to choose: one factor, or only authenticator apps).
import { h } from '../dom.js';
import type { ViewFactory } from './view.js';

export const chooserView: ViewFactory = (view, context) => {
  const authenticators = view.authenticators;

  const options = authenticators.map((authenticator, index) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'authenticator', value: authenticator.id, checked: index === 0, 'data-testid': 'authenticator-option' }),
      h('span', {}, authenticator.label),
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
