// `?inspect`: a console trace of the chart (event type → state path), nothing else. It logs no
// event payloads and no context, so no code, token or secret reaches the console.
// INSPECTOR HOOK: the full inspector (mfa-flow/inspect, owned elsewhere) replaces this function;
// main.ts is the only caller.
import type { CreateMfaFlowOptions } from '../../../src/index.js';
import { statePath, type StateValue } from './statePath.js';

type Inspector = NonNullable<CreateMfaFlowOptions['inspect']>;

export function consoleTraceInspector(): Inspector {
  return (inspectionEvent) => {
    if (inspectionEvent.type !== '@xstate.snapshot') return;
    if (inspectionEvent.actorRef.sessionId !== inspectionEvent.rootId) return;
    const value = (inspectionEvent.snapshot as { value?: StateValue }).value;
    if (value === undefined) return;
    console.debug(`[mfa-flow] ${inspectionEvent.event.type} → ${statePath(value)}`);
  };
}
