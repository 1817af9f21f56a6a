// The one thing Auth0's SDKs are given to run against the emulator: a fetch. They call
// https://<domain>/…; these send that request to an in-process emulator (`app.request`) or to
// one listening on a local socket, unchanged otherwise.
import type { Hono } from 'hono';

type Fetch = typeof fetch;

const urlOf = (input: RequestInfo | URL): string => (input instanceof Request ? input.url : String(input));

/** Every request goes to `app` in-process (Hono routes on the path; the host is ignored). */
export function inProcessFetch(app: Hono, seen: string[] = []): Fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push(urlOf(input));
    return app.request(input instanceof Request ? input : urlOf(input), init);
  }) as Fetch;
}

/** `https://<domain>/path` → `<baseUrl>/path` over the socket; anything else is refused. */
export function socketFetch(domain: string, baseUrl: string): Fetch {
  const origin = `https://${domain}`;
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = urlOf(input);
    if (!url.startsWith(`${origin}/`)) throw new TypeError(`socketFetch: not a URL of ${origin}: ${url}`);
    const target = `${baseUrl}${url.slice(origin.length)}`;
    return fetch(input instanceof Request ? new Request(target, input) : target, init);
  }) as Fetch;
}
