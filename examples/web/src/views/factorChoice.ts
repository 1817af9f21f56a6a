// choosingFactor: which second factor to set up, with the phone number (SMS, voice) or the email
// address it needs. The chart checks them before anything is sent (E.164, an address); its refusal
// comes back as the flow's error and marks the field it is about.
import type { FactorType } from '../../../../src/index.js';
import { field, h } from '../dom.js';
import type { ViewFactory } from './view.js';

const LABELS: Readonly<Record<FactorType, { title: string; hint: string }>> = {
  otp: { title: 'Authenticator app', hint: 'Google Authenticator, 1Password, Aegis… shows a code every 30 s.' },
  sms: { title: 'Text message (SMS)', hint: 'A code is texted to your phone.' },
  voice: { title: 'Voice call', hint: 'A code is read to you on the phone.' },
  email: { title: 'Email', hint: 'A code is sent to your email address.' },
  push: { title: 'Push notification', hint: 'The Auth0 Guardian app asks you to accept each sign-in.' },
};

export const factorChoiceView: ViewFactory = (view, context) => {
  const factors = view.enrollableFactors;
  const options = factors.map((factor, index) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'factor', value: factor, checked: index === 0, 'data-testid': `factor-${factor}` }),
      h('span', {}, h('strong', {}, LABELS[factor].title), h('br'), h('small', {}, LABELS[factor].hint)),
    ),
  );
  const phone = h('input', {
    id: 'phone-number',
    name: 'phone-number',
    type: 'tel',
    autocomplete: 'tel',
    inputmode: 'tel',
    placeholder: '+14155550123',
    'data-testid': 'phone-number',
  });
  const email = h('input', {
    id: 'factor-email',
    name: 'factor-email',
    type: 'email',
    autocomplete: 'email',
    value: context.config.demoUser?.email,
    'data-testid': 'email-for-codes',
  });
  const phoneField = field('Phone number', phone, 'With its country code, e.g. +14155550123.');
  const emailField = field('Email address for the codes', email);

  const chosen = (): FactorType => (form.querySelector<HTMLInputElement>('input[name=factor]:checked')?.value ?? factors[0] ?? 'otp') as FactorType;
  const showDetails = () => {
    const factor = chosen();
    phoneField.hidden = factor !== 'sms' && factor !== 'voice';
    emailField.hidden = factor !== 'email';
  };

  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'factor-title', 'data-testid': 'factor-choice' },
    h('h2', { id: 'factor-title' }, 'Set up a second factor'),
    h('fieldset', {}, h('legend', {}, 'How should we check it is you when you sign in?'), ...options),
    phoneField,
    emailField,
    h('button', { type: 'submit', 'data-submit': true, 'data-testid': 'choose-factor' }, 'Continue'),
  );
  form.addEventListener('change', showDetails);
  showDetails();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const factor = chosen();
    if (factor === 'sms' || factor === 'voice') context.send({ type: 'factor.choose', factor, phoneNumber: phone.value });
    else if (factor === 'email') context.send({ type: 'factor.choose', factor, email: email.value });
    else context.send({ type: 'factor.choose', factor });
  });

  const inError = (code: string) => (code === 'invalid_phone_number' ? [phone] : code === 'invalid_email' ? [email] : []);
  return {
    root: form,
    initialFocus: form.querySelector<HTMLInputElement>('input:checked') ?? undefined,
    focusAfterError: () => inError(view.error?.code ?? '')[0] ?? form.querySelector<HTMLInputElement>('input:checked') ?? undefined,
    fieldsInError: (error) => inError(error.code),
    update(next) {
      view = next;
    },
  };
};
