// Resuming persisted flows against the emulator: where a restore lands, what it refuses, that it
// never re-sends a non-idempotent request, and that timers keep their time.
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { MFA_FLOW_MACHINE_VERSION, type MfaFlowActor } from '../../src/index.js';
import { persistFlow, readFlowRecord, type FlowRecord, type ResumableFlow } from '../../src/persist/index.js';
import { authenticatedOutput, createFlowHarness, enrollDemoUser, settled, signIn, type Fault, type FlowHarness } from '../flow/flowHarness.js';
import { otpEnrollment } from '../helpers/enrollment.js';

/** Holds every request matching `match` until `release()`. `reached` settles when one arrives,
 *  `answered` once the emulator has answered it (after the release). */
function hold(h: FlowHarness, match: (r: Request) => boolean) {
  let release!: () => void;
  // The answer travels wrapped: a promise resolved with a promise would wait for it.
  let arrived!: (held: { answer: Promise<Response> }) => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<{ answer: Promise<Response> }>((resolve) => (arrived = resolve));
  const fault: Fault = (request) => {
    if (!match(request)) return undefined;
    const answer = released.then(() => h.emulator.app.request(request));
    arrived({ answer });
    return answer;
  };
  h.faults.push(fault);
  return { release, reached, answered: async () => void (await (await reached).answer) };
}
const isAssociate = (r: Request) => new URL(r.url).pathname === '/mfa/associate';
const isToken = (r: Request) => new URL(r.url).pathname === '/oauth/token';

/** The record as a store would give it back: through JSON. */
function persisted(flow: MfaFlowActor, h: FlowHarness): FlowRecord {
  const record = persistFlow(flow, h.now());
  if (record === null) throw new Error('nothing to persist');
  return JSON.parse(JSON.stringify(record)) as FlowRecord;
}

function resumable(record: unknown, h: FlowHarness): ResumableFlow {
  const read = readFlowRecord(record, h.now());
  if (read.status !== 'resumable') throw new Error(`refused: ${read.code}`);
  return read.resume;
}

/** No invoked service, so no request can be on its way. */
const holdsNoRequest = (flow: MfaFlowActor) => Object.keys(flow.getSnapshot().children).length === 0;

describe('persist and restore', () => {
  it('resumes an enrolment at the code input after a "reload" and completes it', async () => {
    const h = createFlowHarness();
    const first = h.flow({ intent: 'enroll' });
    await signIn(first);
    const record = persisted(first, h);
    first.stop(); // the tab is gone
    expect(record).toMatchObject({ machineVersion: MFA_FLOW_MACHINE_VERSION, expiresAt: h.now() + 600_000 });

    const before = h.requests.length;
    const second = h.flow({ intent: 'enroll', resume: resumable(record, h) }).start();
    expect(second.getSnapshot().value).toEqual({ step: { awaitingConfirmation: 'idle' } });
    const { secret } = otpEnrollment(second.getSnapshot().context.enrollment);
    second.send({ type: 'otp.submit', otp: h.otp(secret) });
    await waitFor(second, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }));
    second.send({ type: 'recoveryCodes.acknowledge' });
    expect(authenticatedOutput(second).enrolled).toBe(true);
    expect(h.calls(before)).toEqual(['POST /oauth/token mfa-otp']);
  });

  it('a record taken while associate is in flight restores to a deliberate retry: no second associate', async () => {
    const h = createFlowHarness();
    const held = hold(h, isAssociate);
    const first = h.flow({ intent: 'enroll' });
    first.start();
    first.send({ type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' });
    await held.reached;
    expect(first.getSnapshot().value).toEqual({ step: 'associating' });
    const record = persisted(first, h);
    first.stop();
    held.release();
    await held.answered(); // the stopped flow's request reached the server

    const before = h.requests.length;
    const second = h.flow({ intent: 'enroll', resume: resumable(record, h) }).start();
    expect(second.getSnapshot().value).toBe('failed');
    expect(second.getSnapshot().context.error).toMatchObject({ code: 'aborted' });
    expect(holdsNoRequest(second)).toBe(true);
    expect(h.requests.length).toBe(before);
    // Only the interrupted association exists: the restore left no abandoned pending authenticator.
    const pendingOtps = () => h.emulator.store.authenticators('demo@example.com').filter((a) => a.type === 'otp' && !a.active);
    expect(pendingOtps()).toHaveLength(1);
    second.send({ type: 'retry' }); // the user chooses to try again: back to the step that was interrupted
    await settled(second);
    expect(second.getSnapshot().value).toEqual({ step: { awaitingConfirmation: 'idle' } });
    expect(h.calls(before)).toEqual(['POST /mfa/associate']);
    expect(pendingOtps()).toHaveLength(2); // the user's deliberate retry is the only new one
  });

  it('a record taken while a verify is in flight restores to the code input, with no code kept', async () => {
    const h = createFlowHarness();
    const { secret } = await enrollDemoUser(h);
    const flow = h.flow();
    await signIn(flow);
    const held = hold(h, isToken);
    flow.send({ type: 'otp.submit', otp: h.otp(secret) });
    expect(flow.getSnapshot().value).toEqual({ step: { verifying: 'submittingOtp' } });
    const record = persisted(flow, h);
    flow.stop();
    held.release();
    expect(JSON.stringify(record)).not.toContain(h.otp(secret));
    expect(record.snapshot.context.submission).toBeNull();

    const before = h.requests.length;
    const restored = h.flow({ resume: resumable(record, h) }).start();
    expect(restored.getSnapshot().value).toEqual({ step: { verifying: 'idle' } });
    expect(holdsNoRequest(restored)).toBe(true);
    expect(h.requests.length).toBe(before);
  });

  it('an idempotent request in flight (listing) is simply re-run', async () => {
    const h = createFlowHarness();
    await enrollDemoUser(h);
    const held = hold(h, (r) => new URL(r.url).pathname === '/mfa/authenticators');
    const flow = h.flow();
    flow.start();
    flow.send({ type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' });
    await waitFor(flow, (s) => s.matches({ step: 'listing' }));
    const record = persisted(flow, h);
    flow.stop();
    h.faults.length = 0;
    held.release();
    const restored = h.flow({ resume: resumable(record, h) }).start();
    await waitFor(restored, (s) => s.matches({ step: { verifying: 'idle' } }));
  });

  it('the MFA token keeps the lifetime it had left, not a fresh one', async () => {
    const h = createFlowHarness();
    await enrollDemoUser(h);
    const flow = h.flow();
    await signIn(flow);
    h.advance(400_000);
    const record = persisted(flow, h);
    flow.stop();
    const restored = h.flow({ resume: resumable(record, h) }).start();
    h.advance(199_999);
    expect(restored.getSnapshot().value).toEqual({ step: { verifying: 'idle' } });
    h.advance(1);
    expect(restored.getSnapshot().value).toEqual({ step: { needMfaToken: 'idle' } });
    expect(restored.getSnapshot().context.error?.code).toBe('mfa_token_expired');
  });

  it('a lockout keeps the wait it had left across a restore, then retry returns to the code input', async () => {
    const h = createFlowHarness({ attempts: { limit: 1 } });
    const { secret } = await enrollDemoUser(h);
    const flow = h.flow({ mfaTokenTtlMs: 3_600_000 });
    await signIn(flow);
    flow.send({ type: 'otp.submit', otp: h.wrongOtp(secret) });
    await waitFor(flow, (s) => s.context.error?.code === 'invalid_otp');
    flow.send({ type: 'otp.submit', otp: h.otp(secret) });
    await waitFor(flow, (s) => s.matches('locked'));
    const wait = flow.getSnapshot().context.error!.retryAfterMs!;
    expect(flow.getSnapshot().context.timers.waitUntil).toBe(h.now() + wait);
    h.advance(60_000);
    const record = persisted(flow, h);
    flow.stop();

    const restored = h.flow({ mfaTokenTtlMs: 3_600_000, resume: resumable(record, h) }).start();
    expect(restored.getSnapshot().value).toEqual({ locked: 'waiting' });
    h.advance(wait - 60_000 - 1);
    expect(restored.getSnapshot().value).toEqual({ locked: 'waiting' });
    h.advance(1);
    expect(restored.getSnapshot().value).toEqual({ locked: 'ready' });
    restored.send({ type: 'retry' });
    expect(restored.getSnapshot().value).toEqual({ step: { verifying: 'idle' } });
  });
});

describe('refusals: never half-restored', () => {
  async function recordAtCodeInput() {
    const h = createFlowHarness();
    const flow = h.flow({ intent: 'enroll' });
    await signIn(flow);
    const record = persisted(flow, h);
    flow.stop();
    return { h, record };
  }

  it.each([
    ['another chart version', (r: any) => ({ ...r, machineVersion: r.machineVersion + 1 }), 'snapshot_version'],
    ['not a record', () => ({ hello: 'world' }), 'snapshot_invalid'],
    ['null', () => null, 'snapshot_invalid'],
    ['a state this chart lacks', (r: any) => ({ ...r, snapshot: { ...r.snapshot, value: 'teleporting' } }), 'snapshot_invalid'],
    [
      'a token without an expiry',
      (r: any) => ({ ...r, snapshot: { ...r.snapshot, context: { ...r.snapshot.context, mfaTokenExpiresAt: null } } }),
      'snapshot_invalid',
    ],
  ])('%s → refused', async (_, mutate, code) => {
    const { h, record } = await recordAtCodeInput();
    expect(readFlowRecord(mutate(record), h.now())).toEqual({ status: 'refused', code });
  });

  it('an expired MFA token → refused with snapshot_expired', async () => {
    const { h, record } = await recordAtCodeInput();
    h.advance(600_000);
    expect(readFlowRecord(record, h.now())).toEqual({ status: 'refused', code: 'snapshot_expired' });
  });

  it('nothing is persisted once the flow has ended', async () => {
    const h = createFlowHarness();
    const flow = h.flow();
    flow.start();
    expect(persistFlow(flow)).not.toBeNull();
    flow.send({ type: 'cancel' });
    expect(persistFlow(flow)).toBeNull();
  });
});
