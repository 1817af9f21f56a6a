// useMfaFlow: one MFA flow per mounted component. The actor comes from createMfaFlow (so it
// keeps `persist()` and `restore`), starts on mount and stops on unmount, which aborts any
// request in flight; useSelector re-renders the component on each new snapshot.
import { useSelector } from '@xstate/react';
import { useEffect, useState } from 'react';
// In your app: import { createMfaFlow, type CreateMfaFlowOptions } from 'mfa-flow';
import { createMfaFlow, type CreateMfaFlowOptions } from '../../src/index.js';

/** `options` are read once, when the flow is made; give the component a new `key` for a new flow. */
export function useMfaFlow(options: CreateMfaFlowOptions) {
  const [flow, setFlow] = useState(() => createMfaFlow(options));

  useEffect(() => {
    // A stopped actor cannot be started again, and React's StrictMode (in development) runs
    // every effect, its cleanup, then the effect once more: start a fresh flow in that case.
    if (flow.getSnapshot().status === 'stopped') {
      setFlow(createMfaFlow(options));
      return;
    }
    flow.start();
    return () => {
      flow.stop();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- options are read once, see above
  }, [flow]);

  const snapshot = useSelector(flow, (s) => s);
  return { flow, snapshot, send: flow.send };
}
