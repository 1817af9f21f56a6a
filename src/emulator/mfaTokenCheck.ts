// The mfa_token as a grant parameter (/oauth/token) or challenge parameter (/mfa/challenge):
// garbage → 403 invalid_grant, expired → 403 expired_token, another client's → 403 invalid_grant.
import { expiredMfaTokenGrant, foreignMfaToken, malformedMfaToken } from './errors.js';
import type { ResolvedClient } from './options.js';
import type { MfaTokenRecord, TenantStore, UserRecord } from './store.js';

export function checkMfaTokenForClient(
  store: TenantStore,
  mfaToken: string,
  client: ResolvedClient,
): { record: MfaTokenRecord; user: UserRecord } {
  const lookup = store.lookupMfaToken(mfaToken);
  if (lookup.status === 'unknown') throw malformedMfaToken();
  if (lookup.status === 'expired') throw expiredMfaTokenGrant();
  if (lookup.record.clientId !== client.id) throw foreignMfaToken();
  return { record: lookup.record, user: lookup.user };
}
