// Two requests of one flow at once, on one process or on two sharing a store: exactly one acts,
// the other answers 409 flow_busy without touching the API (the emulator sees one verify, one
// associate). A lease whose holder died runs out and another process takes the flow over; the
// late holder then writes nothing.
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, createServerHarness, type ServerHarness } from './serverHarness.js';

/** Holds the next emulator request to `path` until released. */
function hold(h: ServerHarness, path: string) {
  let release!: () => void;
  let reached!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const arrived = new Promise<void>((resolve) => (reached = resolve));
  let taken = false;
  h.faults.push((request) => {
    if (taken || new URL(request.url).pathname !== path) return undefined;
    taken = true;
    reached();
    return released.then(() => h.emu.emulator.app.request(request));
  });
  return { release, arrived };
}

describe('one flow, two requests at once', () => {
  it('on one process: the second answers flow_busy and the code is verified once', async () => {
    const h = createServerHarness();
    const { secret } = await h.emu.enroll();
    const browser = h.browser();
    await browser.start();
    await browser.send({ type: 'credentials.submit', ...CREDENTIALS });
    const held = hold(h, '/oauth/token');
    const code = h.emu.otpNow(secret);
    const first = browser.send({ type: 'otp.submit', otp: code });
    await held.arrived;
    const second = await browser.send({ type: 'otp.submit', otp: code });
    expect(second.status).toBe(409);
    expect(second.body.error).toBe('flow_busy');
    // When the lease holding the flow ends: the default lease is settleMs + 10 s.
    expect(second.body.retryAfterMs).toBeGreaterThan(19_000);
    expect(second.body.retryAfterMs).toBeLessThanOrEqual(20_000);
    expect(second.headers.get('retry-after')).toBe('20');
    const busyView = await browser.view();
    expect(busyView.status).toBe(409);
    held.release();
    expect((await first).view.outcome).toBe('authenticated');
    expect(h.calls.filter((c) => c.endsWith('mfa-otp'))).toHaveLength(1);
    expect(h.signIns).toHaveLength(1);
  });

  it('on two processes sharing a store: one associate, the other flow_busy', async () => {
    const h = createServerHarness();
    const a = h.browser();
    await a.start({ intent: 'enroll' });
    const b = h.browser();
    b.cookie = a.cookie;
    b.handler = h.process();
    const held = hold(h, '/oauth/token');
    const onA = a.send({ type: 'credentials.submit', ...CREDENTIALS });
    await held.arrived;
    const onB = await b.send({ type: 'credentials.submit', ...CREDENTIALS });
    expect(onB.status).toBe(409);
    expect(onB.body.error).toBe('flow_busy');
    held.release();
    expect((await onA).view.state).toBe('step.awaitingConfirmation.idle');
    expect(h.calls).toEqual(['POST /oauth/token password', 'POST /mfa/associate']);
    // The emulator's own request log agrees: one sign-in, one association.
    expect(h.emu.logLines.filter((line) => line.startsWith('POST /mfa/associate '))).toHaveLength(1);
    expect(h.emu.logLines.filter((line) => line.startsWith('POST /oauth/token '))).toHaveLength(1);
    // The flow continues on the other process.
    const view = await b.view();
    expect(view.view.state).toBe('step.awaitingConfirmation.idle');
    expect(view.view.enrollment).toEqual((await onA).view.enrollment);
  });

  it('many concurrent events of one flow on many processes: exactly one acts', async () => {
    const h = createServerHarness();
    const { secret } = await h.emu.enroll();
    const first = h.browser();
    await first.start();
    await first.send({ type: 'credentials.submit', ...CREDENTIALS });
    const code = h.emu.otpNow(secret);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => {
        const browser = h.browser();
        browser.cookie = first.cookie;
        browser.handler = h.process();
        return browser.send({ type: 'otp.submit', otp: code });
      }),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    expect(h.calls.filter((c) => c.endsWith('mfa-otp'))).toHaveLength(1);
    const tokenRequests = h.emu.logLines.filter((line) => line.startsWith('POST /oauth/token ')).length;
    expect(tokenRequests).toBe(2 + 1 + 1); // enroll (confirm) and sign-in by the harness, the flow's sign-in, one verify
    expect(h.signIns).toHaveLength(1);
  });
});

describe('an abandoned lease', () => {
  it('is taken over once it runs out, and the late holder writes nothing', async () => {
    const h = createServerHarness({ handler: { settleMs: 5_000, leaseMs: 300 } });
    const a = h.browser();
    await a.start({ intent: 'enroll' });
    const held = hold(h, '/oauth/token');
    const stuck = a.send({ type: 'credentials.submit', ...CREDENTIALS });
    await held.arrived;

    const b = h.browser();
    b.cookie = a.cookie;
    b.handler = h.process({ settleMs: 5_000, leaseMs: 300 });
    expect((await b.view()).status).toBe(409); // the lease is live
    const revisionBefore = (await h.store.get(a.cookie!.split('.')[0]!))!.revision;
    let takenOver = await b.view();
    while (takenOver.status === 409) takenOver = await b.view(); // until the lease runs out (300 ms)
    expect(takenOver.status).toBe(200);
    expect(takenOver.view.state).toBe('step.needMfaToken.idle'); // the record as it was before the stuck event

    held.release();
    const late = await stuck;
    expect(late.status).toBe(409);
    expect(late.body.error).toBe('flow_busy');
    const after = await h.store.get(a.cookie!.split('.')[0]!);
    expect(after!.revision).toBe(revisionBefore + 2); // b's lease and b's write, nothing from a
    expect((await b.view()).view.state).toBe('step.needMfaToken.idle');
  });
});
