// The app's one onError and notFound: every refusal leaves as Auth0's JSON envelope, and
// nothing a client sends can turn into a 500 that leaks internals.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { EmulatorError } from './errors.js';

export const renderError: ErrorHandler = (err, c) => {
  const error = toEmulatorError(err);
  return c.json(error.body(), error.status, { ...error.headers });
};

export const renderNotFound: NotFoundHandler = (c: Context) =>
  c.json({ error: 'not_found', error_description: `Not found: ${c.req.method} ${c.req.path.slice(0, 200)}` }, 404);

function toEmulatorError(err: unknown): EmulatorError {
  if (err instanceof EmulatorError) return err;
  if (err instanceof HTTPException && err.status >= 400 && err.status < 500) {
    // Hono's own refusals (e.g. a body its parser rejects) are the caller's mistake.
    return new EmulatorError(err.status === 413 ? 413 : 400, 'invalid_request', 'The request could not be read.');
  }
  // A bug of ours; say so without detail (messages may quote request data).
  return new EmulatorError(500, 'server_error', 'The emulator failed to handle this request.');
}
