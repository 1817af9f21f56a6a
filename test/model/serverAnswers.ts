// What Auth0 (or something between it and the client) answers when things go wrong, as
// Responses a fault can hand back instead of the emulator: error envelopes with the statuses
// and headers Auth0 uses, broken bodies, resets and hangs. Also the plausible success bodies a
// fault uses when the emulator cannot be brought to give that answer itself.
import { randomBytes } from 'node:crypto';

/** The chart's invoked services, by the names it gives them (`verifyCode`: an app's code or a
 *  message's; `pollDevice`: one poll of a push, the mfa-oob grant without a binding code). */
export type Service = 'passwordGrant' | 'associate' | 'listAuthenticators' | 'challenge' | 'verifyCode' | 'pollDevice' | 'verifyRecoveryCode';

export const SERVICES: readonly Service[] = ['passwordGrant', 'associate', 'listAuthenticators', 'challenge', 'verifyCode', 'pollDevice', 'verifyRecoveryCode'];

/** Which service a request of the client belongs to (token grants told apart by grant_type, and
 *  the mfa-oob grant by whether it carries a binding code). */
export async function serviceOf(request: Request): Promise<Service | undefined> {
  const path = new URL(request.url).pathname;
  if (request.method === 'GET' && path === '/mfa/authenticators') return 'listAuthenticators';
  if (request.method === 'POST' && path === '/mfa/associate') return 'associate';
  if (request.method === 'POST' && path === '/mfa/challenge') return 'challenge';
  if (request.method === 'POST' && path === '/oauth/token') {
    const form = new URLSearchParams(await request.clone().text());
    const grant = form.get('grant_type') ?? '';
    if (grant.endsWith('mfa-otp')) return 'verifyCode';
    if (grant.endsWith('mfa-oob')) return form.has('binding_code') ? 'verifyCode' : 'pollDevice';
    if (grant.endsWith('mfa-recovery-code')) return 'verifyRecoveryCode';
    if (grant === 'password' || grant.endsWith('password-realm')) return 'passwordGrant';
  }
  return undefined;
}

/** A form or JSON body parameter of a request (read from a clone). */
export async function requestParam(request: Request, name: string): Promise<string | undefined> {
  const text = await request.clone().text();
  if (text.trimStart().startsWith('{')) {
    const value = (JSON.parse(text) as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  }
  return new URLSearchParams(text).get(name) ?? undefined;
}

export function bearerOf(request: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
}

export const isJwt = (token: string | undefined) => token !== undefined && token.split('.').length === 3;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export const envelope = (status: number, error: string, description: string, headers: Record<string, string> = {}) =>
  json(status, { error, error_description: description }, headers);

/** Rate-limit headers as Auth0 sends them with a 429. */
export function rateLimitHeaders(nowMs: number, waitSeconds: number): Record<string, string> {
  return {
    'x-ratelimit-limit': '10',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Math.ceil(nowMs / 1000) + waitSeconds),
    'retry-after': String(waitSeconds),
  };
}

// ---- faults -------------------------------------------------------------------------------

export const serverError = () => envelope(500, 'server_error', 'Internal error');
export const serverErrorHtml = () => new Response('<html><body>502 Bad Gateway</body></html>', { status: 500, headers: { 'content-type': 'text/html' } });
export const unavailable = () => json(503, { error: 'temporarily_unavailable', error_description: 'Service unavailable' }, { 'retry-after': '5' });
export const rateLimited = (nowMs: number, waitSeconds = 2) =>
  envelope(429, 'too_many_requests', 'Global limit has been reached', rateLimitHeaders(nowMs, waitSeconds));
export const notJson = (status = 200) => new Response('<!doctype html><p>not json', { status, headers: { 'content-type': 'text/html' } });
export const connectionReset = (): Promise<Response> =>
  Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }));

/** Never answers; rejects like fetch does once the request is aborted (timeout, cancel, leaving the state). */
export function hang(request: Request): Promise<Response> {
  return new Promise((_, reject) => {
    const abort = () => reject(request.signal.reason ?? new DOMException('aborted', 'AbortError'));
    if (request.signal.aborted) abort();
    else request.signal.addEventListener('abort', abort, { once: true });
  });
}

/** A valid JSON body of the wrong shape for each endpoint. */
export function wrongShape(service: Service): Response {
  switch (service) {
    case 'listAuthenticators':
      return json(200, { authenticators: [] });
    case 'associate':
      return json(200, { authenticator_type: 'otp', secret: 'not base32!', barcode_uri: 'http://x' });
    case 'challenge':
      return json(200, { challenge: 'otp' });
    default:
      return json(200, { access_token: 42, token_type: 'Bearer' });
  }
}

export const invalidBearer = () => envelope(401, 'invalid_token', 'Invalid token.');
export const expiredBearer = () => envelope(401, 'expired_token', 'mfa_token is expired');
export const malformedMfaToken = () => envelope(403, 'invalid_grant', 'Malformed mfa_token');
export const expiredMfaToken = () => envelope(403, 'expired_token', 'mfa_token is expired');

// ---- plausible successes (used only when the emulator cannot give that answer) -----------

const base32 = (bytes: Buffer) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
};
const randomCode = () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(24)].map((b) => alphabet[b % alphabet.length]).join('');
};

const randomOobCode = () => randomBytes(32).toString('base64url');

/** An association's answer for `factor` (OTP: a secret; SMS, voice, email: an oob_code; push: both an oob_code and a Guardian QR). */
export function fakeEnrollment(withRecoveryCode: boolean, factor: string = 'otp'): Response {
  const recovery = withRecoveryCode ? { recovery_codes: [randomCode()] } : {};
  if (factor === 'otp') {
    const secret = base32(randomBytes(20));
    return json(200, {
      authenticator_type: 'otp',
      secret,
      barcode_uri: `otpauth://totp/tenant:demo%40example.com?secret=${secret}&issuer=tenant&algorithm=SHA1&digits=6&period=30`,
      ...recovery,
    });
  }
  const channel = factor === 'push' ? 'auth0' : factor;
  return json(200, {
    authenticator_type: 'oob',
    oob_channel: channel,
    oob_code: randomOobCode(),
    ...(factor === 'push'
      ? { barcode_uri: `otpauth://totp/tenant:demo%40example.com?enrollment_tx_id=${randomBytes(16).toString('hex')}&base_url=https%3A%2F%2Flocalhost%2F` }
      : { binding_method: 'prompt' }),
    ...recovery,
  });
}

export const fakeTokens = (extra: Record<string, string> = {}) =>
  json(200, {
    access_token: `fake-at-${randomBytes(12).toString('hex')}`,
    id_token: `fake-it-${randomBytes(12).toString('hex')}`,
    expires_in: 86_400,
    scope: 'openid profile email',
    token_type: 'Bearer',
    ...extra,
  });

export const fakeRecoveryGrant = () => fakeTokens({ recovery_code: randomCode() });

export const authenticatorList = (items: Array<{ id: string; type: string; active: boolean; oobChannel?: string; name?: string }>) =>
  json(
    200,
    items.map((a) => ({
      id: a.id,
      authenticator_type: a.type,
      active: a.active,
      ...(a.oobChannel === undefined ? {} : { oob_channel: a.oobChannel }),
      ...(a.name === undefined ? {} : { name: a.name }),
    })),
  );

/** A challenge's answer: OTP names none; a message or a push answers its oob_code. */
export const challengeAccepted = (factor: string = 'otp') =>
  json(200, factor === 'otp' ? { challenge_type: 'otp' } : { challenge_type: 'oob', oob_code: randomOobCode(), ...(factor === 'push' ? { interval: 5 } : { binding_method: 'prompt' }) });

/** The message budget spent (Auth0's words; a plain 429 would be a rate limit). */
export const tooManyMessages = (nowMs: number) =>
  envelope(429, 'too_many_requests', 'Too many SMS sent by the user. Wait for some minutes before retrying.', rateLimitHeaders(nowMs, 3600));

/** The push refused on the device (Auth0's push page). */
export const pushRejected = () => envelope(403, 'invalid_grant', 'MFA Authorization rejected.');
