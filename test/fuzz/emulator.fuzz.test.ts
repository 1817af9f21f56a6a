// Fuzzing the emulator with hostile clients: random methods, paths (every endpoint, the
// emulator-only routes and garbage), headers, content types, bodies (random JSON, forms, bytes,
// oversized), bearer tokens (garbage, expired, another client's, truncated or tampered JWTs) and
// the out-of-band parameters (oob_code, binding_code, oob_channels, phone_number, email, the
// Guardian barcode and push request ids). Whatever comes in: never a 5xx, never a throw, always
// Auth0's JSON error envelope or a valid success, never a wrong code accepted, and a refused
// request leaves store.dump() as it was (except the one attempt a wrong code takes from the
// bucket, and the poll time a pending push poll records).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { createEmulator } from '../../src/emulator/index.js';
import type { FlowHarness } from '../flow/flowHarness.js';
import { TEST_SIGNING_KEY } from '../helpers/signingKey.js';
import { createTestClock } from '../helpers/testClock.js';
import { totpCode } from '../helpers/totp.js';
import { DEEP, describeRun, runSettings, watchUnhandledRejections } from '../property/runSettings.js';
import { CLIENT, GRANT, normalizeRecovery, USER, World } from '../model/world.js';
import { GRANT_MFA_OOB } from '../helpers/oobHarness.js';

const OTHER_CLIENT = { id: 'other-client', secret: 'other-secret' };
const BASE = 'http://emulator.test';
const MAX_BODY = 64 * 1024;

// ---- the tenant a run attacks --------------------------------------------------------------

interface Tenant {
  world: World;
  tokens: Record<TokenKind, string>;
  otpSecret: string;
  now: () => number;
  /** Listed ids of the user's SMS, voice, push and Guardian OTP authenticators. */
  ids: Record<AuthenticatorKindForFuzz, string>;
  /** Every oob_code an answer handed out, oldest first, with the code its message carried (null: push). */
  oobCodes: Array<{ oobCode: string; bindingCode: string | null }>;
  /** Barcodes of push associations made during the run. */
  barcodes: string[];
}

type AuthenticatorKindForFuzz = 'sms' | 'voice' | 'push' | 'totp';
const PHONE = '+14155550123';

type TokenKind =
  | 'valid'
  | 'otherClient'
  | 'expired'
  | 'garbage'
  | 'empty'
  | 'truncatedJwt'
  | 'tamperedJwt'
  | 'enrollAccessToken'
  | 'userinfoAccessToken'
  | 'huge';
const TOKEN_KINDS: TokenKind[] = ['valid', 'otherClient', 'expired', 'garbage', 'empty', 'truncatedJwt', 'tamperedJwt', 'enrollAccessToken', 'userinfoAccessToken', 'huge'];

/** An emulator with a confirmed user, two clients, and one token of every kind. */
async function tenant(): Promise<Tenant> {
  const clock = createTestClock();
  const emulator = createEmulator({
    clock: clock.now,
    signingKey: TEST_SIGNING_KEY,
    clients: [{ id: CLIENT.id, secret: CLIENT.secret }, OTHER_CLIENT],
  });
  // World only needs the emulator, a clock and `advance` of the flow harness.
  const h = { emulator, now: clock.now, advance: (ms: number) => void clock.advance(ms), advanceServer: (ms: number) => void clock.advance(ms) } as unknown as FlowHarness;
  const world = new World(h);
  const expired = await world.mfaToken();
  clock.advance(601_000);
  const valid = await world.mfaToken();
  const other = await world.call('POST', '/oauth/token', {
    form: { grant_type: GRANT.password, username: USER.email, password: USER.password, client_id: OTHER_CLIENT.id, client_secret: OTHER_CLIENT.secret },
  });
  await world.enrollFirst(valid);
  const otpSecret = [...world.secrets.values()][0]!;
  const oobCodes: Tenant['oobCodes'] = [];
  const access = async (params: Record<string, string>) => {
    const answer = await world.token({ grant_type: GRANT.mfaOtp, mfa_token: valid, otp: totpCode(otpSecret, clock.now()), ...params });
    clock.advance(30_000);
    if (answer.status !== 200) throw new Error(`access token: ${answer.status}`);
    return answer.body.access_token as string;
  };
  const enrollAccessToken = await access({ audience: emulator.mfaAudience, scope: 'enroll read:authenticators remove:authenticators' });
  const userinfoAccessToken = await access({});
  // An SMS phone and a Guardian device besides the OTP app, so out-of-band challenges have something to reach.
  const sms = await world.call('POST', '/mfa/associate', { bearer: enrollAccessToken, json: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: PHONE } });
  await world.token({ grant_type: GRANT_MFA_OOB, mfa_token: valid, oob_code: sms.body.oob_code, binding_code: emulator.outbox.latest()?.code ?? '' });
  const push = await world.call('POST', '/mfa/associate', { bearer: enrollAccessToken, json: { authenticator_types: ['oob'], oob_channels: ['auth0'] } });
  emulator.guardian.enroll(push.body.barcode_uri);
  await world.token({ grant_type: GRANT_MFA_OOB, mfa_token: valid, oob_code: push.body.oob_code });
  const listed = emulator.store.authenticators(USER.email);
  const idOf = (prefix: string) => listed.find((a) => a.id.startsWith(prefix) && a.active)?.id ?? `${prefix}dev_missing`;
  const ids = { sms: idOf('sms|'), voice: idOf('voice|'), push: idOf('push|'), totp: idOf('totp|') };
  if (Object.values(ids).some((id) => id.endsWith('dev_missing'))) throw new Error(`tenant setup: ${JSON.stringify(listed)}`);
  // Two challenges waiting, so the grant's checks are reached from the first request on: SMS ("first"), push ("latest").
  const challenge = (authenticatorId: string) =>
    world.call('POST', '/mfa/challenge', { json: { client_id: CLIENT.id, client_secret: CLIENT.secret, mfa_token: valid, challenge_type: 'oob', authenticator_id: authenticatorId } });
  oobCodes.push({ oobCode: (await challenge(ids.sms)).body.oob_code, bindingCode: emulator.outbox.latest()?.code ?? null });
  oobCodes.push({ oobCode: (await challenge(ids.push)).body.oob_code, bindingCode: null });
  const [head, payload, signature] = enrollAccessToken.split('.') as [string, string, string];
  const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), scope: 'enroll remove:authenticators', sub: 'auth0|someone-else' })).toString('base64url');
  return {
    world,
    otpSecret,
    now: clock.now,
    ids,
    oobCodes,
    barcodes: [],
    tokens: {
      valid,
      otherClient: other.body.mfa_token as string,
      expired,
      garbage: 'not-a-token',
      empty: '',
      truncatedJwt: `${head}.${payload}.${signature.slice(0, 20)}`,
      tamperedJwt: `${head}.${tampered}.${signature}`,
      enrollAccessToken,
      userinfoAccessToken,
      huge: 'A'.repeat(10_000),
    },
  };
}

// ---- what a hostile client sends -----------------------------------------------------------

type CodeKind = 'right' | 'previous' | 'next' | 'random' | 'recoveryCurrent' | 'recoveryRandom' | 'number' | 'array' | 'long';
type OobKind = 'latest' | 'first' | 'garbage';
type BindingKind = 'right' | 'wrong';
type Value =
  | { token: TokenKind }
  | { code: CodeKind }
  | { oob: OobKind }
  | { binding: BindingKind }
  | { authenticator: AuthenticatorKindForFuzz }
  | { barcode: 'latest' | 'garbage' }
  | { literal: unknown };

interface Spec {
  method: string;
  path: string;
  contentType: string | undefined;
  authorization: { scheme: string; token: TokenKind } | { raw: string } | undefined;
  extraHeaders: Record<string, string>;
  body:
    | { kind: 'none' }
    | { kind: 'params'; encoding: 'json' | 'form'; params: Record<string, Value> }
    | { kind: 'json'; value: unknown }
    | { kind: 'text'; text: string }
    | { kind: 'bytes'; bytes: Uint8Array }
    | { kind: 'huge'; size: number };
}

const printable = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
const ENDPOINT_PATHS = [
  '/oauth/token',
  '/mfa/associate',
  '/mfa/authenticators',
  '/mfa/challenge',
  '/.well-known/openid-configuration',
  '/.well-known/jwks.json',
  '/emulator/v1/outbox',
  '/emulator/v1/guardian',
  '/emulator/v1/guardian/devices',
  '/emulator/v1/guardian/enrollments',
  '/emulator/v1/guardian/requests',
];
/** Replaced, when sent, by the id of the newest pending push request (or an unknown one). */
const LATEST_REQUEST = '{latest-request}';
const GARBAGE_PATHS = [
  '/',
  '//oauth//token',
  '/oauth/token/',
  '/OAUTH/TOKEN',
  '/mfa/authenticators/%',
  '/mfa/authenticators/%E0%A4%A',
  '/mfa/authenticators/..%2F..%2Fetc%2Fpasswd',
  '/mfa/authenticators/totp%7Cdev_nope',
  '/mfa/authenticators/recovery-code%7C',
  '/mfa/associate?authenticator_types=otp',
  '/oauth/token?grant_type=password',
  '/.well-known/',
  '/favicon.ico',
  '/mfa/',
  '/emulator/v1/',
  '/emulator/v2/outbox',
  '/emulator/v1/outbox/msg_1',
  '/emulator/v1/guardian/requests//accept',
  '/emulator/v1/guardian/requests/req_nope/accept',
  '/emulator/v1/guardian/requests/%/reject',
  `/emulator/v1/guardian/requests/${LATEST_REQUEST}/accept`,
  `/emulator/v1/guardian/requests/${LATEST_REQUEST}/reject`,
  '/emulator/v1/outbox?to=%2B14155550123&channel=sms',
  '/emulator/v1/outbox?to=+14155550123',
  '/emulator/v1/outbox?channel=fax',
  '/emulator/v1/guardian/requests?user=DEMO@example.com',
];

const path = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ENDPOINT_PATHS) },
  { weight: 2, arbitrary: fc.constantFrom(...GARBAGE_PATHS) },
  { weight: 1, arbitrary: fc.webPath() },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `/mfa/authenticators/${encodeURIComponent(s)}`) },
);

const value: fc.Arbitrary<Value> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TOKEN_KINDS).map((token) => ({ token })) },
  { weight: 3, arbitrary: fc.constantFrom<CodeKind>('right', 'previous', 'next', 'random', 'recoveryCurrent', 'recoveryRandom', 'number', 'array', 'long').map((code) => ({ code })) },
  { weight: 2, arbitrary: fc.oneof(printable, fc.jsonValue({ maxDepth: 2 })).map((literal) => ({ literal })) },
);

const lit = (...values: unknown[]) => fc.constantFrom(...values).map((literal): Value => ({ literal }));
/** Mostly a plausible value, sometimes anything; `often` = how likely the parameter is present. */
const param = (plausible: fc.Arbitrary<Value>, often: boolean) =>
  fc.option(fc.oneof({ weight: 8, arbitrary: plausible }, { weight: 1, arbitrary: value }), { freq: often ? 10 : 2, nil: undefined });

const params: fc.Arbitrary<Record<string, Value>> = fc
  .record({
    grant_type: param(lit(...Array(3).fill(GRANT.mfaOtp), ...Array(3).fill(GRANT_MFA_OOB), GRANT.mfaRecoveryCode, GRANT.mfaRecoveryCode, GRANT.password, 'http://auth0.com/oauth/grant-type/password-realm', 'client_credentials'), true),
    client_id: param(lit(...Array(8).fill(CLIENT.id), OTHER_CLIENT.id, 'nobody'), true),
    client_secret: param(lit(...Array(8).fill(CLIENT.secret), OTHER_CLIENT.secret, 'wrong'), true),
    mfa_token: param(fc.constantFrom(...TOKEN_KINDS, 'valid', 'valid', 'valid', 'valid', 'valid').map((token): Value => ({ token })), true),
    otp: param(fc.constantFrom<CodeKind>('right', 'right', 'previous', 'next', 'random').map((code): Value => ({ code })), true),
    recovery_code: param(fc.constantFrom<CodeKind>('recoveryCurrent', 'recoveryRandom').map((code): Value => ({ code })), true),
    authenticator_types: param(lit(['otp'], ['otp'], ['oob'], ['oob'], ['oob'], ['sms'], 'otp', 'oob', [], [1], ['otp', 'otp'], ['otp', 'oob'], null), true),
    challenge_type: param(lit('otp', 'oob', 'oob', 'otp oob', ''), true),
    authenticator_id: param(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom<AuthenticatorKindForFuzz>('sms', 'voice', 'push', 'totp').map((authenticator): Value => ({ authenticator })) },
        { weight: 1, arbitrary: lit('totp|dev_nope', 'recovery-code|dev_x', 'sms|dev_nope', 'push|') },
      ),
      false,
    ),
    oob_code: param(fc.constantFrom<OobKind>('latest', 'latest', 'latest', 'first', 'garbage').map((oob): Value => ({ oob })), true),
    binding_code: param(fc.constantFrom<BindingKind>('right', 'right', 'wrong').map((binding): Value => ({ binding })), true),
    oob_channels: param(lit(['sms'], ['voice'], ['email'], ['auth0'], ['auth0'], 'sms', ['fax'], [], ['sms', 'email'], [null]), true),
    phone_number: param(lit(PHONE, PHONE, '+447700900123', '4155550123', '+1 415 555 0123', '+0', ''), false),
    email: param(lit('second@example.com', 'not-an-address', 'a@b', `${'x'.repeat(300)}@example.com`), false),
    barcodeUri: param(fc.constantFrom<'latest' | 'garbage'>('latest', 'latest', 'garbage').map((barcode): Value => ({ barcode })), false),
    name: param(lit('Fuzz phone', '', '\u0000', 'x'.repeat(200)), false),
    // A password check costs a real scrypt: present now and then.
    username: param(lit(USER.email, 'nobody@example.com'), false),
    password: param(lit(USER.password, 'wrong'), false),
    audience: param(lit('https://localhost:4010/mfa/', 'https://api.example/'), false),
    scope: param(lit('openid', 'enroll', 'remove:authenticators read:authenticators'), false),
  })
  .map((record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Record<string, Value>);

const body: fc.Arbitrary<Spec['body']> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('params' as const), encoding: fc.constantFrom<'json' | 'form'>('json', 'form'), params }) },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => ({ kind: 'json' as const, value: v })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((text) => ({ kind: 'text' as const, text })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_BODY - 10, max: MAX_BODY + 5_000 }).map((size) => ({ kind: 'huge' as const, size })) },
);

const contentType = fc.option(
  fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=ISO-8859-1',
      'text/plain',
      'multipart/form-data; boundary=xyz',
      'application/vnd.api+json',
      'APPLICATION/JSON',
      '',
    ),
    printable,
  ),
  { freq: 4 },
);

const authorization = fc.option(
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ scheme: fc.constantFrom('Bearer', 'Bearer', 'bearer', 'Basic', 'Token'), token: fc.constantFrom(...TOKEN_KINDS) }) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          printable,
          fc.constantFrom('Bearer', 'Bearer ', 'Bearer a b', `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`, 'Basic !!!', `Basic ${Buffer.from('nocolon').toString('base64')}`),
        )
        .map((raw) => ({ raw })),
    },
  ),
  { freq: 3 },
);

const extraHeaders = fc.dictionary(fc.constantFrom('auth0-client', 'origin', 'accept', 'x-forwarded-for', 'x-anything'), printable, { maxKeys: 2 });
const query = fc.option(fc.webQueryParameters(), { freq: 2 }).map((q) => (q ? `?${q}` : ''));

/** Anything at all: any method, any path, any body. */
const anyRequest: fc.Arbitrary<Spec> = fc.record({
  method: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD') },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{3,7}$/) },
  ),
  path: fc.tuple(path, query).map(([p, q]) => p + q),
  contentType,
  authorization,
  extraHeaders,
  body,
}).map((r) => ({ ...r, contentType: r.contentType ?? undefined, authorization: r.authorization ?? undefined }));

/** A request to a real endpoint with its own method, whose parts are then broken at random. */
const endpointRequest: fc.Arbitrary<Spec> = fc
  .tuple(
    fc.constantFrom(
      ['POST', '/oauth/token'],
      ['POST', '/oauth/token'],
      ['POST', '/oauth/token'],
      ['POST', '/mfa/associate'],
      ['POST', '/mfa/associate'],
      ['GET', '/mfa/authenticators'],
      ['DELETE', '/mfa/authenticators/'],
      ['POST', '/mfa/challenge'],
      ['POST', '/mfa/challenge'],
      ['GET', '/emulator/v1/outbox'],
      ['DELETE', '/emulator/v1/outbox'],
      ['GET', '/emulator/v1/guardian'],
      ['POST', '/emulator/v1/guardian/devices'],
      ['POST', `/emulator/v1/guardian/requests/${LATEST_REQUEST}/accept`],
      ['POST', `/emulator/v1/guardian/requests/${LATEST_REQUEST}/reject`],
    ),
    fc.option(fc.constantFrom('application/json', 'application/x-www-form-urlencoded'), { freq: 6 }),
    contentType,
    authorization,
    // The MFA API's own endpoints take a Bearer: mostly a good one, so the checks behind it run.
    fc.constantFrom<TokenKind>('valid', 'valid', 'enrollAccessToken', 'enrollAccessToken', 'userinfoAccessToken', 'expired', 'otherClient', 'tamperedJwt'),
    extraHeaders,
    fc.oneof({ weight: 6, arbitrary: fc.record({ kind: fc.constant('params' as const), encoding: fc.constantFrom<'json' | 'form'>('json', 'form'), params }) }, { weight: 1, arbitrary: body }),
    fc.oneof(fc.constantFrom('totp|dev_nope', 'recovery-code|x', '%25', ''), fc.string({ maxLength: 20 })),
  )
  .map(([[method, base], goodType, anyType, auth, bearer, headers, b, id]) => {
    const encoding = b.kind === 'params' ? b.encoding : undefined;
    const type = goodType === null ? anyType : encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
    const bearerEndpoint = base === '/mfa/associate' || base === '/mfa/authenticators' || base === '/mfa/authenticators/';
    // Token and challenge requests mostly authenticate in the body; the others mostly with a Bearer.
    const chosenAuth: Spec['authorization'] = bearerEndpoint
      ? auth === null || id.length % 3 !== 0
        ? { scheme: 'Bearer', token: bearer }
        : auth
      : id.length % 3 === 0
        ? (auth ?? undefined)
        : undefined;
    return {
      method: method!,
      path: base === '/mfa/authenticators/' ? `${base}${encodeURIComponent(id)}` : base!,
      contentType: type ?? undefined,
      authorization: chosenAuth,
      extraHeaders: headers,
      body: b,
    };
  });

/**
 * Well-formed out-of-band steps from the right client and login, so the checks behind client and
 * mfa_token authentication run: the mfa-oob grant (right, wrong or no binding code; the SMS or the
 * push oob_code, or garbage), challenges of every item, associations with the enroll token, and
 * the device answering the newest push request.
 */
const oobRequest: fc.Arbitrary<Spec> = fc.oneof(
  fc
    .record({
      oob: fc.constantFrom<OobKind>('latest', 'latest', 'first', 'first', 'garbage'),
      binding: fc.option(fc.constantFrom<BindingKind>('right', 'right', 'wrong'), { nil: undefined, freq: 2 }),
      encoding: fc.constantFrom<'json' | 'form'>('json', 'form'),
    })
    .map(({ oob, binding, encoding }) =>
      jsonOrForm('POST', '/oauth/token', encoding, {
        grant_type: { literal: GRANT_MFA_OOB },
        client_id: { literal: CLIENT.id },
        client_secret: { literal: CLIENT.secret },
        mfa_token: { token: 'valid' },
        oob_code: { oob },
        ...(binding === undefined ? {} : { binding_code: { binding } }),
      }),
    ),
  fc.constantFrom<AuthenticatorKindForFuzz>('sms', 'voice', 'push', 'push', 'totp').map((authenticator) =>
    jsonOrForm('POST', '/mfa/challenge', 'json', {
      client_id: { literal: CLIENT.id },
      client_secret: { literal: CLIENT.secret },
      mfa_token: { token: 'valid' },
      challenge_type: { literal: authenticator === 'totp' ? 'otp' : 'oob' },
      authenticator_id: { authenticator },
    }),
  ),
  fc.constantFrom(['sms', PHONE], ['voice', '+4915112345678'], ['email', undefined], ['auth0', undefined]).map(([channel, phone]) => ({
    ...jsonOrForm('POST', '/mfa/associate', 'json', {
      authenticator_types: { literal: ['oob'] },
      oob_channels: { literal: [channel] },
      ...(phone === undefined ? {} : { phone_number: { literal: phone } }),
    }),
    authorization: { scheme: 'Bearer', token: 'enrollAccessToken' as TokenKind },
  })),
  fc.constantFrom('accept', 'reject').map((answer) => jsonOrForm('POST', `/emulator/v1/guardian/requests/${LATEST_REQUEST}/${answer}`, 'json', {})),
  fc.constant(jsonOrForm('POST', '/emulator/v1/guardian/devices', 'json', { barcodeUri: { barcode: 'latest' } })),
);

function jsonOrForm(method: string, path: string, encoding: 'json' | 'form', body: Record<string, Value>): Spec {
  return {
    method,
    path,
    contentType: encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
    authorization: undefined,
    extraHeaders: {},
    body: { kind: 'params', encoding, params: body },
  };
}

const spec: fc.Arbitrary<Spec> = fc.oneof({ weight: 3, arbitrary: endpointRequest }, { weight: 3, arbitrary: oobRequest }, { weight: 1, arbitrary: anyRequest });

// ---- sending and judging -----------------------------------------------------------------

function resolve(t: Tenant, v: Value): unknown {
  if ('token' in v) return t.tokens[v.token];
  if ('literal' in v) return v.literal;
  if ('authenticator' in v) return t.ids[v.authenticator];
  if ('oob' in v) return v.oob === 'garbage' ? 'not-an-oob-code' : ((v.oob === 'first' ? t.oobCodes[0] : t.oobCodes.at(-1))?.oobCode ?? 'no-oob-code-yet');
  if ('binding' in v) {
    const latest = t.oobCodes.at(-1)?.bindingCode ?? '000000';
    return v.binding === 'right' ? latest : String((Number(latest) + 1) % 1_000_000).padStart(6, '0');
  }
  if ('barcode' in v) return v.barcode === 'latest' ? (t.barcodes.at(-1) ?? 'otpauth://totp/x?enrollment_tx_id=none') : 'otpauth://totp/x?enrollment_tx_id=garbage';
  const now = t.now();
  switch (v.code) {
    case 'right':
      return totpCode(t.otpSecret, now);
    case 'previous':
      return totpCode(t.otpSecret, now, { stepOffset: -1 });
    case 'next':
      return totpCode(t.otpSecret, now, { stepOffset: 1 });
    case 'random':
      return String(Math.abs(now * 7) % 1_000_000).padStart(6, '0');
    case 'recoveryCurrent':
      return t.world.currentRecoveryCode() ?? 'A'.repeat(24);
    case 'recoveryRandom':
      return 'Q'.repeat(24);
    case 'number':
      return Number(totpCode(t.otpSecret, now));
    case 'array':
      return [totpCode(t.otpSecret, now)];
    case 'long':
      return '1'.repeat(5_000);
  }
}

function toRequest(t: Tenant, s: Spec): { request: Request; sent: Record<string, unknown> | undefined } {
  const headers = new Headers();
  for (const [name, v] of Object.entries(s.extraHeaders)) headers.set(name, v);
  if (s.contentType !== undefined) headers.set('content-type', s.contentType);
  if (s.authorization) {
    headers.set('authorization', 'raw' in s.authorization ? s.authorization.raw : `${s.authorization.scheme} ${t.tokens[s.authorization.token]}`);
  }
  let payload: BodyInit | undefined;
  let sent: Record<string, unknown> | undefined;
  const b = s.body;
  if (b.kind === 'params') {
    sent = Object.fromEntries(Object.entries(b.params).map(([k, v]) => [k, resolve(t, v)]));
    if (b.encoding === 'json') payload = JSON.stringify(sent);
    else {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(sent)) {
        for (const item of Array.isArray(v) ? v : [v]) form.append(k, typeof item === 'string' ? item : JSON.stringify(item) ?? '');
      }
      payload = form.toString();
      // What the server reads: a form carries strings only (a number 123456 arrives as "123456").
      sent = Object.fromEntries([...new Set(form.keys())].map((k) => [k, form.getAll(k).length === 1 ? form.get(k) : form.getAll(k)]));
    }
  } else if (b.kind === 'json') payload = JSON.stringify(b.value);
  else if (b.kind === 'text') payload = b.text;
  else if (b.kind === 'bytes') payload = new Blob([Uint8Array.from(b.bytes)]);
  else if (b.kind === 'huge') payload = '{"x":"'.padEnd(b.size, 'x');
  const bodyless = s.method === 'GET' || s.method === 'HEAD';
  const latestRequest = t.world.h.emulator.guardian.requests().at(-1)?.id ?? 'req_none';
  const request = new Request(`${BASE}${s.path.replace(LATEST_REQUEST, latestRequest)}`, { method: s.method, headers, ...(payload === undefined || bodyless ? {} : { body: payload }) });
  return { request, sent: bodyless ? undefined : sent };
}

/**
 * Whether the emulator may answer 200 to this code grant: only when the code is right now. For
 * mfa-oob: an oob_code handed out in this run, still pending (with its message's code) or
 * accepted by the device (push, no code), unexpired, as the store held it before the request.
 */
function codeMayPass(t: Tenant, sent: Record<string, unknown> | undefined, before: DumpShape): boolean {
  if (!sent) return true;
  if (sent.grant_type === GRANT_MFA_OOB) {
    if (typeof sent.oob_code !== 'string' || sent.mfa_token !== t.tokens.valid) return false;
    const issued = t.oobCodes.find((o) => o.oobCode === sent.oob_code);
    const digest = createHash('sha256').update(sent.oob_code, 'utf8').digest('hex');
    const transaction = before.oobTransactions.find((o) => o.digest === digest);
    if (!issued || !transaction || t.now() >= transaction.expiresAt) return false;
    const noBindingCode = sent.binding_code === undefined || sent.binding_code === null || sent.binding_code === '';
    if (issued.bindingCode === null) return transaction.state === 'accepted' && noBindingCode;
    return transaction.state === 'pending' && sent.binding_code === issued.bindingCode && t.world.attemptsLeft() > 0;
  }
  if (sent.grant_type === GRANT.mfaOtp) return typeof sent.otp === 'string' && t.world.wouldAcceptOtp(sent.otp);
  if (sent.grant_type === GRANT.mfaRecoveryCode) {
    const current = t.world.currentRecoveryCode();
    return typeof sent.recovery_code === 'string' && current !== undefined && normalizeRecovery(sent.recovery_code) === normalizeRecovery(current);
  }
  return true;
}

function judge(s: Spec, request: Request, status: number, headers: Headers, text: string): string[] {
  const problems: string[] = [];
  const pathname = new URL(request.url).pathname;
  if (status >= 500) problems.push(`answered ${status}`);
  if (s.method === 'HEAD') {
    if (text !== '') problems.push('a HEAD answer with a body');
    return problems;
  }
  if (status === 204) {
    if (text !== '') problems.push('a 204 with a body');
    if (!['DELETE', 'OPTIONS'].includes(s.method)) problems.push(`204 to ${s.method}`);
    return problems;
  }
  if (!/^application\/json/.test(headers.get('content-type') ?? '')) problems.push(`content-type ${headers.get('content-type')}`);
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    problems.push(`a body that is not JSON: ${text.slice(0, 80)}`);
    return problems;
  }
  if (status >= 400) {
    if (typeof json?.error !== 'string' || typeof json?.error_description !== 'string') problems.push(`not the error envelope: ${text.slice(0, 120)}`);
    if (pathname === '/oauth/token' && headers.has('www-authenticate')) problems.push('WWW-Authenticate on a token error');
    if (json?.error === 'mfa_required' && typeof json.mfa_token !== 'string') problems.push('mfa_required without an mfa_token');
    if (json?.error === 'mfa_required' && !isMfaRequirements(json.mfa_requirements)) {
      problems.push(`mfa_required without one non-empty challenge or enroll list: ${JSON.stringify(json.mfa_requirements)}`);
    }
    return problems;
  }
  // A success must be the endpoint's own answer.
  const ok =
    pathname === '/oauth/token'
      ? typeof json.access_token === 'string' && json.token_type === 'Bearer' && Number.isInteger(json.expires_in)
      : pathname === '/mfa/associate'
        ? (json.authenticator_type === 'otp' && typeof json.secret === 'string' && String(json.barcode_uri).startsWith('otpauth://')) ||
          (json.authenticator_type === 'oob' && typeof json.oob_code === 'string' && ['sms', 'voice', 'email', 'auth0'].includes(json.oob_channel))
        : pathname === '/mfa/authenticators'
          ? Array.isArray(json) && json.every((a: { type?: unknown; authenticator_type?: unknown }) => typeof a.type === 'string' && typeof a.authenticator_type === 'string')
          : pathname === '/mfa/challenge'
            ? json.challenge_type === 'otp' || (json.challenge_type === 'oob' && typeof json.oob_code === 'string')
            : pathname === '/.well-known/openid-configuration'
              ? typeof json.issuer === 'string'
              : pathname === '/.well-known/jwks.json'
                ? Array.isArray(json.keys)
                : emulatorSuccess(pathname, status, json);
  if (!ok) problems.push(`${status} from ${s.method} ${pathname} that is not its success shape: ${text.slice(0, 120)}`);
  return problems;
}

/** The emulator-only routes' success shapes. */
function emulatorSuccess(pathname: string, status: number, json: any): boolean {
  if (pathname === '/emulator/v1/outbox') return Array.isArray(json.messages);
  if (pathname === '/emulator/v1/guardian') return typeof json.mode === 'string' && Array.isArray(json.devices) && Array.isArray(json.requests);
  if (pathname === '/emulator/v1/guardian/devices') return status === 201 ? typeof json.device?.id === 'string' : Array.isArray(json.devices);
  if (pathname === '/emulator/v1/guardian/enrollments') return Array.isArray(json.enrollments);
  if (pathname === '/emulator/v1/guardian/requests') return Array.isArray(json.requests);
  if (/^\/emulator\/v1\/guardian\/requests\/[^/]+\/(accept|reject)$/.test(pathname)) return ['accepted', 'rejected'].includes(json.request?.status);
  return false;
}

/** What a request taught: oob_codes handed out (with the code their message carried), push barcodes. */
function learn(t: Tenant, pathname: string, status: number, text: string, sentBefore: number): void {
  if (status !== 200 || (pathname !== '/mfa/associate' && pathname !== '/mfa/challenge')) return;
  const json = JSON.parse(text) as { oob_code?: unknown; barcode_uri?: unknown };
  if (typeof json.oob_code !== 'string') return;
  const outbox = t.world.h.emulator.outbox;
  const latest = outbox.messages().length > sentBefore ? outbox.latest() : undefined;
  t.oobCodes.push({ oobCode: json.oob_code, bindingCode: latest?.code ?? null });
  if (typeof json.barcode_uri === 'string') t.barcodes.push(json.barcode_uri);
}

// ---- the property --------------------------------------------------------------------------

const unhandled = watchUnhandledRejections();
afterAll(() => unhandled.stop());

describe('emulator fuzz', () => {
  it('hostile requests: no 5xx, no throw, the envelope, no wrong code accepted, no change when refused', { timeout: DEEP ? 24 * 60 * 60 * 1000 : 120_000 }, async () => {
    const settings = runSettings(100, 5_000);
    const stats = { runs: 0, requests: 0, byStatus: {} as Record<string, number>, errors: {} as Record<string, number>, codesAccepted: 0, oobAccepted: 0 };
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 25 }), async (specs) => {
        const t = await tenant();
        const store = t.world.h.emulator.store;
        for (const s of specs) {
          const { request, sent } = toRequest(t, s);
          const before = store.dump() as DumpShape;
          const mayPass = codeMayPass(t, sent, before);
          const attemptsBefore = t.world.attemptsLeft();
          const sentBefore = t.world.h.emulator.outbox.messages().length;
          let response: Response;
          try {
            response = await t.world.h.emulator.app.request(request);
          } catch (error) {
            throw new Error(`${s.method} ${s.path} threw: ${String(error)}`);
          }
          const text = await response.text();
          stats.requests++;
          stats.byStatus[response.status] = (stats.byStatus[response.status] ?? 0) + 1;
          const errorName = /"error":"([a-z_]+)"/.exec(text)?.[1];
          if (errorName) stats.errors[errorName] = (stats.errors[errorName] ?? 0) + 1;
          const problems = judge(s, request, response.status, response.headers, text);
          const pathname = new URL(request.url).pathname;
          learn(t, pathname, response.status, text, sentBefore);
          if (response.status === 200 && pathname === '/oauth/token') {
            if (!mayPass) problems.push(`accepted a code that is not right: ${JSON.stringify(sent)}`);
            if (sent?.grant_type === GRANT.password) problems.push('tokens for a password alone');
            stats.codesAccepted++;
            if (sent?.grant_type === GRANT_MFA_OOB) stats.oobAccepted++;
          }
          const refused = response.status >= 400 && !text.includes('"mfa_required"');
          if (refused) {
            const after = store.dump() as DumpShape;
            const wrongCode = /Invalid (otp_code|recovery_code|binding_code)/.test(text);
            const polled = /"error":"(authorization_pending|slow_down)"/.test(text);
            if (wrongCode) {
              if (t.world.attemptsLeft() !== attemptsBefore - 1) problems.push(`a wrong code took ${attemptsBefore - t.world.attemptsLeft()} attempts`);
              if (!isDeepStrictEqual(withoutBuckets(after), withoutBuckets(before))) problems.push('a wrong code changed more than the bucket');
            } else if (polled) {
              if (!isDeepStrictEqual(withoutPollTimes(after), withoutPollTimes(before))) problems.push('a pending push poll changed more than its poll time');
            } else if (!isDeepStrictEqual(after, before)) {
              problems.push(`refused (${response.status} ${text.slice(0, 100)}) yet the data changed`);
            }
          }
          if (problems.length > 0) throw new Error(`${s.method} ${s.path} → ${response.status}: ${problems.join('; ')}`);
        }
        stats.runs++;
        const rejections = unhandled.take();
        if (rejections.length > 0) throw new Error(`unhandled rejection: ${rejections.map(String).join('; ')}`);
      }),
      settings,
    );
    console.log(describeRun('emulator fuzz', settings, { ms: Math.round(performance.now() - started), ...stats }));
    expect(stats.requests).toBeGreaterThan(settings.numRuns ?? 0);
  });
});

/** `{challenge: [{type}, …]}` or `{enroll: [{type}, …]}`, as Auth0's SDKs read it. */
function isMfaRequirements(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const entries = Object.entries(value);
  if (entries.length !== 1) return false;
  const [key, list] = entries[0]!;
  return (
    (key === 'challenge' || key === 'enroll') &&
    Array.isArray(list) &&
    list.length > 0 &&
    list.every((item) => typeof item === 'object' && item !== null && typeof (item as { type?: unknown }).type === 'string')
  );
}

interface DumpShape {
  users: Array<{ bucket: unknown } & Record<string, unknown>>;
  oobTransactions: Array<{ digest: string; state: string; expiresAt: number; lastPolledAt: number | null; intervalMs: number } & Record<string, unknown>>;
  [key: string]: unknown;
}

function withoutBuckets(dump: DumpShape): unknown {
  return { ...dump, users: dump.users.map(({ bucket: _bucket, ...user }) => user) };
}

function withoutPollTimes(dump: DumpShape): unknown {
  return { ...dump, oobTransactions: dump.oobTransactions.map(({ lastPolledAt: _polled, intervalMs: _interval, ...rest }) => rest) };
}
