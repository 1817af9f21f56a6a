// The contract between the page shell (app.ts) and one screen of the flow.
import type { MfaIntent } from '../../../../src/index.js';
import type { FlowViewError } from '../../../../src/view/index.js';
import type { DemoConfig } from '../../../server/config.js';
import type { FlowView, UiEvent } from '../flowSession.js';

export interface ViewContext {
  config: DemoConfig;
  intent: MfaIntent;
  send(event: UiEvent): void;
  restart(intent?: MfaIntent): void;
  /** Says something politely (copied, saved); errors go through the flow's `error` instead. */
  announce(message: string): void;
}

export interface View {
  root: HTMLElement;
  /** Gets focus when the view appears. */
  initialFocus?: HTMLElement;
  /** Every view of the flow while this screen is shown, the first one included. */
  update?(view: FlowView): void;
  /** Focus to move to after the flow reported an error on this view (e.g. the code input). */
  focusAfterError?(): HTMLElement | undefined;
  /** The fields `error` is about, marked `aria-invalid` and described by the error while it lasts. */
  fieldsInError?(error: FlowViewError): HTMLElement[];
  dispose?(): void;
}

export type ViewFactory = (view: FlowView, context: ViewContext) => View;
