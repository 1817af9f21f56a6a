// verifying: a code from the app or from the message just sent (SMS, voice, email: with "send a
// new code" after the cooldown), or (the way back in without the phone) a recovery code; the
// instructions follow whichever of the two the user is typing. "Use another method" when the user
// has more than one factor.
import { appCount } from '../../../../src/cli/demo/authenticatorChoice.js';
import { focusInput, h } from '../dom.js';
import type { FlowView } from '../flowSession.js';
import { challengedFactor } from '../viewState.js';
import { otpForm, otpInput, recoveryCodeInput, recoveryForm } from './codeInputs.js';
import { otherMethodButton } from './otherMethod.js';
import { resendButton } from './resendButton.js';
import type { ViewFactory } from './view.js';

const RECOVERY_INSTRUCTIONS = 'No phone at hand? Sign in with the recovery code you saved when you enrolled.';

function otpInstructions(intent: string, apps: number): string {
  // Enrolling another app starts with a challenge of the existing one (Auth0's rule).
  if (intent === 'enroll') return 'To add another authenticator app, first confirm it is you with a code from the one you have.';
  // The mfa-otp grant checks the code against every app of the user: any of them will do.
  if (apps > 1) return `Open any of your ${apps} authenticator apps and type its current code for this account.`;
  return 'Open your authenticator app and type the current code for this account.';
}

/** What the code is from: the challenged authenticator's label ("SMS to ••••0123"), when a message. */
function messageLabel(view: FlowView): string | null {
  const factor = challengedFactor(view);
  if (factor !== 'sms' && factor !== 'voice' && factor !== 'email') return null;
  return view.authenticators.find((authenticator) => authenticator.id === view.authenticatorId)?.label ?? factor;
}

export const verifyView: ViewFactory = (view, context) => {
  const otp = otpInput();
  const recoveryCode = recoveryCodeInput();
  const message = messageLabel(view);
  const forOtp = message
    ? `We sent a 6-digit code (${message}). Type it here.`
    : otpInstructions(view.intent, appCount(view.authenticators));
  const instructions = h('p', { 'data-testid': 'verify-instructions' }, forOtp);
  const resend = message ? resendButton(view, context) : null;

  const codeForm = otpForm(context, otp, { label: message ? '6-digit code from the message' : '6-digit code from your authenticator app', submit: 'Verify' });

  const recoveryCodeForm = recoveryForm(context, recoveryCode, 'The 24-character code (dashes and spaces are fine). It works once; you then get a new one.');

  const toggle = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'data-testid': 'use-recovery-code' }, 'Use a recovery code instead');
  let usingRecoveryCode = false;
  toggle.addEventListener('click', () => {
    usingRecoveryCode = !usingRecoveryCode;
    codeForm.hidden = usingRecoveryCode;
    recoveryCodeForm.hidden = !usingRecoveryCode;
    toggle.textContent = usingRecoveryCode ? `Use a code from the ${message ? 'message' : 'app'} instead` : 'Use a recovery code instead';
    toggle.setAttribute('aria-expanded', String(usingRecoveryCode));
    instructions.textContent = usingRecoveryCode ? RECOVERY_INSTRUCTIONS : forOtp;
    focusInput(usingRecoveryCode ? recoveryCode : otp);
  });

  const root = h(
    'section',
    { 'aria-labelledby': 'verify-title', 'data-testid': 'verify' },
    h('h2', { id: 'verify-title' }, 'Enter your code'),
    instructions,
    codeForm,
    recoveryCodeForm,
    resend ? h('p', {}, resend.element) : null,
    h('p', { class: 'actions' }, toggle, ' ', otherMethodButton(view, context)),
  );
  return {
    root,
    initialFocus: otp,
    update: (next) => resend?.update(next),
    dispose: () => resend?.dispose(),
    focusAfterError: () => (usingRecoveryCode ? recoveryCode : otp),
    fieldsInError: (error) =>
      error.code === 'invalid_otp' || error.code === 'invalid_binding_code' ? [otp] : error.code === 'invalid_recovery_code' ? [recoveryCode] : [],
  };
};
