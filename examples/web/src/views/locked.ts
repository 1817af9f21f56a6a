// locked: too many wrong codes. The chart waits out the server's time (locked.waiting), then
// lets the user retry (locked.ready); the page counts the time down meanwhile. Focus goes to the
// heading while the retry button is disabled, so it never falls to the page's body.
import { h } from '../dom.js';
import type { ViewFactory } from './view.js';

export function formatWait(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}

export const lockedView: ViewFactory = (view, context) => {
  // The chart keeps when the wait ends, so a reload mid-lockout counts down what is left.
  const deadline = view.waitUntil ?? Date.now();
  const timer = h('strong', { role: 'timer', 'data-testid': 'lockout-countdown' }, formatWait(deadline - Date.now()));
  const waiting = h('p', { 'data-testid': 'lockout-waiting' }, 'Too many wrong codes. You can try again in ', timer, '.');
  const ready = h('p', { hidden: true, 'data-testid': 'lockout-ready' }, 'You can try again now.');
  const retry = h('button', { type: 'button', disabled: true, 'data-testid': 'retry' }, 'Try again');
  const title = h('h2', { id: 'locked-title', tabindex: -1 }, 'Locked for a while');
  retry.addEventListener('click', () => context.send({ type: 'retry' }));
  const tick = window.setInterval(() => {
    timer.textContent = formatWait(deadline - Date.now());
  }, 1000);

  const root = h(
    'section',
    { 'aria-labelledby': 'locked-title', 'data-testid': 'locked' },
    title,
    waiting,
    ready,
    h('p', {}, retry),
  );
  return {
    root,
    initialFocus: title,
    update(next) {
      const isReady = next.state === 'locked.ready';
      if (isReady && retry.disabled) {
        window.clearInterval(tick);
        waiting.hidden = true;
        ready.hidden = false;
        retry.disabled = false;
        retry.focus();
      }
    },
    dispose: () => window.clearInterval(tick),
  };
};
