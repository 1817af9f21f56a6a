// createMfaFlow: the chart wired to a real API client, as an XState actor a UI drives with
// events, plus `persist()` to resume it after a reload, a crash or a move to another server.
import { createActor, type Actor, type ActorOptions, type Snapshot } from 'xstate';
import type { MfaFlowMachine } from '../../machines/mfaFlow.js';
import type { MfaIntent } from '../../machines/types.js';
import { createMfaApiClient, type MfaApiClient, type MfaApiClientOptions } from '../api/client.js';
import { bindFlowCalls, createFlowCalls, wiredMfaFlowMachine } from './actors.js';
import {
  checkPersistedFlow,
  createPersistedFlow,
  waitStartedMs,
  type FlowClockRecord,
  type PersistedMfaFlow,
  type RestoreOutcome,
} from './persist.js';

export interface CreateMfaFlowOptions extends Omit<MfaApiClientOptions, 'clientId'> {
  clientId?: string;
  /** `challenge` (default): list, challenge, verify, enrolling first if the user has nothing.
   *  `enroll`: associate a new OTP authenticator, challenging the existing one first if needed. */
  intent?: MfaIntent;
  /** Audience and scope of the password grant, and so of the tokens the flow ends with. */
  audience?: string;
  scope?: string;
  /** Database connection for the password-realm grant. */
  realm?: string;
  /** Start from an MFA token you already have (skips the password step). */
  mfaToken?: string;
  /** Lifetime of an MFA token, default 600 000 ms (Auth0's 10 minutes). */
  mfaTokenTtlMs?: number;
  /** Wait for `recoveryCodes.acknowledge` after a first enrollment (default true). */
  requireRecoveryCodeAck?: boolean;
  /** An API client of your own; otherwise one is made from the options above. */
  client?: MfaApiClient;
  /** Any XState inspector (e.g. from `@statelyai/inspect`; wrap it with `mfa-flow/inspect` to redact). */
  inspect?: ActorOptions<MfaFlowMachine>['inspect'];
  /** A record from `flow.persist()` (or `loadFlowRecord`) to resume. One that cannot be resumed
   *  whole (other chart version, expired token, unreadable) is refused: the flow starts fresh and
   *  `flow.restore` says why. */
  snapshot?: PersistedMfaFlow | unknown;
  /** XState clock for the chart's timers (tests pass a SimulatedClock). */
  clock?: ActorOptions<MfaFlowMachine>['clock'];
  /** Wall clock for expiry timestamps (default Date.now). */
  now?: () => number;
}

export type MfaFlowActor = Actor<MfaFlowMachine> & {
  /** A JSON-serialisable record to resume this flow later, or null once it has ended. */
  persist(): PersistedMfaFlow | null;
  /** Whether `options.snapshot` was resumed, or refused (and why). */
  readonly restore: RestoreOutcome;
};

export function createMfaFlow(options: CreateMfaFlowOptions): MfaFlowActor {
  const client = options.client ?? createMfaApiClient({ ...options, clientId: options.clientId ?? '' });
  const now = options.now ?? Date.now;
  const mfaTokenTtlMs = options.mfaTokenTtlMs ?? 600_000;
  const calls = createFlowCalls(client, {
    mfaTokenTtlMs,
    now,
    ...(options.audience === undefined ? {} : { audience: options.audience }),
    ...(options.scope === undefined ? {} : { scope: options.scope }),
    ...(options.realm === undefined ? {} : { realm: options.realm }),
  });

  const checked = options.snapshot === undefined ? undefined : checkPersistedFlow(options.snapshot, now());
  const resumed = checked?.ok ? checked.persisted : undefined;
  const restore: RestoreOutcome =
    checked === undefined ? { status: 'fresh' } : checked.ok ? { status: 'restored' } : { status: 'refused', code: checked.code };

  const actor = createActor(wiredMfaFlowMachine, {
    input: {
      intent: options.intent ?? 'challenge',
      mfaAudience: client.mfaAudience,
      mfaTokenTtlMs,
      ...(options.mfaToken === undefined ? {} : { mfaToken: options.mfaToken }),
      ...(options.requireRecoveryCodeAck === undefined ? {} : { requireRecoveryCodeAck: options.requireRecoveryCodeAck }),
    },
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    ...(resumed === undefined ? {} : { snapshot: resumed.snapshot as unknown as Snapshot<unknown> }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });

  bindFlowCalls(actor.system, calls);

  // XState keeps no wall times and persists no timers: remember when the token and any wait end.
  const clocks: FlowClockRecord = {
    mfaTokenExpiresAt: resumed?.mfaTokenExpiresAt ?? null,
    waitUntil: resumed?.waitUntil ?? null,
  };
  let seenToken = resumed?.snapshot.context.mfaToken ?? null;
  let seenWait: unknown = resumed?.waitUntil == null ? null : JSON.stringify(resumed.snapshot.value);
  actor.subscribe({
    next(snapshot) {
      const { context } = snapshot;
      if (context.mfaToken !== seenToken) {
        seenToken = context.mfaToken;
        clocks.mfaTokenExpiresAt = seenToken === null ? null : (context.mfaTokenExpiresAt ?? now() + context.mfaTokenTtlMs);
      }
      const wait = waitStartedMs(context, snapshot.value);
      const key = wait === null ? null : JSON.stringify(snapshot.value);
      if (key !== seenWait) {
        seenWait = key;
        clocks.waitUntil = wait === null ? null : now() + wait;
      }
    },
    error() {},
  });

  const start = actor.start.bind(actor);
  return Object.assign(actor, {
    restore,
    start() {
      start();
      if (resumed !== undefined) {
        const at = now();
        actor.send({
          type: 'flow.restored',
          mfaTokenExpiresInMs: resumed.mfaTokenExpiresAt === null ? null : resumed.mfaTokenExpiresAt - at,
          waitRemainingMs: resumed.waitUntil === null ? null : resumed.waitUntil - at,
        });
      }
      return actor;
    },
    persist() {
      return createPersistedFlow(actor.getSnapshot(), actor.getPersistedSnapshot(), clocks, now());
    },
  }) as MfaFlowActor;
}
