// "Use another method": back to the list of the user's factors, offered wherever a code or a
// push is awaited and the user has more than one factor.
import { h } from '../dom.js';
import type { FlowView } from '../flowSession.js';
import type { ViewContext } from './view.js';

export function otherMethodButton(view: FlowView, context: ViewContext): HTMLButtonElement | null {
  if (view.authenticators.length < 2) return null;
  const button = h('button', { type: 'button', class: 'link', 'data-testid': 'other-method' }, 'Use another method');
  button.addEventListener('click', () => context.send({ type: 'authenticator.change' }));
  return button;
}
