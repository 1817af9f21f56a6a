// verifying.waitingForDevice and verifying.deviceAnswered: a push went to the user's phone; the
// chart polls until it is accepted. Refused or expired, the error says so and the user sends
// another push or uses another method.
import { h } from '../dom.js';
import type { FlowView } from '../flowSession.js';
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

  const root = h(
    'section',
    { 'aria-labelledby': 'push-title', 'data-testid': 'push-wait' },
    title,
    waiting,
    ended,
    h('p', { class: 'actions' }, otherMethodButton(view, context)),
  );
  return {
    root,
    initialFocus: answered(view) ? again : title,
    focusAfterError: () => again,
    update(next) {
      const isAnswered = answered(next);
      waiting.hidden = isAnswered;
      ended.hidden = !isAnswered;
    },
  };
};
