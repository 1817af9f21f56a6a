// The chart's services, made real: each invoked actor is one API call, and XState's `signal`
// goes to ky so that leaving a state aborts its request. What a client answers is checked before
// the chart sees it, so that a custom client's malformed answer is an `invalid_response` like a
// malformed answer from the network, never a crash inside the chart.
import { fromPromise, type ActorSystem } from 'xstate';
import { mfaFlowMachine } from '../../machines/mfaFlow.js';
import type {
  AssociateInput,
  Authenticator,
  ChallengeInput,
  ChallengeOutput,
  Enrollment,
  ListAuthenticatorsInput,
  PasswordGrantInput,
  PasswordGrantOutput,
  TokenSet,
  VerifyOobInput,
  VerifyOtpInput,
  VerifyRecoveryCodeInput,
  VerifyRecoveryCodeOutput,
} from '../../machines/types.js';
import type { MfaApiClient } from '../api/client.js';
import { MfaError } from '../api/errors.js';

type AnyActorSystem = ActorSystem<any>;

/** What a flow asks of the password grant, beyond the user's credentials. */
export interface PasswordGrantSettings {
  /** Audience and scope of the password grant, and so of the tokens the flow ends with. */
  audience?: string;
  scope?: string;
  /** Database connection for the password-realm grant. */
  realm?: string;
}

export type VerifyCodeInput = VerifyOtpInput & { oobCode?: string };

/** One flow's services as plain calls: the API client plus the flow's settings. */
export interface FlowCalls {
  passwordGrant(input: PasswordGrantInput, signal: AbortSignal): Promise<PasswordGrantOutput>;
  associate(input: AssociateInput, signal: AbortSignal): Promise<Enrollment>;
  listAuthenticators(input: ListAuthenticatorsInput, signal: AbortSignal): Promise<Authenticator[]>;
  challenge(input: ChallengeInput, signal: AbortSignal): Promise<ChallengeOutput>;
  /** A typed code: an authenticator app's, or (with its `oobCode`) the one a message carried. */
  verifyCode(input: VerifyCodeInput, signal: AbortSignal): Promise<TokenSet>;
  /** One poll of a push. */
  pollDevice(input: VerifyOobInput, signal: AbortSignal): Promise<TokenSet>;
  verifyRecoveryCode(input: VerifyRecoveryCodeInput, signal: AbortSignal): Promise<VerifyRecoveryCodeOutput>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Resolves to the answer when `valid` accepts it; otherwise the request failed as `invalid_response`. */
async function checked<T>(answer: Promise<T>, valid: (value: unknown) => boolean): Promise<T> {
  const value = await answer;
  if (!valid(value)) throw new MfaError('invalid_response', { cause: new TypeError('the API client answered a malformed value') });
  return value;
}

const isTokenSet = (value: unknown) => isObject(value) && isText(value.accessToken) && typeof value.expiresIn === 'number';
const isAuthenticator = (value: unknown) =>
  isObject(value) && isText(value.id) && isText(value.authenticatorType) && typeof value.active === 'boolean';

export function createFlowCalls(client: MfaApiClient, settings: PasswordGrantSettings = {}): FlowCalls {
  const { audience, scope, realm } = settings;
  const grantSettings = {
    ...(audience === undefined ? {} : { audience }),
    ...(scope === undefined ? {} : { scope }),
    ...(realm === undefined ? {} : { realm }),
  };
  return {
    passwordGrant: (input, signal) =>
      checked(client.passwordGrant({ ...input, ...grantSettings }, { signal }), (v) =>
        isObject(v) && (v.kind === 'mfa_required' ? isText(v.mfaToken) : v.kind === 'tokens' && isTokenSet(v.tokens)),
      ),
    associate: (input, signal) =>
      checked(client.associate(input, { signal }), (v) =>
        isObject(v) && v.factor === input.factor && (v.factor === 'otp' ? isText(v.secret) && isText(v.barcodeUri) : isText(v.oobCode))),
    listAuthenticators: (input, signal) =>
      checked(client.listAuthenticators({ bearer: input.mfaToken }, { signal }), (v) => Array.isArray(v) && v.every(isAuthenticator)),
    challenge: (input, signal) =>
      checked(client.challenge(input, { signal }), (v) => isObject(v) && (input.factor === 'otp' || isText(v.oobCode))),
    verifyCode: ({ oobCode, otp, ...verify }, signal) =>
      checked(
        oobCode === undefined ? client.verifyOtp({ ...verify, otp }, { signal }) : client.verifyOob({ ...verify, oobCode, bindingCode: otp }, { signal }),
        isTokenSet,
      ),
    pollDevice: (input, signal) => checked(client.verifyOob(input, { signal }), isTokenSet),
    verifyRecoveryCode: (input, signal) =>
      checked(client.verifyRecoveryCode(input, { signal }), (v) => isObject(v) && isTokenSet(v.tokens)),
  };
}

/** The seven invoked actors, each finding its flow's calls through `callsFor` (given the actor system). */
function servicesFrom(callsFor: (system: AnyActorSystem) => FlowCalls) {
  return {
    passwordGrant: fromPromise<PasswordGrantOutput, PasswordGrantInput>(({ input, signal, system }) =>
      callsFor(system).passwordGrant(input, signal),
    ),
    associate: fromPromise<Enrollment, AssociateInput>(({ input, signal, system }) => callsFor(system).associate(input, signal)),
    listAuthenticators: fromPromise<Authenticator[], ListAuthenticatorsInput>(({ input, signal, system }) =>
      callsFor(system).listAuthenticators(input, signal),
    ),
    challenge: fromPromise<ChallengeOutput, ChallengeInput>(({ input, signal, system }) => callsFor(system).challenge(input, signal)),
    verifyCode: fromPromise<TokenSet, VerifyCodeInput>(({ input, signal, system }) => callsFor(system).verifyCode(input, signal)),
    pollDevice: fromPromise<TokenSet, VerifyOobInput>(({ input, signal, system }) => callsFor(system).pollDevice(input, signal)),
    verifyRecoveryCode: fromPromise<VerifyRecoveryCodeOutput, VerifyRecoveryCodeInput>(({ input, signal, system }) =>
      callsFor(system).verifyRecoveryCode(input, signal),
    ),
  };
}

/** Actors bound to one client, for `mfaFlowMachine.provide({ actors })` in your own wiring. */
export function createMfaActors(client: MfaApiClient, settings: PasswordGrantSettings = {}) {
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

// Flows of one client and one set of password-grant settings share their calls: a server running
// thousands of flows keeps one set per tenant instead of seven closures per flow.
const callsByClient = new WeakMap<MfaApiClient, Map<string, FlowCalls>>();

/** The calls of `client` with `settings`, made once and shared. */
export function sharedFlowCalls(client: MfaApiClient, settings: PasswordGrantSettings): FlowCalls {
  const key = `${settings.audience ?? ''}\n${settings.scope ?? ''}\n${settings.realm ?? ''}`;
  let bySettings = callsByClient.get(client);
  if (bySettings === undefined) callsByClient.set(client, (bySettings = new Map()));
  let calls = bySettings.get(key);
  if (calls === undefined) bySettings.set(key, (calls = createFlowCalls(client, settings)));
  return calls;
}
