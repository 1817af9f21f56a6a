// The handler's edges: the cookie and its flags, a missing, tampered, unknown or lost handle,
// cross-origin requests, events that are not UI events, a store that fails, garbage in the store,
// an app callback that fails. Each answers its stable 4xx (or 503) code; no message names a secret.
import { describe, expect, it } from 'vitest';
import { randomId, signHandle } from '../../src/server/handle.js';
import { deriveHandlerKeys } from '../../src/server/keys.js';
import { createMemoryFlowStore, createMfaFlowHandler, type FlowStore } from '../../src/server/index.js';
import { APP_ORIGIN, COOKIE_SECRET, CREDENTIALS, createServerHarness } from './serverHarness.js';

const idOf = (handle: string) => handle.split('.')[0]!;

describe('the flow cookie', () => {
  it('is HttpOnly, SameSite=Strict, scoped to the base path, and Secure outside localhost', async () => {
    const h = createServerHarness();
    const remote = await h.handler(new Request(`${APP_ORIGIN}/mfa-flow/start`, { method: 'POST', headers: { origin: APP_ORIGIN } }));
    expect(remote.status).toBe(200);
    const cookie = remote.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^mfa_flow=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; /);
    expect(cookie.split('; ').slice(1).sort()).toEqual(['HttpOnly', 'Path=/mfa-flow', 'SameSite=Strict', 'Secure']);
    expect(remote.headers.get('cache-control')).toBe('no-store');

    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080']) {
      const local = await h.handler(new Request(`${origin}/mfa-flow/start`, { method: 'POST', headers: { origin } }));
      expect(local.headers.get('set-cookie')).not.toMatch(/Secure/);
    }
    const forced = createMfaFlowHandler({ baseUrl: 'http://emulator.test', clientId: 'c', cookieSecret: COOKIE_SECRET, onAuthenticated: () => {}, secureCookies: true, basePath: '/auth/mfa/' });
    const answer = await forced(new Request('http://localhost/auth/mfa/start', { method: 'POST', headers: { origin: 'http://localhost' } }));
    expect(answer.headers.get('set-cookie')).toMatch(/; Path=\/auth\/mfa; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('no cookie → 401 no_flow; a tampered handle → 400 bad_handle; a signed but unknown one → 410 flow_lost', async () => {
    const h = createServerHarness();
    const browser = h.browser();
    expect((await browser.view()).body).toEqual({ error: 'no_flow', message: expect.any(String) });
    expect((await browser.view()).status).toBe(401);

    await browser.start();
    const handle = browser.cookie!;
    for (const tampered of [`${idOf(handle)}.${'A'.repeat(43)}`, `${randomId()}.${handle.split('.')[1]}`, 'garbage', `${handle}.x`, '']) {
      browser.cookie = tampered;
      const answer = await browser.send({ type: 'cancel' });
      expect(answer.status, tampered).toBe(tampered === '' ? 401 : 400);
      expect(answer.body.error).toBe(tampered === '' ? 'no_flow' : 'bad_handle');
    }

    const { handle: key } = await deriveHandlerKeys(COOKIE_SECRET);
    browser.cookie = await signHandle(key, randomId());
    const unknown = await browser.view();
    expect(unknown.status).toBe(410);
    expect(unknown.body.error).toBe('flow_lost');

    browser.cookie = handle;
    expect((await browser.view()).status).toBe(200);
  });

  it('a handle from another secret is refused as bad_handle', async () => {
    const h = createServerHarness();
    const other = createServerHarness({ handler: { cookieSecret: 'another-secret-of-at-least-thirty-two-characters' } });
    const browser = other.browser();
    await browser.start();
    browser.handler = h.handler;
    expect((await browser.view()).body.error).toBe('bad_handle');
  });
});

describe('same origin', () => {
  it('a state-changing request from another origin, or saying nothing of its origin, → 403 cross_origin; GET /view is not checked', async () => {
    const h = createServerHarness();
    const browser = h.browser();
    await browser.start();
    const cases: Array<Record<string, string>> = [{ origin: 'https://evil.test' }, { origin: 'null' }, { origin: '', 'sec-fetch-site': 'same-origin' }];
    for (const headers of cases) {
      const answer = await browser.request('POST', '/events', { json: { type: 'cancel' }, headers });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body.error).toBe('cross_origin');
    }
    const started = await h.handler(new Request(`${APP_ORIGIN}/mfa-flow/start`, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } }));
    expect(started.status).toBe(403);
    const bare = await h.handler(new Request(`${APP_ORIGIN}/mfa-flow/start`, { method: 'POST' }));
    expect(bare.status).toBe(403);
    const fetchMetadata = await h.handler(new Request(`${APP_ORIGIN}/mfa-flow/start`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } }));
    expect(fetchMetadata.status).toBe(200);
    expect((await browser.view()).view.state).toBe('step.needMfaToken.idle'); // nothing was cancelled
  });

  it('allowedOrigins replaces the request’s own origin (behind a proxy)', async () => {
    const h = createServerHarness({ handler: { allowedOrigins: ['https://app.example'] } });
    const own = await h.handler(new Request(`${APP_ORIGIN}/mfa-flow/start`, { method: 'POST', headers: { origin: APP_ORIGIN } }));
    expect(own.status).toBe(403);
    const proxied = await h.handler(new Request(`${APP_ORIGIN}/mfa-flow/start`, { method: 'POST', headers: { origin: 'https://app.example' } }));
    expect(proxied.status).toBe(200);
  });
});

describe('events', () => {
  it('anything but a UI event with the right fields → 400 invalid_event, and the flow is untouched', async () => {
    const h = createServerHarness();
    const browser = h.browser();
    await browser.start();
    const bodies: Array<{ json?: unknown; body?: string }> = [
      { body: 'not json' },
      { body: '' },
      { json: [] },
      { json: { type: 'mfaToken.provide', mfaToken: 'x' } },
      { json: { type: 'flow.restored' } },
      { json: { type: 'mfaToken.expired' } },
      { json: { type: 'otp.submit', otp: 123456 } },
      { json: { type: 'otp.submit' } },
      { json: { type: 'otp.submit', otp: '123456', extra: true } },
      { json: { type: 'credentials.submit', username: 'a', password: 'p'.repeat(2_000) } },
      { json: { type: 'factor.choose', factor: 'webauthn' } },
      { json: { type: 'factor.choose', factor: 'sms', phoneNumber: 5 } },
      { json: { type: '__proto__' } },
      { body: JSON.stringify({ type: 'cancel', pad: 'x'.repeat(20_000) }) },
    ];
    for (const body of bodies) {
      const answer = await browser.request('POST', '/events', body);
      expect(answer.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      expect(answer.body.error).toBe('invalid_event');
    }
    expect(h.answers.some((text) => text.includes('pppp'))).toBe(false);
    expect((await browser.view()).view.state).toBe('step.needMfaToken.idle');
    expect(h.calls).toEqual([]);
  });

  it('start takes an intent and a narrowing of the app’s factors, nothing else', async () => {
    const h = createServerHarness({ handler: { factors: ['otp', 'sms'] } });
    const browser = h.browser();
    for (const body of [{ intent: 'steal' }, { factors: ['push'] }, { factors: [] }, { factors: ['otp', 'otp'] }, { mfaToken: 'x' }]) {
      const answer = await browser.start(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toBe('invalid_event');
    }
    expect(browser.cookie).toBeNull();
    const narrowed = await browser.start({ intent: 'enroll', factors: ['sms'] });
    expect(narrowed.view.intent).toBe('enroll');
    const choosing = await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    expect(choosing.view.enrollableFactors).toEqual(['sms']);
  });

  it('unknown routes → 404, wrong methods → 405', async () => {
    const h = createServerHarness();
    const browser = h.browser();
    expect((await browser.request('GET', '/nothing')).status).toBe(404);
    expect((await browser.request('GET', '/start')).status).toBe(405);
    expect((await browser.request('POST', '/view')).status).toBe(405);
    expect((await browser.request('PUT', '/view')).status).toBe(405);
    const outside = await h.handler(new Request(`${APP_ORIGIN}/elsewhere`));
    expect(outside.status).toBe(404);
  });
});

describe('the store', () => {
  it('a store that fails → 503 store_unavailable, and the flow continues once it is back', async () => {
    const memory = createMemoryFlowStore();
    let down = false;
    const flaky: FlowStore = {
      get: (id) => (down ? Promise.reject(new Error('ECONNREFUSED')) : memory.get(id)),
      create: (id, record, ttl) => (down ? Promise.reject(new Error('ECONNREFUSED')) : memory.create(id, record, ttl)),
      compareAndSet: (id, rev, record, ttl) => (down ? Promise.reject(new Error('ECONNREFUSED')) : memory.compareAndSet(id, rev, record, ttl)),
      delete: (id) => (down ? Promise.reject(new Error('ECONNREFUSED')) : memory.delete(id)),
    };
    const h = createServerHarness({ handler: { store: flaky } });
    const browser = h.browser();
    await browser.start({ intent: 'enroll' });
    down = true;
    const failed = await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ error: 'store_unavailable', message: expect.any(String) });
    expect(failed.text).not.toMatch(/ECONNREFUSED/);
    expect((await h.browser().start()).status).toBe(503);
    down = false;
    expect(h.calls).toEqual([]); // nothing was acted on without the store
    const resumed = await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    expect(resumed.view.state).toBe('step.awaitingConfirmation.idle');
  });

  it('garbage, a record of another flow, or a record under another key → 410 flow_lost, never a 5xx', async () => {
    const h = createServerHarness();
    const browser = h.browser();
    await browser.start();
    const id = idOf(browser.cookie!);
    const other = h.browser();
    await other.start();
    const otherRecord = (await h.store.get(idOf(other.cookie!)))!.record;
    const entry = JSON.parse((await h.store.get(id))!.record);

    const garbage = [
      'not json',
      '{}',
      'null',
      JSON.stringify({ ...entry, flow: 'eyJhbGciOiJkaXIifQ..x.y.z' }),
      otherRecord, // a valid record, bound to another flow id
      JSON.stringify({ ...entry, expiresAt: Date.now() - 1 }),
    ];
    for (const record of garbage) {
      await h.store.delete(id);
      await h.store.create(id, record, 60_000);
      const answer = await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
      expect(answer.status, record.slice(0, 40)).toBe(410);
      expect(answer.body.error).toBe('flow_lost');
    }
    expect(h.calls).toEqual([]);
  });
});

describe('onAuthenticated', () => {
  it('a callback that throws → 503 callback_failed; the next request calls it again with the same sign-in id', async () => {
    let failures = 1;
    const calls: string[] = [];
    const h = createServerHarness({
      handler: {
        onAuthenticated: ({ signIn }) => {
          calls.push(signIn.id);
          if (failures-- > 0) throw new Error('session store down');
        },
      },
    });
    const { secret } = await h.emu.enroll();
    const browser = h.browser();
    await browser.start();
    await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    const failed = await browser.send({ type: 'otp.submit', otp: h.emu.otpNow(secret) });
    expect(failed.status).toBe(503);
    expect(failed.body.error).toBe('callback_failed');
    expect(failed.text).not.toMatch(/session store down/);

    const retried = await browser.view();
    expect(retried.view).toMatchObject({ outcome: 'authenticated' });
    expect(calls).toHaveLength(2);
    expect(calls[0]).toBe(calls[1]);
    await browser.view();
    expect(calls).toHaveLength(2); // taken: never again
    expect(h.calls.filter((c) => c.endsWith('mfa-otp'))).toHaveLength(1);
    // At rest the pending output was sealed: the stored entry now holds neither it nor the tokens.
    const stored = (await h.store.get(idOf(browser.cookie!)))!.record;
    expect(JSON.parse(stored).pendingOutput).toBeNull();
  });

  it('a record at rest is encrypted: no MFA token or secret in the store', async () => {
    const h = createServerHarness();
    const browser = h.browser();
    await browser.start({ intent: 'enroll' });
    const enrolling = await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    const stored = (await h.store.get(idOf(browser.cookie!)))!.record;
    const mfaToken = [...h.secrets].find((s) => s.length > 40)!;
    expect(stored).not.toContain(mfaToken);
    const enrollment = enrolling.view.enrollment;
    if (enrollment?.factor !== 'otp') throw new Error('expected an app enrollment');
    expect(stored).not.toContain(enrollment.secret);
  });
});
