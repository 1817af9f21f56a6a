// POST /oauth/token: grant type, client authentication, then the grant's own handler.
// Errors here never carry WWW-Authenticate: Auth0's SDKs would treat one as a challenge.
import type { Hono } from 'hono';
import type { EmulatorDeps } from '../deps.js';
import { authenticateClient } from '../clientAuth.js';
import { EmulatorError, missingParameter } from '../errors.js';
import { mfaOobGrant } from '../grants/mfaOobGrant.js';
import { mfaOtpGrant } from '../grants/mfaOtpGrant.js';
import { mfaRecoveryCodeGrant } from '../grants/mfaRecoveryCodeGrant.js';
import { passwordGrant } from '../grants/passwordGrant.js';
import { GRANT_MFA_OOB, GRANT_MFA_OTP, GRANT_MFA_RECOVERY_CODE, GRANT_PASSWORD, GRANT_PASSWORD_REALM, SUPPORTED_GRANTS } from '../options.js';
import { readParams } from '../requestParams.js';

export function registerTokenRoute(app: Hono, deps: EmulatorDeps): void {
  app.post('/oauth/token', async (c) => {
    const params = await readParams(c);
    const grantType = params.optional('grant_type');
    if (grantType === undefined) throw missingParameter('grant_type');
    if (!SUPPORTED_GRANTS.includes(grantType)) {
      throw new EmulatorError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType.slice(0, 100)}`);
    }
    const client = authenticateClient(c, params, deps.config);
    if (!client.grants.has(grantType)) {
      throw new EmulatorError(403, 'unauthorized_client', `Grant type '${grantType}' not allowed for the client.`);
    }
    switch (grantType) {
      case GRANT_PASSWORD:
        return passwordGrant(deps, params, client, false);
      case GRANT_PASSWORD_REALM:
        return passwordGrant(deps, params, client, true);
      case GRANT_MFA_OTP:
        return mfaOtpGrant(c, deps, params, client);
      case GRANT_MFA_OOB:
        return mfaOobGrant(c, deps, params, client);
      case GRANT_MFA_RECOVERY_CODE:
        return mfaRecoveryCodeGrant(c, deps, params, client);
      default:
        throw new EmulatorError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType.slice(0, 100)}`);
    }
  });
}
