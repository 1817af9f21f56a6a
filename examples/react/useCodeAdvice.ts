// useCodeAdvice: lets the demos' code advice see a flow's events and views (so a reused code
// reads "already used" and a lockout is announced before it comes), and counts the events sent,
// so that the same error twice is rendered as a new node and announced twice.
import { useEffect, useRef, useState } from 'react';
// The advice is the demos' own, shared with the web and terminal demos; copy it or leave it out.
import { observedView, type CodeAdvice } from '../../src/cli/demo/codeAdvice.js';
// In your app: import type { MfaFlowEvent } from 'mfa-flow'; import type { FlowView, ViewedFlow } from 'mfa-flow/view';
import type { FlowError, MfaFlowEvent } from '../../src/index.js';
import type { FlowView, FlowViewError, ViewedFlow } from '../../src/view/index.js';

export function useCodeAdvice(viewed: ViewedFlow, advice: CodeAdvice) {
  // State, not a ref: an event the chart answers with the very same view (a second malformed
  // code) still renders the error anew.
  const [answerKey, setAnswerKey] = useState(0);
  // The advice knows an error by the object it observed; each view is a fresh copy, so the error
  // the screen renders is matched to that object by its content.
  const observedError = useRef<FlowError | null>(null);

  useEffect(() => {
    const see = (view: FlowView) => {
      observedError.current = view.error?.code === 'flow_lost' ? null : view.error;
      advice.observe(viewed, observedView(view));
    };
    see(viewed.view());
    return viewed.subscribe(see);
  }, [viewed, advice]);

  const messageFor = (error: FlowViewError) => {
    if (error.code === 'flow_lost') return error.message;
    const seen = observedError.current;
    return advice.messageFor(seen !== null && seen.code === error.code && seen.message === error.message ? seen : error);
  };

  const send = (event: MfaFlowEvent) => {
    advice.sent(viewed, event);
    setAnswerKey((key) => key + 1);
    viewed.send(event);
  };
  return { send, messageFor, answerKey };
}
