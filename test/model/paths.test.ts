// Every path of the chart, for real: xstate/graph walks the chart (user events in their
// variants, every outcome of every service, timers, restore) into a finite graph; shortest
// paths to each of its states, one more edge for every transition not yet taken, and the
// simple paths of the happy graph are then executed with the real flow against the emulator.
// Fails when any state node or transition of the machine is not reached by an executed path,
// so a new state or transition must come with a way to reach it.
import { beforeAll, describe, expect, it } from 'vitest';
import type { MfaFlowInput } from '../../machines/types.js';
import { FACTOR_TYPES } from '../../machines/factors.js';
import { EVERY_FACTOR_WORLD, eventsFor, INVENTORY, OTP_WORLD, type ChartSnapshot, type ModelEvent, type ModelWorld } from './chartModel.js';
import { chartModel, planPaths, type ChartModel, type GraphStats, type PlannedPath } from './pathPlan.js';
import { newTotals, runPlannedPath } from './pathRunner.js';

const AUDIENCE = 'https://localhost:4010/mfa/';
const CONCURRENCY = 3;

/** The happy graph: no failures, no cancel, no timers; only answers a working tenant gives. */
const happyEvents = (world: ModelWorld) => (s: ChartSnapshot): ModelEvent[] =>
  eventsFor(s, world).filter((e) => {
    // "Already enrolled" is a working tenant's answer, unless mfa_requirements just said there is nothing to challenge.
    if (e.type.startsWith('xstate.error.')) return (e.error as { code: string }).code === 'already_enrolled' && s.context.mfaRequirements?.enroll === undefined;
    if (['cancel', 'mfaToken.expired', 'flow.restored', 'flow.interrupted', 'retry'].includes(e.type) || e.type.startsWith('xstate.after.')) return false;
    if (e.type === 'otp.submit') return String(e.otp).length === 6;
    if (e.type === 'recoveryCode.submit') return String(e.recoveryCode).length >= 24;
    if (e.type === 'credentials.submit') return e.password !== '';
    if (e.type === 'authenticator.select') return !String(e.authenticatorId).includes('unknown');
    // Recovery codes come with a first enrollment only (a second one, with the enroll token, has none).
    if (e.label === 'withRecoveryCode') return s.context.enrollToken === null;
    return !['tokens', 'other', 'withoutRecoveryCode'].includes(String(e.label)) || s.context.enrollToken !== null;
  });

/** Where an every-factor graph stops exploring: an end, a wait, a session lost, or an app's code
 *  (all explored by the OTP graphs); the events into those states are still taken. */
const explored = (s: ChartSnapshot): boolean => {
  const c = s.context;
  if (s.status !== 'active' || (['failed', 'rateLimited', 'locked'] as const).some((w) => s.matches(w))) return true;
  if (s.matches({ step: 'needMfaToken' }) && c.error !== null) return true;
  const challenged = c.authenticators.find((a) => a.id === c.authenticatorId)?.factor;
  return c.factorChoice?.factor === 'otp' || challenged === 'otp';
};

const GRAPHS: Array<{ name: string; input: MfaFlowInput; world: ModelWorld; stopWhen?: (s: ChartSnapshot) => boolean; options: Parameters<typeof planPaths>[3] }> = [
  { name: 'challenge', input: { intent: 'challenge', mfaAudience: AUDIENCE }, world: OTP_WORLD, options: { simple: happyEvents(OTP_WORLD) } },
  { name: 'enroll', input: { intent: 'enroll', mfaAudience: AUDIENCE }, world: OTP_WORLD, options: { simple: happyEvents(OTP_WORLD) } },
  // Every factor offered, and a user who may have every factor: choosing, messages, pushes.
  // A large graph (thousands of states): only the paths that reach a state node or take a
  // transition no earlier path did are run, and exploring stops where the OTP graphs already went.
  {
    name: 'challenge, every factor',
    input: { intent: 'challenge', mfaAudience: AUDIENCE, factors: [...FACTOR_TYPES] },
    world: EVERY_FACTOR_WORLD,
    stopWhen: explored,
    options: { maxShortestLength: 0 },
  },
  // Enrolling another factor after a push: explored until the challenge is passed (what follows,
  // the enrollment itself, is the graph above's ground).
  {
    name: 'enroll after a push',
    input: { intent: 'enroll', mfaAudience: AUDIENCE, mfaToken: 'given', factors: [...FACTOR_TYPES], mfaRequirements: { challenge: ['push-notification'] } },
    world: EVERY_FACTOR_WORLD,
    stopWhen: (s: ChartSnapshot) => explored(s) || s.context.enrollToken !== null,
    options: { maxShortestLength: 0 },
  },
  // mfa_requirements allows none of what the app offers: nothing to enroll.
  {
    name: 'enroll, nothing the tenant allows',
    input: { intent: 'enroll', mfaAudience: AUDIENCE, mfaToken: 'given', factors: ['otp'], mfaRequirements: { enroll: ['push-notification'] } },
    world: OTP_WORLD,
    options: { maxShortestLength: 3, edges: false },
  },
  // A token given as input starts the route at once: the first steps of those graphs suffice.
  { name: 'challenge, token given', input: { intent: 'challenge', mfaAudience: AUDIENCE, mfaToken: 'given' }, world: OTP_WORLD, options: { maxShortestLength: 3, edges: false } },
  { name: 'enroll, token given', input: { intent: 'enroll', mfaAudience: AUDIENCE, mfaToken: 'given' }, world: OTP_WORLD, options: { maxShortestLength: 3, edges: false } },
];

const plan = (() => {
  const seen = new Set<string>();
  const planned: Array<{ planned: PlannedPath; model: ChartModel }> = [];
  const stats: GraphStats[] = [];
  for (const graph of GRAPHS) {
    const model = chartModel(graph.input, (s) => eventsFor(s, graph.world), graph.stopWhen);
    const result = planPaths(graph.name, model, seen, graph.options);
    stats.push(result.stats);
    for (const planned1 of result.paths) planned.push({ planned: planned1, model });
  }
  return { planned, stats };
})();

const totals = newTotals();
const failures: string[] = [];
const unhandled: unknown[] = [];

// Every planned path runs once, before the tests that read what the runs found: each test then
// stands on its own (either may run alone) and none depends on the other's order.
beforeAll(async () => {
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const started = performance.now();
  const queue = [...plan.planned];
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      try {
        await runPlannedPath(item.planned, item.model, totals);
      } catch (error) {
        failures.push(`[${item.planned.graph} / ${item.planned.kind}] ${(error as Error).message}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  report(performance.now() - started);
}, 120_000);

function report(ms: number): void {
  const real = [...totals.realised.values()].reduce((n, v) => n + v.real, 0);
  const faulted = [...totals.realised.values()].reduce((n, v) => n + v.fault, 0);
  const byKind = (kind: PlannedPath['kind']) => plan.planned.filter((p) => p.planned.kind === kind).length;
  console.log(
    [
      `chart: ${INVENTORY.states.length} state nodes, ${INVENTORY.transitions.length} transitions`,
      ...plan.stats.map((s) => `graph "${s.graph}": ${s.states} states, ${s.edges} edges → ${s.shortest} shortest + ${s.edgePaths} edge + ${s.simple} simple paths`),
      `executed ${plan.planned.length} paths (${byKind('shortest')} shortest, ${byKind('edge')} edge, ${byKind('simple')} simple), ${totals.steps} steps, ${totals.requests} requests, ${Math.round(ms)} ms`,
      `service outcomes: ${real} by the emulator itself, ${faulted} by an injected fault:`,
      ...[...totals.realised.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, { real: r, fault: f }]) => `  ${key.padEnd(42)} ${String(r).padStart(3)} real ${String(f).padStart(3)} fault`),
    ].join('\n'),
  );
}

describe('every path of the chart, against the emulator', () => {
  it('runs every planned path; each step lands in the state the graph predicts', () => {
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(unhandled.map(String)).toEqual([]);
  });

  it('reaches every state node and takes every transition of the machine', () => {
    const missingStates = INVENTORY.states.filter((s) => !totals.coverage.states.has(s));
    const missingTransitions = INVENTORY.transitions.filter((t) => !totals.coverage.transitions.has(t));
    console.log(
      `covered ${INVENTORY.states.length - missingStates.length}/${INVENTORY.states.length} state nodes, ` +
        `${INVENTORY.transitions.length - missingTransitions.length}/${INVENTORY.transitions.length} transitions`,
    );
    expect(missingStates, 'state nodes no executed path reached').toEqual([]);
    expect(missingTransitions, 'transitions no executed path took').toEqual([]);
  });
});
