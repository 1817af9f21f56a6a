// Every answer of the handler: a view, or an error with a stable code a client can act on, and a
// message that names no value the client sent. No answer is cached anywhere.
import type { FlowView } from '../view/flowView.js';

export const SERVER_ERRORS = {
  /** No flow cookie: start a flow first. */
  no_flow: 401,
  /** The cookie is not a handle this app issued (altered, forged). */
  bad_handle: 400,
  /** The store has nothing for this handle (expired, ended long ago, lost): start again. */
  flow_lost: 410,
  /** Another request of this flow is being handled: try again shortly. */
  flow_busy: 409,
  invalid_event: 400,
  cross_origin: 403,
  not_found: 404,
  method_not_allowed: 405,
  /** The store did not answer. */
  store_unavailable: 503,
  /** The app's `onAuthenticated` failed; the next request of the flow calls it again. */
  callback_failed: 503,
  /** A fault of the handler itself (a bug): nothing the client can fix. */
  internal_error: 500,
} as const;

export type ServerErrorCode = keyof typeof SERVER_ERRORS;

const MESSAGES: Record<ServerErrorCode, string> = {
  no_flow: 'No sign-in is in progress. Start one first.',
  bad_handle: 'This sign-in handle is not valid. Start again.',
  flow_lost: 'This sign-in is no longer available. Start again.',
  flow_busy: 'This sign-in is busy with another request. Try again in a moment.',
  invalid_event: 'This is not an event a sign-in takes.',
  cross_origin: 'This request did not come from this site.',
  not_found: 'There is nothing here.',
  method_not_allowed: 'This method is not allowed here.',
  store_unavailable: 'Sign-ins are unavailable right now. Try again shortly.',
  callback_failed: 'The sign-in could not be completed yet. Try again shortly.',
  internal_error: 'Something went wrong on the server.',
};

const HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

/** `retryAfterMs` (flow_busy): when the lease that holds the flow ends, so a client knows how
 *  long retrying can be worth it (a crashed process's lease ends by itself). */
export function errorAnswer(code: ServerErrorCode, detail?: string, retryAfterMs?: number): Response {
  const message = detail === undefined ? MESSAGES[code] : `${MESSAGES[code]} ${detail}`;
  const headers: Record<string, string> = { ...HEADERS };
  if (code === 'flow_busy') headers['retry-after'] = String(Math.max(1, Math.ceil((retryAfterMs ?? 0) / 1_000)));
  if (code === 'method_not_allowed') headers.allow = 'GET, POST';
  const body = { error: code, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs: Math.max(0, Math.round(retryAfterMs)) }) };
  return new Response(JSON.stringify(body), { status: SERVER_ERRORS[code], headers });
}

export function viewAnswer(view: FlowView, setCookie?: string): Response {
  return new Response(JSON.stringify({ view }), { status: 200, headers: { ...HEADERS, ...(setCookie === undefined ? {} : { 'set-cookie': setCookie }) } });
}

/** Thrown inside the handler to end a request with one of the stable errors. */
export class ServerAnswer extends Error {
  constructor(
    readonly code: ServerErrorCode,
    readonly detail?: string,
    readonly retryAfterMs?: number,
  ) {
    super(code);
  }
}
