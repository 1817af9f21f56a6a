// verifying.waitingForDevice and verifying.deviceAnswered: a push went to the user's phone; the
// chart polls until it is accepted. Refused or expired, the error says so and the user sends
// another push or uses another method. While it waits, a recovery code signs in without the phone.
import { focusInput, h } from '../dom.js';
import type { FlowView } from '../flowSession.js';
import { recoveryCodeInput, recoveryForm } from './codeInputs.js';
import { otherMethodButton } from './otherMethod.js';
import type { ViewFactory } from './view.js';

const answered = (view: FlowView) => view.state === 'step.verifying.deviceAnswered';

export const pushWaitView: ViewFactory = (view, context) => {
  const title = h('h2', { id: 'push-title', tabindex: -1 }, 'Check your phone');
  const waiting = h(
    'div',
    { 'data-testid': 'push-waiting' },
    h('p', { role: 'status' }, 'We sent a push notification to the Auth0 Guardian app. Accept it there to sign in; this page goes on by itself.'),
    context.config.emulatedPhone ? h('p', { class: 'hint' }, 'On the emulator: press “Accept” or “Reject” in the emulated phone beside the chart.') : null,
  );
  const again = h('button', { type: 'button', 'data-testid': 'push-again' }, 'Send another push');
  again.addEventListener('click', () => context.send({ type: 'code.resend' }));
  const ended = h('div', { hidden: true, 'data-testid': 'push-ended' }, h('p', {}, 'No sign-in was accepted. Send another push to try again.'), h('p', {}, again));

  const recoveryCode = recoveryCodeInput();
  const recoveryCodeForm = recoveryForm(context, recoveryCode, 'The 24-character code you saved when you enrolled. It works once; you then get a new one.');
  const toggle = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'data-testid': 'use-recovery-code' }, 'No phone at hand? Use a recovery code');
  toggle.addEventListener('click', () => {
    recoveryCodeForm.hidden = !recoveryCodeForm.hidden;
    toggle.setAttribute('aria-expanded', String(!recoveryCodeForm.hidden));
    if (!recoveryCodeForm.hidden) focusInput(recoveryCode);
  });

  const root = h(
    'section',
    { 'aria-labelledby': 'push-title', 'data-testid': 'push-wait' },
    title,
    waiting,
    ended,
    recoveryCodeForm,
    h('p', { class: 'actions' }, toggle, ' ', otherMethodButton(view, context)),
  );
  return {
    root,
    initialFocus: answered(view) ? again : title,
    focusAfterError: () => (view.error?.code === 'invalid_recovery_code' ? recoveryCode : again),
    fieldsInError: (error) => (error.code === 'invalid_recovery_code' ? [recoveryCode] : []),
    update(next) {
      view = next;
      if (next.state === 'step.verifying.submittingRecoveryCode') return;
      const isAnswered = answered(next);
      // A refused recovery code leaves the chart waiting for a code, no longer for the phone.
      const wantsCode = next.state === 'step.verifying.idle';
      waiting.hidden = isAnswered || wantsCode;
      ended.hidden = !isAnswered;
      // The chart takes a recovery code while it waits for the phone, not once the push is over.
      toggle.hidden = isAnswered || wantsCode;
      recoveryCodeForm.hidden = isAnswered || (!wantsCode && toggle.getAttribute('aria-expanded') !== 'true');
    },
  };
};
