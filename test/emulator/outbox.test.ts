// The outbox and the emulator-only routes: GET /emulator/v1/outbox (filtered by recipient and
// channel), DELETE, `emulator.outbox` from code, one message-log line per message, codes never in
// the request log, error bodies, events or the store dump; CORS for a browser page; and every
// emulator-only route under /emulator/v1, clear of Auth0's paths.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { EMULATOR_PREFIX, EMULATOR_ROUTES } from '../../src/emulator/index.js';
import { DEMO, expectError } from '../helpers/emulatorHarness.js';
import { createOobHarness, OTHER_PHONE, oobAssociation, PHONE } from '../helpers/oobHarness.js';

describe('GET /emulator/v1/outbox', () => {
  test('every message, oldest first; filtered by recipient (a raw "+" too, email in any case) and by channel', async () => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    await h.associateOob(mfa, oobAssociation('sms'));
    await h.associateOob(mfa, oobAssociation('voice', OTHER_PHONE));
    await h.associateOob(mfa, oobAssociation('email'));
    const all = await h.outbox();
    expect(all.status).toBe(200);
    expect(all.headers.get('cache-control')).toBe('no-store');
    expect(all.body.messages.map((m: { id: string; channel: string; to: string }) => [m.id, m.channel, m.to])).toEqual([
      ['msg_1', 'sms', PHONE],
      ['msg_2', 'voice', OTHER_PHONE],
      ['msg_3', 'email', DEMO.email],
    ]);
    expect((await h.outbox({ to: PHONE })).body.messages.map((m: { id: string }) => m.id)).toEqual(['msg_1']);
    const raw = await h.send('GET', `/emulator/v1/outbox?to=${OTHER_PHONE}`); // "+" unencoded
    expect(raw.body.messages.map((m: { id: string }) => m.id)).toEqual(['msg_2']);
    expect((await h.outbox({ to: 'DEMO@Example.com' })).body.messages.map((m: { id: string }) => m.id)).toEqual(['msg_3']);
    expect((await h.outbox({ channel: 'voice' })).body.messages.map((m: { id: string }) => m.id)).toEqual(['msg_2']);
    expect((await h.outbox({ to: '+19999999999' })).body.messages).toEqual([]);
    expectError(await h.outbox({ channel: 'fax' }), 400, 'invalid_request', 'channel must be one of sms, voice, email, push');
  });

  test('DELETE empties it; emulator.outbox reads and clears the same messages from code', async () => {
    const h = createOobHarness();
    await h.associateOob(await h.mfaToken(), oobAssociation('sms'));
    const [message] = (await h.outbox()).body.messages;
    expect(h.emulator.outbox.messages()).toEqual([message]);
    expect(h.emulator.outbox.latest({ to: PHONE })).toEqual(message);
    expect(h.emulator.outbox.latest({ channel: 'email' })).toBeUndefined();
    const cleared = await h.send('DELETE', '/emulator/v1/outbox');
    expect(cleared.status).toBe(204);
    expect(h.emulator.outbox.messages()).toEqual([]);
    await h.associateOob(await h.mfaToken(), oobAssociation('email'));
    h.emulator.outbox.clear();
    expect((await h.outbox()).body.messages).toEqual([]);
  });

  test('a message read from code is a copy: changing it changes nothing', async () => {
    const h = createOobHarness();
    await h.associateOob(await h.mfaToken(), oobAssociation('sms'));
    const copy = h.emulator.outbox.latest();
    if (copy) copy.code = '000000';
    expect(h.emulator.outbox.latest()?.code).not.toBe('000000');
  });
});

describe('logs and secrets', () => {
  test('one message-log line per message, with its code; the request log never holds a code or oob_code', async () => {
    const h = createOobHarness();
    const secrets: string[] = [];
    for (const factor of ['sms', 'voice', 'email'] as const) {
      const mfa = await h.mfaToken();
      const association = await h.associateOob(mfa, oobAssociation(factor));
      secrets.push(mfa, association.body.oob_code, association.body.recovery_codes?.[0] ?? association.body.oob_code);
      await h.verifyOob(mfa, association.body.oob_code, '000000');
    }
    const codes = h.emulator.outbox.messages().map((m) => m.code ?? '');
    expect(h.messageLines).toEqual([`sms to +1••••0123: ${codes[0]}`, `voice to +1••••0123: ${codes[1]}`, `email to d••@example.com: ${codes[2]}`]);
    expect(h.logLines.length).toBeGreaterThan(6);
    for (const line of h.logLines) {
      expect(line).toMatch(/^(GET|POST|DELETE|OPTIONS) \/[\w./:-]* \d{3} \d+ms$/);
      for (const secret of [...codes, ...secrets]) expect(line).not.toContain(secret);
    }
    await h.outbox({ to: PHONE });
    expect(h.logLines.at(-1)).toMatch(/^GET \/emulator\/v1\/outbox 200 \d+ms$/); // no query string
  });

  test('push lines name the device and the request to answer; answering routes are logged by their shape', async () => {
    const h = createOobHarness();
    const { authenticatorId } = await h.enrollOob('push');
    await h.challengeOob(await h.mfaToken(), authenticatorId);
    const [request] = await h.pushRequests();
    expect(h.messageLines.at(-1)).toBe(
      `push to Emulated Guardian: sign-in request ${request?.id} for d••@example.com; answer with POST /emulator/v1/guardian/requests/${request?.id}/accept (or /reject)`,
    );
    await h.answerPush(request?.id ?? '', 'accept');
    expect(h.logLines.at(-1)).toMatch(/^POST \/emulator\/v1\/guardian\/requests\/:id\/accept 200 \d+ms$/);
  });

  test('events and the store dump hold digests: no code, oob_code, barcode or OTP secret of any factor', async () => {
    const h = createOobHarness();
    const secrets: string[] = [];
    const mfa = await h.mfaToken();
    const push = await h.associateOob(mfa, oobAssociation('push'));
    const scanned = await h.scan(push.body.barcode_uri);
    secrets.push(push.body.oob_code, push.body.barcode_uri, new URL(push.body.barcode_uri).searchParams.get('enrollment_tx_id') ?? '', scanned.body.device.totpSecret);
    await h.verifyOob(mfa, push.body.oob_code);
    const access = await h.verifyOtp(mfa, h.otpNow(scanned.body.device.totpSecret), { audience: h.emulator.mfaAudience, scope: 'enroll' });
    const sms = await h.associateOob(access.body.access_token, oobAssociation('sms'));
    const code = await h.codeFor(PHONE);
    secrets.push(sms.body.oob_code, code);
    await h.verifyOob(mfa, sms.body.oob_code, code);
    const challenge = await h.challengeOob(mfa, h.emulator.store.authenticators(DEMO.email).find((a) => a.type === 'phone')?.id ?? '');
    secrets.push(challenge.body.oob_code, await h.codeFor(PHONE));
    const events = JSON.stringify(h.emulator.store.events());
    const dump = JSON.stringify(h.emulator.store.dump());
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(6);
      expect(events).not.toContain(secret);
      expect(dump).not.toContain(secret);
    }
  });

  test('error descriptions never echo an oob_code, binding code or phone number sent', async () => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    const secret = 'S3cret-Oob-Code-Value';
    const results = await Promise.all([
      h.verifyOob(mfa, secret, '654321'),
      h.verifyOob(mfa, secret, secret),
      h.associateOob(mfa, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: `+1${secret}` }),
      h.associateOob(mfa, { authenticator_types: ['oob'], oob_channels: [secret] }),
      h.associateOob(mfa, { authenticator_types: ['oob'], oob_channels: ['email'], email: `${secret}@` }),
      h.scan(`otpauth://totp/x?enrollment_tx_id=${secret}`),
      h.answerPush(secret, 'accept'),
      h.outbox({ channel: secret }),
    ]);
    for (const result of results) {
      expect(result.status).toBeGreaterThanOrEqual(400);
      expect(result.status).toBeLessThan(500);
      expect(result.text).not.toContain(secret);
      expect(result.text).not.toContain('654321');
    }
  });
});

describe('emulator-only routes', () => {
  test('all under /emulator/v1/, every one registered, none of Auth0\'s paths taken or changed', () => {
    const h = createOobHarness();
    const registered = h.emulator.app.routes.filter((r) => r.method !== 'ALL').map((r) => [r.method, r.path] as const);
    const ours = registered.filter(([, path]) => path.startsWith(`${EMULATOR_PREFIX}/`));
    expect(ours.map(([m, p]) => `${m} ${p}`).sort()).toEqual(EMULATOR_ROUTES.map(([m, p]) => `${m} ${p}`).sort());
    const auth0 = registered.filter(([, path]) => !path.startsWith(`${EMULATOR_PREFIX}/`)).map(([m, p]) => `${m} ${p}`);
    expect(auth0.sort()).toEqual(
      [
        'POST /oauth/token',
        'POST /mfa/associate',
        'GET /mfa/authenticators',
        'DELETE /mfa/authenticators/:id',
        'POST /mfa/challenge',
        'GET /.well-known/openid-configuration',
        'GET /.well-known/jwks.json',
      ].sort(),
    );
  });

  test('docs/emulator.md lists every one of them', () => {
    const docs = readFileSync(new URL('../../docs/emulator.md', import.meta.url), 'utf8');
    for (const [method, path] of EMULATOR_ROUTES) expect(docs).toContain(`${method} ${path.replace(':id', '{id}')}`);
  });

  test('unknown paths under the prefix are 404 in the envelope', async () => {
    const h = createOobHarness();
    expectError(await h.send('GET', '/emulator/v1/nope'), 404, 'not_found');
    expectError(await h.send('PUT', '/emulator/v1/outbox'), 404, 'not_found');
  });

  test('CORS: a page on another origin may read the outbox and answer push (preflight and answers)', async () => {
    const h = createOobHarness();
    const origin = 'http://localhost:5173';
    const preflight = await h.send('OPTIONS', '/emulator/v1/guardian/requests/req_x/accept', {
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
    const deletePreflight = await h.send('OPTIONS', '/emulator/v1/outbox', { headers: { origin, 'access-control-request-method': 'DELETE' } });
    expect(deletePreflight.headers.get('access-control-allow-methods')).toContain('DELETE');
    const read = await h.send('GET', '/emulator/v1/outbox', { headers: { origin } });
    const refused = await h.send('POST', '/emulator/v1/guardian/requests/req_x/accept', { headers: { origin } });
    for (const answer of [read, refused]) expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.status).toBe(404);
  });
});
