// The one error type of the API client: a stable `code` the chart decides on, a message that is
// safe to show and to log (never a secret, never the server's text), and the raw facts beside it.
import { messageFor } from '../../machines/messages.js';
import type { MfaErrorCode } from '../../machines/types.js';

export type { MfaErrorCode };
export { messageFor };

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
