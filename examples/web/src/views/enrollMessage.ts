// awaitingConfirmation for SMS, voice and email: the code the message carried confirms the new
// factor. On the emulator the message shows up in the emulated phone beside the chart.
import type { FlowView } from '../flowSession.js';
import { h } from '../dom.js';
import { otpForm, otpInput } from './codeInputs.js';
import type { ViewFactory } from './view.js';

const BY: Readonly<Record<string, string>> = { sms: 'by text message', voice: 'by a voice call', email: 'by email' };

function sentTo(view: FlowView): string {
  const factor = view.enrollment?.factor ?? 'sms';
  const to = view.factorChoice?.phoneNumber ?? view.factorChoice?.email;
  return `We sent a 6-digit code ${BY[factor] ?? ''}${to ? ` to ${to}` : ''}. Type it here to finish.`;
}

export const enrollMessageView: ViewFactory = (view, context) => {
  const otp = otpInput();
  const form = otpForm(context, otp, { label: '6-digit code from the message', hint: 'The code works for 5 minutes.', submit: 'Verify and finish' });
  const root = h(
    'section',
    { 'aria-labelledby': 'enroll-title', 'data-testid': 'enroll-message' },
    h('h2', { id: 'enroll-title' }, 'Enter the code we sent'),
    h('p', { 'data-testid': 'sent-to' }, sentTo(view)),
    form,
  );
  return { root, initialFocus: otp, focusAfterError: () => otp, fieldsInError: (error) => (error.code === 'invalid_binding_code' || error.code === 'invalid_otp' ? [otp] : []) };
};
