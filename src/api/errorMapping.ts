// Turns an Auth0 error answer, or a transport failure, into an MfaError. Decisions key on the
// `error` field (Auth0's contract), with the endpoint to tell apart the many `invalid_grant`s;
// the HTTP status is only a fallback for answers that carry no usable `error`.
import { TimeoutError } from 'ky';
import { MfaError, type MfaErrorCode } from './errors.js';

/** Which call failed: the same `invalid_grant` means a wrong password, a wrong OTP or a bad token. */
export type Endpoint = 'password' | 'otp' | 'oob' | 'recoveryCode' | 'associate' | 'authenticators' | 'challenge';

const BY_ERROR: Record<string, MfaErrorCode> = {
  expired_token: 'mfa_token_expired',
  invalid_token: 'mfa_token_invalid',
  too_many_attempts: 'too_many_attempts',
  authorization_pending: 'authorization_pending',
  slow_down: 'slow_down',
  too_many_requests: 'rate_limited',
  unsupported_challenge_type: 'unsupported_challenge',
  invalid_request: 'invalid_request',
  unsupported_grant_type: 'invalid_request',
  invalid_scope: 'invalid_request',
  invalid_client: 'unauthorized_client',
  unauthorized_client: 'unauthorized_client',
  insufficient_scope: 'unauthorized_client',
  server_error: 'server_error',
  temporarily_unavailable: 'server_error',
};

/** Auth0's answer when a user's message budget is spent: "Too many SMS sent by the user. …" (emails, push notifications). */
const MESSAGE_BUDGET = /too many (sms|voice|calls?|e-?mails?|push|notifications?|messages)\b/i;

function invalidGrant(endpoint: Endpoint, description: string): MfaErrorCode {
  if (/mfa_token/i.test(description)) return 'mfa_token_invalid';
  switch (endpoint) {
    case 'password':
      return 'invalid_credentials';
    case 'otp':
      return 'invalid_otp';
    case 'oob':
      // A wrong code from the message; the push refused on the device; or an oob_code that is no more.
      return /binding_code/i.test(description) ? 'invalid_binding_code' : /reject/i.test(description) ? 'push_rejected' : 'oob_code_expired';
    case 'recoveryCode':
      return 'invalid_recovery_code';
    default:
      return 'mfa_token_invalid';
  }
}

function codeFor(endpoint: Endpoint, status: number, error: string | undefined, description: string): MfaErrorCode {
  if (error === 'invalid_grant') return invalidGrant(endpoint, description);
  // `expired_token` is the MFA token's, unless the out-of-band code is what expired.
  if (error === 'expired_token' && /oob_code/i.test(description)) return 'oob_code_expired';
  // Sending a message (an SMS, a call, an email, a push) refused for now: too many were sent to
  // this user. Told from a plain rate limit (the tenant's, a proxy's) by what Auth0 says.
  if (status === 429 && (endpoint === 'challenge' || endpoint === 'associate') && MESSAGE_BUDGET.test(description)) return 'too_many_messages';
  if (error === 'access_denied') {
    return endpoint === 'associate' && /already enrolled/i.test(description) ? 'already_enrolled' : 'access_denied';
  }
  const known = error === undefined ? undefined : BY_ERROR[error];
  if (known !== undefined) return known;
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return error === undefined ? 'invalid_response' : 'invalid_request';
}

/** Milliseconds to wait, from `Retry-After` (seconds or a date) or `x-ratelimit-reset` (epoch seconds). */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = Number(headers.get('x-ratelimit-reset') ?? Number.NaN);
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  return undefined;
}

export function errorFromResponse(endpoint: Endpoint, response: Response, body: unknown): MfaError {
  const envelope = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const error = typeof envelope.error === 'string' ? envelope.error : undefined;
  const errorDescription = typeof envelope.error_description === 'string' ? envelope.error_description : undefined;
  const code = codeFor(endpoint, response.status, error, errorDescription ?? '');
  const wait = response.status === 429 ? retryAfterMs(response.headers) : undefined;
  return new MfaError(code, {
    status: response.status,
    response,
    ...(error === undefined ? {} : { error }),
    ...(errorDescription === undefined ? {} : { errorDescription }),
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  });
}

/** A request that never got an answer: timed out, cancelled, or the connection failed. */
export function errorFromFailure(failure: unknown, signal?: AbortSignal): MfaError {
  if (failure instanceof MfaError) return failure;
  if (failure instanceof TimeoutError) return new MfaError('timeout', { cause: failure });
  const aborted = signal?.aborted === true || (failure instanceof Error && failure.name === 'AbortError');
  return new MfaError(aborted ? 'aborted' : 'network', { cause: failure });
}
