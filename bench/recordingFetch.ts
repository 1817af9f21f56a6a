// A `fetch` in front of an in-process emulator (`app.request`) that records each request as
// "METHOD path [grant]" — the count the round-trip figures are taken from.
import type { Emulator } from '../src/emulator/index.js';

export interface RecordingFetch {
  fetch: typeof globalThis.fetch;
  /** Every request so far, e.g. `POST /oauth/token mfa-otp`. */
  calls: string[];
}

export function recordingFetch(emulator: Emulator): RecordingFetch {
  const calls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    let label = `${request.method} ${url.pathname}`;
    if (url.pathname === '/oauth/token') {
      const grant = new URLSearchParams(await request.clone().text()).get('grant_type') ?? '?';
      label += ` ${grant.split('/').pop()}`;
    }
    calls.push(label);
    return emulator.app.request(request);
  };
  return { fetch, calls };
}
