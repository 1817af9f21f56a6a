// The password and password-realm grants. Every user must pass MFA, so a right password
// never yields tokens: it answers 403 mfa_required with an mfa_token for this user and client,
// and `mfa_requirements`: challenge one of the user's factors, or enroll one.
import { EmulatorError, invalidRequest } from '../errors.js';
import type { EmulatorDeps } from '../deps.js';
import { mfaRequirements } from '../factors.js';
import type { ResolvedClient } from '../options.js';
import { burnPasswordCheck, verifyPassword } from '../passwords.js';
import type { RequestParams } from '../requestParams.js';

/** The database connection every emulated user lives in. */
export const DEFAULT_REALM = 'Username-Password-Authentication';

export async function passwordGrant(
  deps: EmulatorDeps,
  params: RequestParams,
  client: ResolvedClient,
  withRealm: boolean,
): Promise<never> {
  const username = params.required('username');
  const password = params.required('password');
  if (withRealm && params.required('realm') !== DEFAULT_REALM) {
    throw invalidRequest(`Unknown realm; the emulator's connection is ${DEFAULT_REALM}`);
  }
  const audience = params.optional('audience');
  const scope = params.optional('scope');
  const user = deps.store.findUserByEmail(username);
  const valid = user ? await verifyPassword(password, user.passwordHash) : (await burnPasswordCheck(password), false);
  if (!user || !valid) throw new EmulatorError(403, 'invalid_grant', 'Wrong email or password.');
  const mfaToken = deps.store.issueMfaToken(user, client.id, audience, scope);
  const requirements = mfaRequirements(deps.store.listed(user).map((row) => row.item), deps.config.factors);
  throw new EmulatorError(403, 'mfa_required', 'Multifactor authentication required', {
    mfa_token: mfaToken,
    mfa_requirements: requirements,
  });
}
