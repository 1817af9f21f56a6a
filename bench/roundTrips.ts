// Round trips: the HTTP requests the engine makes per scenario, counted at the `fetch` it is
// given, against the minimum Auth0's MFA API needs. A different count (or sequence) is a
// correctness failure, as is a flow that does not end authenticated.
import { waitFor } from 'xstate';
import { createEmulator, type Emulator } from '../src/emulator/index.js';
import { createMfaFlow, type CreateMfaFlowOptions, type MfaFlowActor } from '../src/index.js';
import { BENCH_PASSWORD, benchClock, CLIENT, IN_PROCESS_URL, totpAt, type BenchClock } from './fixtures.js';
import { recordingFetch, type RecordingFetch } from './recordingFetch.js';
import type { Row, SectionResult } from './report.js';
import { otpEnrollment } from './enrollment.js';

const TOTP_STEP_MS = 30_000;

/** The minimum request sequence per scenario (the password grant included). With
 *  `mfa_requirements` on the password grant's answer, no request is spent finding out whether the
 *  user must enroll or be challenged. */
const API_MINIMUM = {
  enroll: ['POST /oauth/token password', 'POST /mfa/associate', 'POST /oauth/token mfa-otp'],
  challenge: ['POST /oauth/token password', 'GET /mfa/authenticators', 'POST /mfa/challenge', 'POST /oauth/token mfa-otp'],
  'already-enrolled + enroll': [
    'POST /oauth/token password',
    'GET /mfa/authenticators',
    'POST /mfa/challenge',
    'POST /oauth/token mfa-otp', // audience …/mfa/, scope enroll
    'POST /mfa/associate',
    'POST /oauth/token mfa-otp', // confirms the new authenticator
  ],
  recovery: ['POST /oauth/token password', 'GET /mfa/authenticators', 'POST /mfa/challenge', 'POST /oauth/token mfa-recovery-code'],
  'SMS enroll': ['POST /oauth/token password', 'POST /mfa/associate', 'POST /oauth/token mfa-oob'],
  'SMS challenge': ['POST /oauth/token password', 'GET /mfa/authenticators', 'POST /mfa/challenge', 'POST /oauth/token mfa-oob'],
  // The phone approves before the first poll: one poll. Each interval the device waits adds one.
  'push challenge (1 poll)': ['POST /oauth/token password', 'GET /mfa/authenticators', 'POST /mfa/challenge', 'POST /oauth/token mfa-oob'],
} as const;
type Scenario = keyof typeof API_MINIMUM;

const PHONE = '+14155550123';

interface Context {
  clock: BenchClock;
  recorder: RecordingFetch;
  emulator: Emulator;
  flow(intent: 'enroll' | 'challenge', overrides?: Partial<CreateMfaFlowOptions>): MfaFlowActor;
}

/** Waits until nothing is in flight (or the flow is over). */
const settle = (flow: MfaFlowActor) =>
  waitFor(flow, (s) => s.status !== 'active' || !s.hasTag('busy'), { timeout: 10_000 });

/** `expected` is a dotted path (`step.verifying.idle`). */
function expectState(flow: MfaFlowActor, expected: string, scenario: string): void {
  const snapshot = flow.getSnapshot();
  const value = expected.split('.').reduceRight<unknown>((inner, key) => (inner === undefined ? key : { [key]: inner }), undefined);
  if (!snapshot.matches(value as never)) {
    const error = snapshot.context.error ? ` (error ${snapshot.context.error.code})` : '';
    throw new Error(`${scenario}: expected ${expected}, flow is in ${JSON.stringify(snapshot.value)}${error}`);
  }
}

function expectAuthenticated(flow: MfaFlowActor, scenario: string): void {
  const snapshot = flow.getSnapshot();
  if (snapshot.status !== 'done' || !snapshot.matches('authenticated') || snapshot.output?.outcome !== 'authenticated') {
    throw new Error(`${scenario}: the flow did not end authenticated (${JSON.stringify(snapshot.value)})`);
  }
}

async function signIn(flow: MfaFlowActor, email: string): Promise<void> {
  flow.start();
  flow.send({ type: 'credentials.submit', username: email, password: BENCH_PASSWORD });
  await settle(flow);
}

/** A first enrolment; returns the secret and recovery code, with the clock moved to a fresh TOTP step. */
async function enroll(ctx: Context, email: string, scenario: string): Promise<{ secret: string; recoveryCode: string }> {
  const flow = ctx.flow('enroll');
  await signIn(flow, email);
  expectState(flow, 'step.awaitingConfirmation', scenario);
  const enrollment = flow.getSnapshot().context.enrollment!;
  flow.send({ type: 'otp.submit', otp: totpAt(otpEnrollment(enrollment).secret, ctx.clock.now()) });
  await settle(flow);
  expectState(flow, 'step.awaitingConfirmation.acknowledgingRecoveryCodes', scenario);
  flow.send({ type: 'recoveryCodes.acknowledge' });
  expectAuthenticated(flow, scenario);
  ctx.clock.advance(TOTP_STEP_MS); // the emulator refuses a second code from the same step
  return { secret: otpEnrollment(enrollment).secret, recoveryCode: enrollment.recoveryCodes?.[0] ?? '' };
}

/** Enrolls SMS (a phone number, the code read from the emulator's outbox) or push (the Guardian
 *  QR scanned by the emulated device), uncounted: the setup of a challenge scenario. */
async function enrollOob(ctx: Context, email: string, factor: 'sms' | 'push', scenario: string): Promise<void> {
  const flow = ctx.flow('enroll', { factors: [factor] });
  await signIn(flow, email);
  if (factor === 'sms') {
    flow.send({ type: 'factor.choose', factor, phoneNumber: PHONE });
    await settle(flow);
    expectState(flow, 'step.awaitingConfirmation.idle', scenario);
    flow.send({ type: 'otp.submit', otp: ctx.emulator.outbox.latest({ to: PHONE })?.code ?? '' });
  } else {
    expectState(flow, 'step.awaitingConfirmation.waitingForDevice', scenario);
    const enrollment = flow.getSnapshot().context.enrollment;
    ctx.emulator.guardian.enroll(enrollment?.factor === 'push' ? enrollment.barcodeUri : '');
    ctx.clock.advance(flow.getSnapshot().context.timers.pollIntervalMs);
  }
  await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }), { timeout: 10_000 });
  flow.send({ type: 'recoveryCodes.acknowledge' });
  expectAuthenticated(flow, scenario);
}

/** Challenges the one factor the user has (or picks `factor` among several), then answers it. */
async function challengeOob(ctx: Context, email: string, factor: 'sms' | 'push', scenario: string): Promise<MfaFlowActor> {
  const flow = ctx.flow('challenge', { factors: [factor] });
  await signIn(flow, email);
  if (flow.getSnapshot().matches({ step: { listing: 'choosing' } })) {
    flow.send({ type: 'authenticator.select', authenticatorId: flow.getSnapshot().context.authenticators.find((a) => a.factor === factor)?.id ?? '' });
    await settle(flow);
  }
  if (factor === 'sms') {
    expectState(flow, 'step.verifying.idle', scenario);
    flow.send({ type: 'otp.submit', otp: ctx.emulator.outbox.latest({ to: PHONE })?.code ?? '' });
  } else {
    expectState(flow, 'step.verifying.waitingForDevice', scenario);
    const [request] = ctx.emulator.guardian.requests({ user: email });
    ctx.emulator.guardian.accept(request?.id ?? '');
    ctx.clock.advance(flow.getSnapshot().context.timers.pollIntervalMs);
  }
  await waitFor(flow, (s) => s.status !== 'active', { timeout: 10_000 });
  return flow;
}

/** Runs one scenario; returns the requests of the measured flow only. */
async function run(ctx: Context, scenario: Scenario, email: string): Promise<string[]> {
  if (scenario === 'enroll') {
    const from = ctx.recorder.calls.length;
    await enroll(ctx, email, scenario);
    return ctx.recorder.calls.slice(from);
  }
  if (scenario === 'SMS enroll') {
    const from = ctx.recorder.calls.length;
    await enrollOob(ctx, email, 'sms', scenario);
    return ctx.recorder.calls.slice(from);
  }
  if (scenario === 'SMS challenge' || scenario === 'push challenge (1 poll)') {
    const factor = scenario === 'SMS challenge' ? 'sms' : 'push';
    await enrollOob(ctx, email, factor, `${scenario} (setup)`);
    ctx.clock.advance(60_000);
    const from = ctx.recorder.calls.length;
    const flow = await challengeOob(ctx, email, factor, scenario);
    expectAuthenticated(flow, scenario);
    return ctx.recorder.calls.slice(from);
  }
  const first = await enroll(ctx, email, `${scenario} (setup)`);
  const from = ctx.recorder.calls.length;
  const flow = ctx.flow(scenario === 'already-enrolled + enroll' ? 'enroll' : 'challenge');
  await signIn(flow, email);
  expectState(flow, 'step.verifying', scenario);
  if (scenario === 'recovery') {
    flow.send({ type: 'recoveryCode.submit', recoveryCode: first.recoveryCode });
    await settle(flow);
  } else {
    flow.send({ type: 'otp.submit', otp: totpAt(first.secret, ctx.clock.now()) });
    await settle(flow);
    if (scenario === 'already-enrolled + enroll') {
      expectState(flow, 'step.awaitingConfirmation', scenario);
      const second = otpEnrollment(flow.getSnapshot().context.enrollment);
      flow.send({ type: 'otp.submit', otp: totpAt(second.secret, ctx.clock.now()) });
      await settle(flow);
    }
  }
  expectAuthenticated(flow, scenario);
  const output = flow.getSnapshot().output;
  if (scenario === 'recovery' && !(output?.outcome === 'authenticated' && output.newRecoveryCode)) {
    throw new Error('recovery: the flow ended without the new recovery code');
  }
  return ctx.recorder.calls.slice(from);
}

export async function measureRoundTrips(): Promise<SectionResult> {
  const scenarios = Object.keys(API_MINIMUM) as Scenario[];
  const clock = benchClock();
  const emulator = createEmulator({
    clock: clock.now,
    users: scenarios.map((_, i) => ({ email: `round-trips-${i}@bench.test`, password: BENCH_PASSWORD })),
  });
  const recorder = recordingFetch(emulator);
  const ctx: Context = {
    clock,
    recorder,
    emulator,
    flow: (intent, overrides = {}) =>
      createMfaFlow({
        baseUrl: IN_PROCESS_URL,
        ...CLIENT,
        mfaAudience: emulator.mfaAudience,
        fetch: recorder.fetch,
        clock,
        intent,
        ...overrides,
      }),
  };

  const rows: Row[] = [];
  const failures: string[] = [];
  for (const [i, scenario] of scenarios.entries()) {
    const minimum = API_MINIMUM[scenario];
    let calls: string[];
    try {
      calls = await run(ctx, scenario, `round-trips-${i}@bench.test`);
    } catch (error) {
      failures.push(`round trips: ${(error as Error).message}`);
      rows.push({ area: 'Round trips', figure: scenario, measured: 'flow failed', target: `${minimum.length} requests, ratio 1.00`, met: false });
      continue;
    }
    const ratio = calls.length / minimum.length;
    const same = calls.length === minimum.length && calls.every((c, k) => c === minimum[k]);
    if (!same) {
      failures.push(`round trips: ${scenario} made ${calls.length} requests [${calls.join(', ')}], the API minimum is ${minimum.length} [${minimum.join(', ')}]`);
    }
    rows.push({
      area: 'Round trips',
      figure: `${scenario} (requests / API minimum)`,
      measured: `${calls.length} / ${minimum.length} = ${ratio.toFixed(2)}${same || calls.length !== minimum.length ? '' : ' (other sequence)'}`,
      target: '1.00',
      met: same,
    });
  }
  return {
    title: 'Round trips',
    rows,
    failures,
    method: [
      'Each scenario is a real `createMfaFlow` flow (ky, the real services) against the in-process emulator (`app.request`), starting from `credentials.submit`; requests are counted at the `fetch` given to the flow.',
      'Sequences checked request by request: ' +
        scenarios.map((s) => `${s}: ${API_MINIMUM[s].join(' → ')}`).join('; ') + '.',
      'Scenarios that need an enrolled user enroll it first with the engine; those requests are not counted. SMS codes are read from the emulator\'s outbox; push is answered by its emulated Guardian device.',
    ],
  };
}
