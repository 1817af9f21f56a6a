// awaitingConfirmation: the QR code and the secret of the new authenticator, then the first code
// from the app, which confirms the enrollment.
import { copyText, h } from '../dom.js';
import { qrSvg } from '../qr.js';
import { groupsOfFour, otpForm, otpInput } from './codeInputs.js';
import type { ViewFactory } from './view.js';

export const enrollView: ViewFactory = (view, context) => {
  const enrollment = view.enrollment?.factor === 'otp' ? view.enrollment : null;
  const secret = enrollment?.secret ?? '';
  const otp = otpInput();
  const qrSlot = h('div', { class: 'qr-slot' }, 'Drawing the QR code…');
  if (enrollment) {
    qrSvg(enrollment.barcodeUri, 'QR code to scan with your authenticator app')
      .then((qr) => qrSlot.replaceChildren(qr))
      .catch(() => qrSlot.replaceChildren('The QR code could not be drawn: enter the key below by hand.'));
  }
  const secretText = h('code', { class: 'secret', 'data-testid': 'secret', 'data-secret': secret }, groupsOfFour(secret));
  const copySecret = h('button', { type: 'button', class: 'secondary', 'data-testid': 'copy-secret' }, 'Copy key');
  copySecret.addEventListener('click', () => void copyText(secret, secretText, context.announce));

  const form = otpForm(context, otp, { label: '6-digit code from the app', hint: 'Codes change every 30 seconds; spaces are fine.', submit: 'Verify and finish' });

  const root = h(
    'section',
    { 'aria-labelledby': 'enroll-title', 'data-testid': 'enroll' },
    h('h2', { id: 'enroll-title' }, 'Set up your authenticator app'),
    h('p', {}, 'Scan this code with Google Authenticator, 1Password, Aegis or any other TOTP app.'),
    qrSlot,
    h('p', {}, 'Cannot scan? Add an account by hand with this key (time-based, 6 digits, 30 s):'),
    h('p', { class: 'secret-row' }, secretText, ' ', copySecret),
    form,
  );
  return { root, initialFocus: otp, focusAfterError: () => otp, fieldsInError: (error) => (error.code === 'invalid_otp' ? [otp] : []) };
};
