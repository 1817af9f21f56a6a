// The view a UI may render, from real flows against the emulator (authenticator app, SMS, push):
// right fields at each step, and at no snapshot the MFA token, the enroll token, an oob_code, a
// binding or submitted code, the client secret, the password or the final tokens.
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { createFlowHarness, DEMO, enrollDemoUser, settled, signIn } from '../flow/flowHarness.js';
import { otpEnrollment } from '../helpers/enrollment.js';
import { statePathOf, toFlowView, viewLocalFlow, type FlowView } from '../../src/view/index.js';
import { watchViews } from './viewSecrets.js';

const PHONE = '+14155550123';
const ALWAYS_SECRET = ['demo-secret', DEMO.password];

describe('statePathOf', () => {
  it('reads nested state values as a dotted path', () => {
    expect(statePathOf('failed')).toBe('failed');
    expect(statePathOf({ step: { verifying: 'idle' } })).toBe('step.verifying.idle');
    expect(statePathOf({ step: { verifying: { waitingForDevice: 'waiting' } } })).toBe('step.verifying.waitingForDevice.waiting');
  });
});

describe('the view of an authenticator-app flow', () => {
  it('enrolling shows the secret and QR, then the recovery codes once, and never a token or code', async () => {
    const h = createFlowHarness();
    const flow = h.flow({ intent: 'enroll' });
    const watch = watchViews(flow, ALWAYS_SECRET);
    const first = toFlowView(flow.getSnapshot());
    expect(first).toMatchObject({ state: 'step.needMfaToken.idle', tags: ['needsCredentials'], status: 'active', intent: 'enroll', enrollment: null });
    expect(first).not.toHaveProperty('outcome');

    await signIn(flow);
    const enrollment = otpEnrollment(flow.getSnapshot().context.enrollment);
    const enrolling = toFlowView(flow.getSnapshot());
    expect(enrolling.state).toBe('step.awaitingConfirmation.idle');
    expect(enrolling.tags).toEqual(['needsCode']);
    expect(enrolling.enrollment).toEqual({ factor: 'otp', secret: enrollment.secret, barcodeUri: enrollment.barcodeUri });
    expect(enrolling.recoveryCodes).toBeNull(); // not before the factor is confirmed
    expect(enrolling.mfaTokenExpiresAt).toBe(h.now() + 600_000);

    flow.send({ type: 'otp.submit', otp: '000' }); // refused locally
    expect(toFlowView(flow.getSnapshot()).error).toMatchObject({ code: 'invalid_otp' });

    flow.send({ type: 'otp.submit', otp: h.otp(enrollment.secret) });
    await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }));
    const acknowledging = toFlowView(flow.getSnapshot());
    expect(acknowledging.recoveryCodes).toEqual(enrollment.recoveryCodes);
    expect(acknowledging.enrollment).toBeNull(); // the secret is off screen once confirmed
    expect(acknowledging.mfaTokenExpiresAt).toBeNull();

    flow.send({ type: 'recoveryCodes.acknowledge' });
    const done = toFlowView(flow.getSnapshot());
    expect(done).toMatchObject({ state: 'authenticated', status: 'done', outcome: 'authenticated', enrolled: true, recoveryCodes: null, tags: [] });
    expect(watch.secrets.size).toBeGreaterThan(ALWAYS_SECRET.length + 1); // mfa token, tokens seen
    expect(watch.leaks()).toEqual([]);
    expect(JSON.parse(JSON.stringify(watch.views))).toEqual(watch.views); // JSON through and through
  });

  it('a challenge lists nothing secret, and a wrong code shows an error without the code', async () => {
    const h = createFlowHarness();
    const { secret } = await enrollDemoUser(h);
    const flow = h.flow();
    const watch = watchViews(flow, ALWAYS_SECRET);
    await signIn(flow);
    const challenged = toFlowView(flow.getSnapshot());
    expect(challenged.state).toBe('step.verifying.idle');
    expect(challenged.authenticators).toEqual([{ id: expect.any(String), factor: 'otp', label: expect.any(String) }]);
    expect(challenged.authenticatorId).toBe(challenged.authenticators[0]!.id);
    expect(challenged.enrollment).toBeNull();

    const wrong = h.wrongOtp(secret);
    flow.send({ type: 'otp.submit', otp: wrong });
    await settled(flow);
    expect(toFlowView(flow.getSnapshot()).error?.code).toBe('invalid_otp');
    flow.send({ type: 'otp.submit', otp: h.otp(secret) });
    await waitFor(flow, (s) => s.status === 'done');
    expect(toFlowView(flow.getSnapshot())).toMatchObject({ outcome: 'authenticated', enrolled: false });
    expect(watch.codes).toContain(wrong);
    expect(watch.leaks()).toEqual([]);
  });
});

describe('the view of an SMS flow', () => {
  it('shows where the code went, never the oob_code or the code itself', async () => {
    const h = createFlowHarness();
    const flow = h.flow({ intent: 'enroll', factors: ['otp', 'sms'] });
    const watch = watchViews(flow, ALWAYS_SECRET);
    await signIn(flow);
    const choosing = toFlowView(flow.getSnapshot());
    expect(choosing).toMatchObject({ state: 'step.choosingFactor', tags: ['needsFactor'], enrollableFactors: ['otp', 'sms'], factorChoice: null });

    flow.send({ type: 'factor.choose', factor: 'sms', phoneNumber: '+1 415 555 0123' });
    await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    const sent = toFlowView(flow.getSnapshot());
    expect(sent.factorChoice).toEqual({ factor: 'sms', phoneNumber: PHONE });
    expect(sent.enrollment).toEqual({ factor: 'sms' });
    expect(sent.canResend).toBe(false);
    expect(sent.resendAvailableAt).toBe(h.now() + 30_000);

    const code = h.emulator.outbox.latest({ to: PHONE })!.code!;
    watch.codes.add(code);
    flow.send({ type: 'otp.submit', otp: code });
    await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }));
    expect(toFlowView(flow.getSnapshot()).recoveryCodes).toHaveLength(1);
    flow.send({ type: 'recoveryCodes.acknowledge' });
    expect(toFlowView(flow.getSnapshot())).toMatchObject({ outcome: 'authenticated', enrolled: true });
    expect([...watch.secrets].some((s) => s.length > 10)).toBe(true);
    expect(watch.leaks()).toEqual([]);
  });
});

describe('the view of a push flow', () => {
  it('shows the QR and when the next poll is, tags waitingForDevice, never the oob_code', async () => {
    const h = createFlowHarness();
    const flow = h.flow({ intent: 'enroll', factors: ['push'] });
    const watch = watchViews(flow, ALWAYS_SECRET);
    await signIn(flow);
    await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'waitingForDevice' } }));
    const waiting = toFlowView(flow.getSnapshot());
    const enrollment = flow.getSnapshot().context.enrollment;
    if (enrollment?.factor !== 'push') throw new Error('expected a push enrollment');
    expect(waiting.state).toBe('step.awaitingConfirmation.waitingForDevice.waiting');
    expect(waiting.tags).toEqual(['waitingForDevice']);
    expect(waiting.enrollment).toEqual({ factor: 'push', barcodeUri: enrollment.barcodeUri });
    expect(waiting.nextPollAt).toBe(h.now() + 5_000);

    h.emulator.guardian.enroll(enrollment.barcodeUri);
    h.advance(5_000);
    await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }));
    flow.send({ type: 'recoveryCodes.acknowledge' });
    expect(toFlowView(flow.getSnapshot())).toMatchObject({ state: 'authenticated', outcome: 'authenticated' });
    expect(watch.secrets).toContain(enrollment.oobCode);
    expect(watch.leaks()).toEqual([]);
  });
});

describe('viewLocalFlow', () => {
  it('drives a local flow and tells each changed view once', async () => {
    const h = createFlowHarness();
    const actor = h.flow({ intent: 'enroll' }).start();
    const flow = viewLocalFlow(actor);
    const seen: FlowView[] = [];
    const unsubscribe = flow.subscribe((view) => seen.push(view));
    expect(flow.view().state).toBe('step.needMfaToken.idle');

    flow.send({ type: 'credentials.submit', ...DEMO });
    await waitFor(actor, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    expect(seen.map((v) => v.state)).toEqual(['step.needMfaToken.signingIn', 'step.associating', 'step.awaitingConfirmation.idle']);
    expect(flow.view()).toEqual(seen.at(-1));
    const texts = seen.map((v) => JSON.stringify(v));
    expect(new Set(texts).size).toBe(texts.length);

    unsubscribe();
    flow.send({ type: 'cancel' });
    expect(flow.view().outcome).toBe('cancelled');
    expect(seen).toHaveLength(3);
  });
});
