// useRemoteMfaFlow: the same { viewed, view } as useMfaFlow, for a flow that runs on the server
// (`mfa-flow/server`, reached with `mfa-flow/remote`): the page holds a cookie and views, never a
// token. On mount it takes up this browser's flow in progress, or starts one.
import { useEffect, useState } from 'react';
// In your app: import { createRemoteMfaFlow, type RemoteMfaFlow } from 'mfa-flow/remote';
//              import { blankFlowView, type FlowView, type ViewedFlow } from 'mfa-flow/view';
import type { FactorType, MfaIntent } from '../../src/index.js';
import { createRemoteMfaFlow, type RemoteMfaFlow } from '../../src/remote/index.js';
import { blankFlowView, type FlowView, type ViewedFlow } from '../../src/view/index.js';

export interface RemoteFlowOptions {
  /** Where the app mounts `mfa-flow/server`, e.g. `/mfa-flow`. */
  url: string;
  intent: MfaIntent;
  factors?: FactorType[];
}

/** What the screen shows until the server has answered: busy, nothing to type yet. */
const STARTING: FlowView = blankFlowView({ state: 'starting', tags: ['busy'] });

function viewOf(remote: RemoteMfaFlow): ViewedFlow {
  return {
    view: () => remote.view() ?? STARTING,
    // A request that gets no view (the server unreachable) leaves the last one on screen.
    send: (event) => void remote.send(event).catch(() => undefined),
    subscribe: (listener) => remote.subscribe(listener),
  };
}

const idle: ViewedFlow = { view: () => STARTING, send: () => {}, subscribe: () => () => {} };

export function useRemoteMfaFlow(options: RemoteFlowOptions) {
  const [viewed, setViewed] = useState<ViewedFlow>(idle);
  useEffect(() => {
    // One client per mount (React's StrictMode mounts twice in development: the first is dropped
    // before it starts anything).
    const remote = createRemoteMfaFlow({ url: options.url });
    let dropped = false;
    remote
      .refresh()
      .then((found) => (dropped || (found.state !== 'lost' && found.status !== 'done') ? found : remote.start({ intent: options.intent, ...(options.factors ? { factors: options.factors } : {}) })))
      .then(() => dropped || setViewed(viewOf(remote)))
      .catch(() => undefined);
    return () => {
      dropped = true;
      remote.stop();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- options are read once, as useMfaFlow's
  }, []);

  const [view, setView] = useState<FlowView>(() => viewed.view());
  useEffect(() => {
    setView(viewed.view());
    return viewed.subscribe(setView);
  }, [viewed]);
  return { viewed, view };
}
