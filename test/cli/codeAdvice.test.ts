// The demos' advice on refused codes, on real flows against the in-process emulator (one clock for
// both): a code reused right after it was accepted reads "already used" although the server and
// the chart answer it exactly like a wrong code; a wrong code reads as wrong; from the third
// refused code the message says how many tries are left at most, as the server's bucket has them.
import { waitFor } from 'xstate';
import { describe, expect, test } from 'vitest';
import { createCodeAdvice, REPLAYED_CODE_MESSAGE, REPLAYED_MESSAGE_CODE_MESSAGE, type CodeAdvice } from '../../src/cli/demo/codeAdvice.js';
import type { FactorType, MfaFlowActor, MfaFlowEvent, MfaIntent } from '../../src/index.js';
import { createFlowHarness, DEMO, settled, type FlowHarness } from '../flow/flowHarness.js';
import { otpEnrollment } from '../helpers/enrollment.js';

/** A flow whose events and snapshots the advice sees, as a demo UI wires it. */
function advisedFlow(h: FlowHarness, advice: CodeAdvice, intent: MfaIntent, factors?: FactorType[]) {
  const flow = h.flow({ intent, ...(factors ? { factors } : {}) });
  flow.subscribe((snapshot) => advice.observe(flow, snapshot));
  const send = (event: MfaFlowEvent) => {
    advice.sent(flow, event);
    flow.send(event);
  };
  flow.start();
  return { flow, send };
}

async function signedIn(h: FlowHarness, advice: CodeAdvice, intent: MfaIntent) {
  const advised = advisedFlow(h, advice, intent);
  advised.send({ type: 'credentials.submit', ...DEMO });
  await settled(advised.flow);
  return advised;
}

/** Submits a code and returns the error the flow rests with (null when accepted). */
async function submit(flow: MfaFlowActor, send: (event: MfaFlowEvent) => void, otp: string) {
  send({ type: 'otp.submit', otp });
  return (await settled(flow)).context.error;
}

/** Enrolls through an advised flow; returns the secret and the code that confirmed it. */
async function enroll(h: FlowHarness, advice: CodeAdvice) {
  const { flow, send } = await signedIn(h, advice, 'enroll');
  const secret = otpEnrollment(flow.getSnapshot().context.enrollment).secret ?? '';
  const code = h.otp(secret);
  expect(await submit(flow, send, code)).toBeNull();
  send({ type: 'recoveryCodes.acknowledge' });
  await waitFor(flow, (s) => s.status === 'done');
  return { secret, code };
}

describe('code advice', () => {
  test('the code that just confirmed the enrollment, typed again, reads "already used"; a wrong one reads wrong', async () => {
    const h = createFlowHarness();
    const advice = createCodeAdvice({ now: h.now });
    const { secret, code } = await enroll(h, advice);

    const { flow, send } = await signedIn(h, advice, 'challenge');
    const replayed = await submit(flow, send, code);
    // The server and the chart cannot tell a replay from a wrong code...
    expect(replayed).toMatchObject({ code: 'invalid_otp', message: expect.stringMatching(/not right/) });
    // ...the UI can.
    expect(advice.messageFor(replayed!)).toBe(REPLAYED_CODE_MESSAGE);

    const wrong = await submit(flow, send, h.wrongOtp(secret));
    expect(advice.messageFor(wrong!)).toBe(wrong!.message);
    expect(advice.messageFor(wrong!)).toMatch(/not right/);

    h.advance(30_000); // the app shows the next code, which works
    expect(await submit(flow, send, h.otp(secret))).toBeNull();
  });

  test('a code accepted more than 90 s ago is no longer taken for a replay', async () => {
    const h = createFlowHarness();
    const advice = createCodeAdvice({ now: h.now });
    const { code } = await enroll(h, advice);
    h.advance(91_000);
    const { flow, send } = await signedIn(h, advice, 'challenge');
    const refused = await submit(flow, send, code);
    expect(refused?.code).toBe('invalid_otp');
    expect(advice.messageFor(refused!)).toBe(refused!.message);
  });

  test('from the third refused code on, says how many tries are left at most, down to none', async () => {
    const h = createFlowHarness();
    const advice = createCodeAdvice({ now: h.now });
    const { secret } = await enroll(h, advice);
    const { flow, send } = await signedIn(h, advice, 'challenge');

    // A malformed code never reaches the server and takes no attempt.
    expect((await submit(flow, send, '12ab'))?.code).toBe('invalid_otp');
    const messages: string[] = [];
    for (let refused = 1; refused <= 10; refused++) {
      const error = await submit(flow, send, h.wrongOtp(secret));
      expect(error?.code).toBe('invalid_otp');
      messages.push(advice.messageFor(error!));
    }
    expect(messages[0]).toBe(messages[1]);
    expect(messages[0]).not.toMatch(/At most|locked/);
    expect(messages[2]).toMatch(/try again\. At most 7 more tries before sign-in is locked for a while\.$/);
    expect(messages[8]).toMatch(/At most 1 more try before/);
    expect(messages[9]).toMatch(/No tries are left: sign-in is locked for a while\.$/);
    expect(h.emulator.store.attemptsRemaining(DEMO.username, h.now())).toBe(0); // the count matches the server's

    const locked = await submit(flow, send, h.otp(secret));
    expect(flow.getSnapshot().matches('locked')).toBe(true);
    expect(advice.messageFor(locked!)).toBe(locked!.message);
  });

  test('counts the refill the server grants over time', async () => {
    const h = createFlowHarness({ attempts: { limit: 5, refillSeconds: 60 } });
    const advice = createCodeAdvice({ now: h.now, attempts: { limit: 5, refillSeconds: 60 } });
    const { secret } = await enroll(h, advice);
    const { flow, send } = await signedIn(h, advice, 'challenge');

    const answers: string[] = [];
    for (let refused = 1; refused <= 3; refused++) answers.push(advice.messageFor((await submit(flow, send, h.wrongOtp(secret)))!));
    expect(answers[1]).not.toMatch(/tries/); // 3 left of 5: no warning yet
    expect(answers[2]).toMatch(/At most 2 more tries/);
    h.advance(61_000); // one try comes back
    const afterRefill = await submit(flow, send, h.wrongOtp(secret));
    expect(advice.messageFor(afterRefill!)).toMatch(/At most 2 more tries/);
    expect(h.emulator.store.attemptsRemaining(DEMO.username, h.now())).toBe(2);
  });

  test("SMS: the enrollment code typed again reads as already used for a message; wrong message codes count toward the lockout", async () => {
    const h = createFlowHarness();
    const advice = createCodeAdvice({ now: h.now });
    const phone = '+14155550123';
    const codeSent = () => h.emulator.outbox.latest({ to: phone })?.code ?? '';

    const enrolling = advisedFlow(h, advice, 'enroll', ['sms']);
    enrolling.send({ type: 'credentials.submit', ...DEMO });
    await waitFor(enrolling.flow, (s) => s.matches({ step: 'choosingFactor' }));
    enrolling.send({ type: 'factor.choose', factor: 'sms', phoneNumber: phone });
    await settled(enrolling.flow);
    const enrollmentCode = codeSent();
    expect(await submit(enrolling.flow, enrolling.send, enrollmentCode)).toBeNull();
    enrolling.send({ type: 'recoveryCodes.acknowledge' });
    await waitFor(enrolling.flow, (s) => s.status === 'done');

    const { flow, send } = advisedFlow(h, advice, 'challenge', ['sms']);
    send({ type: 'credentials.submit', ...DEMO });
    // A phone enrolled for SMS is listed for calls too: pick SMS.
    await waitFor(flow, (s) => s.matches({ step: { listing: 'choosing' } }));
    const sms = flow.getSnapshot().context.authenticators.find((a) => a.factor === 'sms');
    send({ type: 'authenticator.select', authenticatorId: sms?.id ?? '' });
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'idle' } }));
    const challengeCode = codeSent();
    expect(challengeCode).not.toBe(enrollmentCode);

    const replayed = await submit(flow, send, enrollmentCode);
    expect(replayed?.code).toBe('invalid_binding_code');
    expect(advice.messageFor(replayed!)).toBe(REPLAYED_MESSAGE_CODE_MESSAGE);
    const wrong = (code: string) => (code === '000000' || code === challengeCode ? '000001' : '000000');
    await submit(flow, send, wrong(enrollmentCode));
    const third = await submit(flow, send, wrong(enrollmentCode));
    expect(advice.messageFor(third!)).toBe(`${third!.message} At most 7 more tries before sign-in is locked for a while.`);
    expect(h.emulator.store.attemptsRemaining(DEMO.username)).toBe(7);
    expect(await submit(flow, send, challengeCode)).toBeNull();
  });
});
