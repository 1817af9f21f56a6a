// verifying: a code from the app, or (the way back in without the phone) a recovery code.
import { field, focusInput, h } from '../dom.js';
import { otpInput, recoveryCodeInput } from './codeInputs.js';
import type { ViewFactory } from './view.js';

export const verifyView: ViewFactory = (snapshot, context) => {
  const otp = otpInput();
  const recoveryCode = recoveryCodeInput();

  const otpForm = h(
    'form',
    { novalidate: true, 'data-testid': 'otp-form' },
    field('6-digit code from your authenticator app', otp),
    h('button', { type: 'submit', 'data-submit': true, 'data-testid': 'submit-otp' }, 'Verify'),
  );
  otpForm.addEventListener('submit', (event) => {
    event.preventDefault();
    context.send({ type: 'otp.submit', otp: otp.value });
  });

  const recoveryForm = h(
    'form',
    { novalidate: true, hidden: true, 'data-testid': 'recovery-form' },
    field('Recovery code', recoveryCode, 'The 24-character code you saved when you enrolled. It works once.'),
    h('button', { type: 'submit', 'data-submit': true, 'data-testid': 'submit-recovery-code' }, 'Sign in with the recovery code'),
  );
  recoveryForm.addEventListener('submit', (event) => {
    event.preventDefault();
    context.send({ type: 'recoveryCode.submit', recoveryCode: recoveryCode.value });
  });

  const toggle = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'data-testid': 'use-recovery-code' }, 'Use a recovery code instead');
  let usingRecoveryCode = false;
  toggle.addEventListener('click', () => {
    usingRecoveryCode = !usingRecoveryCode;
    otpForm.hidden = usingRecoveryCode;
    recoveryForm.hidden = !usingRecoveryCode;
    toggle.textContent = usingRecoveryCode ? 'Use a code from the app instead' : 'Use a recovery code instead';
    toggle.setAttribute('aria-expanded', String(usingRecoveryCode));
    focusInput(usingRecoveryCode ? recoveryCode : otp);
  });

  const root = h(
    'section',
    { 'aria-labelledby': 'verify-title', 'data-testid': 'verify' },
    h('h2', { id: 'verify-title' }, 'Enter your code'),
    h(
      'p',
      {},
      // Enrolling another app starts with a challenge of the existing one (Auth0's rule).
      snapshot.context.intent === 'enroll'
        ? 'To add another authenticator app, first confirm it is you with a code from the one you have.'
        : 'Open your authenticator app and type the current code for this account.',
    ),
    otpForm,
    recoveryForm,
    h('p', {}, toggle),
  );
  return { root, initialFocus: otp, focusAfterError: () => (usingRecoveryCode ? recoveryCode : otp) };
};
