// What an example page learns from the demo server at `/config.json`: where the MFA API is and
// which client to be. Written by demoServer.ts from its flags, read by the pages (web and React)
// with loadConfig; never holds a client secret.
import type { FactorType } from '../../src/index.js';

export type DemoMode =
  /** The embedded emulator answers on this origin. */
  | 'emulator'
  /** A real Auth0 tenant, called from the browser (a public client; the tenant must allow this origin). */
  | 'auth0'
  /** A real Auth0 tenant behind this server, which adds the client secret (backend-for-frontend). */
  | 'auth0-proxy';

export interface DemoConfig {
  mode: DemoMode;
  /** Base URL of the MFA API; absent = this page's origin. */
  apiBaseUrl?: string;
  clientId: string;
  /** Audience of the MFA API itself (`https://<domain>/mfa/`), for enrolling a second factor. */
  mfaAudience: string;
  /** Shown on the page, e.g. `localhost:4010` or `tenant.eu.auth0.com`. */
  tenant: string;
  /** The emulator's demo user, to prefill the form; absent for a real tenant. */
  demoUser?: { email: string; password: string };
  /** The emulator's bucket of code attempts, for the warning before a lockout; absent for a real
   *  tenant, where Auth0's documented bucket applies. */
  attempts?: { limit: number; refillSeconds: number };
  /** The factors the page offers to enroll, in order (all five on the emulator; absent: an app only). */
  factors?: FactorType[];
  /** The flow runs on the server (mfa-flow/server at /mfa-flow/); the page drives it with
   *  mfa-flow/remote and never sees the MFA token or the tokens. */
  serverFlows?: boolean;
  /** The emulator's own routes (/emulator/v1/: outbox, Guardian device) answer on this origin:
   *  the page shows an emulated phone beside the chart. */
  emulatedPhone?: boolean;
}

export async function loadConfig(url = '/config.json'): Promise<DemoConfig> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`Could not load ${url} (HTTP ${response.status})`);
  const config = (await response.json()) as Partial<DemoConfig>;
  if (typeof config.clientId !== 'string' || typeof config.mfaAudience !== 'string') {
    throw new Error(`${url} lacks clientId or mfaAudience`);
  }
  return config as DemoConfig;
}
