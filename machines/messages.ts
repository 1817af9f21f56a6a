// The words a UI shows for each error code: one table for the chart and the API client alike,
// written here so that no message ever comes from a server's text or carries a secret.
import type { FlowError, MfaErrorCode } from './types.js';
import { MFA_ERROR_CODES } from './types.js';

const MESSAGES: Record<MfaErrorCode, string> = {
  invalid_credentials: 'Wrong email or password.',
  already_enrolled: 'This account already has an authenticator.',
  invalid_otp: 'That code is not right. Check your authenticator app and try again.',
  invalid_binding_code: 'That code is not right. Check the message we sent and try again.',
  invalid_recovery_code: 'That recovery code is not valid.',
  mfa_token_expired: 'Your session expired. Sign in again to continue.',
  mfa_token_invalid: 'Your session is no longer valid. Sign in again to continue.',
  too_many_attempts: 'Too many attempts. Wait before trying again.',
  too_many_messages: 'Too many codes were sent. Wait before asking for another.',
  rate_limited: 'The server asked us to slow down. Retrying shortly.',
  push_rejected: 'The sign-in was refused on your phone.',
  oob_code_expired: 'That code has expired. Ask for a new one.',
  authorization_pending: 'Waiting for your answer on your phone.',
  slow_down: 'Waiting for your answer on your phone.',
  unsupported_challenge: 'This authenticator cannot be challenged.',
  invalid_request: 'The server refused the request as invalid.',
  unauthorized_client: 'This application is not allowed to do that. Check its client id, secret and grant types.',
  access_denied: 'The server denied access.',
  network: 'Cannot reach the server. Check the connection and try again.',
  timeout: 'The server took too long to answer.',
  server_error: 'The server had a problem. Try again in a moment.',
  invalid_response: 'The server sent an answer this app cannot read.',
  aborted: 'The request was cancelled.',
  invalid_phone_number: 'Enter a phone number with its country code, e.g. +14155550123.',
  invalid_email: 'Enter an email address, e.g. name@example.com.',
  resend_too_soon: 'A code was just sent. Wait a little before asking for another.',
  unsupported_factor: 'This account uses a factor this app does not offer.',
  no_authenticator: 'No authenticator can be challenged for this account.',
  unexpected: 'Something unexpected went wrong.',
};

/** The safe, human message for a code. */
export function messageFor(code: MfaErrorCode): string {
  return MESSAGES[code];
}

/** Refusals the chart makes itself, before anything reaches the network. */
export const LOCAL_REFUSALS = {
  blankCredentials: { code: 'invalid_credentials', message: 'Enter your email and password.' },
  malformedOtp: { code: 'invalid_otp', message: 'Enter the 6-digit code from your authenticator app.' },
  malformedRecoveryCode: { code: 'invalid_recovery_code', message: 'A recovery code has 24 letters and digits.' },
  unknownAuthenticator: { code: 'unsupported_factor', message: 'Choose one of the listed methods.' },
  unofferedFactor: { code: 'unsupported_factor', message: 'Choose one of the offered factors.' },
  badPhoneNumber: { code: 'invalid_phone_number', message: 'Enter a phone number with its country code, e.g. +14155550123.' },
  badEmail: { code: 'invalid_email', message: 'Enter an email address, e.g. name@example.com.' },
  resendTooSoon: { code: 'resend_too_soon', message: 'A code was just sent. Wait a little before asking for another.' },
  interrupted: { code: 'aborted', message: 'The connection was interrupted before the server answered. Try again.' },
} as const satisfies Record<string, FlowError>;

const KNOWN_CODES: ReadonlySet<string> = new Set(MFA_ERROR_CODES);

/** What a UI may see of a failure: its code (anything unknown is `unexpected`), this table's
 *  message for it, and the wait a 429 asked for. Never the raw error or a server's words. */
export function toFlowError(error: unknown): FlowError {
  const { code, retryAfterMs } = (typeof error === 'object' && error !== null ? error : {}) as Partial<FlowError>;
  const known: MfaErrorCode = typeof code === 'string' && KNOWN_CODES.has(code) ? code : 'unexpected';
  return typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0
    ? { code: known, message: MESSAGES[known], retryAfterMs }
    : { code: known, message: MESSAGES[known] };
}

export const flowError = (code: MfaErrorCode): FlowError => ({ code, message: MESSAGES[code] });
