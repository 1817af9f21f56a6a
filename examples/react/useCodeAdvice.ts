// useCodeAdvice: lets the demos' code advice see a flow's events and snapshots (so a reused code
// reads "already used" and a lockout is announced before it comes), and counts the answers the
// flow gave, so that the same error twice is rendered as a new node and announced twice.
import { useEffect, useRef } from 'react';
// The advice is the demos' own, shared with the web and terminal demos; copy it or leave it out.
import type { CodeAdvice } from '../../src/cli/demo/codeAdvice.js';
// In your app: import type { MfaFlowActor, MfaFlowEvent } from 'mfa-flow';
import type { MfaFlowActor, MfaFlowEvent } from '../../src/index.js';

export function useCodeAdvice(flow: MfaFlowActor, advice: CodeAdvice) {
  const answers = useRef(0);

  useEffect(() => {
    // A crash is the flow's to report (useMfaFlow's snapshot shows status 'error'), not this listener's.
    const subscription = flow.subscribe({ next: (snapshot) => advice.observe(flow, snapshot), error: () => {} });
    return () => subscription.unsubscribe();
  }, [flow, advice]);

  const send = (event: MfaFlowEvent) => {
    advice.sent(flow, event);
    answers.current += 1;
    flow.send(event);
  };
  return { send, messageFor: advice.messageFor, answerKey: answers.current };
}
