// The page shell: picks the screen for each view of the flow (a FlowView, never the actor's
// snapshot), and keeps the parts every state shares up to date: the busy indicator (the `busy`
// tag), the error region (`error`, aria-live, tied to the fields it is about), and the panel that
// shows where the chart is.
// In your app: the code advice is a few lines of your own (see src/cli/demo/codeAdvice.ts).
import { createCodeAdvice, observedView } from '../../../src/cli/demo/codeAdvice.js';
import type { FlowViewError } from '../../../src/view/index.js';
import type { DemoConfig } from '../../server/config.js';
import { focusInput, h, markInvalid } from './dom.js';
import type { FlowSession, FlowView } from './flowSession.js';
import { challengedFactor, inState } from './viewState.js';
import { chooserView } from './views/chooser.js';
import { enrollView } from './views/enroll.js';
import { enrollMessageView } from './views/enrollMessage.js';
import { enrollPushView } from './views/enrollPush.js';
import { factorChoiceView } from './views/factorChoice.js';
import { pushWaitView } from './views/pushWait.js';
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
  factorChoice: factorChoiceView,
  enroll: enrollView,
  enrollMessage: enrollMessageView,
  enrollPush: enrollPushView,
  pushWait: pushWaitView,
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

/** One screen per step; substates of a step (idle ↔ submitting, waiting ↔ asking) update it in
 *  place, keeping what was typed. */
export function viewKeyOf(view: FlowView): ViewKey {
  if (view.status === 'done') return view.outcome === 'authenticated' ? 'result' : 'cancelled';
  if (inState(view, 'step.needMfaToken')) return 'signIn';
  if (inState(view, 'step.choosingFactor')) return 'factorChoice';
  if (inState(view, 'step.awaitingConfirmation.acknowledgingRecoveryCodes')) return 'recoveryCodes';
  if (inState(view, 'step.awaitingConfirmation.waitingForDevice')) return 'enrollPush';
  if (inState(view, 'step.awaitingConfirmation')) return view.enrollment?.factor === 'otp' ? 'enroll' : 'enrollMessage';
  if (inState(view, 'step.listing.choosing')) return 'chooser';
  if (inState(view, 'step.verifying.waitingForDevice') || inState(view, 'step.verifying.deviceAnswered')) return 'pushWait';
  // The push's own screen until its state says otherwise: no flash of the code entry in between.
  if (inState(view, 'step.verifying')) return challengedFactor(view) === 'push' ? 'pushWait' : 'verify';
  if (inState(view, 'locked')) return 'locked';
  // `lost`: a server flow the server no longer has (mfa-flow/remote); never a flow of this page.
  if (inState(view, 'failed') || view.state === 'lost') return 'failed';
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
  let shownError: FlowViewError | null = null;
  let unmarkFields = () => {};
  let lastPath = '';
  let flow: object | null = null;
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
    advice.observe(snapshotFlow, observedView(snapshot));
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

    const busy = snapshot.tags.includes('busy');
    elements.busy.hidden = !busy;
    elements.main.setAttribute('aria-busy', String(busy));
    view.root.querySelectorAll<HTMLButtonElement>('[data-submit]').forEach((button) => (button.disabled = busy));

    const error = snapshot.error;
    const answered = awaitingAnswer && !busy;
    if (answered) awaitingAnswer = false;
    const news = error !== shownError || (answered && error !== null);
    if (news) {
      shownError = error;
      // A new node each time, so that the same message twice (two wrong codes) is announced twice.
      elements.error.replaceChildren(error ? h('p', {}, error.code === 'flow_lost' ? error.message : advice.messageFor(error)) : '');
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

  function updateChartPanel(snapshot: FlowView): void {
    const path = snapshot.state;
    elements.statePath.textContent = path;
    elements.stateTags.textContent = snapshot.tags.join(', ') || '(none)';
    if (path !== lastPath) {
      lastPath = path;
      elements.stateHistory.prepend(h('li', {}, path));
      while (elements.stateHistory.children.length > HISTORY_LENGTH) elements.stateHistory.lastElementChild?.remove();
    }
  }
}
