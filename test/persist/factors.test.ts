// Persistence of the out-of-band states against the emulator: a reload during a push wait goes
// back to waiting (a poll in flight included) and never sends a new push by itself; a challenge in
// flight is never sent again by itself; a resend cooldown keeps the time it had left.
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import type { FactorType, MfaFlowActor } from '../../src/index.js';
import { persistFlow, readFlowRecord } from '../../src/persist/index.js';
import { createFlowHarness, signIn, type FlowHarness } from '../flow/flowHarness.js';

const FACTORS: FactorType[] = ['otp', 'sms', 'push'];

function reload(h: FlowHarness, flow: MfaFlowActor): MfaFlowActor {
  const record = JSON.parse(JSON.stringify(persistFlow(flow, h.now()))) as unknown;
  flow.stop();
  const read = readFlowRecord(record, h.now());
  if (read.status !== 'resumable') throw new Error(`refused: ${read.code}`);
  return h.flow({ factors: FACTORS, resume: read.resume }).start();
}

/** A user enrolled with `factor` through the emulator's own routes, signed in again up to the challenge. */
async function challenged(h: FlowHarness, factor: 'sms' | 'push'): Promise<MfaFlowActor> {
  const enrolling = h.flow({ intent: 'enroll', factors: [factor] });
  await signIn(enrolling);
  if (factor === 'sms') {
    enrolling.send({ type: 'factor.choose', factor, phoneNumber: '+14155550123' });
    await waitFor(enrolling, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    enrolling.send({ type: 'otp.submit', otp: h.emulator.outbox.latest({ to: '+14155550123' })!.code! });
  } else {
    await waitFor(enrolling, (s) => s.matches({ step: { awaitingConfirmation: 'waitingForDevice' } }));
    const enrollment = enrolling.getSnapshot().context.enrollment;
    if (enrollment?.factor !== 'push') throw new Error('expected push');
    h.emulator.guardian.enroll(enrollment.barcodeUri);
    h.advance(5_000);
  }
  await waitFor(enrolling, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }));
  enrolling.send({ type: 'recoveryCodes.acknowledge' });
  h.advance(60_000);

  const flow = h.flow({ factors: FACTORS });
  await signIn(flow);
  if (flow.getSnapshot().matches({ step: { listing: 'choosing' } })) {
    flow.send({ type: 'authenticator.select', authenticatorId: flow.getSnapshot().context.authenticators.find((a) => a.factor === factor)!.id });
    await waitFor(flow, (s) => !s.hasTag('busy'));
  }
  return flow;
}

describe('push waits across a reload', () => {
  it('a reload while waiting goes back to waiting, polls at the time left, and sends no new push', async () => {
    const h = createFlowHarness();
    const flow = await challenged(h, 'push');
    expect(flow.getSnapshot().matches({ step: { verifying: { waitingForDevice: 'waiting' } } })).toBe(true);
    h.advance(2_000);
    const pushes = h.emulator.guardian.requests().length;
    const before = h.requests.length;
    const restored = reload(h, flow);
    expect(restored.getSnapshot().value).toEqual({ step: { verifying: { waitingForDevice: 'waiting' } } });
    expect(h.requests.length).toBe(before);
    h.advance(2_999);
    expect(h.requests.length).toBe(before); // 3 s were left of the interval
    h.advance(1);
    await waitFor(restored, () => h.calls(before).includes('POST /oauth/token mfa-oob'));
    h.emulator.guardian.accept(h.emulator.guardian.requests()[0]!.id);
    h.advance(5_000);
    await waitFor(restored, (s) => s.status === 'done');
    expect(h.calls(before)).not.toContain('POST /mfa/challenge');
    expect(h.emulator.guardian.requests()).toHaveLength(pushes - 1); // the one push, answered
  });

  it('a poll in flight is persisted as "waiting": the restored flow polls again after an interval, never a new challenge', async () => {
    const h = createFlowHarness();
    const flow = await challenged(h, 'push');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    h.faults.push((request) => (new URL(request.url).pathname === '/oauth/token' ? held.then(() => h.emulator.app.request(request)) : undefined));
    h.advance(5_000);
    await waitFor(flow, (s) => s.matches({ step: { verifying: { waitingForDevice: 'asking' } } }));
    const restored = reload(h, flow);
    h.faults.length = 0;
    release();
    expect(restored.getSnapshot().value).toEqual({ step: { verifying: { waitingForDevice: 'waiting' } } });
    expect(restored.getSnapshot().children).toEqual({});
    const before = h.requests.length;
    h.advance(5_000);
    await waitFor(restored, () => h.calls(before).length === 1);
    expect(h.calls(before)).toEqual(['POST /oauth/token mfa-oob']);
    restored.stop();
  });
});

describe('codes sent by message across a reload', () => {
  it('a challenge in flight is never sent again by itself: failed, and the user retries', async () => {
    const h = createFlowHarness();
    const flow = await challenged(h, 'sms');
    h.advance(30_000);
    let release!: () => void;
    let reached!: (answer: { settled: Promise<unknown> }) => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const heldRequest = new Promise<{ settled: Promise<unknown> }>((resolve) => (reached = resolve));
    h.faults.push((request) => {
      if (new URL(request.url).pathname !== '/mfa/challenge') return undefined;
      const answer = held.then(() => h.emulator.app.request(request));
      reached({ settled: answer.catch(() => undefined) });
      return answer;
    });
    flow.send({ type: 'code.resend' });
    expect(flow.getSnapshot().value).toEqual({ step: 'challenging' });
    const { settled } = await heldRequest; // the challenge is on its way
    const sent = h.emulator.outbox.messages().length;
    const restored = reload(h, flow);
    h.faults.length = 0;
    release();
    expect(restored.getSnapshot().value).toBe('failed');
    expect(restored.getSnapshot().children).toEqual({});
    await settled; // the interrupted challenge has ended, whatever it did
    const beforeRetry = h.emulator.outbox.messages().length;
    expect(beforeRetry).toBeLessThanOrEqual(sent + 1); // at most the interrupted one: nothing sent by the restore
    restored.send({ type: 'retry' });
    await waitFor(restored, (s) => s.matches({ step: { verifying: 'idle' } }));
    expect(h.emulator.outbox.messages()).toHaveLength(beforeRetry + 1); // the user's deliberate retry
  });

  it('the resend cooldown keeps the time it had left', async () => {
    const h = createFlowHarness();
    const flow = await challenged(h, 'sms');
    h.advance(20_000);
    const restored = reload(h, flow);
    expect(restored.getSnapshot().context.timers.canResend).toBe(false);
    h.advance(9_999);
    expect(restored.getSnapshot().context.timers.canResend).toBe(false);
    h.advance(1);
    expect(restored.getSnapshot().context.timers.canResend).toBe(true);
    restored.stop();
  });
});
