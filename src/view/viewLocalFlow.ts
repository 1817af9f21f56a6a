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
      const tell = () => {
        const view = toFlowView(actor.getSnapshot());
        const text = JSON.stringify(view);
        if (text === last) return;
        last = text;
        listener(view);
      };
      // An actor that failed still has a last snapshot (status `error`, a done view): show it, and
      // keep the error from being reported as unhandled.
      const subscription = actor.subscribe({ next: tell, error: tell });
      return () => subscription.unsubscribe();
    },
  };
}
