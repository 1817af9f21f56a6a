// The emulator's one error type and the Auth0 error envelope it renders to.
// Handlers throw EmulatorError; app.onError turns it (and anything unexpected) into
// `{error, error_description}` JSON, so every refusal has the same shape as Auth0's.

/** Fixed `error` codes the emulator answers with (Auth0's vocabulary plus RFC 6749/6750). */
export type EmulatorErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'mfa_required'
  | 'expired_token'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'access_denied'
  | 'unsupported_challenge_type'
  | 'too_many_attempts'
  /** Too many messages (SMS, voice, email, push) for one user. */
  | 'too_many_requests'
  /** Push: the device has not answered yet (RFC 8628's name, as Auth0 uses it). */
  | 'authorization_pending'
  /** Push: polled faster than the interval. */
  | 'slow_down'
  | 'not_found'
  | 'server_error';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500;

export class EmulatorError extends Error {
  override readonly name = 'EmulatorError';
  constructor(
    readonly status: ErrorStatus,
    readonly error: EmulatorErrorCode,
    readonly description: string,
    /** Extra body members, e.g. `mfa_token` and `mfa_requirements` on `mfa_required`. */
    readonly extra: Readonly<Record<string, unknown>> = {},
    /** Extra response headers, e.g. the rate-limit headers on 429. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${error}: ${description}`);
  }

  body(): Record<string, unknown> {
    return { error: this.error, error_description: this.description, ...this.extra };
  }
}

export const invalidRequest = (description: string): EmulatorError =>
  new EmulatorError(400, 'invalid_request', description);

export const missingParameter = (name: string): EmulatorError =>
  invalidRequest(`Missing required parameter: ${name}`);

// The three mfa_token refusals shared by /oauth/token and /mfa/challenge.
export const malformedMfaToken = (): EmulatorError =>
  new EmulatorError(403, 'invalid_grant', 'Malformed mfa_token');
export const expiredMfaTokenGrant = (): EmulatorError =>
  new EmulatorError(403, 'expired_token', 'mfa_token is expired');
export const foreignMfaToken = (): EmulatorError =>
  new EmulatorError(403, 'invalid_grant', 'mfa_token not issued to this client');

/**
 * A 429 from one of the per-user buckets (code attempts, messages), with the rate-limit headers:
 * `x-ratelimit-reset` is the epoch second the next token comes back, `Retry-After` the seconds to it.
 */
export function rateLimited(
  error: 'too_many_attempts' | 'too_many_requests',
  description: string,
  bucket: { limit: number; nextAt: number; now: number },
): EmulatorError {
  return new EmulatorError(429, error, description, {}, {
    'x-ratelimit-limit': String(bucket.limit),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Math.ceil(bucket.nextAt / 1000)),
    'retry-after': String(Math.max(1, Math.ceil((bucket.nextAt - bucket.now) / 1000))),
  });
}
