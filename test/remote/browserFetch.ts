// A browser's fetch for `createRemoteMfaFlow` in tests: relative URLs resolved against the app's
// origin, the Origin header a browser adds to a POST, and a cookie jar for the flow cookie, in
// front of a handler (or of whichever handler `route` picks: several server processes).
import type { MfaFlowHandler } from '../../src/server/index.js';
import { APP_ORIGIN } from '../server/serverHarness.js';

export interface BrowserFetch {
  fetch: typeof globalThis.fetch;
  cookie: string | null;
  /** Every answer's status, in order. */
  statuses: number[];
  /** Settles once an answer with this status has come (at once if one has). */
  answered(status: number): Promise<void>;
}

export function browserFetch(route: () => MfaFlowHandler): BrowserFetch {
  const waiting: Array<{ status: number; resolve: () => void }> = [];
  const jar: BrowserFetch = {
    cookie: null,
    statuses: [],
    answered: (status) =>
      jar.statuses.includes(status) ? Promise.resolve() : new Promise((resolve) => waiting.push({ status, resolve })),
    fetch: async (input, init) => {
      const url = new URL(String(input), APP_ORIGIN);
      const headers = new Headers(init?.headers);
      if ((init?.method ?? 'GET') !== 'GET') headers.set('origin', APP_ORIGIN);
      if (jar.cookie !== null) headers.set('cookie', `mfa_flow=${jar.cookie}`);
      const response = await route()(new Request(url, { ...init, headers }));
      const handle = /^mfa_flow=([^;]*)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
      if (handle !== undefined) jar.cookie = handle;
      jar.statuses.push(response.status);
      for (const waiter of waiting.filter((w) => w.status === response.status)) waiter.resolve();
      return response;
    },
  };
  return jar;
}
