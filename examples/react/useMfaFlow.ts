// useMfaFlow: one MFA flow per mounted component, seen through its view (`mfa-flow/view`): the
// component renders a FlowView and sends events, so the same screen could drive a flow that runs
// on a server. The actor comes from createMfaFlow, starts on mount and stops on unmount, which
// aborts any request in flight.
import { useEffect, useMemo, useState } from 'react';
// In your app: import { createMfaFlow, type CreateMfaFlowOptions } from 'mfa-flow';
//              import { viewLocalFlow } from 'mfa-flow/view';
import { createMfaFlow, type CreateMfaFlowOptions } from '../../src/index.js';
import { viewLocalFlow } from '../../src/view/index.js';

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

  const viewed = useMemo(() => viewLocalFlow(flow), [flow]);
  const [view, setView] = useState(() => viewed.view());
  useEffect(() => {
    setView(viewed.view());
    return viewed.subscribe(setView);
  }, [viewed]);
  return { flow, viewed, view };
}
