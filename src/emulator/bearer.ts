// The Bearer on /mfa/associate and /mfa/authenticators: either an mfa_token or an access
// token for the MFA API audience (whose scopes then gate each endpoint).
import type { Context } from 'hono';
import type { EmulatorDeps } from './deps.js';
import { EmulatorError } from './errors.js';
import type { MfaTokenRecord, UserRecord } from './store.js';

export type MfaApiCaller =
  | { via: 'mfa_token'; user: UserRecord; mfaToken: MfaTokenRecord }
  | { via: 'access_token'; user: UserRecord; scopes: ReadonlySet<string>; clientId: string | undefined };

export type MfaApiScope = 'enroll' | 'read:authenticators' | 'remove:authenticators';

const invalidToken = (description: string) => new EmulatorError(401, 'invalid_token', description);

export async function authenticateBearer(c: Context, deps: EmulatorDeps): Promise<MfaApiCaller> {
  const header = c.req.header('authorization');
  if (header === undefined || header.trim() === '') throw invalidToken('Missing Authorization header with a Bearer token.');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw invalidToken('The Authorization header must be "Bearer <token>".');
  const token = match[1];

  if (token.split('.').length === 3) {
    const check = await deps.tokens.verifyMfaApiToken(token);
    if (!check.ok) throw invalidToken(check.reason === 'expired' ? 'The access token is expired.' : 'Invalid access token.');
    const user = deps.store.findUserById(check.sub);
    if (!user) throw invalidToken('Invalid access token.');
    return { via: 'access_token', user, scopes: check.scopes, clientId: check.clientId };
  }

  const lookup = deps.store.lookupMfaToken(token);
  if (lookup.status === 'unknown') throw invalidToken('Invalid token.');
  if (lookup.status === 'expired') throw new EmulatorError(401, 'expired_token', 'mfa_token is expired');
  return { via: 'mfa_token', user: lookup.user, mfaToken: lookup.record };
}

export function requireScope(caller: MfaApiCaller, scope: MfaApiScope): void {
  if (caller.via === 'access_token' && caller.scopes.has(scope)) return;
  throw new EmulatorError(403, 'insufficient_scope', `Insufficient scope, expected: ${scope}`);
}
