// The one error type of the API client: a stable `code` the chart decides on, a message that is
// safe to show and to log (never a secret, never the server's text), and the raw facts beside it.
import type { MfaErrorCode } from '../../machines/types.js';

export type { MfaErrorCode };

const MESSAGES: Record<MfaErrorCode, string> = {
  invalid_credentials: 'Wrong email or password.',
  already_enrolled: 'This account already has an authenticator.',
  invalid_otp: 'That code is not right. Check your authenticator app and try again.',
  invalid_recovery_code: 'That recovery code is not valid.',
  mfa_token_expired: 'Your session expired. Sign in again to continue.',
  mfa_token_invalid: 'Your session is no longer valid. Sign in again to continue.',
  too_many_attempts: 'Too many attempts. Wait before trying again.',
  rate_limited: 'The server asked us to slow down. Retrying shortly.',
  unsupported_challenge: 'This authenticator cannot be challenged.',
  invalid_request: 'The server refused the request as invalid.',
  unauthorized_client: 'This application is not allowed to do that. Check its client id, secret and grant types.',
  access_denied: 'The server denied access.',
  network: 'Cannot reach the server. Check the connection and try again.',
  timeout: 'The server took too long to answer.',
  server_error: 'The server had a problem. Try again in a moment.',
  invalid_response: 'The server sent an answer this app cannot read.',
  aborted: 'The request was cancelled.',
  unsupported_factor: 'This account uses a factor this app cannot challenge yet.',
  no_authenticator: 'No authenticator can be challenged for this account.',
  unexpected: 'Something unexpected went wrong.',
};

/** The safe, human message for a code. */
export function messageFor(code: MfaErrorCode): string {
  return MESSAGES[code];
}

export interface MfaErrorDetails {
  /** The server's `error` field, as sent. */
  error?: string;
  /** The server's `error_description`, as sent: server text, shown to developers, not users. */
  errorDescription?: string;
  status?: number;
  /** How long the server asked us to wait (429 answers). */
  retryAfterMs?: number;
  cause?: unknown;
  /** The raw response; kept non-enumerable so that logging the error dumps no headers or bodies. */
  response?: Response;
}

export class MfaError extends Error {
  override readonly name = 'MfaError';
  readonly code: MfaErrorCode;
  readonly error?: string;
  readonly errorDescription?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  declare readonly response?: Response;

  constructor(code: MfaErrorCode, details: MfaErrorDetails = {}) {
    super(messageFor(code), details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.error !== undefined) this.error = details.error;
    if (details.errorDescription !== undefined) this.errorDescription = details.errorDescription;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    Object.defineProperty(this, 'response', { value: details.response, enumerable: false });
  }
}

export function isMfaError(value: unknown): value is MfaError {
  return value instanceof MfaError;
}
