// createMfaFlow against the emulator when things go wrong: expiry on either clock, cancel in
// the middle of a request, and a server that answers badly (injected in front of the emulator).
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { createFlowHarness, enrollDemoUser, signIn, type Fault } from './flowHarness.js';

const once = (match: (request: Request) => boolean, answer: () => Response | Promise<Response>): Fault => {
  let used = false;
  return (request) => {
    if (used || !match(request)) return undefined;
    used = true;
    return answer();
  };
};
const isList = (r: Request) => r.method === 'GET' && new URL(r.url).pathname === '/mfa/authenticators';

describe('expiry', () => {
  it("the server's clock: an expired_token answer sends the flow back to needMfaToken", async () => {
    const h = createFlowHarness();
    const { secret } = await enrollDemoUser(h);
    const flow = h.flow();
    await signIn(flow);
    h.advanceServer(601_000); // the chart's own timer has not fired: only the server knows
    flow.send({ type: 'otp.submit', otp: h.otp(secret) });
    await waitFor(flow, (s) => s.matches({ step: 'needMfaToken' }));
    expect(flow.getSnapshot().value).toEqual({ step: { needMfaToken: 'idle' } });
    expect(flow.getSnapshot().context).toMatchObject({ mfaToken: null, error: { code: 'mfa_token_expired' } });
    // Signing in again picks the flow up from the start.
    flow.send({ type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' });
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'idle' } }));
  });

  it("the chart's clock: the token's lifetime runs out before the user types", async () => {
    const h = createFlowHarness();
    await enrollDemoUser(h);
    const flow = h.flow();
    await signIn(flow);
    const before = h.requests.length;
    h.advance(600_000);
    expect(flow.getSnapshot().value).toEqual({ step: { needMfaToken: 'idle' } });
    expect(flow.getSnapshot().context.error?.code).toBe('mfa_token_expired');
    expect(h.requests.length).toBe(before);
  });
});

describe('cancel', () => {
  it('aborts the request in flight, and no transition or request follows', async () => {
    const h = createFlowHarness();
    await enrollDemoUser(h); // an enrolled user is listed (mfa_requirements: challenge)
    const from = h.requests.length;
    let release!: () => void;
    let lateAnswer!: Promise<Response>;
    const held = new Promise<void>((resolve) => (release = resolve));
    h.faults.push(once(isList, () => {
      // Answers only after the cancel: a late answer must be ignored.
      lateAnswer = held.then(() => Response.json([{ id: 'totp|dev_x', authenticator_type: 'otp', active: true }]));
      return lateAnswer;
    }));
    const flow = h.flow();
    flow.start();
    flow.send({ type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' });
    await waitFor(flow, (s) => s.matches({ step: 'listing' }));
    await waitFor(flow, () => h.requests.length === from + 2);
    const inFlight = h.requests[from + 1]!;
    const seen: unknown[] = [];
    flow.subscribe((s) => seen.push(s.value));
    flow.send({ type: 'cancel' });
    expect(inFlight.signal.aborted).toBe(true);
    expect(flow.getSnapshot().value).toBe('cancelled');
    release();
    await lateAnswer; // the answer that would have moved the flow has arrived
    expect(flow.getSnapshot().children).toEqual({}); // no service left to apply it or to send another request
    expect(seen).toEqual(['cancelled']);
    expect(h.requests).toHaveLength(from + 2);
  });
});

describe('a server that answers badly', () => {
  const faults: Array<[string, () => Response | Promise<Response>, string]> = [
    ['a 500 HTML page', () => new Response('<html>oops</html>', { status: 500, headers: { 'content-type': 'text/html' } }), 'server_error'],
    ['a 503 JSON error', () => Response.json({ error: 'temporarily_unavailable' }, { status: 503 }), 'server_error'],
    ['a 200 body that is not JSON', () => new Response('not json', { status: 200 }), 'invalid_response'],
    ['a 200 JSON body of the wrong shape', () => Response.json({ authenticators: [] }), 'invalid_response'],
    ['a 200 list with a malformed item', () => Response.json([{ id: 1, active: 'yes' }]), 'invalid_response'],
    ['a connection reset', () => Promise.reject(new TypeError('fetch failed', { cause: new Error('ECONNRESET') })), 'network'],
  ];

  it.each(faults)('%s ends in failed; retry re-runs the step and succeeds', async (_, answer, code) => {
    const h = createFlowHarness();
    const { secret } = await enrollDemoUser(h);
    h.faults.push(once(isList, answer));
    const flow = h.flow();
    await signIn(flow);
    expect(flow.getSnapshot().value).toBe('failed');
    expect(flow.getSnapshot().context.error).toMatchObject({ code });
    flow.send({ type: 'retry' });
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'idle' } }));
    flow.send({ type: 'otp.submit', otp: h.otp(secret) });
    await waitFor(flow, (s) => s.status === 'done');
  });

  it('a response slower than the timeout ends in failed with timeout', async () => {
    const h = createFlowHarness();
    await enrollDemoUser(h);
    h.faults.push(once(isList, () => new Promise<Response>(() => {})));
    const flow = h.flow({ timeoutMs: 100 });
    await signIn(flow);
    expect(flow.getSnapshot().context.error?.code).toBe('timeout');
  });

  it('a 429 without a code waits Retry-After on the chart clock, then retries by itself', async () => {
    const h = createFlowHarness();
    await enrollDemoUser(h);
    h.faults.push(once(isList, () => Response.json({ error: 'too_many_requests' }, { status: 429, headers: { 'retry-after': '3' } })));
    const flow = h.flow();
    flow.start();
    flow.send({ type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' });
    await waitFor(flow, (s) => s.matches('rateLimited'));
    expect(flow.getSnapshot().context.error).toMatchObject({ code: 'rate_limited', retryAfterMs: 3_000 });
    const lists = () => h.requests.filter((r) => r.path === '/mfa/authenticators').length;
    h.advance(2_999);
    expect(lists()).toBe(1);
    h.advance(1);
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'idle' } }));
    expect(lists()).toBe(2);
  });

  it('errors carry no secret: not in the message, not when the error is serialised', async () => {
    const h = createFlowHarness();
    await enrollDemoUser(h);
    h.faults.push(once(isList, () => Response.json({ error: 'invalid_request', error_description: 'nope' }, { status: 400 })));
    const flow = h.flow();
    await signIn(flow);
    const { error, mfaToken } = flow.getSnapshot().context;
    expect(error?.code).toBe('invalid_request');
    expect(JSON.stringify(error)).not.toContain(mfaToken!);
    expect(JSON.stringify(error)).not.toContain('demo-password');
  });
});
