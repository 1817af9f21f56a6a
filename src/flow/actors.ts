// The chart's services, made real: each invoked actor is one API call, and XState's `signal`
// goes to ky so that leaving a state aborts its request.
import { fromPromise } from 'xstate';
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

export function createMfaActors(client: MfaApiClient, settings: ActorSettings) {
  const { audience, scope, realm } = settings;
  return {
    passwordGrant: fromPromise<PasswordGrantOutput, PasswordGrantInput>(async ({ input, signal }) => {
      const result = await client.passwordGrant(
        {
          username: input.username,
          password: input.password,
          ...(audience === undefined ? {} : { audience }),
          ...(scope === undefined ? {} : { scope }),
          ...(realm === undefined ? {} : { realm }),
        },
        { signal },
      );
      return result.kind === 'mfa_required' ? { ...result, expiresAt: settings.now() + settings.mfaTokenTtlMs } : result;
    }),
    associate: fromPromise<Enrollment, AssociateInput>(({ input, signal }) => client.associate(input, { signal })),
    listAuthenticators: fromPromise<Authenticator[], ListAuthenticatorsInput>(({ input, signal }) =>
      client.listAuthenticators({ bearer: input.mfaToken }, { signal }),
    ),
    challenge: fromPromise<void, ChallengeInput>(async ({ input, signal }) => {
      await client.challenge(input, { signal });
    }),
    verifyOtp: fromPromise<TokenSet, VerifyOtpInput>(({ input, signal }) => client.verifyOtp(input, { signal })),
    verifyRecoveryCode: fromPromise<VerifyRecoveryCodeOutput, VerifyRecoveryCodeInput>(({ input, signal }) =>
      client.verifyRecoveryCode(input, { signal }),
    ),
  };
}
