// A flow running in this process, seen through its view: the same shape as the browser client of
// server flows (`mfa-flow/remote`), so one UI drives either.
import type { MfaFlowEvent } from '../../machines/types.js';
import type { MfaFlowActor } from '../flow/createMfaFlow.js';
import { toFlowView, type FlowView } from './flowView.js';

export interface ViewedFlow {
  view(): FlowView;
  send(event: MfaFlowEvent): void;
  /** Called with each new view (not again for a snapshot that changes nothing a UI sees). */
  subscribe(listener: (view: FlowView) => void): () => void;
}

export function viewLocalFlow(actor: MfaFlowActor): ViewedFlow {
  return {
    view: () => toFlowView(actor.getSnapshot()),
    send: (event) => actor.send(event),
    subscribe(listener) {
      let last = JSON.stringify(toFlowView(actor.getSnapshot()));
      const subscription = actor.subscribe((snapshot) => {
        const view = toFlowView(snapshot);
        const text = JSON.stringify(view);
        if (text === last) return;
        last = text;
        listener(view);
      });
      return () => subscription.unsubscribe();
    },
  };
}
