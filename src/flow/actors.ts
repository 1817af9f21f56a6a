// The chart's services, made real: each invoked actor is one API call, and XState's `signal`
// goes to ky so that leaving a state aborts its request.
import { fromPromise, type ActorSystem } from 'xstate';

type AnyActorSystem = ActorSystem<any>;
import { mfaFlowMachine } from '../../machines/mfaFlow.js';
import type {
  AssociateInput,
  Authenticator,
  ChallengeInput,
  Enrollment,
  ListAuthenticatorsInput,
  PasswordGrantInput,
  PasswordGrantOutput,
  TokenSet,
  VerifyOtpInput,
  VerifyRecoveryCodeInput,
  VerifyRecoveryCodeOutput,
} from '../../machines/types.js';
import type { MfaApiClient } from '../api/client.js';

export interface ActorSettings {
  /** Audience and scope asked of the password grant (and so of the final tokens). */
  audience?: string;
  scope?: string;
  realm?: string;
  mfaTokenTtlMs: number;
  now: () => number;
}

/** One flow's services as plain calls: the API client plus the flow's settings. */
export interface FlowCalls {
  passwordGrant(input: PasswordGrantInput, signal: AbortSignal): Promise<PasswordGrantOutput>;
  associate(input: AssociateInput, signal: AbortSignal): Promise<Enrollment>;
  listAuthenticators(input: ListAuthenticatorsInput, signal: AbortSignal): Promise<Authenticator[]>;
  challenge(input: ChallengeInput, signal: AbortSignal): Promise<void>;
  verifyOtp(input: VerifyOtpInput, signal: AbortSignal): Promise<TokenSet>;
  verifyRecoveryCode(input: VerifyRecoveryCodeInput, signal: AbortSignal): Promise<VerifyRecoveryCodeOutput>;
}

export function createFlowCalls(client: MfaApiClient, settings: ActorSettings): FlowCalls {
  const { audience, scope, realm } = settings;
  return {
    async passwordGrant(input, signal) {
      const result = await client.passwordGrant(
        {
          ...input,
          ...(audience === undefined ? {} : { audience }),
          ...(scope === undefined ? {} : { scope }),
          ...(realm === undefined ? {} : { realm }),
        },
        { signal },
      );
      return result.kind === 'mfa_required' ? { ...result, expiresAt: settings.now() + settings.mfaTokenTtlMs } : result;
    },
    associate: (input, signal) => client.associate(input, { signal }),
    listAuthenticators: (input, signal) => client.listAuthenticators({ bearer: input.mfaToken }, { signal }),
    async challenge(input, signal) {
      await client.challenge(input, { signal });
    },
    verifyOtp: (input, signal) => client.verifyOtp(input, { signal }),
    verifyRecoveryCode: (input, signal) => client.verifyRecoveryCode(input, { signal }),
  };
}

/** The six invoked actors, each finding its flow's calls through `callsFor` (given the actor system). */
function servicesFrom(callsFor: (system: AnyActorSystem) => FlowCalls) {
  return {
    passwordGrant: fromPromise<PasswordGrantOutput, PasswordGrantInput>(({ input, signal, system }) =>
      callsFor(system).passwordGrant(input, signal),
    ),
    associate: fromPromise<Enrollment, AssociateInput>(({ input, signal, system }) => callsFor(system).associate(input, signal)),
    listAuthenticators: fromPromise<Authenticator[], ListAuthenticatorsInput>(({ input, signal, system }) =>
      callsFor(system).listAuthenticators(input, signal),
    ),
    challenge: fromPromise<void, ChallengeInput>(({ input, signal, system }) => callsFor(system).challenge(input, signal)),
    verifyOtp: fromPromise<TokenSet, VerifyOtpInput>(({ input, signal, system }) => callsFor(system).verifyOtp(input, signal)),
    verifyRecoveryCode: fromPromise<VerifyRecoveryCodeOutput, VerifyRecoveryCodeInput>(({ input, signal, system }) =>
      callsFor(system).verifyRecoveryCode(input, signal),
    ),
  };
}

/** Actors bound to one client, for `mfaFlowMachine.provide({ actors })` in your own wiring. */
export function createMfaActors(client: MfaApiClient, settings: ActorSettings) {
  const calls = createFlowCalls(client, settings);
  return servicesFrom(() => calls);
}

// createMfaFlow's machine is provided once, not per flow: `provide` copies the whole chart, which
// cost ~1 ms and ~60 KB per flow (npm run bench). Each flow's calls are found by its actor system.
const callsBySystem = new WeakMap<AnyActorSystem, FlowCalls>();

export const wiredMfaFlowMachine = mfaFlowMachine.provide({
  actors: servicesFrom((system) => {
    const calls = callsBySystem.get(system);
    if (calls === undefined) throw new Error('mfa-flow: this actor was not created by createMfaFlow');
    return calls;
  }),
});

export function bindFlowCalls(system: AnyActorSystem, calls: FlowCalls): void {
  callsBySystem.set(system, calls);
}
