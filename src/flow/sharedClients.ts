// createMfaFlow given options (not a client) makes its API client once per set of options, not per
// flow: flows of one tenant share one client, so one ky instance and one set of service calls.
import { createMfaApiClient, type MfaApiClient, type MfaApiClientOptions } from '../api/client.js';

const NONE = {};
const clients = new WeakMap<object, WeakMap<object, Map<string, MfaApiClient>>>();

export function sharedMfaApiClient(options: MfaApiClientOptions): MfaApiClient {
  // Functions and objects by identity; the rest by value.
  const byFetch = clients.get(options.fetch ?? NONE) ?? new WeakMap<object, Map<string, MfaApiClient>>();
  clients.set(options.fetch ?? NONE, byFetch);
  const byKy = byFetch.get(options.kyOptions ?? NONE) ?? new Map<string, MfaApiClient>();
  byFetch.set(options.kyOptions ?? NONE, byKy);
  const key = JSON.stringify([options.baseUrl, options.domain, options.clientId, options.clientSecret, options.mfaAudience, options.timeoutMs]);
  let client = byKy.get(key);
  if (client === undefined) byKy.set(key, (client = createMfaApiClient(options)));
  return client;
}
