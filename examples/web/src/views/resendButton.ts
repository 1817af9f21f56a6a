// "Send a new code" for SMS, voice and email: disabled with a countdown until the chart's cooldown
// ends (`resendAvailableAt`, `canResend`), so the user sees why it cannot be pressed yet.
import { h } from '../dom.js';
import type { FlowView } from '../flowSession.js';
import type { ViewContext } from './view.js';

export interface ResendButton {
  element: HTMLButtonElement;
  update(view: FlowView): void;
  dispose(): void;
}

export function resendButton(view: FlowView, context: ViewContext): ResendButton {
  const element = h('button', { type: 'button', class: 'secondary', 'data-testid': 'resend' }, 'Send a new code');
  element.addEventListener('click', () => context.send({ type: 'code.resend' }));
  let current = view;
  const render = () => {
    const waitMs = current.canResend || current.resendAvailableAt === null ? 0 : current.resendAvailableAt - Date.now();
    const seconds = Math.ceil(waitMs / 1000);
    element.disabled = seconds > 0;
    element.textContent = seconds > 0 ? `Send a new code (in ${seconds} s)` : 'Send a new code';
  };
  const tick = window.setInterval(render, 1000);
  render();
  return {
    element,
    update(next) {
      current = next;
      render();
    },
    dispose: () => window.clearInterval(tick),
  };
}
