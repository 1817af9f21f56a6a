// The MFA statechart: every step of Auth0's MFA API flow, its branches and its failure modes.
// Pure: services are named placeholders that `src/flow/` (or a test) provides; no I/O here.
import { assign, cancel, enqueueActions, fromPromise, raise, setup, type DoneActorEvent } from 'xstate';
import { normalizeOtp, normalizeRecoveryCode } from './codes.js';
import type {
  AssociateInput,
  Authenticator,
  ChallengeInput,
  CodeSubmission,
  Enrollment,
  FlowError,
  ListAuthenticatorsInput,
  MfaErrorCode,
  MfaFlowContext,
  MfaFlowEvent,
  MfaFlowInput,
  MfaFlowOutput,
  MfaFlowTag,
  PasswordGrantInput,
  PasswordGrantOutput,
  ResumableStep,
  TokenSet,
  VerifyInput,
  VerifyOtpInput,
  VerifyRecoveryCodeInput,
  VerifyRecoveryCodeOutput,
} from './types.js';
import { MFA_ERROR_CODES } from './types.js';

/** Bumped whenever a change makes persisted snapshots of an older chart unsafe to restore. */
export const MFA_FLOW_MACHINE_VERSION = 1;

const MFA_TOKEN_EXPIRY = 'mfaTokenExpiry';
const DEFAULT_MFA_TOKEN_TTL_MS = 600_000;
/** Waits used when a 429 carries no usable Retry-After / x-ratelimit-reset header. */
export const DEFAULT_LOCKOUT_MS = 60_000;
export const DEFAULT_RATE_LIMIT_MS = 1_000;

function placeholder<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(`mfaFlow: the "${name}" service was not provided (use createMfaFlow or machine.provide)`);
  });
}

/** Keep only what a UI may show: the code, a message, the wait. Never the raw response. */
export function toFlowError(error: unknown): FlowError {
  if (typeof error === 'object' && error !== null) {
    const { code, message, retryAfterMs } = error as Partial<FlowError>;
    if (typeof code === 'string' && (MFA_ERROR_CODES as readonly string[]).includes(code)) {
      return {
        code,
        message: typeof message === 'string' ? message : code,
        ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
      };
    }
  }
  return { code: 'unexpected', message: 'Something unexpected went wrong.' };
}

// Named guards and actions receive the machine's own event union; done and error events of
// invoked services carry `output` / `error`, read through these two narrow casts.
const errorOf = (event: unknown) => (event as { error?: unknown }).error;
const outputOf = <T>(event: unknown) => (event as DoneActorEvent<T>).output;

const otpAuthenticators = (list: Authenticator[]) => list.filter((a) => a.authenticatorType === 'otp');
/** Factors a user can be challenged with: active, and not the recovery code (which is a grant, not a challenge). */
const challengeable = (list: Authenticator[]) =>
  list.filter((a) => a.active && a.authenticatorType !== 'recovery-code');

const error = (code: MfaErrorCode, message: string): FlowError => ({ code, message });

function verifyInput(context: MfaFlowContext): VerifyInput {
  const base = { mfaToken: context.mfaToken ?? '' };
  // Enrolling another factor needs an access token for the MFA API itself, obtained by this verification.
  return context.intent === 'enroll' && context.alreadyEnrolled && context.enrollToken === null
    ? { ...base, audience: context.mfaAudience, scope: 'enroll' }
    : base;
}

const submittedCode = (context: MfaFlowContext) => context.submission?.code ?? '';

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
  resumeStep: null,
} satisfies Partial<MfaFlowContext>;

export const mfaFlowMachine = setup({
  types: {
    context: {} as MfaFlowContext,
    events: {} as MfaFlowEvent,
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
    mfaTokenTtl: ({ context }) => context.mfaTokenTtlMs,
    lockout: ({ context }) => context.error?.retryAfterMs ?? DEFAULT_LOCKOUT_MS,
    rateLimit: ({ context }) => context.error?.retryAfterMs ?? DEFAULT_RATE_LIMIT_MS,
  },
  guards: {
    hasMfaToken: ({ context }) => context.mfaToken !== null,
    credentialsPresent: ({ event }) =>
      event.type === 'credentials.submit' && event.username.trim() !== '' && event.password !== '',
    otpWellFormed: ({ event }) => event.type === 'otp.submit' && normalizeOtp(event.otp) !== null,
    recoveryCodeWellFormed: ({ event }) =>
      event.type === 'recoveryCode.submit' && normalizeRecoveryCode(event.recoveryCode) !== null,
    mfaRequired: ({ event }) => outputOf<PasswordGrantOutput>(event).kind === 'mfa_required',
    errorIs: ({ event }, params: { codes: readonly MfaErrorCode[] }) => params.codes.includes(toFlowError(errorOf(event)).code),
    /** Never bounce: associate → listing happens once, and not after listing sent us here. */
    mayChallengeExisting: ({ context, event }) =>
      toFlowError(errorOf(event)).code === 'already_enrolled' && !context.listedNone && context.enrollToken === null,
    intentIsEnroll: ({ context }) => context.intent === 'enroll',
    alreadyEnrolled: ({ context }) => context.alreadyEnrolled,
    oneOtpAuthenticator: ({ event }) =>
      otpAuthenticators(challengeable(outputOf<Authenticator[]>(event))).length === 1,
    severalOtpAuthenticators: ({ event }) =>
      otpAuthenticators(challengeable(outputOf<Authenticator[]>(event))).length > 1,
    onlyOtherFactors: ({ event }) => challengeable(outputOf<Authenticator[]>(event)).length > 0,
    selectableAuthenticator: ({ context, event }) =>
      event.type === 'authenticator.select' &&
      otpAuthenticators(context.authenticators).some((a) => a.id === event.authenticatorId),
    mustAcknowledgeRecoveryCodes: ({ context }) =>
      context.requireRecoveryCodeAck && (context.enrollment?.recoveryCodes?.length ?? 0) > 0,
    mustEnrollAfterChallenge: ({ context }) =>
      context.intent === 'enroll' && context.alreadyEnrolled && context.enrollToken === null,
    resumeStepIs: ({ context }, params: { step: ResumableStep }) => context.resumeStep === params.step,
    /** Resume a code step by re-sending the code kept through a rate-limit wait. */
    resumeSubmission: ({ context }, params: { step: ResumableStep; kind: CodeSubmission['kind'] }) =>
      context.resumeStep === params.step && context.submission?.kind === params.kind,
  },
  actions: {
    clearError: assign({ error: null }),
    setError: assign({ error: ({ event }) => toFlowError(errorOf(event)) }),
    setResumeStep: assign((_, params: { step: ResumableStep }) => ({ resumeStep: params.step })),
    clearSubmission: assign({ submission: null }),
    rejectBlankCredentials: assign({ error: error('invalid_credentials', 'Enter your email and password.') }),
    rejectMalformedOtp: assign({ error: error('invalid_otp', 'Enter the 6-digit code from your authenticator app.') }),
    rejectMalformedRecoveryCode: assign({
      error: error('invalid_recovery_code', 'A recovery code has 24 letters and digits.'),
    }),
    rejectUnknownAuthenticator: assign({
      error: error('unsupported_factor', 'Choose one of the listed authenticator apps.'),
    }),
    storeOtpSubmission: assign({
      submission: ({ event }) =>
        event.type === 'otp.submit' ? { kind: 'otp' as const, code: normalizeOtp(event.otp) ?? '' } : null,
      error: null,
    }),
    storeRecoveryCodeSubmission: assign({
      submission: ({ event }) =>
        event.type === 'recoveryCode.submit'
          ? { kind: 'recoveryCode' as const, code: normalizeRecoveryCode(event.recoveryCode) ?? '' }
          : null,
      error: null,
    }),
    scheduleMfaTokenExpiry: raise({ type: 'mfaToken.expired' }, { id: MFA_TOKEN_EXPIRY, delay: 'mfaTokenTtl' }),
    cancelMfaTokenExpiry: cancel(MFA_TOKEN_EXPIRY),
    /** After a restore: the token keeps the lifetime it had left, not a fresh one. */
    rearmMfaTokenExpiry: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'flow.restored' || context.mfaToken === null) return;
      enqueue.cancel(MFA_TOKEN_EXPIRY);
      enqueue.raise(
        { type: 'mfaToken.expired' },
        { id: MFA_TOKEN_EXPIRY, delay: Math.max(0, event.mfaTokenExpiresInMs ?? context.mfaTokenTtlMs) },
      );
    }),
    /** After a restore: a wait (lockout, rate limit) resumes with the time it had left. */
    rearmWait: assign({
      error: ({ context, event }) =>
        event.type === 'flow.restored' && event.waitRemainingMs !== null && context.error !== null
          ? { ...context.error, retryAfterMs: Math.max(0, event.waitRemainingMs) }
          : context.error,
    }),
    /** Once the tokens are in hand the MFA token has no more use: drop it and its timer, so that
     *  a slow read of the recovery codes is never cut short by the token's expiry. */
    retireMfaToken: enqueueActions(({ enqueue }) => {
      enqueue.cancel(MFA_TOKEN_EXPIRY);
      enqueue.assign({ mfaToken: null, mfaTokenExpiresAt: null, enrollToken: null, submission: null });
    }),
    /** A finished flow keeps only what its output needs: no MFA token, OTP secret or codes. */
    forgetSecrets: assign(({ context }) => ({
      enrolled: context.enrollment !== null && context.tokens !== null,
      mfaToken: null,
      mfaTokenExpiresAt: null,
      enrollToken: null,
      enrollment: null,
      submission: null,
    })),
    /** Losing the MFA token ends everything obtained with it; a new token starts the route afresh. */
    forgetMfaToken: assign({ ...NO_MFA_SESSION }),
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
    tokens: null,
    newRecoveryCode: null,
    enrolled: false,
    error: null,
  }),
  output: ({ context }) => ({
    outcome: context.tokens === null ? 'cancelled' : 'authenticated',
    tokens: context.tokens,
    newRecoveryCode: context.newRecoveryCode,
    enrolled: context.enrolled,
  }),
  initial: 'needMfaToken',
  on: {
    cancel: { target: '.cancelled', actions: ['cancelMfaTokenExpiry', 'clearSubmission'] },
    'flow.restored': { actions: 'rearmMfaTokenExpiry' },
    'mfaToken.expired': {
      guard: 'hasMfaToken',
      target: '.needMfaToken',
      actions: [
        'forgetMfaToken',
        assign({ error: error('mfa_token_expired', 'Your session expired. Sign in again to continue.') }),
      ],
    },
  },
  states: {
    needMfaToken: {
      initial: 'idle',
      states: {
        idle: {
          tags: ['needsCredentials'],
          // A token given as input (or kept by a restored snapshot) starts the route at once.
          always: { guard: 'hasMfaToken', target: '#mfaFlow.routing', actions: 'scheduleMfaTokenExpiry' },
          on: {
            'credentials.submit': [
              { guard: 'credentialsPresent', target: 'signingIn', actions: 'clearError' },
              { actions: 'rejectBlankCredentials' },
            ],
            'mfaToken.provide': {
              target: '#mfaFlow.routing',
              actions: [
                assign({
                  mfaToken: ({ event }) => event.mfaToken,
                  mfaTokenExpiresAt: ({ event }) => event.expiresAt ?? null,
                  error: null,
                }),
                'scheduleMfaTokenExpiry',
              ],
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
                guard: 'mfaRequired',
                target: '#mfaFlow.routing',
                actions: [
                  assign(({ event }) =>
                    event.output.kind === 'mfa_required'
                      ? { mfaToken: event.output.mfaToken, mfaTokenExpiresAt: event.output.expiresAt ?? null }
                      : {},
                  ),
                  'scheduleMfaTokenExpiry',
                ],
              },
              {
                target: '#mfaFlow.authenticated',
                actions: assign({ tokens: ({ event }) => (event.output.kind === 'tokens' ? event.output.tokens : null) }),
              },
            ],
            onError: [
              {
                guard: { type: 'errorIs', params: { codes: ['network', 'timeout', 'server_error', 'invalid_response', 'unexpected'] } },
                target: '#mfaFlow.failed',
                actions: ['setError', { type: 'setResumeStep', params: { step: 'signingIn' } }],
              },
              // Wrong password, lockout, rate limit, misconfigured client: the user stays on the form.
              { target: 'idle', actions: 'setError' },
            ],
          },
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
            guard: 'mayChallengeExisting',
            target: 'listing',
            actions: assign({ alreadyEnrolled: true, error: null }),
          },
          ...requestFailure('associating'),
        ],
      },
    },

    awaitingConfirmation: {
      initial: 'idle',
      states: {
        idle: {
          tags: ['needsCode'],
          on: {
            'otp.submit': [
              { guard: 'otpWellFormed', target: 'submitting', actions: 'storeOtpSubmission' },
              { actions: 'rejectMalformedOtp' },
            ],
          },
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
            onError: codeFailure('confirming', 'invalid_otp'),
          },
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
                guard: 'oneOtpAuthenticator',
                target: '#mfaFlow.challenging',
                actions: assign(({ event }) => {
                  const authenticators = challengeable(event.output);
                  return { authenticators, authenticatorId: otpAuthenticators(authenticators)[0]?.id ?? null };
                }),
              },
              {
                guard: 'severalOtpAuthenticators',
                target: 'choosing',
                actions: assign({ authenticators: ({ event }) => challengeable(event.output) }),
              },
              {
                guard: 'onlyOtherFactors',
                target: '#mfaFlow.failed',
                actions: assign({
                  authenticators: ({ event }) => challengeable(event.output),
                  resumeStep: 'listing',
                  error: error('unsupported_factor', 'This account uses a factor this app cannot challenge yet.'),
                }),
              },
              {
                // The server said "already enrolled" yet lists nothing to challenge: stop, never loop.
                guard: 'alreadyEnrolled',
                target: '#mfaFlow.failed',
                actions: assign({
                  authenticators: [],
                  resumeStep: 'listing',
                  error: error('no_authenticator', 'No authenticator can be challenged for this account.'),
                }),
              },
              { target: '#mfaFlow.associating', actions: assign({ authenticators: [], listedNone: true }) },
            ],
            onError: requestFailure('listing'),
          },
        },
        choosing: {
          on: {
            'authenticator.select': [
              {
                guard: 'selectableAuthenticator',
                target: '#mfaFlow.challenging',
                actions: assign({ authenticatorId: ({ event }) => event.authenticatorId, error: null }),
              },
              { actions: 'rejectUnknownAuthenticator' },
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
        onError: requestFailure('challenging'),
      },
    },

    verifying: {
      initial: 'idle',
      states: {
        idle: {
          tags: ['needsCode'],
          on: {
            'otp.submit': [
              { guard: 'otpWellFormed', target: 'submittingOtp', actions: 'storeOtpSubmission' },
              { actions: 'rejectMalformedOtp' },
            ],
            'recoveryCode.submit': [
              { guard: 'recoveryCodeWellFormed', target: 'submittingRecoveryCode', actions: 'storeRecoveryCodeSubmission' },
              { actions: 'rejectMalformedRecoveryCode' },
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
                target: '#mfaFlow.associating',
                actions: [assign({ enrollToken: ({ event }) => event.output.accessToken }), 'clearSubmission'],
              },
              {
                target: '#mfaFlow.authenticated',
                actions: [assign({ tokens: ({ event }) => event.output }), 'clearSubmission'],
              },
            ],
            onError: codeFailure('verifying', 'invalid_otp'),
          },
        },
        submittingRecoveryCode: {
          tags: ['busy'],
          invoke: {
            src: 'verifyRecoveryCode',
            input: ({ context }) => ({ ...verifyInput(context), recoveryCode: submittedCode(context) }),
            onDone: [
              {
                guard: 'mustEnrollAfterChallenge',
                target: '#mfaFlow.associating',
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
            onError: codeFailure('verifying', 'invalid_recovery_code'),
          },
        },
      },
    },

    locked: {
      initial: 'waiting',
      states: {
        waiting: {
          after: { lockout: 'ready' },
          on: { 'flow.restored': { target: 'waiting', reenter: true, actions: ['rearmMfaTokenExpiry', 'rearmWait'] } },
        },
        ready: { on: { retry: { target: '#mfaFlow.resuming', actions: 'clearError' } } },
      },
    },

    rateLimited: {
      tags: ['busy'],
      after: { rateLimit: { target: 'resuming' } },
      on: { 'flow.restored': { target: 'rateLimited', reenter: true, actions: ['rearmMfaTokenExpiry', 'rearmWait'] } },
    },

    failed: {
      on: { retry: { target: 'resuming', actions: 'clearError' } },
    },

    /** Goes back to the step recorded in `resumeStep`; a code kept through a rate-limit wait is re-sent. */
    resuming: {
      always: [
        { guard: { type: 'resumeStepIs', params: { step: 'associating' } }, target: 'associating' },
        { guard: { type: 'resumeStepIs', params: { step: 'listing' } }, target: 'listing' },
        { guard: { type: 'resumeStepIs', params: { step: 'challenging' } }, target: 'challenging' },
        {
          guard: { type: 'resumeSubmission', params: { step: 'confirming', kind: 'otp' } },
          target: 'awaitingConfirmation.submitting',
        },
        { guard: { type: 'resumeStepIs', params: { step: 'confirming' } }, target: 'awaitingConfirmation' },
        {
          guard: { type: 'resumeSubmission', params: { step: 'verifying', kind: 'otp' } },
          target: 'verifying.submittingOtp',
        },
        {
          guard: { type: 'resumeSubmission', params: { step: 'verifying', kind: 'recoveryCode' } },
          target: 'verifying.submittingRecoveryCode',
        },
        { guard: { type: 'resumeStepIs', params: { step: 'verifying' } }, target: 'verifying' },
        { target: 'needMfaToken' },
      ],
    },

    authenticated: { type: 'final', entry: ['cancelMfaTokenExpiry', 'forgetSecrets'] },
    cancelled: { type: 'final', entry: 'forgetSecrets' },
  },
});

/** How a request step fails: a dead token asks for a new one, a 429 waits, anything else is `failed`. */
function requestFailure(step: ResumableStep) {
  return [
    {
      guard: { type: 'errorIs', params: { codes: ['mfa_token_expired', 'mfa_token_invalid'] } },
      target: '#mfaFlow.needMfaToken',
      actions: ['cancelMfaTokenExpiry', 'forgetMfaToken', 'setError'],
    },
    {
      guard: { type: 'errorIs', params: { codes: ['rate_limited'] } },
      target: '#mfaFlow.rateLimited',
      actions: ['setError', { type: 'setResumeStep', params: { step } }],
    },
    {
      target: '#mfaFlow.failed',
      actions: ['setError', 'clearSubmission', { type: 'setResumeStep', params: { step } }],
    },
  ] as const;
}

/** A code step adds: a wrong code stays put, a lockout is its own state, never a wrong code. */
function codeFailure(step: 'confirming' | 'verifying', wrongCode: 'invalid_otp' | 'invalid_recovery_code') {
  return [
    { guard: { type: 'errorIs', params: { codes: [wrongCode] } }, target: 'idle', actions: ['setError', 'clearSubmission'] },
    {
      guard: { type: 'errorIs', params: { codes: ['too_many_attempts'] } },
      target: '#mfaFlow.locked',
      actions: ['setError', 'clearSubmission', { type: 'setResumeStep', params: { step } }],
    },
    ...requestFailure(step),
  ] as const;
}

export type MfaFlowMachine = typeof mfaFlowMachine;
