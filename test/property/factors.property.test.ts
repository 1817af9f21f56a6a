// Random sequences of what a user, their phone and the server do, against a real flow offering
// every factor (createMfaFlow, ky, the emulator over `app.request`): choosing factors (good and bad
// numbers), codes from the outbox (right and wrong), "send again", "use another method", pushes
// scanned, accepted, rejected or left to expire, recovery codes, time passing, server faults,
// cancel. After every step, judged from the requests the emulator saw:
// - no stuck flow: an ended flow, or one resting in a state with a way on (and `cancel` accepted);
// - no request after leaving a state: nothing after cancel, and a push the flow left (another
//   method, another push, a refusal) is never polled again.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import type { MfaFlowActor, MfaFlowEvent } from '../../src/index.js';
import { createFlowHarness, DEMO, type Fault, type FlowHarness } from '../flow/flowHarness.js';
import { ADDRESS, choice, enroll, FACTORS, PHONE } from '../flow/factorSteps.js';
import { invokedService } from '../model/chartModel.js';
import { valueKey } from './invariants.js';
import { runSettings } from './runSettings.js';

type Action =
  | { kind: 'credentials' }
  | { kind: 'choose'; factor: 'otp' | 'sms' | 'voice' | 'email' | 'push'; bad: boolean }
  | { kind: 'code'; right: boolean }
  | { kind: 'resend' }
  | { kind: 'change' }
  | { kind: 'select'; index: number }
  | { kind: 'device'; answer: 'accept' | 'reject' | 'scan' }
  | { kind: 'recovery'; valid: boolean }
  | { kind: 'time'; ms: number }
  | { kind: 'fault'; status: 500 | 429 }
  | { kind: 'cancel' };

// Weighted towards going on: a cancel ends a sequence, so it is rare.
const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.constant<Action>({ kind: 'credentials' }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('choose' as const), factor: fc.constantFrom(...FACTORS), bad: fc.boolean() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('code' as const), right: fc.boolean() }), weight: 4 },
  { arbitrary: fc.constant<Action>({ kind: 'resend' }), weight: 2 },
  { arbitrary: fc.constant<Action>({ kind: 'change' }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('select' as const), index: fc.nat(5) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('device' as const), answer: fc.constantFrom('accept' as const, 'reject' as const, 'scan' as const) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('recovery' as const), valid: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('time' as const), ms: fc.constantFrom(1_000, 5_000, 31_000, 301_000) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('fault' as const), status: fc.constantFrom(500 as const, 429 as const) }), weight: 1 },
  { arbitrary: fc.constant<Action>({ kind: 'cancel' }), weight: 1 },
);

/** Where a flow may rest, and what moves it on: time (a timer of the chart), or the user's event. */
const RESTING: Record<string, MfaFlowEvent | 'time'> = {
  'step.needMfaToken.idle': { type: 'credentials.submit', username: DEMO.username, password: DEMO.password },
  'step.choosingFactor': { type: 'factor.choose', factor: 'push' },
  'step.awaitingConfirmation.idle': { type: 'otp.submit', otp: '123456' },
  'step.awaitingConfirmation.waitingForDevice.waiting': 'time',
  'step.awaitingConfirmation.acknowledgingRecoveryCodes': { type: 'recoveryCodes.acknowledge' },
  'step.listing.choosing': { type: 'authenticator.select', authenticatorId: '' },
  'step.verifying.idle': { type: 'otp.submit', otp: '123456' },
  'step.verifying.waitingForDevice.waiting': 'time',
  'step.verifying.deviceAnswered': { type: 'code.resend' },
  'locked.waiting': 'time',
  'locked.ready': { type: 'retry' },
  rateLimited: 'time',
  failed: { type: 'retry' },
};

class Run {
  readonly violations: string[] = [];
  /** oob_codes of pushes the flow left: polling one again is a request after leaving its state. */
  readonly leftPushes = new Set<string>();
  cancelled = false;
  recoveryCode: string | null = null;
  private faults: Array<500 | 429> = [];

  constructor(
    readonly h: FlowHarness,
    readonly flow: MfaFlowActor,
  ) {
    h.faults.push((async (request: Request) => {
      const form = new URLSearchParams(await request.clone().text());
      const oobCode = form.get('oob_code');
      if (this.cancelled) this.violations.push(`${new URL(request.url).pathname} sent after cancel`);
      if (oobCode !== null && !form.has('binding_code') && this.leftPushes.has(oobCode)) this.violations.push('a push the flow had left was polled again');
      const status = this.faults.shift();
      if (status === 500) return Response.json({ error: 'server_error', error_description: 'Internal error' }, { status });
      if (status === 429) return Response.json({ error: 'too_many_requests', error_description: 'Global limit has been reached' }, { status, headers: { 'retry-after': '1' } });
      return undefined;
    }) as Fault);
  }

  private snapshot() {
    return this.flow.getSnapshot();
  }

  /** The push the flow is waiting for, if it is. */
  private waitedPush(): string | null {
    const s = this.snapshot();
    return s.status === 'active' && s.hasTag('waitingForDevice') ? s.context.oobCode : null;
  }

  async act(a: Action): Promise<void> {
    const s = this.snapshot();
    if (s.status !== 'active') return;
    const waited = this.waitedPush();
    await this.do(a, s);
    await this.settle();
    // Once the flow no longer waits for a push (another method, another push, cancel, or the
    // phone's refusal or the code's expiry learnt from a poll), that push is never polled again.
    if (waited !== null && this.waitedPush() !== waited) this.leftPushes.add(waited);
    this.check();
  }

  private async do(a: Action, s: ReturnType<Run['snapshot']>): Promise<void> {
    const recipient = s.context.factorChoice?.factor === 'email' ? ADDRESS : PHONE;
    switch (a.kind) {
      case 'credentials':
        this.flow.send({ type: 'credentials.submit', username: DEMO.username, password: DEMO.password });
        break;
      case 'choose':
        this.flow.send(a.bad && a.factor !== 'otp' && a.factor !== 'push' ? { type: 'factor.choose', factor: a.factor, phoneNumber: '555', email: 'not-an-address' } : choice(a.factor));
        break;
      case 'code': {
        const latest = this.h.emulator.outbox.latest({ to: recipient })?.code;
        this.flow.send({ type: 'otp.submit', otp: a.right && latest ? latest : '000001' });
        break;
      }
      case 'resend':
        this.flow.send({ type: 'code.resend' });
        break;
      case 'change':
        this.flow.send({ type: 'authenticator.change' });
        break;
      case 'select': {
        const listed = s.context.authenticators;
        this.flow.send({ type: 'authenticator.select', authenticatorId: listed[a.index % Math.max(1, listed.length)]?.id ?? 'none' });
        break;
      }
      case 'device': {
        const enrollment = s.context.enrollment;
        if (a.answer === 'scan') {
          if (enrollment?.factor === 'push' && this.h.emulator.guardian.devices().length === 0) this.h.emulator.guardian.enroll(enrollment.barcodeUri, 'Phone');
          break;
        }
        const pending = this.h.emulator.guardian.requests({ user: DEMO.username }).filter((r) => r.status === 'pending').at(-1);
        if (pending) this.h.emulator.guardian[a.answer](pending.id);
        break;
      }
      case 'recovery':
        this.flow.send({ type: 'recoveryCode.submit', recoveryCode: a.valid && this.recoveryCode ? this.recoveryCode : 'WRONG0WRONG0WRONG0WRONG0' });
        break;
      case 'time':
        this.h.advance(a.ms);
        break;
      case 'fault':
        this.faults.push(a.status);
        break;
      case 'cancel':
        this.flow.send({ type: 'cancel' });
        this.cancelled = true;
        break;
    }
  }

  async settle(): Promise<void> {
    try {
      await waitFor(this.flow, (s) => s.status !== 'active' || invokedService(s) === undefined, { timeout: 3_000 });
    } catch {
      this.violations.push(`stuck: still ${valueKey(this.snapshot().value)} with a request out after 3 s`);
    }
  }

  check(): void {
    const s = this.snapshot();
    if (s.status === 'error') this.violations.push(`the flow crashed: ${String(s.error)}`);
    if (s.status !== 'active') return;
    if (this.cancelled) this.violations.push('still active after cancel');
    const key = valueKey(s.value);
    const on = RESTING[key];
    if (on === undefined) this.violations.push(`rests in ${key}, not a resting state`);
    // (a listed authenticator's id is checked against the list: any id would do for "a way on")
    else if (on !== 'time' && on.type !== 'authenticator.select' && !s.can(on)) this.violations.push(`${key} does not take ${on.type}`);
    else if (on !== 'time' && on.type === 'authenticator.select' && s.context.authenticators.length === 0) this.violations.push('choosing among none');
    if (!s.can({ type: 'cancel' })) this.violations.push(`${key} cannot be cancelled`);
  }
}

describe('every factor, random sequences against the emulator', () => {
  it('never stuck, nothing sent after leaving a state', async () => {
    const settings = runSettings(40, 1_000);
    let sequences = 0;
    let steps = 0;
    const endedIn = new Map<string, number>();
    const visited = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('enroll' as const, 'sms' as const, 'push' as const), fc.array(action, { minLength: 1, maxLength: 14 }), async (start, actions) => {
        const h = createFlowHarness({ pollIntervalSeconds: 1 });
        let recoveryCode: string | null = null;
        if (start !== 'enroll') recoveryCode = (await enroll(h, start)).recoveryCode; // a user with that factor, challenged
        h.advance(60_000);
        const flow = h.flow({ intent: start === 'enroll' ? 'enroll' : 'challenge', factors: [...FACTORS], timeoutMs: 500 });
        const run = new Run(h, flow);
        run.recoveryCode = recoveryCode;
        flow.subscribe((snapshot) => visited.add(valueKey(snapshot.value)));
        flow.start();
        try {
          // Every sequence signs in first: what comes before that is the OTP properties' ground.
          for (const a of [{ kind: 'credentials' } as const, ...actions]) {
            await run.act(a);
            steps++;
            if (run.violations.length > 0) break;
          }
          sequences++;
          const key = valueKey(flow.getSnapshot().value);
          endedIn.set(key, (endedIn.get(key) ?? 0) + 1);
          expect(run.violations, `after ${JSON.stringify(actions)}`).toEqual([]);
        } finally {
          flow.stop();
        }
      }),
      settings,
    );
    console.log(
      `factor properties: ${sequences} sequences, ${steps} steps, seed=${settings.seed}; ended in ${JSON.stringify(Object.fromEntries(endedIn))}; ` +
        `visited ${[...visited].sort().join(', ')}`,
    );
    expect(sequences).toBeGreaterThan(0);
  }, 240_000);
});
