// Which paths of the chart to execute: shortest paths to every state of the graph, then
// "shortest path + one more edge" for each edge that takes a machine transition (or tries an
// event variant in a state node) that no chosen path has yet, and the simple paths of the
// happy graph (no failures) to `authenticated`.
import { TestModel, type StatePath } from 'xstate/graph';
import { mfaFlowMachine } from '../../machines/mfaFlow.js';
import type { MfaFlowInput } from '../../machines/types.js';
import { eventsFor, isOutcome, stateKey, transitionsOf, type ChartSnapshot, type ModelEvent } from './chartModel.js';

export type ChartPath = StatePath<ChartSnapshot, ModelEvent>;
export type ChartModel = TestModel<ChartSnapshot, ModelEvent, MfaFlowInput>;

export interface PlannedPath {
  kind: 'shortest' | 'edge' | 'simple';
  graph: string;
  path: ChartPath;
}

/**
 * createTestModel() refuses machines with invocations and delayed transitions, because it
 * cannot run them; this model does not run them either, it is given their outcomes as events
 * (the runner makes them happen for real), so the TestModel is built directly.
 */
export function chartModel(
  input: MfaFlowInput,
  events: (s: ChartSnapshot) => ModelEvent[] = (s) => eventsFor(s),
  /** States the graph does not explore further (their ways on are another graph's). */
  stopWhen?: (s: ChartSnapshot) => boolean,
): ChartModel {
  return new TestModel(mfaFlowMachine as never, {
    events: events as never,
    serializeState: ((s: ChartSnapshot) => stateKey(s)) as never,
    input,
    ...(stopWhen === undefined ? {} : { stopWhen }),
  } as never) as unknown as ChartModel;
}

/** Serialisation of an event that ignores how the runner will realise it (labels included). */
const eventKey = (e: ModelEvent) => JSON.stringify(e);

export interface GraphStats {
  graph: string;
  states: number;
  edges: number;
  shortest: number;
  edgePaths: number;
  simple: number;
}

/** Paths for one graph; `seen` carries the coverage already planned by earlier graphs. */
export function planPaths(
  graph: string,
  model: ChartModel,
  seen: Set<string>,
  options: { edges?: boolean; maxShortestLength?: number; simple?: (s: ChartSnapshot) => ModelEvent[] } = {},
): { paths: PlannedPath[]; stats: GraphStats } {
  const adjacency = model.getAdjacencyMap();
  const byState = new Map<string, ChartPath>();
  for (const path of model.getShortestPaths({ allowDuplicatePaths: true })) byState.set(stateKey(path.state), path);

  const paths: PlannedPath[] = [];
  const take = (kind: PlannedPath['kind'], path: ChartPath) => {
    paths.push({ kind, graph, path });
    let previous: ChartSnapshot | undefined;
    for (const step of path.steps) {
      if (previous) for (const item of coverageItems(previous, step.event)) seen.add(item);
      previous = step.state;
    }
  };

  for (const path of model.getShortestPaths()) {
    if (options.maxShortestLength === undefined || path.steps.length <= options.maxShortestLength) take('shortest', path);
  }
  let edgePaths = 0;
  if (options.edges !== false) {
    // Shallow edges first: their paths are the shortest.
    const sources = Object.entries(adjacency).sort(([a], [b]) => (byState.get(a)?.steps.length ?? 0) - (byState.get(b)?.steps.length ?? 0));
    for (const [key, { state, transitions }] of sources) {
      const head = byState.get(key);
      if (!head) continue;
      for (const { event, state: next } of Object.values(transitions) as Array<{ event: ModelEvent; state: ChartSnapshot }>) {
        if (coverageItems(state, event).every((item) => seen.has(item))) continue;
        take('edge', { state: next, steps: [...head.steps, { event, state: next }], weight: head.weight + 1 });
        edgePaths++;
      }
    }
  }
  let simple = 0;
  if (options.simple) {
    const happy = chartModel(model.options.input as MfaFlowInput, options.simple, (model.options as { stopWhen?: (s: ChartSnapshot) => boolean }).stopWhen);
    for (const path of happy.getSimplePaths({ toState: (s) => s.status === 'done' })) {
      take('simple', path);
      simple++;
    }
  }
  const edges = Object.values(adjacency).reduce((n, v) => n + Object.keys(v.transitions).length, 0);
  return {
    paths,
    stats: { graph, states: Object.keys(adjacency).length, edges, shortest: paths.length - edgePaths - simple, edgePaths, simple },
  };
}

/** What one step contributes: the machine transitions it takes, and (state node, event variant). */
function coverageItems(from: ChartSnapshot, event: ModelEvent): string[] {
  if (event.type === 'xstate.init') return [];
  const taken = transitionsOf(mfaFlowMachine, from, event);
  const atomic = from._nodes.filter((n) => n.type === 'atomic').map((n) => n.id);
  const variant = isOutcome(event) ? `${event.type.split('.actor.')[0]}:${eventKey({ ...event, type: '' })}` : eventKey(event);
  return [...[...taken.transitions].map((t) => `t:${t}`), ...atomic.map((id) => `v:${id}:${variant}`)];
}
