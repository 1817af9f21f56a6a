// The page shell: picks the view for each snapshot, and keeps the parts every state shares up to
// date: the busy indicator (the `busy` tag), the error region (`context.error`, aria-live, tied to
// the fields it is about), and the panel that shows where the chart is.
// In your app: the code advice is a few lines of your own (see src/cli/demo/codeAdvice.ts).
import { createCodeAdvice } from '../../../src/cli/demo/codeAdvice.js';
import type { FlowError, MfaFlowActor } from '../../../src/index.js';
import type { DemoConfig } from '../../server/config.js';
import { focusInput, h, markInvalid } from './dom.js';
import type { FlowSession, FlowSnapshot } from './flowSession.js';
import { statePath } from './statePath.js';
import { chooserView } from './views/chooser.js';
import { enrollView } from './views/enroll.js';
import { failedView } from './views/failed.js';
import { lockedView } from './views/locked.js';
import { recoveryCodesView } from './views/recoveryCodes.js';
import { cancelledView, resultView } from './views/result.js';
import { signInView } from './views/signIn.js';
import { verifyView } from './views/verify.js';
import type { View, ViewContext, ViewFactory } from './views/view.js';
import { workingView } from './views/working.js';

const VIEWS = {
  signIn: signInView,
  enroll: enrollView,
  recoveryCodes: recoveryCodesView,
  chooser: chooserView,
  verify: verifyView,
  locked: lockedView,
  failed: failedView,
  working: workingView,
  result: resultView,
  cancelled: cancelledView,
} satisfies Record<string, ViewFactory>;
type ViewKey = keyof typeof VIEWS;

/** One view per screen; substates of a screen (idle ↔ submitting) update it in place, keeping what was typed. */
export function viewKeyOf(snapshot: FlowSnapshot): ViewKey {
  if (snapshot.status === 'done') return snapshot.matches('authenticated') ? 'result' : 'cancelled';
  if (snapshot.matches({ step: 'needMfaToken' })) return 'signIn';
  if (snapshot.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } })) return 'recoveryCodes';
  if (snapshot.matches({ step: 'awaitingConfirmation' })) return 'enroll';
  if (snapshot.matches({ step: { listing: 'choosing' } })) return 'chooser';
  if (snapshot.matches({ step: 'verifying' })) return 'verify';
  if (snapshot.matches('locked')) return 'locked';
  if (snapshot.matches('failed')) return 'failed';
  return 'working';
}

export interface AppElements {
  view: HTMLElement;
  main: HTMLElement;
  busy: HTMLElement;
  error: HTMLElement;
  status: HTMLElement;
  statePath: HTMLElement;
  stateTags: HTMLElement;
  stateHistory: HTMLOListElement;
  restart: HTMLButtonElement;
}

const HISTORY_LENGTH = 12;

export function mountApp(session: FlowSession, config: DemoConfig, elements: AppElements): void {
  let current: { key: ViewKey; view: View } | null = null;
  let shownError: FlowError | null = null;
  let unmarkFields = () => {};
  let lastPath = '';
  let flow: MfaFlowActor | null = null;
  // An event from the page is waiting for the flow's answer: its error is news even when it is the
  // very same object as before (the chart reuses one for every malformed code).
  let awaitingAnswer = false;
  // One for the page: a code spent in one flow is still on the phone in the next.
  const advice = createCodeAdvice(config.attempts ? { attempts: config.attempts } : {});

  const context: ViewContext = {
    config,
    get intent() {
      return session.intent;
    },
    send: (event) => {
      if (flow) advice.sent(flow, event);
      awaitingAnswer = true;
      session.send(event);
    },
    restart: (intent) => session.restart(intent),
    announce: (message) => elements.status.replaceChildren(h('p', {}, message)),
  };
  elements.restart.addEventListener('click', () => session.restart());
  if (session.restore.status === 'refused') {
    // The last page load left a flow this page cannot resume whole (expired, another version).
    context.announce(`Your previous sign-in could not be resumed (${session.restore.code}); starting again.`);
  }

  session.subscribe((snapshot, snapshotFlow) => {
    flow = snapshotFlow;
    advice.observe(snapshotFlow, snapshot);
    const key = viewKeyOf(snapshot);
    let mounted = false;
    if (current === null || current.key !== key) {
      current?.view.dispose?.();
      // What was said on the last screen ("Copied…") is not about this one.
      if (current !== null) elements.status.replaceChildren();
      const view = VIEWS[key](snapshot, context);
      elements.view.replaceChildren(view.root);
      current = { key, view };
      mounted = true;
    }
    const { view } = current;
    view.update?.(snapshot);

    const busy = snapshot.hasTag('busy');
    elements.busy.hidden = !busy;
    elements.main.setAttribute('aria-busy', String(busy));
    view.root.querySelectorAll<HTMLButtonElement>('[data-submit]').forEach((button) => (button.disabled = busy));

    const error = snapshot.context.error;
    const answered = awaitingAnswer && !busy;
    if (answered) awaitingAnswer = false;
    const news = error !== shownError || (answered && error !== null);
    if (news) {
      shownError = error;
      // A new node each time, so that the same message twice (two wrong codes) is announced twice.
      elements.error.replaceChildren(error ? h('p', {}, advice.messageFor(error)) : '');
      elements.error.dataset.errorCode = error?.code ?? '';
      if (error && !mounted && !busy) focusInput(view.focusAfterError?.(), true);
    }
    if (news || mounted) {
      unmarkFields();
      unmarkFields = error ? markInvalid(view.fieldsInError?.(error) ?? [], elements.error) : () => {};
    }
    if (mounted) focusInput(view.initialFocus);

    updateChartPanel(snapshot);
  });

  function updateChartPanel(snapshot: FlowSnapshot): void {
    const path = statePath(snapshot.value);
    elements.statePath.textContent = path;
    elements.stateTags.textContent = [...snapshot.tags].sort().join(', ') || '(none)';
    if (path !== lastPath) {
      lastPath = path;
      elements.stateHistory.prepend(h('li', {}, path));
      while (elements.stateHistory.children.length > HISTORY_LENGTH) elements.stateHistory.lastElementChild?.remove();
    }
  }
}
