// Redaction for XState inspectors, two ways:
// - `redactInspector(inspector)` wraps any inspection observer (or an @statelyai/inspect
//   inspector, through its `.inspect`) so that it only ever sees redacted inspection events;
// - `inspectorRedaction` is the options object for @statelyai/inspect's own hooks
//   (`createBrowserInspector({ ...inspectorRedaction })`), whose `sanitizeContext` and
//   `sanitizeEvent` alone would miss the input and output of invoked services.
import { toObserver, type InspectionEvent, type Observer } from 'xstate';
import { redactActorRef, redactValue, sanitizeEvent, sanitizeContext, sanitizeSnapshot } from './redact.js';

/** What XState's `inspect` option takes. */
export type InspectionObserver = Observer<InspectionEvent> | ((inspectionEvent: InspectionEvent) => void);

/** An inspection observer, or an inspector that carries one as `.inspect` (as @statelyai/inspect's do). */
export type InspectorLike = InspectionObserver | { inspect: InspectionObserver };

// Fields of an inspection event that hold no runtime data: definitions and identifiers.
const PASS_THROUGH = new Set(['type', 'rootId', '_transitions']);

/**
 * A copy of an XState inspection event that holds no secret: its `event`, `snapshot`, action
 * `params` and any other data are redacted; `actorRef` and `sourceRef` become stand-ins whose
 * snapshots are redacted when read.
 */
export function redactInspectionEvent<TEvent extends InspectionEvent>(inspectionEvent: TEvent): TEvent {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inspectionEvent)) {
    if (PASS_THROUGH.has(key)) out[key] = value;
    else if ((key === 'actorRef' || key === 'sourceRef') && value !== null && typeof value === 'object') out[key] = redactActorRef(value);
    else if (key === 'event') out[key] = sanitizeEvent(value);
    else if (key === 'snapshot') out[key] = sanitizeSnapshot(value);
    else out[key] = redactValue(value);
  }
  return out as TEvent;
}

/**
 * Wraps an inspector so that it receives only redacted inspection events:
 * `createMfaFlow({ inspect: redactInspector(createBrowserInspector()) })`.
 */
export function redactInspector(inspector: InspectorLike): Observer<InspectionEvent> {
  const target = typeof inspector === 'object' && 'inspect' in inspector ? inspector.inspect : inspector;
  const observer = toObserver(target);
  return {
    next: (inspectionEvent) => observer.next?.(redactInspectionEvent(inspectionEvent)),
    error: (failure) => observer.error?.(redactValue(failure)),
    complete: () => observer.complete?.(),
  };
}

/**
 * The last step of @statelyai/inspect before an event leaves for the inspector: redacts the
 * whole event (including the live snapshot of `@xstate.actor` events and the `input`/`output`
 * of invoked services, which `sanitizeContext` does not reach) and returns plain JSON data,
 * as the browser inspector's own default `serialize` does.
 */
export function serializeRedacted<TEvent>(statelyEvent: TEvent): TEvent {
  return JSON.parse(JSON.stringify(redactValue(statelyEvent)) ?? 'null') as TEvent;
}

/**
 * Options for `createBrowserInspector`, `createWebSocketInspector` or `createInspector` of
 * @statelyai/inspect: `createWebSocketInspector({ url, ...inspectorRedaction })`.
 */
export const inspectorRedaction = {
  sanitizeContext,
  sanitizeEvent,
  serialize: serializeRedacted,
} as const;
