// Server flows against the in-process emulator over HTTP: the handler's API calls go to the
// emulator's `app.request` (recorded, and open to injected faults), browsers are cookie jars
// that send JSON to the handler as a same-origin page would, and every secret the emulator hands
// out (MFA tokens, oob codes, binding codes, tokens) is collected so a test can check that no
// answer of the handler carries one.
import type { EmulatorOptions } from '../../src/emulator/index.js';
import {
  createMemoryFlowStore,
  createMfaFlowHandler,
  type AuthenticatedSignIn,
  type FlowStore,
  type MfaFlowHandler,
  type MfaFlowHandlerSettings,
} from '../../src/server/index.js';
import type { MfaFlowEvent } from '../../src/index.js';
import type { FlowView } from '../../src/view/index.js';
import { createOobHarness, type OobHarness } from '../helpers/oobHarness.js';
import { DEMO } from '../helpers/emulatorHarness.js';

export const APP_ORIGIN = 'http://app.test';
export const COOKIE_SECRET = 'a-test-cookie-secret-of-at-least-32-characters';
export const CREDENTIALS = { username: DEMO.email, password: DEMO.password } as const;

export type Fault = (request: Request) => Promise<Response> | Response | undefined;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
  view: FlowView;
}

export interface Browser {
  cookie: string | null;
  /** Which handler (server process) the next requests go to. */
  handler: MfaFlowHandler;
  request(method: string, path: string, init?: { json?: unknown; body?: string; headers?: Record<string, string> }): Promise<Answer>;
  start(body?: unknown): Promise<Answer>;
  send(event: MfaFlowEvent | Record<string, unknown>): Promise<Answer>;
  view(): Promise<Answer>;
}

export interface ServerHarness {
  emu: OobHarness;
  handler: MfaFlowHandler;
  store: FlowStore;
  /** Another handler on the same store, secret and emulator: a second server process. */
  process(overrides?: Partial<MfaFlowHandlerSettings>): MfaFlowHandler;
  /** Handler → emulator requests, as "METHOD path" (token grants by their last segment). */
  calls: string[];
  faults: Fault[];
  signIns: AuthenticatedSignIn[];
  /** Everything secret seen on the wire between the handler and the emulator, and the fixed ones. */
  secrets: Set<string>;
  /** Every answer the handler gave, as text. */
  answers: string[];
  browser(): Browser;
  /** Secrets found in any answer (should be none). */
  leaks(): string[];
}

export interface ServerHarnessOptions {
  emulator?: EmulatorOptions;
  handler?: Partial<MfaFlowHandlerSettings>;
}

/** What the handler sends that a browser must never see back: the codes typed, the tokens it holds. */
const SENT_SECRETS = ['mfa_token', 'oob_code', 'binding_code', 'otp', 'recovery_code'];
/** What the API answers that stays on the server (a new `recovery_code` is the user's to see, once). */
const ANSWERED_SECRETS = ['mfa_token', 'oob_code', 'access_token', 'id_token', 'refresh_token'];

export function createServerHarness(options: ServerHarnessOptions = {}): ServerHarness {
  const emu = createOobHarness(options.emulator);
  const calls: string[] = [];
  const faults: Fault[] = [];
  const signIns: AuthenticatedSignIn[] = [];
  const secrets = new Set<string>([DEMO.clientSecret, DEMO.password]);
  const answers: string[] = [];

  const collect = (text: string, fields: readonly string[]) => {
    try {
      const body = JSON.parse(text) as Record<string, unknown>;
      for (const field of fields) if (typeof body[field] === 'string') secrets.add(body[field]);
    } catch {
      // not JSON: nothing to collect
    }
  };

  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const sent = await request.clone().text();
    const grant = url.pathname === '/oauth/token' ? new URLSearchParams(sent).get('grant_type')?.split('/').pop() : undefined;
    calls.push(`${request.method} ${url.pathname}${grant ? ` ${grant}` : ''}`);
    collect(sent.startsWith('{') ? sent : JSON.stringify(Object.fromEntries(new URLSearchParams(sent))), SENT_SECRETS);
    for (const fault of faults) {
      const answer = await fault(request);
      if (answer !== undefined) return answer;
    }
    const response = await emu.emulator.app.request(request);
    collect(await response.clone().text(), ANSWERED_SECRETS);
    return response;
  };

  const store = options.handler?.store ?? createMemoryFlowStore();
  const process = (overrides: Partial<MfaFlowHandlerSettings> = {}) => createMfaFlowHandler({
    baseUrl: 'http://emulator.test',
    clientId: DEMO.clientId,
    clientSecret: DEMO.clientSecret,
    mfaAudience: emu.emulator.mfaAudience,
    fetch,
    cookieSecret: COOKIE_SECRET,
    onAuthenticated: (result) => {
      signIns.push(result);
      secrets.add(result.output.tokens.accessToken);
    },
    ...options.handler,
    store,
    ...overrides,
  });
  const handler = process();

  const browser = (): Browser => {
    const b: Browser = {
      cookie: null,
      handler,
      async request(method, path, init = {}) {
        const headers: Record<string, string> = { origin: APP_ORIGIN, ...init.headers };
        if (b.cookie !== null) headers.cookie = `mfa_flow=${b.cookie}`;
        let body = init.body;
        if (init.json !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(init.json);
        }
        const response = await b.handler(new Request(`${APP_ORIGIN}/mfa-flow${path}`, { method, headers, ...(body === undefined ? {} : { body }) }));
        const setCookie = response.headers.get('set-cookie');
        const handle = setCookie === null ? undefined : /^mfa_flow=([^;]*)/.exec(setCookie)?.[1];
        if (handle !== undefined) b.cookie = handle;
        const text = await response.text();
        answers.push(text);
        let parsed: any;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new Error(`the handler answered ${response.status} with no JSON: ${text.slice(0, 200)}`);
        }
        return { status: response.status, headers: response.headers, text, body: parsed, view: parsed.view };
      },
      start: (body = {}) => b.request('POST', '/start', { json: body }),
      send: (event) => b.request('POST', '/events', { json: event }),
      view: () => b.request('GET', '/view'),
    };
    return b;
  };

  return {
    emu,
    handler,
    store,
    process,
    calls,
    faults,
    signIns,
    secrets,
    answers,
    browser,
    leaks() {
      for (const message of emu.emulator.outbox.messages()) if (message.code) secrets.add(message.code);
      return [...secrets].filter((secret) => answers.some((text) => (secret.length <= 8 ? text.includes(JSON.stringify(secret)) : text.includes(secret))));
    },
  };
}
