// Resuming flows from `persist()` records against the emulator: where a restore lands, what it
// refuses, that it never re-sends a non-idempotent request, and that timers keep their time.
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { MFA_FLOW_MACHINE_VERSION } from '../../src/index.js';
import { createFlowHarness, enrollDemoUser, settled, signIn, type Fault } from '../flow/flowHarness.js';

/** Holds every request matching `match` until `release()`; answers then from the emulator. */
function hold(h: ReturnType<typeof createFlowHarness>, match: (r: Request) => boolean) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const fault: Fault = (request) => (match(request) ? released.then(() => h.emulator.app.request(request)) : undefined);
  h.faults.push(fault);
  return release;
}
const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const isAssociate = (r: Request) => new URL(r.url).pathname === '/mfa/associate';
const isToken = (r: Request) => new URL(r.url).pathname === '/oauth/token';

describe('persist and restore', () => {
  it('resumes an enrolment at the code input after a "reload" and completes it', async () => {
    const h = createFlowHarness();
    const first = h.flow({ intent: 'enroll' });
    await signIn(first);
    const record = roundTrip(first.persist());
    first.stop(); // the tab is gone
    expect(record).toMatchObject({ machineVersion: MFA_FLOW_MACHINE_VERSION, waitUntil: null });
    expect(record!.mfaTokenExpiresAt).toBe(h.now() + 600_000);

    const before = h.requests.length;
    const second = h.flow({ intent: 'enroll', snapshot: record });
    expect(second.restore).toEqual({ status: 'restored' });
    second.start();
    expect(second.getSnapshot().value).toEqual({ awaitingConfirmation: 'idle' });
    const { secret } = second.getSnapshot().context.enrollment!;
    second.send({ type: 'otp.submit', otp: h.otp(secret) });
    await waitFor(second, (s) => s.matches({ awaitingConfirmation: 'acknowledgingRecoveryCodes' }));
    second.send({ type: 'recoveryCodes.acknowledge' });
    expect(second.getSnapshot().output?.enrolled).toBe(true);
    expect(h.calls(before)).toEqual(['POST /oauth/token mfa-otp']);
  });

  it('a record taken while associate is in flight restores to a deliberate retry: no second associate', async () => {
    const h = createFlowHarness();
    const release = hold(h, isAssociate);
    const first = h.flow({ intent: 'enroll' });
    first.start();
    first.send({ type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' });
    await waitFor(first, (s) => s.matches('associating'));
    const record = roundTrip(first.persist());
    first.stop();
    release();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the stopped flow's request settles

    const before = h.requests.length;
    const second = h.flow({ intent: 'enroll', snapshot: record }).start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(second.getSnapshot().value).toBe('failed');
    expect(second.getSnapshot().context).toMatchObject({ resumeStep: 'associating', error: { code: 'aborted' } });
    expect(h.requests.length).toBe(before);
    // Only the interrupted association exists: the restore left no abandoned pending authenticator.
    const pendingOtps = () => h.emulator.store.authenticators('demo@example.com').filter((a) => a.type === 'otp' && !a.active);
    expect(pendingOtps()).toHaveLength(1);
    second.send({ type: 'retry' }); // the user chooses to try again
    await settled(second);
    expect(second.getSnapshot().value).toEqual({ awaitingConfirmation: 'idle' });
    expect(h.calls(before)).toEqual(['POST /mfa/associate']);
    expect(pendingOtps()).toHaveLength(2); // the user's deliberate retry is the only new one
  });

  it('a record taken while a verify is in flight restores to the code input, with no code kept', async () => {
    const h = createFlowHarness();
    const { secret } = await enrollDemoUser(h);
    const flow = h.flow();
    await signIn(flow);
    const release = hold(h, isToken);
    flow.send({ type: 'otp.submit', otp: h.otp(secret) });
    expect(flow.getSnapshot().value).toEqual({ verifying: 'submittingOtp' });
    const record = roundTrip(flow.persist())!;
    flow.stop();
    release();
    expect(JSON.stringify(record)).not.toContain(h.otp(secret));
    await new Promise((resolve) => setTimeout(resolve, 20)); // the stopped flow's request settles

    const before = h.requests.length;
    const restored = h.flow({ snapshot: record }).start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(restored.getSnapshot().value).toEqual({ verifying: 'idle' });
    expect(h.requests.length).toBe(before);
  });

  it('an idempotent request in flight (listing) is simply re-run', async () => {
    const h = createFlowHarness();
    await enrollDemoUser(h);
    const release = hold(h, (r) => new URL(r.url).pathname === '/mfa/authenticators');
    const flow = h.flow();
    flow.start();
    flow.send({ type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' });
    await waitFor(flow, (s) => s.matches('listing'));
    const record = roundTrip(flow.persist());
    flow.stop();
    h.faults.length = 0;
    release();
    const restored = h.flow({ snapshot: record }).start();
    await waitFor(restored, (s) => s.matches({ verifying: 'idle' }));
  });

  it('the MFA token keeps the lifetime it had left, not a fresh one', async () => {
    const h = createFlowHarness();
    await enrollDemoUser(h);
    const flow = h.flow();
    await signIn(flow);
    h.advance(400_000);
    const record = roundTrip(flow.persist());
    flow.stop();
    const restored = h.flow({ snapshot: record }).start();
    h.advance(199_999);
    expect(restored.getSnapshot().value).toEqual({ verifying: 'idle' });
    h.advance(1);
    expect(restored.getSnapshot().value).toEqual({ needMfaToken: 'idle' });
    expect(restored.getSnapshot().context.error?.code).toBe('mfa_token_expired');
  });

  it('a lockout keeps the wait it had left across a restore', async () => {
    const h = createFlowHarness({ attempts: { limit: 1 } });
    const { secret } = await enrollDemoUser(h);
    const flow = h.flow({ mfaTokenTtlMs: 3_600_000 });
    await signIn(flow);
    flow.send({ type: 'otp.submit', otp: h.wrongOtp(secret) });
    await waitFor(flow, (s) => s.context.error?.code === 'invalid_otp');
    flow.send({ type: 'otp.submit', otp: h.otp(secret) });
    await waitFor(flow, (s) => s.matches('locked'));
    const wait = flow.getSnapshot().context.error!.retryAfterMs!;
    h.advance(60_000);
    const record = roundTrip(flow.persist())!;
    flow.stop();
    expect(record.waitUntil).toBe(h.now() - 60_000 + wait);

    const restored = h.flow({ mfaTokenTtlMs: 3_600_000, snapshot: record }).start();
    expect(restored.getSnapshot().value).toEqual({ locked: 'waiting' });
    h.advance(wait - 60_000 - 1);
    expect(restored.getSnapshot().value).toEqual({ locked: 'waiting' });
    h.advance(1);
    expect(restored.getSnapshot().value).toEqual({ locked: 'ready' });
  });
});

describe('refusals: the flow starts fresh, never half-restored', () => {
  async function recordAtCodeInput() {
    const h = createFlowHarness();
    const flow = h.flow({ intent: 'enroll' });
    await signIn(flow);
    const record = roundTrip(flow.persist())!;
    flow.stop();
    return { h, record };
  }

  it.each([
    ['another chart version', (r: any) => ({ ...r, machineVersion: r.machineVersion + 1 }), 'snapshot_version'],
    ['not a record', () => ({ hello: 'world' }), 'snapshot_invalid'],
    ['null (unreadable or wrong key)', () => null, 'snapshot_invalid'],
    ['a state this chart lacks', (r: any) => ({ ...r, snapshot: { ...r.snapshot, value: 'teleporting' } }), 'snapshot_invalid'],
    ['a token without an expiry', (r: any) => ({ ...r, mfaTokenExpiresAt: null }), 'snapshot_invalid'],
  ])('%s → refused', async (_, mutate, code) => {
    const { h, record } = await recordAtCodeInput();
    const flow = h.flow({ snapshot: mutate(record) });
    expect(flow.restore).toEqual({ status: 'refused', code });
    flow.start();
    expect(flow.getSnapshot().value).toEqual({ needMfaToken: 'idle' });
    expect(flow.getSnapshot().context.mfaToken).toBeNull();
  });

  it('an expired MFA token → refused with snapshot_expired', async () => {
    const { h, record } = await recordAtCodeInput();
    h.advance(600_000);
    const flow = h.flow({ snapshot: record });
    expect(flow.restore).toEqual({ status: 'refused', code: 'snapshot_expired' });
  });

  it('nothing is persisted once the flow has ended', async () => {
    const h = createFlowHarness();
    const flow = h.flow();
    flow.start();
    expect(flow.persist()).not.toBeNull();
    flow.send({ type: 'cancel' });
    expect(flow.persist()).toBeNull();
  });
});
