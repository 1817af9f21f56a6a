// The MFA factors a tenant can offer and the `type` names Auth0's SDKs read for them: in
// `mfa_requirements` on the `mfa_required` answer, and on each item of GET /mfa/authenticators.
// docs/emulator.md says where each name comes from. Only the OTP app exists so far; SMS, voice,
// email and push will add their rows here (as `phone`, `phone`, `email`, `push-notification`).
import type { Authenticator, AuthenticatorKind } from './storeTypes.js';

/** Factors a tenant can enable, as Auth0's dashboard and `--factors` name them. */
export type FactorName = 'otp';
export const SUPPORTED_FACTORS: readonly FactorName[] = ['otp'];

/**
 * A factor's name in `mfa_requirements` (auth0-auth-js `MfaRequiredFactorType`) and in the
 * `type` of a listed authenticator (what auth0-spa-js filters `getAuthenticators` by).
 */
export type RequirementType = 'otp' | 'phone' | 'email' | 'push-notification' | 'recovery-code';

const FACTOR_TYPES: Readonly<Record<FactorName, RequirementType>> = { otp: 'otp' };
const AUTHENTICATOR_TYPES: Readonly<Record<AuthenticatorKind, RequirementType>> = { otp: 'otp', 'recovery-code': 'recovery-code' };

export interface MfaRequirements {
  challenge?: Array<{ type: RequirementType }>;
  enroll?: Array<{ type: RequirementType }>;
}

/** The `type` of a listed authenticator. */
export function authenticatorType(authenticator: Authenticator): RequirementType {
  return AUTHENTICATOR_TYPES[authenticator.type];
}

/**
 * What the user must do next: be challenged with one of the factors they have (the types of
 * their active authenticators), or, with none, enroll one of the factors the tenant offers.
 * A recovery code is no factor to challenge, so it is named only when it is all that is left
 * (every other authenticator deleted): then it is the way in.
 */
export function mfaRequirements(authenticators: readonly Authenticator[], enabled: readonly FactorName[]): MfaRequirements {
  const active = authenticators.filter((a) => a.active);
  if (active.length === 0) return { enroll: distinct(enabled.map((factor) => FACTOR_TYPES[factor])) };
  const factors = active.filter((a) => a.type !== 'recovery-code');
  return { challenge: distinct((factors.length > 0 ? factors : active).map(authenticatorType)) };
}

function distinct(types: RequirementType[]): Array<{ type: RequirementType }> {
  return [...new Set(types)].map((type) => ({ type }));
}
