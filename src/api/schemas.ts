// Validation of every body the Auth0 MFA API sends back, before anything uses it. A body of the
// wrong shape throws `invalid_response` naming what was wrong (never echoing the body itself).
import type { Authenticator, ChallengeOutput, Enrollment, FactorType, PasswordGrantOutput, TokenSet } from '../../machines/types.js';
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

export function parseEnrollment(body: unknown, status: number, factor: FactorType): Enrollment {
  const obj = asObject(body, status);
  const codes = obj.recovery_codes;
  if (codes !== undefined && codes !== null && !(Array.isArray(codes) && codes.every((c) => typeof c === 'string' && c !== ''))) {
    invalid('field "recovery_codes" is not a list of strings', status);
  }
  const recovery = Array.isArray(codes) ? { recoveryCodes: codes as string[] } : {};
  if (factor === 'otp') {
    if (obj.authenticator_type !== 'otp') invalid('field "authenticator_type" is not "otp"', status);
    const secret = str(obj, 'secret', status);
    if (!/^[A-Z2-7]+=*$/i.test(secret)) invalid('field "secret" is not base32', status);
    return { factor, secret, barcodeUri: otpauthUri(obj, status), ...recovery };
  }
  if (obj.authenticator_type !== 'oob') invalid('field "authenticator_type" is not "oob"', status);
  const oobCode = str(obj, 'oob_code', status);
  return factor === 'push' ? { factor, oobCode, barcodeUri: otpauthUri(obj, status), ...recovery } : { factor, oobCode, ...recovery };
}

function otpauthUri(obj: Json, status: number): string {
  const uri = str(obj, 'barcode_uri', status);
  if (!uri.startsWith('otpauth://')) invalid('field "barcode_uri" is not an otpauth:// URI', status);
  return uri;
}

export function parseAuthenticators(body: unknown, status: number): Authenticator[] {
  if (!Array.isArray(body)) invalid('is not a JSON array', status);
  return body.map((item) => {
    const obj = asObject(item, status);
    if (typeof obj.active !== 'boolean') invalid('field "active" is not a boolean', status);
    const name = optionalStr(obj, 'name', status);
    // Auth0's guides name the channel `oob_channel`, its API reference `oob_channels`.
    const channels = obj.oob_channels;
    const oobChannel = optionalStr(obj, 'oob_channel', status) ?? (Array.isArray(channels) && typeof channels[0] === 'string' ? channels[0] : undefined);
    return {
      id: str(obj, 'id', status),
      authenticatorType: str(obj, 'authenticator_type', status),
      active: obj.active,
      ...(name === undefined ? {} : { name }),
      ...(oobChannel === undefined ? {} : { oobChannel }),
    };
  });
}

export function parseChallenge(body: unknown, status: number, challengeType: 'otp' | 'oob'): ChallengeOutput {
  const obj = asObject(body, status);
  if (obj.challenge_type !== challengeType) invalid(`field "challenge_type" is not "${challengeType}"`, status);
  if (challengeType === 'otp') return {};
  const interval = obj.interval;
  return {
    oobCode: str(obj, 'oob_code', status),
    ...(typeof interval === 'number' && interval > 0 && interval <= 60 ? { pollIntervalMs: interval * 1000 } : {}),
  };
}

const typesOf = (list: unknown) =>
  Array.isArray(list) ? list.flatMap((item) => (typeof (item as Json)?.type === 'string' ? [(item as Json).type as string] : [])) : undefined;

/** The 403 `mfa_required` answer of a password grant: the normal way to get an MFA token, with
 *  what the user must do when the server says (`mfa_requirements`). */
export function parseMfaRequired(body: unknown): Extract<PasswordGrantOutput, { kind: 'mfa_required' }> | null {
  if (typeof body !== 'object' || body === null) return null;
  const { error, mfa_token: mfaToken, mfa_requirements: requirements } = body as Json;
  if (error !== 'mfa_required' || typeof mfaToken !== 'string' || mfaToken === '') return null;
  const said = typeof requirements === 'object' && requirements !== null ? (requirements as Json) : {};
  const challenge = typesOf(said.challenge);
  const enroll = typesOf(said.enroll);
  return challenge === undefined && enroll === undefined
    ? { kind: 'mfa_required', mfaToken }
    : { kind: 'mfa_required', mfaToken, requirements: { ...(challenge ? { challenge } : {}), ...(enroll ? { enroll } : {}) } };
}
