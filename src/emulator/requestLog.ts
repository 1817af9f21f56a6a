// One line per request for the log sink: method, path, status, duration. Never the query
// string, headers or body: those are where tokens, codes and passwords travel.
import type { MiddlewareHandler } from 'hono';

export function requestLog(sink: ((line: string) => void) | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!sink) return next();
    const started = performance.now();
    await next();
    const ms = Math.round(performance.now() - started);
    sink(`${c.req.method} ${safePath(c.req.path)} ${c.res.status} ${ms}ms`);
  };
}

// Only the route shape is logged for per-authenticator and per-request paths; ids are the user's business.
function safePath(path: string): string {
  if (path.startsWith('/mfa/authenticators/')) return '/mfa/authenticators/:id';
  const answer = /^\/emulator\/v1\/guardian\/requests\/[^/]*\/(accept|reject)$/.exec(path);
  if (answer) return `/emulator/v1/guardian/requests/:id/${answer[1]}`;
  return path.replace(/[^\x21-\x7e]/g, '?').slice(0, 200);
}
