// createMfaFlow: the chart wired to a real API client, as an XState actor a UI drives with events.
import { createActor, type Actor, type ActorOptions } from 'xstate';
import type { FlowClock } from '../../machines/clock.js';
import type { MfaFlowMachine } from '../../machines/mfaFlow.js';
import type { FactorType, MfaFlowEvent, MfaIntent, MfaRequirements } from '../../machines/types.js';
import type { MfaApiClient, MfaApiClientOptions } from '../api/client.js';
import { bindFlowCalls, sharedFlowCalls, wiredMfaFlowMachine, type PasswordGrantSettings } from './actors.js';
import { sharedMfaApiClient } from './sharedClients.js';

/** A persisted flow that `mfa-flow/persist` checked and found this chart can resume whole. */
export interface ResumableFlow {
  readonly snapshot: unknown;
  /** Only `mfa-flow/persist` makes these (`loadFlow`, `readFlowRecord`). */
  readonly checkedBy: 'mfa-flow/persist';
}

/** What every flow may set, whichever way it gets its API client. */
export interface MfaFlowSettings extends PasswordGrantSettings {
  /** `challenge` (default): list, challenge, verify, enrolling first if the user has nothing.
   *  `enroll`: associate a new OTP authenticator, challenging the existing one first if needed. */
  intent?: MfaIntent;
  /** The factors this app offers to enroll, in the order to show them (default `['otp']`). */
  factors?: FactorType[];
  /** Start from an MFA token you already have (skips the password step)… */
  mfaToken?: string;
  /** …and when it stops working (epoch ms); default `mfaTokenTtlMs` from now… */
  mfaTokenExpiresAt?: number;
  /** …and what the `mfa_required` answer that gave it required, when it said. */
  mfaRequirements?: MfaRequirements;
  /** Lifetime of an MFA token whose expiry is not known, default 600 000 ms (Auth0's 10 minutes). */
  mfaTokenTtlMs?: number;
  /** Wait for `recoveryCodes.acknowledge` after a first enrollment (default true). */
  requireRecoveryCodeAck?: boolean;
  /** Any XState inspector (e.g. from `@statelyai/inspect`; wrap it with `mfa-flow/inspect` to redact). */
  inspect?: ActorOptions<MfaFlowMachine>['inspect'];
  /** A persisted flow to resume, from `loadFlow` or `readFlowRecord` of `mfa-flow/persist`. */
  resume?: ResumableFlow;
  /** The clock of the chart's timers and of its sense of wall time (`now()`, Date.now when absent).
   *  Tests pass XState's SimulatedClock. */
  clock?: FlowClock;
}

/** Either an API client of your own… */
export interface WithClient {
  client: MfaApiClient;
}
/** …or the options to make one (`clientId` and `baseUrl` or `domain`, and the rest). */
export type WithClientOptions = MfaApiClientOptions & { client?: never };

export type CreateMfaFlowOptions = MfaFlowSettings & (WithClient | WithClientOptions);

/** The flow: an XState actor whose `send` takes the events a UI may send. */
export type MfaFlowActor = Omit<Actor<MfaFlowMachine>, 'send'> & {
  send(event: MfaFlowEvent): void;
};

export function createMfaFlow(options: CreateMfaFlowOptions): MfaFlowActor {
  const client = options.client ?? sharedMfaApiClient(options);
  const { resume } = options;
  const actor = createActor(wiredMfaFlowMachine, {
    input: {
      intent: options.intent ?? 'challenge',
      mfaAudience: client.mfaAudience,
      ...(options.mfaToken === undefined ? {} : { mfaToken: options.mfaToken }),
      ...(options.mfaTokenExpiresAt === undefined ? {} : { mfaTokenExpiresAt: options.mfaTokenExpiresAt }),
      ...(options.mfaRequirements === undefined ? {} : { mfaRequirements: options.mfaRequirements }),
      ...(options.factors === undefined ? {} : { factors: options.factors }),
      ...(options.mfaTokenTtlMs === undefined ? {} : { mfaTokenTtlMs: options.mfaTokenTtlMs }),
      ...(options.requireRecoveryCodeAck === undefined ? {} : { requireRecoveryCodeAck: options.requireRecoveryCodeAck }),
    },
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    ...(resume === undefined ? {} : { snapshot: resume.snapshot as never }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  bindFlowCalls(actor.system, sharedFlowCalls(client, options));
  if (resume !== undefined) {
    // XState persists no timers: the chart re-arms them from the wall times it keeps.
    const start = actor.start.bind(actor);
    actor.start = () => {
      start();
      actor.send({ type: 'flow.restored' });
      return actor;
    };
  }
  return actor;
}
