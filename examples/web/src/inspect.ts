// `?inspect`: the Stately inspector (https://stately.ai/inspect, opened in a new window) on the
// running chart, fed through mfa-flow/inspect so it never receives a secret, plus a console
// trace of the chart (event type → state path) that logs no payloads and needs no network.
import { createBrowserInspector } from '@statelyai/inspect';
import { toObserver } from 'xstate';
import type { CreateMfaFlowOptions } from '../../../src/index.js';
// In your app: import { redactInspector } from 'mfa-flow/inspect';
import { redactInspector } from '../../../src/inspect/index.js';
import { statePath, type StateValue } from './statePath.js';

type Inspector = NonNullable<CreateMfaFlowOptions['inspect']>;

/** What `?inspect` turns on: the redacted Stately inspector and the console trace. */
export function demoInspector(): Inspector {
  const stately = redactInspector(createBrowserInspector());
  const trace = toObserver(consoleTraceInspector());
  return (inspectionEvent) => {
    stately.next?.(inspectionEvent);
    trace.next?.(inspectionEvent);
  };
}

export function consoleTraceInspector(): Inspector {
  return (inspectionEvent) => {
    if (inspectionEvent.type !== '@xstate.snapshot') return;
    if (inspectionEvent.actorRef.sessionId !== inspectionEvent.rootId) return;
    const value = (inspectionEvent.snapshot as { value?: StateValue }).value;
    if (value === undefined) return;
    console.debug(`[mfa-flow] ${inspectionEvent.event.type} → ${statePath(value)}`);
  };
}
