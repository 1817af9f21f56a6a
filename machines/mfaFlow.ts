// The MFA statechart: every step of Auth0's MFA API flow, its branches and its failure modes.
// Pure: services are named placeholders that `src/flow/` (or a test) provides; wall time comes
// from the actor's clock (clock.ts); no I/O here.
//
// Shape: the steps of the flow live in `step`; the interruptions (`failed`, `locked`,
// `rateLimited`) live beside it, so leaving a step for one of them records where the flow was
// (history states) and `retry` or the end of a wait goes back there. What an interrupted request
// becomes when a flow is persisted is declared on each request state (`flow.interrupted`).
import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import { msUntil, wallTime } from './clock.js';
import { normalizeOtp, normalizeRecoveryCode } from './codes.js';
import { flowError, LOCAL_REFUSALS, toFlowError } from './messages.js';
import type {
  AssociateInput,
  Authenticator,
  ChallengeInput,
  Enrollment,
  ListAuthenticatorsInput,
  MfaErrorCode,
  MfaFlowContext,
  MfaFlowInput,
  MfaFlowMachineEvent,
  MfaFlowOutput,
  MfaFlowTag,
  PasswordGrantInput,
  PasswordGrantOutput,
  TokenSet,
  VerifyInput,
  VerifyOtpInput,
  VerifyRecoveryCodeInput,
  VerifyRecoveryCodeOutput,
} from './types.js';

/** Bumped whenever a change makes persisted snapshots of an older chart unsafe to restore. */
export const MFA_FLOW_MACHINE_VERSION = 2;

/** Auth0's MFA tokens live 10 minutes; a token whose expiry nobody told the chart gets this. */
export const DEFAULT_MFA_TOKEN_TTL_MS = 600_000;
/** Waits used when a 429 carries no usable Retry-After / x-ratelimit-reset header. */
export const DEFAULT_LOCKOUT_MS = 60_000;
export const DEFAULT_RATE_LIMIT_MS = 1_000;

const MFA_TOKEN_EXPIRY = 'mfaTokenExpiry';

function placeholder<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(`mfaFlow: the "${name}" service was not provided (use createMfaFlow or machine.provide)`);
  });
}

const otpAuthenticators = (list: readonly Authenticator[]) => list.filter((a) => a.authenticatorType === 'otp');
/** Factors a user can be challenged with: active, and not the recovery code (which is a grant, not a challenge). */
const challengeable = (list: readonly Authenticator[]) =>
  list.filter((a) => a.active && a.authenticatorType !== 'recovery-code');

/** Enrolling another factor needs an access token for the MFA API itself, obtained by passing a
 *  challenge of the existing one: this flow still has to get it. */
const mustEnrollAfterChallenge = (context: MfaFlowContext) =>
  context.intent === 'enroll' && context.alreadyEnrolled && context.enrollToken === null;

function verifyInput(context: MfaFlowContext): VerifyInput {
  const base = { mfaToken: context.mfaToken ?? '' };
  return mustEnrollAfterChallenge(context) ? { ...base, audience: context.mfaAudience, scope: 'enroll' } : base;
}

const submittedCode = (context: MfaFlowContext) => context.submission?.code ?? '';

const errorIn = (error: unknown, codes: readonly MfaErrorCode[]) => codes.includes(toFlowError(error).code);

/** The part of the context that belongs to one MFA token: where a flow starts, and what losing
 *  the token resets. */
const NO_MFA_SESSION = {
  mfaToken: null,
  mfaTokenExpiresAt: null,
  alreadyEnrolled: false,
  listedNone: false,
  enrollToken: null,
  enrollment: null,
  authenticators: [],
  authenticatorId: null,
  submission: null,
} satisfies Partial<MfaFlowContext>;

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
    challenge: placeholder<void, ChallengeInput>('challenge'),
    verifyOtp: placeholder<TokenSet, VerifyOtpInput>('verifyOtp'),
    verifyRecoveryCode: placeholder<VerifyRecoveryCodeOutput, VerifyRecoveryCodeInput>('verifyRecoveryCode'),
  },
  delays: {
    /** Whatever the wait (lockout, rate limit), it ends at `waitUntil`, wherever the flow runs. */
    wait: ({ context, system }) => msUntil(system, context.waitUntil),
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
    codeRefused: (_, params: { error: unknown }) => errorIn(params.error, ['invalid_otp', 'invalid_recovery_code']),
    lockedOut: (_, params: { error: unknown }) => errorIn(params.error, ['too_many_attempts']),
    mfaRequired: (_, params: { output: PasswordGrantOutput }) => params.output.kind === 'mfa_required',
    /** Never bounce: associate → listing happens once, and not after listing sent us here. */
    mayChallengeExisting: ({ context }, params: { error: unknown }) =>
      toFlowError(params.error).code === 'already_enrolled' && !context.listedNone && context.enrollToken === null,
    intentIsEnroll: ({ context }) => context.intent === 'enroll',
    alreadyEnrolled: ({ context }) => context.alreadyEnrolled,
    oneOtpAuthenticator: (_, params: { listed: readonly Authenticator[] }) =>
      otpAuthenticators(challengeable(params.listed)).length === 1,
    severalOtpAuthenticators: (_, params: { listed: readonly Authenticator[] }) =>
      otpAuthenticators(challengeable(params.listed)).length > 1,
    onlyOtherFactors: (_, params: { listed: readonly Authenticator[] }) => challengeable(params.listed).length > 0,
    selectableAuthenticator: ({ context }, params: { authenticatorId: string }) =>
      otpAuthenticators(context.authenticators).some((a) => a.id === params.authenticatorId),
    mustAcknowledgeRecoveryCodes: ({ context }) =>
      context.requireRecoveryCodeAck && (context.enrollment?.recoveryCodes?.length ?? 0) > 0,
    mustEnrollAfterChallenge: ({ context }) => mustEnrollAfterChallenge(context),
  },
  actions: {
    clearError: assign({ error: null }),
    setError: assign((_, params: { error: unknown }) => ({ error: toFlowError(params.error) })),
    refuse: assign((_, params: { refusal: keyof typeof LOCAL_REFUSALS }) => ({ error: { ...LOCAL_REFUSALS[params.refusal] } })),
    clearSubmission: assign({ submission: null }),
    storeOtp: assign((_, params: { otp: string }) => ({
      submission: { kind: 'otp' as const, code: normalizeOtp(params.otp) ?? '' },
      error: null,
    })),
    storeRecoveryCode: assign((_, params: { recoveryCode: string }) => ({
      submission: { kind: 'recoveryCode' as const, code: normalizeRecoveryCode(params.recoveryCode) ?? '' },
      error: null,
    })),
    /** A new MFA token: kept with its expiry (given, or the default lifetime from now), and the
     *  expiry timer armed to fire exactly then. */
    acceptMfaToken: enqueueActions(
      ({ context, system, enqueue }, params: { mfaToken: string; expiresAt: number | null | undefined }) => {
        const expiresAt = params.expiresAt ?? wallTime(system) + context.mfaTokenTtlMs;
        enqueue.assign({ mfaToken: params.mfaToken, mfaTokenExpiresAt: expiresAt, error: null });
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
    cancelMfaTokenExpiry: enqueueActions(({ enqueue }) => enqueue.cancel(MFA_TOKEN_EXPIRY)),
    /** A wait starts: it ends when the server said, or after `fallbackMs`. Kept as a wall time so
     *  that a flow restored elsewhere waits only what is left. */
    startWait: assign(({ context, system }, params: { fallbackMs: number }) => ({
      waitUntil: wallTime(system) + (context.error?.retryAfterMs ?? params.fallbackMs),
    })),
    endWait: assign({ waitUntil: null, error: null }),
    /** Once the tokens are in hand the MFA token has no more use: drop it and its timer, so that
     *  a slow read of the recovery codes is never cut short by the token's expiry. */
    retireMfaToken: enqueueActions(({ enqueue }) => {
      enqueue.cancel(MFA_TOKEN_EXPIRY);
      enqueue.assign({ mfaToken: null, mfaTokenExpiresAt: null, enrollToken: null, submission: null });
    }),
    /** A finished flow keeps only what its output needs: no MFA token, OTP secret or codes. */
    forgetSecrets: enqueueActions(({ context, enqueue }) => {
      enqueue.cancel(MFA_TOKEN_EXPIRY);
      enqueue.assign({
        ...NO_MFA_SESSION,
        enrolled: context.enrollment !== null && context.tokens !== null,
        waitUntil: null,
      });
    }),
    /** Losing the MFA token ends everything obtained with it; a new token starts the route afresh. */
    forgetMfaToken: enqueueActions(({ enqueue }) => {
      enqueue.cancel(MFA_TOKEN_EXPIRY);
      enqueue.assign({ ...NO_MFA_SESSION });
    }),
  },
}).createMachine({
  id: 'mfaFlow',
  context: ({ input }) => ({
    intent: input.intent,
    mfaAudience: input.mfaAudience,
    mfaTokenTtlMs: input.mfaTokenTtlMs ?? DEFAULT_MFA_TOKEN_TTL_MS,
    requireRecoveryCodeAck: input.requireRecoveryCodeAck ?? true,
    ...NO_MFA_SESSION,
    mfaToken: input.mfaToken ?? null,
    mfaTokenExpiresAt: input.mfaTokenExpiresAt ?? null,
    tokens: null,
    newRecoveryCode: null,
    enrolled: false,
    error: null,
    waitUntil: null,
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
                  params: ({ context }) => ({ mfaToken: context.mfaToken ?? '', expiresAt: context.mfaTokenExpiresAt }),
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
                    params: ({ event }) => ({ mfaToken: event.mfaToken, expiresAt: event.expiresAt }),
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
                      params: ({ event }) => ({
                        mfaToken: event.output.kind === 'mfa_required' ? event.output.mfaToken : '',
                        expiresAt: null,
                      }),
                    },
                  },
                  {
                    target: '#mfaFlow.authenticated',
                    actions: assign({ tokens: ({ event }) => (event.output.kind === 'tokens' ? event.output.tokens : null) }),
                  },
                ],
                onError: [
                  {
                    guard: { type: 'unreachable', params: ({ event }) => event },
                    target: '#mfaFlow.failed',
                    actions: { type: 'setError', params: ({ event }) => event },
                  },
                  // Wrong password, lockout, rate limit, misconfigured client: the user stays on the form.
                  { target: 'idle', actions: { type: 'setError', params: ({ event }) => event } },
                ],
              },
              // The password is never kept: an interrupted sign-in goes back to the form.
              on: { 'flow.interrupted': 'idle' },
            },
          },
        },

        routing: {
          always: [{ guard: 'intentIsEnroll', target: 'associating' }, { target: 'listing' }],
        },

        associating: {
          tags: ['busy'],
          invoke: {
            src: 'associate',
            input: ({ context }) => ({ bearer: context.enrollToken ?? context.mfaToken ?? '' }),
            onDone: {
              target: 'awaitingConfirmation',
              actions: assign({ enrollment: ({ event }) => event.output, error: null }),
            },
            onError: [
              {
                // "Before associating another factor with the user, you must challenge the user with the existing factor."
                guard: { type: 'mayChallengeExisting', params: ({ event }) => event },
                target: 'listing',
                actions: assign({ alreadyEnrolled: true, error: null }),
              },
              ...requestFailure(),
            ],
          },
          // Its answer (the secret) is lost with the interruption, and sending it again would leave
          // an abandoned pending authenticator behind: the default (failed, retry) applies.
        },

        awaitingConfirmation: {
          initial: 'idle',
          states: {
            idle: {
              tags: ['needsCode'],
              on: { 'otp.submit': otpSubmit() },
            },
            submitting: {
              tags: ['busy'],
              invoke: {
                src: 'verifyOtp',
                input: ({ context }) => ({ mfaToken: context.mfaToken ?? '', otp: submittedCode(context) }),
                onDone: [
                  {
                    guard: 'mustAcknowledgeRecoveryCodes',
                    target: 'acknowledgingRecoveryCodes',
                    actions: [assign({ tokens: ({ event }) => event.output }), 'retireMfaToken'],
                  },
                  {
                    target: '#mfaFlow.authenticated',
                    actions: [assign({ tokens: ({ event }) => event.output }), 'clearSubmission'],
                  },
                ],
                onError: codeFailure(),
              },
              on: { 'flow.interrupted': { target: 'idle', actions: 'clearSubmission' } },
            },
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
                    guard: { type: 'oneOtpAuthenticator', params: ({ event }) => ({ listed: event.output }) },
                    target: '#mfaFlow.step.challenging',
                    actions: assign(({ event }) => {
                      const authenticators = challengeable(event.output);
                      return { authenticators, authenticatorId: otpAuthenticators(authenticators)[0]?.id ?? null };
                    }),
                  },
                  {
                    guard: { type: 'severalOtpAuthenticators', params: ({ event }) => ({ listed: event.output }) },
                    target: 'choosing',
                    actions: assign({ authenticators: ({ event }) => challengeable(event.output) }),
                  },
                  {
                    guard: { type: 'onlyOtherFactors', params: ({ event }) => ({ listed: event.output }) },
                    target: '#mfaFlow.failed',
                    actions: assign({
                      authenticators: ({ event }) => challengeable(event.output),
                      error: flowError('unsupported_factor'),
                    }),
                  },
                  {
                    // The server said "already enrolled" yet lists nothing to challenge: stop, never loop.
                    guard: 'alreadyEnrolled',
                    target: '#mfaFlow.failed',
                    actions: assign({ authenticators: [], error: flowError('no_authenticator') }),
                  },
                  { target: '#mfaFlow.step.associating', actions: assign({ authenticators: [], listedNone: true }) },
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
            input: ({ context }) => ({ mfaToken: context.mfaToken ?? '', authenticatorId: context.authenticatorId ?? '' }),
            onDone: { target: 'verifying', actions: 'clearError' },
            onError: requestFailure(),
          },
        },

        verifying: {
          initial: 'idle',
          states: {
            idle: {
              tags: ['needsCode'],
              on: {
                'otp.submit': otpSubmit('submittingOtp'),
                'recoveryCode.submit': [
                  {
                    guard: { type: 'recoveryCodeWellFormed', params: ({ event }) => event },
                    target: 'submittingRecoveryCode',
                    actions: { type: 'storeRecoveryCode', params: ({ event }) => event },
                  },
                  { actions: { type: 'refuse', params: { refusal: 'malformedRecoveryCode' } } },
                ],
              },
            },
            submittingOtp: {
              tags: ['busy'],
              invoke: {
                src: 'verifyOtp',
                input: ({ context }) => ({ ...verifyInput(context), otp: submittedCode(context) }),
                onDone: [
                  {
                    guard: 'mustEnrollAfterChallenge',
                    target: '#mfaFlow.step.associating',
                    actions: [assign({ enrollToken: ({ event }) => event.output.accessToken }), 'clearSubmission'],
                  },
                  {
                    target: '#mfaFlow.authenticated',
                    actions: [assign({ tokens: ({ event }) => event.output }), 'clearSubmission'],
                  },
                ],
                onError: codeFailure(),
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
                    target: '#mfaFlow.step.associating',
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
                onError: codeFailure(),
              },
              on: { 'flow.interrupted': { target: 'idle', actions: 'clearSubmission' } },
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

// Function declarations, not constants: the chart above is built when this module loads.
function fromErrorEvent() {
  return ({ event }: { event: { error: unknown } }) => event;
}

function setErrorFromEvent() {
  return { type: 'setError', params: fromErrorEvent() } as const;
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

/** A code step adds: a wrong code stays put, a lockout is its own state, never a wrong code. */
function codeFailure() {
  return [
    { guard: { type: 'codeRefused', params: fromErrorEvent() }, target: 'idle', actions: [setErrorFromEvent(), 'clearSubmission'] },
    {
      guard: { type: 'lockedOut', params: fromErrorEvent() },
      target: '#mfaFlow.locked',
      actions: [setErrorFromEvent(), 'clearSubmission', { type: 'startWait', params: { fallbackMs: DEFAULT_LOCKOUT_MS } }],
    },
    ...requestFailure(),
  ] as const;
}

export type MfaFlowMachine = typeof mfaFlowMachine;
