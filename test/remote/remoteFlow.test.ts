// `createRemoteMfaFlow` driving server flows (`mfa-flow/server` against the emulator) as a browser
// would: whole flows, the push wait refreshed by itself at each next poll, `flow_busy` retried
// with a bounded backoff, a lost flow as a `lost` view to start again from, and failures as
// RemoteFlowError with the server's code.
import { describe, expect, it } from 'vitest';
import { createRemoteMfaFlow, isRemoteFlowError, RemoteFlowError } from '../../src/remote/index.js';
import type { FlowView } from '../../src/view/index.js';
import { CREDENTIALS, createServerHarness, type ServerHarness } from '../server/serverHarness.js';
import { browserFetch } from './browserFetch.js';

/** Resolves with the first view (current or coming) that satisfies `check`. */
function viewWhere(flow: ReturnType<typeof createRemoteMfaFlow>, check: (view: FlowView) => boolean, timeoutMs = 10_000): Promise<FlowView> {
  return new Promise((resolve, reject) => {
    const now = flow.view();
    if (now !== null && check(now)) return resolve(now);
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no such view within ${timeoutMs} ms; last: ${JSON.stringify(flow.view())}`));
    }, timeoutMs);
    const unsubscribe = flow.subscribe((view) => {
      if (!check(view)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(view);
    });
  });
}

function remoteOn(h: ServerHarness, handler = h.handler) {
  const jar = browserFetch(() => handler);
  return { jar, flow: createRemoteMfaFlow({ url: '/mfa-flow', fetch: jar.fetch, busyBackoffMs: 10 }) };
}

describe('a remote flow', () => {
  it('enrolls an authenticator app, telling each new view once', async () => {
    const h = createServerHarness();
    const { flow } = remoteOn(h);
    const seen: string[] = [];
    flow.subscribe((view) => seen.push(view.state));
    expect(flow.view()).toBeNull();
    await flow.start({ intent: 'enroll' });
    const enrolling = await flow.send({ type: 'credentials.submit', ...CREDENTIALS });
    if (enrolling.enrollment?.factor !== 'otp') throw new Error('expected an app enrollment');
    await flow.send({ type: 'otp.submit', otp: h.emu.otpNow(enrolling.enrollment.secret) });
    const done = await flow.send({ type: 'recoveryCodes.acknowledge' });
    expect(done).toMatchObject({ state: 'authenticated', outcome: 'authenticated', enrolled: true });
    expect(flow.view()).toEqual(done);
    expect(seen).toEqual(['step.needMfaToken.idle', 'step.awaitingConfirmation.idle', 'step.awaitingConfirmation.acknowledgingRecoveryCodes', 'authenticated']);
    expect(h.signIns).toHaveLength(1);
    expect(h.leaks()).toEqual([]);
    flow.stop();
  });

  it('sends one request at a time, in order, even when the UI sends two at once', async () => {
    const h = createServerHarness();
    const { secret } = await h.emu.enroll();
    const { flow, jar } = remoteOn(h);
    await flow.start();
    await flow.send({ type: 'credentials.submit', ...CREDENTIALS });
    const code = h.emu.otpNow(secret);
    const [first, second] = await Promise.all([flow.send({ type: 'otp.submit', otp: code }), flow.send({ type: 'otp.submit', otp: code })]);
    expect(first.outcome).toBe('authenticated');
    expect(second).toEqual(first); // the ended flow answers its last view
    expect(jar.statuses).not.toContain(409);
    expect(h.calls.filter((c) => c.endsWith('mfa-otp'))).toHaveLength(1);
  });

  it('waits for a push by fetching the view again at each next poll, until the device accepts', async () => {
    const h = createServerHarness({ emulator: { pollIntervalSeconds: 1, clock: Date.now } });
    await h.emu.enrollOob('push');
    const { flow, jar } = remoteOn(h);
    await flow.start();
    const choosing = await flow.send({ type: 'credentials.submit', ...CREDENTIALS });
    const push = choosing.authenticators.find((a) => a.factor === 'push')!;
    const waiting = await flow.send({ type: 'authenticator.select', authenticatorId: push.id });
    expect(waiting.tags).toEqual(['waitingForDevice']);

    // At least one poll happens by itself while the device has not answered.
    const polls = () => h.calls.filter((c) => c.endsWith('mfa-oob')).length;
    await viewWhere(flow, (view) => view.nextPollAt !== waiting.nextPollAt);
    expect(polls()).toBeGreaterThanOrEqual(1);
    const [request] = await h.emu.pushRequests();
    expect((await h.emu.answerPush(request!.id, 'accept')).status).toBe(200);
    const done = await viewWhere(flow, (view) => view.status === 'done');
    expect(done.outcome).toBe('authenticated');
    expect(jar.statuses.every((s) => s === 200)).toBe(true);
    expect(h.calls.filter((c) => c === 'POST /mfa/challenge')).toHaveLength(1);
    flow.stop();
  });
});

describe('flow_busy', () => {
  function holdToken(h: ServerHarness) {
    let release!: () => void;
    let reached!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    h.faults.push((request) => {
      if (new URL(request.url).pathname !== '/oauth/token') return undefined;
      reached();
      return released.then(() => h.emu.emulator.app.request(request));
    });
    return { release, arrived };
  }

  it('is retried with backoff while another tab’s event is acted on, then answers the view', async () => {
    const h = createServerHarness();
    const tab1 = remoteOn(h);
    await tab1.flow.start({ intent: 'enroll' });
    const tab2 = remoteOn(h, h.process());
    tab2.jar.cookie = tab1.jar.cookie;
    const held = holdToken(h);
    const signingIn = tab1.flow.send({ type: 'credentials.submit', ...CREDENTIALS });
    await held.arrived;
    const refreshed = tab2.flow.refresh();
    await tab2.jar.answered(409);
    held.release();
    const view = await refreshed;
    expect(tab2.jar.statuses[0]).toBe(409);
    expect(view.state).toBe('step.awaitingConfirmation.idle');
    expect((await signingIn).state).toBe('step.awaitingConfirmation.idle');
    expect(h.calls.filter((c) => c === 'POST /mfa/associate')).toHaveLength(1);
  });

  it('gives up after its retries with RemoteFlowError flow_busy, and the view is unchanged', async () => {
    const h = createServerHarness();
    const tab1 = remoteOn(h);
    await tab1.flow.start({ intent: 'enroll' });
    const jar = browserFetch(() => h.handler);
    jar.cookie = tab1.jar.cookie;
    const tab2 = createRemoteMfaFlow({ url: '/mfa-flow', fetch: jar.fetch, busyRetries: 2, busyBackoffMs: 5, maxBusyWaitMs: 1 });
    const held = holdToken(h);
    const signingIn = tab1.flow.send({ type: 'credentials.submit', ...CREDENTIALS });
    await held.arrived;
    const failure = await tab2.send({ type: 'cancel' }).catch((error: unknown) => error);
    expect(isRemoteFlowError(failure)).toBe(true);
    expect(failure).toMatchObject({ error: 'flow_busy', status: 409 });
    expect(jar.statuses).toEqual([409, 409, 409]);
    expect(tab2.view()).toBeNull();
    held.release();
    expect((await signingIn).state).toBe('step.awaitingConfirmation.idle'); // not cancelled
  });
});

describe('a lease left by a crashed server process', () => {
  it('is waited out: the client retries until the lease ends, as the server says, then answers the view', async () => {
    const h = createServerHarness();
    const { flow, jar } = remoteOn(h);
    await flow.start({ intent: 'enroll' });
    // What a process killed mid-event leaves in the store: its lease, and no process to end it.
    const id = jar.cookie!.split('.')[0]!;
    const stored = (await h.store.get(id))!;
    const entry = JSON.parse(stored.record);
    const leaseEnds = Date.now() + 400;
    await h.store.compareAndSet(id, stored.revision, JSON.stringify({ ...entry, lease: { owner: 'dead', until: leaseEnds } }), 60_000);

    const view = await flow.send({ type: 'credentials.submit', ...CREDENTIALS }); // busyRetries 5 × 10 ms would end long before
    expect(Date.now()).toBeGreaterThanOrEqual(leaseEnds);
    expect(jar.statuses.filter((s) => s === 409).length).toBeGreaterThan(5);
    expect(view.state).toBe('step.awaitingConfirmation.idle');
    expect(h.calls.filter((c) => c === 'POST /mfa/associate')).toHaveLength(1);
  });
});

describe('a flow the server no longer has', () => {
  it('becomes a `lost` view with the error flow_lost; starting again works', async () => {
    const h = createServerHarness();
    const { flow, jar } = remoteOn(h);
    await flow.start({ intent: 'enroll' });
    const lostViews: FlowView[] = [];
    flow.subscribe((view) => view.state === 'lost' && lostViews.push(view));
    await h.store.delete(jar.cookie!.split('.')[0]!);
    const lost = await flow.send({ type: 'credentials.submit', ...CREDENTIALS });
    expect(lost).toMatchObject({ state: 'lost', status: 'done', tags: [], intent: 'enroll', error: { code: 'flow_lost' } });
    expect(lostViews).toEqual([lost]);
    expect(h.calls).toEqual([]);

    const again = await flow.start({ intent: 'enroll' });
    expect(again.state).toBe('step.needMfaToken.idle');
    expect((await flow.send({ type: 'credentials.submit', ...CREDENTIALS })).state).toBe('step.awaitingConfirmation.idle');
  });

  it('no cookie at all (a reload in a fresh browser) is lost too', async () => {
    const h = createServerHarness();
    const { flow } = remoteOn(h);
    expect((await flow.refresh()).state).toBe('lost');
  });
});

describe('failures', () => {
  it('an event the server refuses → RemoteFlowError invalid_event; the server unreachable → network', async () => {
    const h = createServerHarness();
    const { flow } = remoteOn(h);
    await flow.start();
    const refused = await flow.send({ type: 'mfaToken.provide', mfaToken: 'x' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RemoteFlowError);
    expect(refused).toMatchObject({ error: 'invalid_event', status: 400 });
    expect(flow.view()!.state).toBe('step.needMfaToken.idle');

    const offline = createRemoteMfaFlow({ url: 'http://127.0.0.1:9/mfa-flow' });
    await expect(offline.start()).rejects.toMatchObject({ error: 'network', status: 0 });
  });

  it('url is required', () => {
    expect(() => createRemoteMfaFlow({ url: '' })).toThrow(TypeError);
  });
});
