// createMfaFlow against the emulator: first enrolment, and enrolling another factor when the
// user already has one (the seed's "challenge the existing factor first" rule).
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { authenticatedOutput, createFlowHarness, enrollDemoUser, signIn } from './flowHarness.js';
import { otpEnrollment } from '../helpers/enrollment.js';

describe('enrolment', () => {
  it('first enrolment: secret and recovery codes, confirm, acknowledge; 2 requests after the MFA token', async () => {
    const h = createFlowHarness();
    const flow = h.flow({ intent: 'enroll' });
    await signIn(flow);
    expect(flow.getSnapshot().value).toEqual({ step: { awaitingConfirmation: 'idle' } });
    const { enrollment } = flow.getSnapshot().context;
    expect(otpEnrollment(enrollment).secret).toMatch(/^[A-Z2-7]+$/);
    expect(otpEnrollment(enrollment).barcodeUri).toMatch(/^otpauth:\/\/totp\//);
    expect(enrollment?.recoveryCodes).toHaveLength(1);
    expect(enrollment?.recoveryCodes?.[0]).toMatch(/^[A-Z0-9]{24}$/);

    flow.send({ type: 'otp.submit', otp: h.otp(otpEnrollment(enrollment).secret) });
    await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }));
    flow.send({ type: 'recoveryCodes.acknowledge' });

    const output = authenticatedOutput(flow);
    expect(flow.getSnapshot().value).toBe('authenticated');
    expect(output.enrolled).toBe(true);
    expect(output.tokens.tokenType).toBe('Bearer');
    expect(output.tokens.accessToken.split('.')).toHaveLength(3);
    expect(h.calls()).toEqual(['POST /oauth/token password', 'POST /mfa/associate', 'POST /oauth/token mfa-otp']);
    const stored = h.emulator.store.authenticators('demo@example.com').map((a) => `${a.type}:${a.active}`);
    expect(stored.sort()).toEqual(['otp:true', 'recovery-code:true']);
  });

  it('already enrolled: challenge the existing factor, then a second OTP authenticator ends up active', async () => {
    const h = createFlowHarness();
    const first = await enrollDemoUser(h);
    const from = h.requests.length;

    const flow = h.flow({ intent: 'enroll' });
    await signIn(flow);
    expect(flow.getSnapshot().value).toEqual({ step: { verifying: 'idle' } });
    flow.send({ type: 'otp.submit', otp: h.otp(first.secret) });
    await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    const second = otpEnrollment(flow.getSnapshot().context.enrollment);
    expect(second.secret).not.toBe(first.secret);
    expect(second.recoveryCodes).toBeUndefined(); // only a user's first association has them
    h.advance(30_000);
    flow.send({ type: 'otp.submit', otp: h.otp(second.secret) });
    await waitFor(flow, (s) => s.status === 'done');

    expect(authenticatedOutput(flow).enrolled).toBe(true);
    // mfa_requirements said "challenge": no probing associate, five requests after the MFA token.
    expect(h.calls(from)).toEqual([
      'POST /oauth/token password',
      'GET /mfa/authenticators',
      'POST /mfa/challenge',
      'POST /oauth/token mfa-otp', // audience …/mfa/, scope enroll
      'POST /mfa/associate', // with that access token
      'POST /oauth/token mfa-otp', // confirms the new one
    ]);
    const otps = h.emulator.store.authenticators('demo@example.com').filter((a) => a.type === 'otp');
    expect(otps.map((a) => a.active)).toEqual([true, true]);
  });

  it('a token given without mfa_requirements takes the seed\'s path: the probing associate, then the challenge (six requests)', async () => {
    const h = createFlowHarness();
    const first = await enrollDemoUser(h);
    const flow = h.flow({ intent: 'enroll', mfaToken: await h.mfaToken() }).start();
    const from = h.requests.length;
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'idle' } }));
    flow.send({ type: 'otp.submit', otp: h.otp(first.secret) });
    await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    h.advance(30_000);
    flow.send({ type: 'otp.submit', otp: h.otp(otpEnrollment(flow.getSnapshot().context.enrollment).secret) });
    await waitFor(flow, (s) => s.status === 'done');
    expect(h.calls(from)).toEqual([
      'POST /mfa/associate', // 403 already enrolled
      'GET /mfa/authenticators',
      'POST /mfa/challenge',
      'POST /oauth/token mfa-otp',
      'POST /mfa/associate',
      'POST /oauth/token mfa-otp',
    ]);
    expect(authenticatedOutput(flow).enrolled).toBe(true);
  });

  it('a challenge intent for a user with nothing enrolled enrolls without looping', async () => {
    const h = createFlowHarness();
    const flow = h.flow({ intent: 'challenge' });
    await signIn(flow);
    expect(flow.getSnapshot().value).toEqual({ step: { awaitingConfirmation: 'idle' } });
    // mfa_requirements said "enroll": straight to the association.
    expect(h.calls()).toEqual(['POST /oauth/token password', 'POST /mfa/associate']);
    // Without it (a token given by the app), listing finds nothing and goes to associate once.
    const given = h.flow({ intent: 'challenge', mfaToken: await h.mfaToken() }).start();
    const from = h.requests.length;
    await waitFor(given, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    expect(h.calls(from)).toEqual(['GET /mfa/authenticators', 'POST /mfa/associate']);
    given.stop();
  });
});
