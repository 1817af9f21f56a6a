// POST /mfa/challenge: for OTP nothing is sent anywhere, so this only checks that the user can
// be challenged that way and answers {"challenge_type":"otp"}. Authenticated by client
// credentials and the mfa_token in the body, never by a Bearer header.
import type { Hono } from 'hono';
import { authenticateClient } from '../clientAuth.js';
import type { EmulatorDeps } from '../deps.js';
import { EmulatorError, invalidRequest } from '../errors.js';
import { checkMfaTokenForClient } from '../mfaTokenCheck.js';
import { GRANT_MFA_OTP } from '../options.js';
import { readParams } from '../requestParams.js';

export function registerChallengeRoute(app: Hono, deps: EmulatorDeps): void {
  app.post('/mfa/challenge', async (c) => {
    const params = await readParams(c);
    const client = authenticateClient(c, params, deps.config);
    const mfaToken = params.required('mfa_token');
    // challenge_type is a space-separated list of what the app can handle; absent = otp.
    const acceptedTypes = (params.optional('challenge_type') ?? 'otp').split(/\s+/).filter(Boolean);
    const authenticatorId = params.optional('authenticator_id');
    if (!client.grants.has(GRANT_MFA_OTP)) {
      throw new EmulatorError(403, 'unauthorized_client', `Grant type '${GRANT_MFA_OTP}' not allowed for the client.`);
    }
    const { user } = checkMfaTokenForClient(deps.store, mfaToken, client);

    const notEnrolled = () =>
      new EmulatorError(400, 'unsupported_challenge_type', 'User is not enrolled with an authenticator of the requested challenge_type.');
    if (!acceptedTypes.includes('otp')) throw notEnrolled();
    const authenticators = deps.store.visibleAuthenticators(user);
    if (authenticatorId !== undefined) {
      const chosen = authenticators.find((a) => a.id === authenticatorId);
      if (!chosen) throw invalidRequest('authenticator_id does not name one of the user\'s authenticators');
      if (chosen.type !== 'otp' || !chosen.active) throw notEnrolled();
    } else if (!authenticators.some((a) => a.type === 'otp' && a.active)) {
      throw notEnrolled();
    }
    return c.json({ challenge_type: 'otp' });
  });
}
