// Validation of every body the Auth0 MFA API sends back, before anything uses it. A body of the
// wrong shape throws `invalid_response` naming what was wrong (never echoing the body itself).
import type { Authenticator, Enrollment, TokenSet } from '../../machines/types.js';
import { MfaError } from './errors.js';

type Json = Record<string, unknown>;

function invalid(what: string, status: number): never {
  throw new MfaError('invalid_response', { status, cause: new Error(`response ${what}`) });
}

function asObject(body: unknown, status: number): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) invalid('is not a JSON object', status);
  return body as Json;
}

function str(obj: Json, key: string, status: number): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') invalid(`field "${key}" is not a non-empty string`, status);
  return value;
}

function optionalStr(obj: Json, key: string, status: number): string | undefined {
  return obj[key] === undefined || obj[key] === null ? undefined : str(obj, key, status);
}

export function parseTokenSet(body: unknown, status: number): TokenSet {
  const obj = asObject(body, status);
  const expiresIn = obj.expires_in;
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0) {
    invalid('field "expires_in" is not a non-negative number', status);
  }
  const idToken = optionalStr(obj, 'id_token', status);
  const scope = obj.scope === '' ? undefined : optionalStr(obj, 'scope', status);
  return {
    accessToken: str(obj, 'access_token', status),
    tokenType: str(obj, 'token_type', status),
    expiresIn,
    ...(idToken === undefined ? {} : { idToken }),
    ...(scope === undefined ? {} : { scope }),
  };
}

export function parseRecoveryGrant(body: unknown, status: number): { tokens: TokenSet; recoveryCode?: string } {
  const tokens = parseTokenSet(body, status);
  const recoveryCode = optionalStr(asObject(body, status), 'recovery_code', status);
  return recoveryCode === undefined ? { tokens } : { tokens, recoveryCode };
}

export function parseEnrollment(body: unknown, status: number): Enrollment {
  const obj = asObject(body, status);
  if (obj.authenticator_type !== 'otp') invalid('field "authenticator_type" is not "otp"', status);
  const secret = str(obj, 'secret', status);
  if (!/^[A-Z2-7]+=*$/i.test(secret)) invalid('field "secret" is not base32', status);
  const barcodeUri = str(obj, 'barcode_uri', status);
  if (!barcodeUri.startsWith('otpauth://')) invalid('field "barcode_uri" is not an otpauth:// URI', status);
  const codes = obj.recovery_codes;
  if (codes === undefined || codes === null) return { secret, barcodeUri };
  if (!Array.isArray(codes) || !codes.every((c) => typeof c === 'string' && c !== '')) {
    invalid('field "recovery_codes" is not a list of strings', status);
  }
  return { secret, barcodeUri, recoveryCodes: codes as string[] };
}

export function parseAuthenticators(body: unknown, status: number): Authenticator[] {
  if (!Array.isArray(body)) invalid('is not a JSON array', status);
  return body.map((item) => {
    const obj = asObject(item, status);
    if (typeof obj.active !== 'boolean') invalid('field "active" is not a boolean', status);
    const name = optionalStr(obj, 'name', status);
    return {
      id: str(obj, 'id', status),
      authenticatorType: str(obj, 'authenticator_type', status),
      active: obj.active,
      ...(name === undefined ? {} : { name }),
    };
  });
}

export function parseChallenge(body: unknown, status: number): { challengeType: string } {
  return { challengeType: str(asObject(body, status), 'challenge_type', status) };
}

/** The 403 `mfa_required` answer of a password grant: the normal way to get an MFA token. */
export function parseMfaRequired(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const { error, mfa_token: mfaToken } = body as Json;
  return error === 'mfa_required' && typeof mfaToken === 'string' && mfaToken !== '' ? mfaToken : null;
}
