// Cross-site request forgery: a state-changing request must come from a page of the app itself.
// Browsers send `Origin` on every POST (and `Sec-Fetch-Site` on modern ones); a request with
// neither is refused too, so a server-side caller states its origin like a browser would.

/** True when the request says it comes from one of `allowed` (default: its own origin). */
export function isSameOrigin(request: Request, allowed: readonly string[] | undefined): boolean {
  const origins = allowed ?? [new URL(request.url).origin];
  const origin = request.headers.get('origin');
  if (origin !== null) return origins.includes(origin);
  return request.headers.get('sec-fetch-site') === 'same-origin';
}
