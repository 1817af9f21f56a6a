// The MFA factors a tenant can offer and the `type` names Auth0's SDKs read for them: in
// `mfa_requirements` on the `mfa_required` answer, and on each item of GET /mfa/authenticators.
// docs/emulator.md says where each name comes from.
import type { ListedAuthenticator } from './listing.js';
import type { AuthenticatorKind } from './storeTypes.js';

/** Factors a tenant can enable, as Auth0's dashboard and `--factors` name them. */
export type FactorName = 'otp' | 'sms' | 'voice' | 'email' | 'push';
export const SUPPORTED_FACTORS: readonly FactorName[] = ['otp', 'sms', 'voice', 'email', 'push'];

/**
 * A factor's name in `mfa_requirements` (auth0-auth-js `MfaRequiredFactorType`) and in the
 * `type` of a listed authenticator (what auth0-spa-js filters `getAuthenticators` by).
 */
export type RequirementType = 'otp' | 'phone' | 'email' | 'push-notification' | 'recovery-code';

/** SMS and voice are one factor to Auth0's SDKs: a phone number, reachable either way. */
export const FACTOR_TYPES: Readonly<Record<FactorName, RequirementType>> = {
  otp: 'otp',
  sms: 'phone',
  voice: 'phone',
  email: 'email',
  push: 'push-notification',
};

/** The `type` of a listed authenticator, by what its record is. */
export const KIND_TYPES: Readonly<Record<AuthenticatorKind, RequirementType>> = {
  otp: 'otp',
  'recovery-code': 'recovery-code',
  phone: 'phone',
  email: 'email',
  push: 'push-notification',
};

export interface MfaRequirements {
  challenge?: Array<{ type: RequirementType }>;
  enroll?: Array<{ type: RequirementType }>;
}

/** Whether `name` is a factor the emulator knows (for options and flags). */
export function isFactorName(name: string): name is FactorName {
  return (SUPPORTED_FACTORS as readonly string[]).includes(name);
}

/**
 * What the user must do next: be challenged with one of the factors they have (the types of
 * their active authenticators, as listed), or, with none, enroll one of the factors the tenant
 * offers. A recovery code is no factor to challenge, so it is named only when it is all that is
 * left (every other authenticator deleted): then it is the way in.
 */
export function mfaRequirements(listed: readonly ListedAuthenticator[], enabled: readonly FactorName[]): MfaRequirements {
  const active = listed.filter((a) => a.active);
  if (active.length === 0) return { enroll: distinct(enabled.map((factor) => FACTOR_TYPES[factor])) };
  const factors = active.filter((a) => a.type !== 'recovery-code');
  return { challenge: distinct((factors.length > 0 ? factors : active).map((a) => a.type)) };
}

function distinct(types: RequirementType[]): Array<{ type: RequirementType }> {
  return [...new Set(types)].map((type) => ({ type }));
}
