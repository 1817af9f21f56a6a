// The two code inputs of the flow, with the hints phones and password managers look for.
import { field, h } from '../dom.js';
import type { ViewContext } from './view.js';

/** Six digits from an authenticator app: numeric keypad, SMS/app autofill, spaces allowed ("123 456"). */
export function otpInput(): HTMLInputElement {
  return h('input', {
    id: 'otp',
    name: 'otp',
    type: 'text',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '\\d{3} ?\\d{3}',
    maxlength: 7,
    required: true,
    spellcheck: 'false',
    'data-testid': 'otp-input',
  });
}

/** The form around an `otpInput`: submitting it sends `otp.submit` with what was typed. */
export function otpForm(context: ViewContext, otp: HTMLInputElement, text: { label: string; hint?: string; submit: string }): HTMLFormElement {
  const form = h(
    'form',
    { novalidate: true, 'data-testid': 'otp-form' },
    field(text.label, otp, text.hint),
    h('button', { type: 'submit', 'data-submit': true, 'data-testid': 'submit-otp' }, text.submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    context.send({ type: 'otp.submit', otp: otp.value });
  });
  return form;
}

/** 24 letters and digits, shown in groups; dashes and spaces are ignored by the engine. */
export function recoveryCodeInput(): HTMLInputElement {
  return h('input', {
    id: 'recovery-code',
    name: 'recovery-code',
    type: 'text',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    pattern: '[A-Za-z0-9 \\-]{24,40}',
    maxlength: 40,
    required: true,
    'data-testid': 'recovery-code-input',
  });
}

/** The form around a `recoveryCodeInput`, hidden until asked for: submitting it sends `recoveryCode.submit`. */
export function recoveryForm(context: ViewContext, recoveryCode: HTMLInputElement, hint: string): HTMLFormElement {
  const form = h(
    'form',
    { novalidate: true, hidden: true, 'data-testid': 'recovery-form' },
    field('Recovery code', recoveryCode, hint),
    h('button', { type: 'submit', 'data-submit': true, 'data-testid': 'submit-recovery-code' }, 'Sign in with the recovery code'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    context.send({ type: 'recoveryCode.submit', recoveryCode: recoveryCode.value });
  });
  return form;
}

/** Groups of four for reading aloud or typing: `ABCD EFGH …`. */
export function groupsOfFour(text: string): string {
  return text.replace(/(.{4})(?=.)/g, '$1 ');
}
