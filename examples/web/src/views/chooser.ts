// listing.choosing: the user has several authenticator apps; ask which one to use.
import { h } from '../dom.js';
import type { ViewFactory } from './view.js';

export const chooserView: ViewFactory = (snapshot, context) => {
  const apps = snapshot.context.authenticators.filter((a) => a.authenticatorType === 'otp');
  const options = apps.map((app, index) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'authenticator', value: app.id, checked: index === 0, 'data-testid': 'authenticator-option' }),
      h('span', {}, app.name ?? `Authenticator app ${index + 1}`, ' ', h('small', {}, `(${app.id})`)),
    ),
  );
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'chooser-title', 'data-testid': 'chooser' },
    h('h2', { id: 'chooser-title' }, 'Which authenticator app?'),
    h('fieldset', {}, h('legend', {}, `You have ${apps.length} authenticator apps.`), ...options),
    h('button', { type: 'submit', 'data-submit': true, 'data-testid': 'choose' }, 'Use this one'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = form.querySelector<HTMLInputElement>('input[name=authenticator]:checked');
    if (chosen) context.send({ type: 'authenticator.select', authenticatorId: chosen.value });
  });
  return { root: form, initialFocus: form.querySelector<HTMLInputElement>('input:checked') ?? undefined };
};
