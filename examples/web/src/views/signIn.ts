// needMfaToken: email, password and what the user came to do. Also where an expired session
// lands (the error says so), so signing in again is the restart.
import type { MfaIntent } from '../../../../src/index.js';
import { field, h } from '../dom.js';
import type { ViewFactory } from './view.js';

export const signInView: ViewFactory = (_snapshot, context) => {
  const demoUser = context.config.demoUser;
  const username = h('input', {
    id: 'username',
    name: 'username',
    type: 'email',
    autocomplete: 'username',
    required: true,
    value: demoUser?.email,
    'data-testid': 'username',
  });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    value: demoUser?.password,
    'data-testid': 'password',
  });
  const intentChoice = (value: MfaIntent, label: string, hint: string) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'intent', value, checked: context.intent === value, 'data-testid': `intent-${value}` }),
      h('span', {}, h('strong', {}, label), h('br'), h('small', {}, hint)),
    );

  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'sign-in-title', 'data-testid': 'sign-in-form' },
    h('h2', { id: 'sign-in-title' }, 'Sign in'),
    field('Email', username),
    field('Password', password),
    h(
      'fieldset',
      {},
      h('legend', {}, 'What do you want to do?'),
      intentChoice('challenge', 'Sign in with my second factor', 'Sets one up first if you have none yet.'),
      intentChoice('enroll', 'Set up another factor', 'Adds a new one; confirms it is you with the current one first.'),
    ),
    h('button', { type: 'submit', 'data-submit': true, 'data-testid': 'sign-in' }, 'Continue'),
    demoUser
      ? h('p', { class: 'hint' }, 'Demo user of the embedded emulator: ', h('code', {}, demoUser.email), ' / ', h('code', {}, demoUser.password))
      : null,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = (form.querySelector<HTMLInputElement>('input[name=intent]:checked')?.value ?? 'challenge') as MfaIntent;
    // The intent is fixed when a flow starts; another choice means another flow.
    if (chosen !== context.intent) context.restart(chosen);
    context.send({ type: 'credentials.submit', username: username.value, password: password.value });
  });

  return {
    root: form,
    initialFocus: username,
    focusAfterError: () => (username.value === '' ? username : password),
    fieldsInError(error) {
      if (error.code !== 'invalid_credentials') return []; // an expired session is no field's fault
      const blank = [username, password].filter((input) => input.value.trim() === '');
      // "Wrong email or password": either may be the wrong one.
      return blank.length > 0 ? blank : [username, password];
    },
  };
};
