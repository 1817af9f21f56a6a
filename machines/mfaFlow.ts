// The MFA statechart: every step of Auth0's MFA API flow, for every factor (authenticator app,
// SMS, voice, email, push), its branches and its failure modes. Pure: services are named
// placeholders that `src/flow/` (or a test) provides; wall time comes from the actor's clock
// (clock.ts); no I/O here.
//
// Shape: the steps of the flow live in `step`; the interruptions (`failed`, `locked`,
// `rateLimited`) live beside it, so leaving a step for one of them records where the flow was
// (history states) and `retry` or the end of a wait goes back there. Every wait is a state with a
// delay read from a wall time in the context (a lockout, a rate limit, the next poll of a push,
// the end of a resend cooldown), so a flow restored anywhere waits only what is left. What an
// interrupted request becomes when a flow is persisted is declared on each request state
// (`flow.interrupted`), with a safe default on the root.
import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import { msUntil, wallTime } from './clock.js';
import { normalizeOtp, normalizeRecoveryCode } from './codes.js';
import {
  challengeableAuthenticators,
  enrollableFactors,
  isMessageFactor,
  needsNoDetails,
  normalizeEmail,
  normalizePhoneNumber,
} from './factors.js';
import { flowError, LOCAL_REFUSALS, toFlowError } from './messages.js';
import type {
  AssociateInput,
  Authenticator,
  ChallengeInput,
  ChallengeOutput,
  Enrollment,
  FactorChoice,
  ListAuthenticatorsInput,
  MfaErrorCode,
  MfaFlowContext,
  MfaFlowInput,
  MfaFlowMachineEvent,
  MfaFlowOutput,
  MfaFlowTag,
  MfaFlowTimers,
  MfaRequirements,
  PasswordGrantInput,
  PasswordGrantOutput,
  TokenSet,
  VerifyInput,
  VerifyOobInput,
  VerifyOtpInput,
  VerifyRecoveryCodeInput,
  VerifyRecoveryCodeOutput,
} from './types.js';

/** Bumped whenever a change makes persisted snapshots of an older chart unsafe to restore. */
export const MFA_FLOW_MACHINE_VERSION = 4;

/** Auth0's MFA tokens live 10 minutes; a token whose expiry nobody told the chart gets this. */
export const DEFAULT_MFA_TOKEN_TTL_MS = 600_000;
/** Waits used when a 429 carries no usable Retry-After / x-ratelimit-reset header. */
export const DEFAULT_LOCKOUT_MS = 60_000;
export const DEFAULT_RATE_LIMIT_MS = 1_000;
/** RFC 8628's default polling interval, and what `slow_down` adds to it. */
export const DEFAULT_POLL_INTERVAL_MS = 5_000;
/** How long after a code was sent "send it again" becomes possible. */
export const RESEND_COOLDOWN_MS = 30_000;

const MFA_TOKEN_EXPIRY = 'mfaTokenExpiry';

function placeholder<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(`mfaFlow: the "${name}" service was not provided (use createMfaFlow or machine.provide)`);
  });
}

/** Enrolling another factor needs an access token for the MFA API itself, obtained by passing a
 *  challenge of the existing one: this flow still has to get it. */
const mustEnrollAfterChallenge = (context: MfaFlowContext) =>
  context.settings.intent === 'enroll' && context.alreadyEnrolled && context.enrollToken === null;

function verifyInput(context: MfaFlowContext): VerifyInput {
  const base = { mfaToken: context.mfaToken ?? '' };
  return mustEnrollAfterChallenge(context) ? { ...base, audience: context.settings.mfaAudience, scope: 'enroll' } : base;
}

const submittedCode = (context: MfaFlowContext) => context.submission?.code ?? '';

/** The factor of the authenticator being challenged. */
const challengedFactor = (context: MfaFlowContext) => context.authenticators.find((a) => a.id === context.authenticatorId)?.factor;

const errorIn = (error: unknown, codes: readonly MfaErrorCode[]) => codes.includes(toFlowError(error).code);

/** Why a factor choice cannot be enrolled, or null when it can. One rule for the guard and the refusal. */
function factorChoiceProblem(context: MfaFlowContext, choice: FactorChoice): keyof typeof LOCAL_REFUSALS | null {
  if (!context.enrollableFactors.includes(choice.factor)) return 'unofferedFactor';
  if ((choice.factor === 'sms' || choice.factor === 'voice') && normalizePhoneNumber(choice.phoneNumber ?? '') === null) return 'badPhoneNumber';
  if (choice.factor === 'email' && normalizeEmail(choice.email ?? '') === null) return 'badEmail';
  return null;
}

/** The part of the context that belongs to one MFA token: where a flow starts, and what losing
 *  the token resets. */
const NO_MFA_SESSION = {
  mfaToken: null,
  mfaTokenExpiresAt: null,
  mfaRequirements: null,
  enrollableFactors: [],
  factorChoice: null,
  alreadyEnrolled: false,
  listedNone: false,
  enrollToken: null,
  enrollment: null,
  authenticators: [],
  authenticatorId: null,
  oobCode: null,
  submission: null,
} satisfies Partial<MfaFlowContext>;

/** The timers of a code or push that was sent, when there is none. */
const NO_CODE_SENT = { resendAvailableAt: null, canResend: false, nextPollAt: null } satisfies Partial<MfaFlowTimers>;

export const mfaFlowMachine = setup({
  types: {
    context: {} as MfaFlowContext,
    events: {} as MfaFlowMachineEvent,
    input: {} as MfaFlowInput,
    output: {} as MfaFlowOutput,
    tags: {} as MfaFlowTag,
  },
  actors: {
    passwordGrant: placeholder<PasswordGrantOutput, PasswordGrantInput>('passwordGrant'),
    associate: placeholder<Enrollment, AssociateInput>('associate'),
    listAuthenticators: placeholder<Authenticator[], ListAuthenticatorsInput>('listAuthenticators'),
    challenge: placeholder<ChallengeOutput, ChallengeInput>('challenge'),
    /** A typed code: an app's (mfa-otp grant), or a message's with its `oob_code` (mfa-oob grant). */
    verifyCode: placeholder<TokenSet, VerifyOtpInput & { oobCode?: string }>('verifyCode'),
    /** One poll of a push: the mfa-oob grant with the `oob_code` alone. */
    pollDevice: placeholder<TokenSet, VerifyOobInput>('pollDevice'),
    verifyRecoveryCode: placeholder<VerifyRecoveryCodeOutput, VerifyRecoveryCodeInput>('verifyRecoveryCode'),
  },
  delays: {
    /** Whatever the wait (lockout, rate limit), it ends at `waitUntil`, wherever the flow runs. */
    wait: ({ context, system }) => msUntil(system, context.timers.waitUntil),
    nextPoll: ({ context, system }) => msUntil(system, context.timers.nextPollAt),
    resendCooldown: ({ context, system }) => msUntil(system, context.timers.resendAvailableAt),
  },
  guards: {
    hasMfaToken: ({ context }) => context.mfaToken !== null,
    credentialsPresent: (_, params: { username: string; password: string }) =>
      params.username.trim() !== '' && params.password !== '',
    otpWellFormed: (_, params: { otp: string }) => normalizeOtp(params.otp) !== null,
    recoveryCodeWellFormed: (_, params: { recoveryCode: string }) => normalizeRecoveryCode(params.recoveryCode) !== null,
    // What a failed request means, read from the error its service threw.
    unreachable: (_, params: { error: unknown }) => errorIn(params.error, ['network', 'timeout', 'server_error', 'invalid_response', 'unexpected']),
    sessionLost: (_, params: { error: unknown }) => errorIn(params.error, ['mfa_token_expired', 'mfa_token_invalid']),
    slowedDown: (_, params: { error: unknown }) => errorIn(params.error, ['rate_limited']),
    codeRefused: (_, params: { error: unknown }) =>
      errorIn(params.error, ['invalid_otp', 'invalid_binding_code', 'invalid_recovery_code']),
    lockedOut: (_, params: { error: unknown }) => errorIn(params.error, ['too_many_attempts', 'too_many_messages']),
    codeDead: (_, params: { error: unknown }) => errorIn(params.error, ['oob_code_expired', 'push_rejected']),
    stillPending: (_, params: { error: unknown }) => errorIn(params.error, ['authorization_pending']),
    pollingTooFast: (_, params: { error: unknown }) => errorIn(params.error, ['slow_down']),
    mfaRequired: (_, params: { output: PasswordGrantOutput }) => params.output.kind === 'mfa_required',
    /** Never bounce: associate → listing happens once, and not after listing sent us here. */
    mayChallengeExisting: ({ context }, params: { error: unknown }) =>
      toFlowError(params.error).code === 'already_enrolled' && !context.listedNone && context.enrollToken === null,
    intentIsEnroll: ({ context }) => context.settings.intent === 'enroll',
    /** `mfa_required` said the user has no factor yet: enroll one, no probing associate. */
    mustEnroll: ({ context }) => (context.mfaRequirements?.enroll?.length ?? 0) > 0,
    /** `mfa_required` said the user has factors to be challenged with. */
    canBeChallenged: ({ context }) => (context.mfaRequirements?.challenge?.length ?? 0) > 0,
    alreadyEnrolled: ({ context }) => context.alreadyEnrolled,
    factorChosen: ({ context }) => context.factorChoice !== null,
    nothingToEnroll: ({ context }) => context.enrollableFactors.length === 0,
    onlyFactorNeedsNothing: ({ context }) =>
      context.enrollableFactors.length === 1 && needsNoDetails(context.enrollableFactors[0]!),
    factorChoiceAcceptable: ({ context }, params: FactorChoice) => factorChoiceProblem(context, params) === null,
    enrollingPush: ({ context }) => context.enrollment?.factor === 'push',
    challengingPush: ({ context }) => challengedFactor(context) === 'push',
    pushPending: ({ context }) => challengedFactor(context) === 'push' && context.oobCode !== null,
    /** One factor to challenge, or only authenticator apps (the mfa-otp grant takes a code of any). */
    noChoiceToMake: (_, params: { listed: readonly Authenticator[] }) => {
      const factors = challengeableAuthenticators(params.listed);
      return factors.length > 0 && (factors.length === 1 || factors.every((a) => a.factor === 'otp'));
    },
    severalToChooseFrom: (_, params: { listed: readonly Authenticator[] }) => challengeableAuthenticators(params.listed).length > 1,
    /** Active authenticators, none of a factor this chart knows (e.g. WebAuthn). */
    onlyUnknownFactors: (_, params: { listed: readonly Authenticator[] }) =>
      params.listed.some((a) => a.active && a.authenticatorType !== 'recovery-code'),
    selectableAuthenticator: ({ context }, params: { authenticatorId: string }) =>
      context.authenticators.some((a) => a.id === params.authenticatorId),
    otherMethodsListed: ({ context }) => context.authenticators.length > 1,
    messageChallenged: ({ context }) => isMessageFactor(challengedFactor(context)),
    resendable: ({ context }) => isMessageFactor(challengedFactor(context)) && context.timers.canResend,
    coolingDown: ({ context }) => isMessageFactor(challengedFactor(context)) && !context.timers.canResend,
    mustAcknowledgeRecoveryCodes: ({ context }) =>
      context.settings.requireRecoveryCodeAck && (context.enrollment?.recoveryCodes?.length ?? 0) > 0,
    mustEnrollAfterChallenge: ({ context }) => mustEnrollAfterChallenge(context),
  },
  actions: {
    clearError: assign({ error: null }),
    setError: assign((_, params: { error: unknown }) => ({ error: toFlowError(params.error) })),
    refuse: assign((_, params: { refusal: keyof typeof LOCAL_REFUSALS }) => ({ error: { ...LOCAL_REFUSALS[params.refusal] } })),
    refuseFactorChoice: assign(({ context }, params: FactorChoice) => ({
      error: { ...LOCAL_REFUSALS[factorChoiceProblem(context, params) ?? 'unofferedFactor'] },
    })),
    clearSubmission: assign({ submission: null }),
    keepTokens: assign((_, params: { output: TokenSet }) => ({ tokens: params.output, submission: null })),
    keepEnrollToken: assign((_, params: { output: TokenSet }) => ({ enrollToken: params.output.accessToken, oobCode: null, submission: null })),
    forgetFactorChoice: assign({ factorChoice: null }),
    forgetOobCode: assign({ oobCode: null }),
    storeOtp: assign((_, params: { otp: string }) => ({
      submission: { kind: 'otp' as const, code: normalizeOtp(params.otp) ?? '' },
      error: null,
    })),
    storeRecoveryCode: assign((_, params: { recoveryCode: string }) => ({
      submission: { kind: 'recoveryCode' as const, code: normalizeRecoveryCode(params.recoveryCode) ?? '' },
      error: null,
    })),
    storeFactorChoice: assign((_, params: FactorChoice) => ({
      error: null,
      factorChoice:
        params.factor === 'sms' || params.factor === 'voice'
          ? { factor: params.factor, phoneNumber: normalizePhoneNumber(params.phoneNumber ?? '') ?? '' }
          : params.factor === 'email'
            ? { factor: params.factor, email: normalizeEmail(params.email ?? '') ?? '' }
            : { factor: params.factor },
    })),
    offerFactors: assign(({ context }) => ({ enrollableFactors: enrollableFactors(context.settings.factors, context.mfaRequirements) })),
    chooseOnlyFactor: assign(({ context }) => ({ factorChoice: { factor: context.enrollableFactors[0]! } })),
    /** A new MFA token: kept with its expiry (given, or the default lifetime from now) and what
     *  `mfa_required` said of it, and the expiry timer armed to fire exactly then. */
    acceptMfaToken: enqueueActions(
      (
        { context, system, enqueue },
        params: { mfaToken: string; expiresAt: number | null | undefined; requirements: MfaRequirements | null | undefined },
      ) => {
        const expiresAt = params.expiresAt ?? wallTime(system) + context.settings.mfaTokenTtlMs;
        enqueue.assign({ mfaToken: params.mfaToken, mfaTokenExpiresAt: expiresAt, mfaRequirements: params.requirements ?? null, error: null });
        enqueue.cancel(MFA_TOKEN_EXPIRY);
        enqueue.raise({ type: 'mfaToken.expired' }, { id: MFA_TOKEN_EXPIRY, delay: msUntil(system, expiresAt) });
      },
    ),
    /** After a restore: the token keeps the lifetime it had left, not a fresh one. */
    rearmMfaTokenExpiry: enqueueActions(({ context, system, enqueue }) => {
      if (context.mfaToken === null) return;
      enqueue.cancel(MFA_TOKEN_EXPIRY);
      enqueue.raise({ type: 'mfaToken.expired' }, { id: MFA_TOKEN_EXPIRY, delay: msUntil(system, context.mfaTokenExpiresAt) });
    }),
    /** A wait starts: it ends when the server said, or after `fallbackMs`. Kept as a wall time so
     *  that a flow restored elsewhere waits only what is left. */
    startWait: assign(({ context, system }, params: { fallbackMs: number }) => ({
      timers: { ...context.timers, waitUntil: wallTime(system) + (context.error?.retryAfterMs ?? params.fallbackMs) },
    })),
    endWait: assign(({ context }) => ({ timers: { ...context.timers, waitUntil: null }, error: null })),
    /** A code went out (or a push, or an association answered): "send it again" after the cooldown;
     *  a push is polled after an interval. */
    codeSent: assign(
      ({ context, system }, params: { oobCode: string | undefined; pollIntervalMs?: number | undefined; enrollment?: Enrollment }) => {
      const now = wallTime(system);
      const pollIntervalMs = params.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
      return {
        enrollment: params.enrollment ?? context.enrollment,
        oobCode: params.oobCode ?? null,
        timers: { ...context.timers, resendAvailableAt: now + RESEND_COOLDOWN_MS, canResend: false, pollIntervalMs, nextPollAt: now + pollIntervalMs },
        error: null,
      };
      },
    ),
    /** The device has not answered yet: ask again after the interval (lengthened when told to slow down). */
    pollLater: assign(({ context, system }, params: { slower: boolean }) => {
      const pollIntervalMs = context.timers.pollIntervalMs + (params.slower ? DEFAULT_POLL_INTERVAL_MS : 0);
      return { timers: { ...context.timers, pollIntervalMs, nextPollAt: wallTime(system) + pollIntervalMs } };
    }),
    /** Once the tokens are in hand the MFA token has no more use: drop it and its timer, so that
     *  a slow read of the recovery codes is never cut short by the token's expiry. */
    retireMfaToken: enqueueActions(({ enqueue }) => {
      enqueue.cancel(MFA_TOKEN_EXPIRY);
      enqueue.assign({ mfaToken: null, mfaTokenExpiresAt: null, enrollToken: null, oobCode: null, submission: null });
    }),
    /** A finished flow keeps only what its output needs: no MFA token, secret, code or address. */
    forgetSecrets: enqueueActions(({ context, enqueue }) => {
      enqueue.cancel(MFA_TOKEN_EXPIRY);
      enqueue.assign({
        ...NO_MFA_SESSION,
        timers: { ...context.timers, ...NO_CODE_SENT, waitUntil: null },
        enrolled: context.enrollment !== null && context.tokens !== null,
      });
    }),
    /** Losing the MFA token ends everything obtained with it; a new token starts the route afresh. */
    forgetMfaToken: enqueueActions(({ context, enqueue }) => {
      enqueue.cancel(MFA_TOKEN_EXPIRY);
      enqueue.assign({ ...NO_MFA_SESSION, timers: { ...context.timers, ...NO_CODE_SENT } });
    }),
  },
}).createMachine({
  id: 'mfaFlow',
  context: ({ input }) => ({
    settings: {
      intent: input.intent,
      mfaAudience: input.mfaAudience,
      mfaTokenTtlMs: input.mfaTokenTtlMs ?? DEFAULT_MFA_TOKEN_TTL_MS,
      requireRecoveryCodeAck: input.requireRecoveryCodeAck ?? true,
      factors: input.factors ?? ['otp'],
    },
    timers: { ...NO_CODE_SENT, waitUntil: null, pollIntervalMs: DEFAULT_POLL_INTERVAL_MS },
    ...NO_MFA_SESSION,
    mfaToken: input.mfaToken ?? null,
    mfaTokenExpiresAt: input.mfaTokenExpiresAt ?? null,
    mfaRequirements: input.mfaRequirements ?? null,
    tokens: null,
    newRecoveryCode: null,
    enrolled: false,
    error: null,
  }),
  output: ({ context }): MfaFlowOutput =>
    context.tokens === null
      ? { outcome: 'cancelled' }
      : { outcome: 'authenticated', tokens: context.tokens, newRecoveryCode: context.newRecoveryCode, enrolled: context.enrolled },
  initial: 'step',
  on: {
    cancel: { target: '.cancelled', actions: 'clearSubmission' },
    'flow.restored': { actions: 'rearmMfaTokenExpiry' },
    'mfaToken.expired': {
      guard: 'hasMfaToken',
      target: '.step.needMfaToken',
      actions: ['forgetMfaToken', assign({ error: flowError('mfa_token_expired') })],
    },
    // Where a request in flight ends up when the flow is persisted, unless its state says better:
    // never sent again by itself; `retry` returns to the step (history).
    'flow.interrupted': {
      target: '.failed',
      actions: ['clearSubmission', { type: 'refuse', params: { refusal: 'interrupted' } }],
    },
  },
  states: {
    step: {
      initial: 'needMfaToken',
      states: {
        /** The step the flow was on when an interruption took it away: its input, afresh. */
        resume: { type: 'history', history: 'shallow' },
        /** The exact state, request included: a rate-limited request is sent again. */
        resumeExactly: { type: 'history', history: 'deep' },

        needMfaToken: {
          initial: 'idle',
          states: {
            idle: {
              tags: ['needsCredentials'],
              // A token given as input starts the route at once.
              always: {
                guard: 'hasMfaToken',
                target: '#mfaFlow.step.routing',
                actions: {
                  type: 'acceptMfaToken',
                  params: ({ context }) => ({
                    mfaToken: context.mfaToken ?? '',
                    expiresAt: context.mfaTokenExpiresAt,
                    requirements: context.mfaRequirements,
                  }),
                },
              },
              on: {
                'credentials.submit': [
                  {
                    guard: { type: 'credentialsPresent', params: ({ event }) => event },
                    target: 'signingIn',
                    actions: 'clearError',
                  },
                  { actions: { type: 'refuse', params: { refusal: 'blankCredentials' } } },
                ],
                'mfaToken.provide': {
                  target: '#mfaFlow.step.routing',
                  actions: {
                    type: 'acceptMfaToken',
                    params: ({ event }) => ({ mfaToken: event.mfaToken, expiresAt: event.expiresAt, requirements: event.requirements }),
                  },
                },
              },
            },
            signingIn: {
              tags: ['busy'],
              invoke: {
                src: 'passwordGrant',
                input: ({ event }) =>
                  event.type === 'credentials.submit'
                    ? { username: event.username.trim(), password: event.password }
                    : { username: '', password: '' },
                onDone: [
                  {
                    guard: { type: 'mfaRequired', params: ({ event }) => event },
                    target: '#mfaFlow.step.routing',
                    actions: {
                      type: 'acceptMfaToken',
                      params: ({ event }) =>
                        event.output.kind === 'mfa_required'
                          ? { mfaToken: event.output.mfaToken, expiresAt: null, requirements: event.output.requirements }
                          : { mfaToken: '', expiresAt: null, requirements: null },
                    },
                  },
                  {
                    target: '#mfaFlow.authenticated',
                    actions: assign({ tokens: ({ event }) => (event.output.kind === 'tokens' ? event.output.tokens : null) }),
                  },
                ],
                onError: [
                  { guard: { type: 'unreachable', params: fromErrorEvent() }, target: '#mfaFlow.failed', actions: setErrorFromEvent() },
                  // Wrong password, lockout, rate limit, misconfigured client: the user stays on the form.
                  { target: 'idle', actions: setErrorFromEvent() },
                ],
              },
              // The password is never kept: an interrupted sign-in goes back to the form.
              on: { 'flow.interrupted': 'idle' },
            },
          },
        },

        /** Enroll or challenge: by what `mfa_required` said when it said (no probing associate),
         *  else by the intent (the seed's path: associate, and challenge first if already enrolled). */
        routing: {
          always: [
            { guard: 'mustEnroll', target: 'choosingFactor' },
            { guard: 'canBeChallenged', target: 'listing', actions: assign(({ context }) => ({ alreadyEnrolled: context.settings.intent === 'enroll' })) },
            { guard: 'intentIsEnroll', target: 'choosingFactor' },
            { target: 'listing' },
          ],
        },

        /** Which factor to enroll: the one offered, or the user's pick (with a phone number or an
         *  email address where the factor needs one, checked here before anything is sent). */
        choosingFactor: {
          tags: ['needsFactor'],
          entry: 'offerFactors',
          always: [
            { guard: 'factorChosen', target: 'associating' },
            { guard: 'nothingToEnroll', target: '#mfaFlow.failed', actions: assign({ error: flowError('unsupported_factor') }) },
            { guard: 'onlyFactorNeedsNothing', target: 'associating', actions: 'chooseOnlyFactor' },
          ],
          on: {
            'factor.choose': [
              {
                guard: { type: 'factorChoiceAcceptable', params: ({ event }) => event },
                target: 'associating',
                actions: { type: 'storeFactorChoice', params: ({ event }) => event },
              },
              { actions: { type: 'refuseFactorChoice', params: ({ event }) => event } },
            ],
          },
        },

        associating: {
          tags: ['busy'],
          invoke: {
            src: 'associate',
            input: ({ context }) => ({ bearer: context.enrollToken ?? context.mfaToken ?? '', ...(context.factorChoice ?? { factor: 'otp' }) }),
            onDone: {
              target: 'awaitingConfirmation',
              actions: { type: 'codeSent', params: ({ event }) => ({ enrollment: event.output, oobCode: event.output.factor === 'otp' ? undefined : event.output.oobCode }) },
            },
            onError: [
              {
                // "Before associating another factor with the user, you must challenge the user with the existing factor."
                guard: { type: 'mayChallengeExisting', params: fromErrorEvent() },
                target: 'listing',
                actions: assign({ alreadyEnrolled: true, error: null }),
              },
              ...tooManyMessages(),
              ...requestFailure(),
            ],
          },
          // Its answer (the secret) is lost with the interruption, and sending it again would leave
          // an abandoned pending authenticator behind: the default (failed, retry) applies.
        },

        awaitingConfirmation: {
          initial: 'deciding',
          states: {
            deciding: {
              always: [{ guard: 'enrollingPush', target: 'waitingForDevice' }, { target: 'idle' }],
            },
            idle: {
              tags: ['needsCode'],
              on: { 'otp.submit': otpSubmit() },
            },
            submitting: {
              tags: ['busy'],
              invoke: {
                src: 'verifyCode',
                input: ({ context }) => ({
                  mfaToken: context.mfaToken ?? '',
                  otp: submittedCode(context),
                  ...(context.enrollment?.factor === 'otp' ? {} : { oobCode: context.oobCode ?? '' }),
                }),
                onDone: confirmed(),
                // A dead code of an enrollment can only be replaced by a new association: choose again.
                onError: codeFailure('idle', { target: '#mfaFlow.step.choosingFactor', forgetChoice: true }),
              },
              on: { 'flow.interrupted': { target: 'idle', actions: 'clearSubmission' } },
            },
            // A refused or expired push enrollment can only be replaced by a new association: choose again.
            waitingForDevice: devicePolling(confirmed(), { target: '#mfaFlow.step.choosingFactor', forgetChoice: true }),
            acknowledgingRecoveryCodes: {
              on: { 'recoveryCodes.acknowledge': '#mfaFlow.authenticated' },
            },
          },
        },

        listing: {
          initial: 'fetching',
          states: {
            fetching: {
              tags: ['busy'],
              invoke: {
                src: 'listAuthenticators',
                input: ({ context }) => ({ mfaToken: context.mfaToken ?? '' }),
                onDone: [
                  {
                    guard: { type: 'noChoiceToMake', params: ({ event }) => ({ listed: event.output }) },
                    target: '#mfaFlow.step.challenging',
                    actions: assign(({ event }) => {
                      const authenticators = challengeableAuthenticators(event.output);
                      return { authenticators, authenticatorId: authenticators[0]?.id ?? null };
                    }),
                  },
                  {
                    guard: { type: 'severalToChooseFrom', params: ({ event }) => ({ listed: event.output }) },
                    target: 'choosing',
                    actions: assign({ authenticators: ({ event }) => challengeableAuthenticators(event.output) }),
                  },
                  {
                    guard: { type: 'onlyUnknownFactors', params: ({ event }) => ({ listed: event.output }) },
                    target: '#mfaFlow.failed',
                    actions: assign({ authenticators: [], error: flowError('unsupported_factor') }),
                  },
                  {
                    // The server said "already enrolled" yet lists nothing to challenge: stop, never loop.
                    guard: 'alreadyEnrolled',
                    target: '#mfaFlow.failed',
                    actions: assign({ authenticators: [], error: flowError('no_authenticator') }),
                  },
                  { target: '#mfaFlow.step.choosingFactor', actions: assign({ authenticators: [], listedNone: true }) },
                ],
                onError: requestFailure(),
              },
              // Listing changes nothing on the server: a restored flow simply lists again.
              on: { 'flow.interrupted': { target: 'fetching', reenter: true } },
            },
            choosing: {
              on: {
                'authenticator.select': [
                  {
                    guard: { type: 'selectableAuthenticator', params: ({ event }) => event },
                    target: '#mfaFlow.step.challenging',
                    actions: assign({ authenticatorId: ({ event }) => event.authenticatorId, error: null }),
                  },
                  { actions: { type: 'refuse', params: { refusal: 'unknownAuthenticator' } } },
                ],
              },
            },
          },
        },

        challenging: {
          tags: ['busy'],
          invoke: {
            src: 'challenge',
            input: ({ context }) => ({
              mfaToken: context.mfaToken ?? '',
              authenticatorId: context.authenticatorId ?? '',
              factor: challengedFactor(context) ?? 'otp',
            }),
            onDone: {
              target: 'verifying',
              actions: { type: 'codeSent', params: ({ event }) => ({ oobCode: event.output.oobCode, pollIntervalMs: event.output.pollIntervalMs }) },
            },
            onError: [...tooManyMessages(), ...requestFailure()],
          },
          // A challenge sends a message: an interrupted one is never sent again by itself (failed, retry).
        },

        verifying: {
          initial: 'deciding',
          // "Send the code again" opens when the cooldown since the code was sent is over.
          after: { resendCooldown: { guard: 'messageChallenged', actions: assign(({ context }) => ({ timers: { ...context.timers, canResend: true } })) } },
          on: {
            'authenticator.change': {
              guard: 'otherMethodsListed',
              target: '#mfaFlow.step.listing.choosing',
              actions: assign({ oobCode: null, error: null }),
            },
          },
          states: {
            deciding: {
              // A push still pending is waited for; one the phone answered (or that expired) offers another.
              always: [
                { guard: 'pushPending', target: 'waitingForDevice' },
                { guard: 'challengingPush', target: 'deviceAnswered' },
                { target: 'idle' },
              ],
            },
            idle: {
              tags: ['needsCode'],
              on: {
                'otp.submit': otpSubmit('#mfaFlow.step.verifying.submittingOtp'),
                'recoveryCode.submit': recoveryCodeSubmit(),
                'code.resend': [
                  { guard: 'resendable', target: '#mfaFlow.step.challenging' },
                  { guard: 'coolingDown', actions: { type: 'refuse', params: { refusal: 'resendTooSoon' } } },
                ],
                // The cooldown is a timer of `verifying`: re-entering it re-arms the timer from its wall time.
                'flow.restored': { target: '#mfaFlow.step.verifying', reenter: true, actions: 'rearmMfaTokenExpiry' },
              },
            },
            submittingOtp: {
              tags: ['busy'],
              invoke: {
                src: 'verifyCode',
                input: ({ context }) => ({
                  ...verifyInput(context),
                  otp: submittedCode(context),
                  ...(context.oobCode === null ? {} : { oobCode: context.oobCode }),
                }),
                onDone: verified(),
                onError: codeFailure('idle', { target: 'idle', forgetChoice: false }),
              },
              on: { 'flow.interrupted': { target: 'idle', actions: 'clearSubmission' } },
            },
            submittingRecoveryCode: {
              tags: ['busy'],
              invoke: {
                src: 'verifyRecoveryCode',
                input: ({ context }) => ({ ...verifyInput(context), recoveryCode: submittedCode(context) }),
                onDone: [
                  {
                    guard: 'mustEnrollAfterChallenge',
                    target: '#mfaFlow.step.choosingFactor',
                    actions: [
                      assign({
                        enrollToken: ({ event }) => event.output.tokens.accessToken,
                        newRecoveryCode: ({ event }) => event.output.recoveryCode ?? null,
                      }),
                      'clearSubmission',
                    ],
                  },
                  {
                    target: '#mfaFlow.authenticated',
                    actions: [
                      assign({
                        tokens: ({ event }) => event.output.tokens,
                        newRecoveryCode: ({ event }) => event.output.recoveryCode ?? null,
                      }),
                      'clearSubmission',
                    ],
                  },
                ],
                // Back where the recovery code was typed: the code input, or the push (still waited for).
                onError: recoveryCodeFailure('deciding'),
              },
              on: { 'flow.interrupted': { target: 'deciding', actions: 'clearSubmission' } },
            },
            waitingForDevice: {
              ...devicePolling(verified(), { target: '#mfaFlow.step.verifying.deviceAnswered', forgetChoice: false }),
              on: { 'recoveryCode.submit': recoveryCodeSubmit() },
            },
            /** The push was refused on the phone, or it expired: send another, or use another method. */
            deviceAnswered: {
              on: { 'code.resend': '#mfaFlow.step.challenging', 'recoveryCode.submit': recoveryCodeSubmit() },
            },
          },
        },
      },
    },

    locked: {
      initial: 'waiting',
      states: {
        waiting: {
          after: { wait: 'ready' },
          on: { 'flow.restored': { target: 'waiting', reenter: true, actions: 'rearmMfaTokenExpiry' } },
        },
        ready: { on: { retry: { target: '#mfaFlow.step.resume', actions: 'endWait' } } },
      },
    },

    // Busy: a flow persisted while waiting here is saved as interrupted (failed), never as is, so
    // a restore cannot re-send the code it keeps.
    rateLimited: {
      tags: ['busy'],
      after: { wait: { target: 'step.resumeExactly', actions: 'endWait' } },
    },

    failed: {
      on: { retry: { target: 'step.resume', actions: 'clearError' } },
    },

    authenticated: { type: 'final', entry: 'forgetSecrets' },
    cancelled: { type: 'final', entry: 'forgetSecrets' },
  },
});

// Function declarations, not constants: the chart above is built when this module loads.

/** `otp.submit` where a code is asked for: a well-formed code goes to `target`, any other is
 *  refused locally and never reaches the server. */
function otpSubmit(target = 'submitting') {
  return [
    {
      guard: { type: 'otpWellFormed', params: ({ event }: { event: { otp: string } }) => event },
      target,
      actions: { type: 'storeOtp', params: ({ event }: { event: { otp: string } }) => event },
    },
    { actions: { type: 'refuse', params: { refusal: 'malformedOtp' } } },
  ] as const;
}

function recoveryCodeSubmit() {
  return [
    {
      guard: { type: 'recoveryCodeWellFormed', params: ({ event }: { event: { recoveryCode: string } }) => event },
      target: '#mfaFlow.step.verifying.submittingRecoveryCode',
      actions: { type: 'storeRecoveryCode', params: ({ event }: { event: { recoveryCode: string } }) => event },
    },
    { actions: { type: 'refuse', params: { refusal: 'malformedRecoveryCode' } } },
  ] as const;
}

function fromErrorEvent() {
  return ({ event }: { event: { error: unknown } }) => event;
}

function setErrorFromEvent() {
  return { type: 'setError', params: fromErrorEvent() } as const;
}

function keepTokens() {
  return { type: 'keepTokens', params: ({ event }: { event: { output: TokenSet } }) => event } as const;
}

/** A new factor confirmed: show its recovery codes first when the association gave some. */
function confirmed() {
  return [
    { guard: 'mustAcknowledgeRecoveryCodes', target: '#mfaFlow.step.awaitingConfirmation.acknowledgingRecoveryCodes', actions: [keepTokens(), 'retireMfaToken'] },
    { target: '#mfaFlow.authenticated', actions: keepTokens() },
  ] as const;
}

/** A challenge passed: signed in, or (enrolling another factor) on to enroll it with the MFA-API token. */
function verified() {
  return [
    {
      guard: 'mustEnrollAfterChallenge',
      target: '#mfaFlow.step.choosingFactor',
      actions: { type: 'keepEnrollToken', params: ({ event }: { event: { output: TokenSet } }) => event },
    },
    { target: '#mfaFlow.authenticated', actions: keepTokens() },
  ] as const;
}

/** Waiting for a push: poll after the interval, again while the device has not answered, more
 *  slowly when told to; its refusal or the code's expiry go to `ended`. Leaving the state stops the
 *  polling and aborts the poll in flight. */
function devicePolling(answered: ReturnType<typeof confirmed | typeof verified>, ended: { target: string; forgetChoice: boolean }) {
  return {
    tags: ['waitingForDevice'],
    initial: 'waiting',
    states: {
      waiting: {
        after: { nextPoll: 'asking' },
        on: { 'flow.restored': { target: 'waiting', reenter: true, actions: 'rearmMfaTokenExpiry' } },
      },
      asking: {
        invoke: {
          src: 'pollDevice',
          input: ({ context }: { context: MfaFlowContext }) => ({ ...verifyInput(context), oobCode: context.oobCode ?? '' }),
          onDone: answered,
          onError: [
            { guard: { type: 'stillPending', params: fromErrorEvent() }, target: 'waiting', actions: { type: 'pollLater', params: { slower: false } } },
            { guard: { type: 'pollingTooFast', params: fromErrorEvent() }, target: 'waiting', actions: { type: 'pollLater', params: { slower: true } } },
            {
              guard: { type: 'codeDead', params: fromErrorEvent() },
              target: ended.target,
              // The oob_code is no more: nothing polls it again.
              actions: [setErrorFromEvent(), 'forgetOobCode', ...(ended.forgetChoice ? (['forgetFactorChoice'] as const) : [])],
            },
            ...requestFailure(),
          ],
        },
        // A poll changes nothing: a restored flow polls again after the interval, never a new push.
        on: { 'flow.interrupted': { target: 'waiting', actions: { type: 'pollLater', params: { slower: false } } } },
      },
    },
  } as const;
}

/** Too many messages sent to this user: a wait like a lockout, then the step again by choice. */
function tooManyMessages() {
  return [
    {
      guard: { type: 'lockedOut', params: fromErrorEvent() },
      target: '#mfaFlow.locked',
      actions: [setErrorFromEvent(), { type: 'startWait', params: { fallbackMs: DEFAULT_LOCKOUT_MS } }],
    },
  ] as const;
}

/** How a request step fails: a dead token asks for a new one, a 429 waits, anything else is `failed`. */
function requestFailure() {
  return [
    {
      guard: { type: 'sessionLost', params: fromErrorEvent() },
      target: '#mfaFlow.step.needMfaToken',
      actions: ['forgetMfaToken', setErrorFromEvent()],
    },
    {
      guard: { type: 'slowedDown', params: fromErrorEvent() },
      target: '#mfaFlow.rateLimited',
      actions: [setErrorFromEvent(), { type: 'startWait', params: { fallbackMs: DEFAULT_RATE_LIMIT_MS } }],
    },
    { target: '#mfaFlow.failed', actions: [setErrorFromEvent(), 'clearSubmission'] },
  ] as const;
}

/** A code step adds: a wrong code goes back to its input, a dead code (of a message or a push) to
 *  `expired` (to get a new one), a lockout is its own state, never a wrong code. */
function codeFailure(input: string, expired: { target: string; forgetChoice: boolean }) {
  return [
    codeRefused(input),
    {
      guard: { type: 'codeDead', params: fromErrorEvent() },
      target: expired.target,
      actions: [setErrorFromEvent(), 'clearSubmission', ...(expired.forgetChoice ? (['forgetFactorChoice'] as const) : [])],
    },
    ...lockedOutOrFailed(),
  ] as const;
}

/** A recovery code's failures: as a code's, but it has no oob_code to expire. */
function recoveryCodeFailure(input: string) {
  return [codeRefused(input), ...lockedOutOrFailed()] as const;
}

function codeRefused(input: string) {
  return { guard: { type: 'codeRefused', params: fromErrorEvent() }, target: input, actions: [setErrorFromEvent(), 'clearSubmission'] } as const;
}

function lockedOutOrFailed() {
  return [
    {
      guard: { type: 'lockedOut', params: fromErrorEvent() },
      target: '#mfaFlow.locked',
      actions: [setErrorFromEvent(), 'clearSubmission', { type: 'startWait', params: { fallbackMs: DEFAULT_LOCKOUT_MS } }],
    },
    ...requestFailure(),
  ] as const;
}

export type MfaFlowMachine = typeof mfaFlowMachine;
