// createMfaFlow: the chart wired to a real API client, as an XState actor a UI drives with events.
import { createActor, type Actor, type ActorOptions, type Snapshot } from 'xstate';
import { mfaFlowMachine, type MfaFlowMachine } from '../../machines/mfaFlow.js';
import type { MfaIntent } from '../../machines/types.js';
import { createMfaApiClient, type MfaApiClient, type MfaApiClientOptions } from '../api/client.js';
import { createMfaActors } from './actors.js';

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
  /** A persisted XState snapshot to resume from. */
  snapshot?: Snapshot<unknown>;
  /** XState clock for the chart's timers (tests pass a SimulatedClock). */
  clock?: ActorOptions<MfaFlowMachine>['clock'];
  /** Wall clock for expiry timestamps (default Date.now). */
  now?: () => number;
}

export type MfaFlowActor = Actor<MfaFlowMachine>;

export function createMfaFlow(options: CreateMfaFlowOptions): MfaFlowActor {
  const client =
    options.client ??
    createMfaApiClient({ ...options, clientId: options.clientId ?? '' });
  const mfaTokenTtlMs = options.mfaTokenTtlMs ?? 600_000;
  const machine = mfaFlowMachine.provide({
    actors: createMfaActors(client, {
      mfaTokenTtlMs,
      now: options.now ?? Date.now,
      ...(options.audience === undefined ? {} : { audience: options.audience }),
      ...(options.scope === undefined ? {} : { scope: options.scope }),
      ...(options.realm === undefined ? {} : { realm: options.realm }),
    }),
  });
  return createActor(machine, {
    input: {
      intent: options.intent ?? 'challenge',
      mfaAudience: client.mfaAudience,
      mfaTokenTtlMs,
      ...(options.mfaToken === undefined ? {} : { mfaToken: options.mfaToken }),
      ...(options.requireRecoveryCodeAck === undefined ? {} : { requireRecoveryCodeAck: options.requireRecoveryCodeAck }),
    },
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    ...(options.snapshot === undefined ? {} : { snapshot: options.snapshot }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
}
