// POST /mfa/challenge: `otp` only checks that the user can be challenged that way and answers
// {"challenge_type":"otp"} (nothing is sent); `oob` sends a message or a push notification and
// answers a fresh `oob_code`. Authenticated by client credentials and the mfa_token in the body,
// never by a Bearer header.
import type { Hono } from 'hono';
import { authenticateClient } from '../clientAuth.js';
import type { EmulatorDeps } from '../deps.js';
import { EmulatorError, invalidRequest } from '../errors.js';
import type { ListedRow } from '../listing.js';
import { checkMfaTokenForClient } from '../mfaTokenCheck.js';
import { challengeOob } from '../oob/challengeOob.js';
import { GRANT_MFA_OOB, GRANT_MFA_OTP, type ResolvedClient } from '../options.js';
import { readParams } from '../requestParams.js';

export function registerChallengeRoute(app: Hono, deps: EmulatorDeps): void {
  app.post('/mfa/challenge', async (c) => {
    const params = await readParams(c);
    const client = authenticateClient(c, params, deps.config);
    const mfaToken = params.required('mfa_token');
    // challenge_type is a space-separated list of what the app can handle; absent = otp.
    const acceptedTypes = (params.optional('challenge_type') ?? 'otp').split(/\s+/).filter(Boolean);
    const authenticatorId = params.optional('authenticator_id');
    // A client that may verify neither way can be challenged no way.
    if (!client.grants.has(GRANT_MFA_OTP) && !client.grants.has(GRANT_MFA_OOB)) throw grantNotAllowed(GRANT_MFA_OTP);
    const { record, user } = checkMfaTokenForClient(deps.store, mfaToken, client);

    const notEnrolled = () =>
      new EmulatorError(400, 'unsupported_challenge_type', 'User is not enrolled with an authenticator of the requested challenge_type.');
    const rows = deps.store.listed(user);
    let target: ListedRow | undefined;
    if (authenticatorId !== undefined) {
      target = rows.find((row) => row.item.id === authenticatorId);
      if (!target) throw invalidRequest('authenticator_id does not name one of the user\'s authenticators');
      const kind = target.item.authenticator_type;
      if (kind === 'recovery-code' || !acceptedTypes.includes(kind) || !target.item.active) throw notEnrolled();
    } else {
      // Auth0 picks by what the app accepts and the user has: an OTP app first, else the first out-of-band one listed.
      const firstActive = (kind: 'otp' | 'oob') => (acceptedTypes.includes(kind) ? rows.find((row) => row.item.authenticator_type === kind && row.item.active) : undefined);
      target = firstActive('otp') ?? firstActive('oob');
      if (!target) throw notEnrolled();
    }

    if (target.item.authenticator_type === 'otp') {
      requireGrant(client, GRANT_MFA_OTP);
      return c.json({ challenge_type: 'otp' });
    }
    requireGrant(client, GRANT_MFA_OOB);
    return challengeOob(c, deps, { client, mfaToken: record, user, row: target });
  });
}

function requireGrant(client: ResolvedClient, grant: string): void {
  if (!client.grants.has(grant)) throw grantNotAllowed(grant);
}

function grantNotAllowed(grant: string): EmulatorError {
  return new EmulatorError(403, 'unauthorized_client', `Grant type '${grant}' not allowed for the client.`);
}
