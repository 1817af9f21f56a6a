// The server behind `npm start` and `npm run example:react`: one origin that serves an example
// page (the web demo, or the React example), its `/config.json`, and the MFA API. The API is the
// embedded emulator by default; with a real Auth0 domain the page calls the tenant directly
// (public client) or, given a client secret, through this server, which adds the secret so that
// the page never holds it (a minimal backend-for-frontend). With `serverFlows`, the flow itself
// runs here (`mfa-flow/server` under /mfa-flow/): the page sends events and renders views, and
// the MFA token, the client secret and the tokens never leave this process.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createEmulator, DEFAULT_CLIENT, DEFAULT_USER, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { AUTH0_ATTEMPTS } from '../../src/cli/demo/codeAdvice.js';
import { createMfaApiClient, FACTOR_TYPES, type FactorType } from '../../src/index.js';
import { createMfaFlowHandler, type MfaFlowHandler } from '../../src/server/index.js';
import type { DemoConfig } from './config.js';
import { buildExample, type BuildExampleOptions, type ExampleBundle, type ExampleName } from './buildExample.js';

export const DEFAULT_DEMO_PORT = 4010;
export const DEFAULT_DEMO_HOST = '127.0.0.1';
/** The page's own client in the emulator: public, so no secret ever reaches the browser. */
export const WEB_CLIENT_ID = 'demo-web';

export interface DemoServerOptions {
  /** Which page to serve: the web demo (default) or the React example. */
  example?: ExampleName;
  /** 0 picks a free port. Default 4010. */
  port?: number;
  host?: string;
  /** A real Auth0 tenant (e.g. `tenant.eu.auth0.com`): no emulator is started. */
  domain?: string;
  clientId?: string;
  /** Kept on the server; the API calls that need it go through the server. */
  clientSecret?: string;
  /** Where proxied calls go instead of `https://<domain>` (tests point it at an emulator). */
  upstreamUrl?: string;
  /** Passed to the embedded emulator: tests inject a clock, attempt limits, token lifetimes. */
  emulator?: Pick<EmulatorOptions, 'clock' | 'attempts' | 'mfaTokenTtlSeconds' | 'randomBytes' | 'users' | 'push' | 'pollIntervalSeconds'>;
  /** Run the flows on this server (mfa-flow/server at /mfa-flow/) rather than in the page. */
  serverFlows?: boolean;
  /** The factors the page offers to enroll. Default: all five on the emulator, an app on a tenant. */
  factors?: FactorType[];
  /** Where the bundle is written (default: the example's dist/); `false` = memory only. */
  outdir?: BuildExampleOptions['outdir'];
  /** One line per API request (method, path, status, time); never a secret. */
  log?: (line: string) => void;
}

export interface RunningDemoServer {
  /** The page, e.g. `http://127.0.0.1:4010/`. */
  url: string;
  config: DemoConfig;
  /** The embedded emulator, when there is one. */
  emulator?: Emulator;
  close(): Promise<void>;
}

type Handler = (request: Request) => Response | Promise<Response>;

export async function startDemoServer(options: DemoServerOptions = {}): Promise<RunningDemoServer> {
  if (options.domain === undefined && (options.clientId !== undefined || options.clientSecret !== undefined)) {
    throw new TypeError('clientId and clientSecret apply to a real tenant: give domain too');
  }
  if (options.domain !== undefined && !options.clientId) throw new TypeError('a real tenant (domain) needs clientId');
  const bundle = await buildExample(options.example ?? 'web', options.outdir === undefined ? {} : { outdir: options.outdir });

  // The emulator's issuer names the port, known only once listening: bind first, then install.
  let handle: Handler = () => new Response('starting', { status: 503 });
  const { server, address } = await new Promise<{ server: ReturnType<typeof serve>; address: AddressInfo }>((resolve, reject) => {
    const server = serve(
      { fetch: (request) => handle(request), port: options.port ?? DEFAULT_DEMO_PORT, hostname: options.host ?? DEFAULT_DEMO_HOST },
      (info) => resolve({ server, address: info }),
    );
    server.once('error', reject);
  });
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive connections (a browser tab) would hold close() open.
      if ('closeAllConnections' in server) server.closeAllConnections();
    });

  try {
    const api = withServerFlows(await createApi(options, address.port), options, address.port);
    const csp = contentSecurityPolicy(api.config);
    const configBody = JSON.stringify(api.config);
    handle = (request) =>
      serveStatic(request, bundle, csp) ??
      (new URL(request.url).pathname === '/config.json' ? json(configBody) : api.fetch(request));
    const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return {
      url: `http://${urlHost}:${address.port}/`,
      config: api.config,
      ...(api.emulator === undefined ? {} : { emulator: api.emulator }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

interface Api {
  config: DemoConfig;
  emulator?: Emulator;
  fetch: Handler;
}

async function createApi(options: DemoServerOptions, port: number): Promise<Api> {
  if (options.domain === undefined) {
    const domain = `localhost:${port}`;
    const emulator = createEmulator({
      // A push sign-in is polled every second rather than Auth0's 5: a demo should not make people wait.
      pollIntervalSeconds: 1,
      ...options.emulator,
      domain,
      tenantName: 'mfa-flow-demo',
      clients: [DEFAULT_CLIENT, { id: WEB_CLIENT_ID, name: 'mfa-flow web demo' }],
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    await emulator.ready();
    const demoUser = options.emulator?.users?.[0] ?? DEFAULT_USER;
    return {
      config: {
        mode: 'emulator',
        clientId: WEB_CLIENT_ID,
        mfaAudience: emulator.mfaAudience,
        tenant: domain,
        demoUser: { email: demoUser.email, password: demoUser.password },
        attempts: {
          limit: options.emulator?.attempts?.limit ?? AUTH0_ATTEMPTS.limit,
          refillSeconds: options.emulator?.attempts?.refillSeconds ?? AUTH0_ATTEMPTS.refillSeconds,
        },
        factors: options.factors ?? [...FACTOR_TYPES],
        emulatedPhone: true,
      },
      emulator,
      fetch: (request) => emulator.app.fetch(request),
    };
  }

  const mfaAudience = `https://${options.domain}/mfa/`;
  const clientId = options.clientId ?? '';
  if (options.clientSecret === undefined) {
    return {
      config: { mode: 'auth0', apiBaseUrl: `https://${options.domain}`, clientId, mfaAudience, tenant: options.domain, factors: options.factors ?? ['otp'] },
      fetch: () => notFound(),
    };
  }
  const upstream = (options.upstreamUrl ?? `https://${options.domain}`).replace(/\/+$/, '');
  return {
    config: { mode: 'auth0-proxy', clientId, mfaAudience, tenant: options.domain, factors: options.factors ?? ['otp'] },
    fetch: (request) => proxy(request, upstream, clientId, options.clientSecret ?? '', options.log),
  };
}

// ---- flows on this server (--server-flows) ---------------------------------------------------

const FLOW_BASE = '/mfa-flow';

/** Mounts `mfa-flow/server` in front of the API: a confidential client whose secret stays here. */
function withServerFlows(api: Api, options: DemoServerOptions, port: number): Api {
  if (!options.serverFlows) return api;
  const { emulator } = api;
  const client = emulator
    ? createMfaApiClient({
        baseUrl: `http://127.0.0.1:${port}`,
        mfaAudience: emulator.mfaAudience,
        clientId: DEFAULT_CLIENT.id,
        ...(DEFAULT_CLIENT.secret === undefined ? {} : { clientSecret: DEFAULT_CLIENT.secret }),
        // In-process: the flows' calls reach the emulator without a trip through the socket.
        fetch: async (input, init) => emulator.app.fetch(new Request(input, init)),
      })
    : createMfaApiClient({
        baseUrl: (options.upstreamUrl ?? `https://${options.domain}`).replace(/\/+$/, ''),
        mfaAudience: api.config.mfaAudience,
        clientId: options.clientId ?? '',
        ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
      });
  const handler: MfaFlowHandler = createMfaFlowHandler({
    client,
    // One per run: restarting the demo ends the flows in progress (their handles no longer verify).
    cookieSecret: randomBytes(32).toString('base64url'),
    basePath: FLOW_BASE,
    factors: api.config.factors ?? ['otp'],
    onAuthenticated: ({ signIn, output }) => {
      options.log?.(`signed in (flow ${signIn.id.slice(0, 6)}…, ${output.enrolled ? 'enrolled' : 'challenged'}); the tokens stay on this server`);
    },
  });
  return {
    ...api,
    config: { ...api.config, serverFlows: true },
    fetch: (request) => {
      const { pathname } = new URL(request.url);
      if (pathname === FLOW_BASE || pathname.startsWith(`${FLOW_BASE}/`)) return handler(request);
      // The emulator's routes stay (the emulated phone reads them); a tenant is reached by the flows only.
      return emulator ? api.fetch(request) : notFound();
    },
  };
}

// ---- static files ----------------------------------------------------------------------------

function serveStatic(request: Request, bundle: ExampleBundle, csp: string): Response | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const path = new URL(request.url).pathname;
  const file = bundle.get(path === '/' ? '/index.html' : path);
  if (!file) return undefined;
  const headers: Record<string, string> = {
    'content-type': file.contentType,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  };
  if (file.contentType.startsWith('text/html')) {
    headers['content-security-policy'] = csp;
    headers['referrer-policy'] = 'no-referrer';
  }
  return new Response(request.method === 'HEAD' ? null : file.body, { headers });
}

/** Scripts, styles and API calls from known places only; the QR code is inline SVG. */
function contentSecurityPolicy(config: DemoConfig): string {
  const connect = config.apiBaseUrl === undefined ? "'self'" : `'self' ${config.apiBaseUrl}`;
  return [
    "default-src 'self'",
    `connect-src ${connect}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function json(body: string): Response {
  return new Response(body, { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
}

function notFound(): Response {
  return new Response(JSON.stringify({ error: 'not_found', error_description: 'Not found' }), {
    status: 404,
    headers: { 'content-type': 'application/json' },
  });
}

// ---- backend-for-frontend proxy (real tenant with a confidential client) -------------------------

const PROXIED = /^\/(oauth\/token|mfa\/(associate|authenticators(\/.*)?|challenge))$/;
const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'accept'];
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'cache-control',
  'retry-after',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
];

/**
 * Forwards the MFA API calls to the tenant and adds the client secret to the two that take one
 * (`/oauth/token` and `/mfa/challenge`), for this client only.
 */
async function proxy(
  request: Request,
  upstream: string,
  clientId: string,
  clientSecret: string,
  log: ((line: string) => void) | undefined,
): Promise<Response> {
  const url = new URL(request.url);
  if (!PROXIED.test(url.pathname)) return notFound();
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  let body: string | undefined = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
  if (body !== undefined && (url.pathname === '/oauth/token' || url.pathname === '/mfa/challenge')) {
    body = withClientSecret(body, headers.get('content-type') ?? '', clientId, clientSecret);
  }
  const started = Date.now();
  let answer: Response;
  try {
    answer = await fetch(`${upstream}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: request.signal,
    });
  } catch {
    log?.(`${request.method} ${url.pathname} → upstream unreachable`);
    return new Response(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'The tenant could not be reached.' }), {
      status: 502,
      headers: { 'content-type': 'application/json' },
    });
  }
  log?.(`${request.method} ${url.pathname} → ${answer.status} (${Date.now() - started} ms, via ${new URL(upstream).host})`);
  const responseHeaders = new Headers();
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) responseHeaders.set(name, value);
  }
  return new Response(answer.status === 204 ? null : await answer.arrayBuffer(), { status: answer.status, headers: responseHeaders });
}

function withClientSecret(body: string, contentType: string, clientId: string, clientSecret: string): string {
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(body);
    if (form.get('client_id') === clientId && !form.has('client_secret')) form.set('client_secret', clientSecret);
    return form.toString();
  }
  if (contentType.startsWith('application/json')) {
    try {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      if (parsed.client_id === clientId && parsed.client_secret === undefined) {
        return JSON.stringify({ ...parsed, client_secret: clientSecret });
      }
    } catch {
      // Not JSON after all: the tenant will say so.
    }
  }
  return body;
}
