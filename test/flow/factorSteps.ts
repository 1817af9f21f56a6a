// What a user of each factor does, shared by the factor tests and the factor properties: the
// choice as the UI sends it, the code the message carried (read from the emulator's outbox), and
// a whole enrollment of one factor with the Guardian device scanning a push QR.
import { expect } from 'vitest';
import { waitFor } from 'xstate';
import type { FactorType, MfaFlowActor } from '../../src/index.js';
import { authenticatedOutput, signIn, type FlowHarness } from './flowHarness.js';

export const FACTORS: FactorType[] = ['otp', 'sms', 'voice', 'email', 'push'];
export const PHONE = '+14155550123';
export const ADDRESS = 'demo@example.com';

export const choice = (factor: FactorType) =>
  factor === 'sms' || factor === 'voice'
    ? ({ type: 'factor.choose', factor, phoneNumber: '+1 415 555 0123' } as const)
    : factor === 'email'
      ? ({ type: 'factor.choose', factor, email: ADDRESS } as const)
      : ({ type: 'factor.choose', factor } as const);

/** The code of the newest message sent, as the user reads it on their phone or in their mail. */
export function lastCode(h: FlowHarness, to: string): string {
  const message = h.emulator.outbox.latest({ to });
  if (!message?.code) throw new Error(`no code was sent to ${to}`);
  return message.code;
}

/** Enrolls `factor` for the demo user from scratch; resolves once the flow has ended, with the
 *  recovery code the enrollment showed. */
export async function enroll(h: FlowHarness, factor: Exclude<FactorType, 'otp'>): Promise<{ flow: MfaFlowActor; recoveryCode: string }> {
  const flow = h.flow({ intent: 'enroll', factors: FACTORS });
  await signIn(flow);
  expect(flow.getSnapshot().matches({ step: 'choosingFactor' })).toBe(true);
  flow.send(choice(factor));
  if (factor === 'push') {
    await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'waitingForDevice' } }));
    const enrollment = flow.getSnapshot().context.enrollment;
    if (enrollment?.factor !== 'push') throw new Error('expected a push enrollment');
    h.emulator.guardian.enroll(enrollment.barcodeUri, 'Test phone'); // the Guardian app scans the QR
    h.advance(5_000); // the chart polls after the interval
  } else {
    await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    flow.send({ type: 'otp.submit', otp: lastCode(h, factor === 'email' ? ADDRESS : PHONE) });
  }
  const shown = await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }));
  const [recoveryCode] = shown.context.enrollment?.recoveryCodes ?? [];
  flow.send({ type: 'recoveryCodes.acknowledge' });
  expect(authenticatedOutput(flow).enrolled).toBe(true);
  if (!recoveryCode) throw new Error('a first enrollment shows a recovery code');
  return { flow, recoveryCode };
}

