// Executes one path of the chart graph with the real flow (createMfaFlow, ky, the real services)
// against a fresh in-process emulator. User steps are sent as events; each service outcome the
// graph feeds the chart is made to happen for real where the emulator can be brought to answer
// that way (the right or a wrong code, a real lockout through the attempt bucket, real expiry
// by moving the server's clock, a real "already enrolled"), and otherwise by a fault answering
// that request as Auth0 would. After every step the flow's state must be the one the graph says.
import type { MfaFlowActor } from '../../src/index.js';
import { persistFlow, readFlowRecord } from '../../src/persist/index.js';
import { DEFAULT_LOCKOUT_MS, DEFAULT_RATE_LIMIT_MS } from '../../machines/mfaFlow.js';
import type { MfaFlowInput } from '../../machines/types.js';
import { createFlowHarness, type Fault, type FlowHarness } from '../flow/flowHarness.js';
import { TEST_SIGNING_KEY } from '../helpers/signingKey.js';
import {
  CoverageRecorder,
  invokedService,
  transitionsOf,
  isOutcome,
  isTimer,
  outcomeLabel,
  stateKey,
  type ChartSnapshot,
  type ModelEvent,
} from './chartModel.js';
import type { ChartModel, PlannedPath } from './pathPlan.js';
import * as answers from './serverAnswers.js';
import { normalizeRecovery, USER, World } from './world.js';
import { otpSecret } from '../helpers/enrollment.js';

/** Long enough that the lockout and rate-limit waits of one path never run into it by accident. */
export const TTL_MS = 2 * 60 * 60 * 1000;
/** Real milliseconds: the "slower than the timeout" fault really waits this long. */
export const REQUEST_TIMEOUT_MS = 1_000;
const STEP_MS = 30_000;
const MFA_API_TOKEN_TTL_MS = 600_000;

export interface RunTotals {
  coverage: CoverageRecorder;
  /** How each outcome was realised: `service error:code` → real / fault counts. */
  realised: Map<string, { real: number; fault: number }>;
  requests: number;
  steps: number;
}

export function newTotals(): RunTotals {
  return { coverage: new CoverageRecorder(), realised: new Map(), requests: 0, steps: 0 };
}

type Realise = (request: Request) => Promise<Response | undefined> | Response | undefined;
interface Armed {
  service: answers.Service;
  label: string;
  realise: Realise;
}

const describeStep = (event: ModelEvent) =>
  isOutcome(event) ? `${event.type.replace(/^xstate\.(done|error)\.actor\.0\./, '$1 ')} ${outcomeLabel(event)}` : JSON.stringify(event);

export class PathRun {
  readonly h: FlowHarness;
  readonly world: World;
  readonly coverage = new CoverageRecorder();
  flow!: MfaFlowActor;
  private readonly input: MfaFlowInput;
  private readonly steps: PlannedPath['path']['steps'];
  private readonly emitted: ChartSnapshot[] = [];
  private mark = 0;
  private captured: ChartSnapshot | undefined;
  private chartNow = 0;
  private tokenDeadline: number | null = null;
  private waitDeadline: number | null = null;
  private armed: Armed[] = [];
  /** Requests answered by nothing: they must end by being aborted. */
  private readonly held: Request[] = [];
  readonly anomalies: string[] = [];
  readonly realised: Array<{ key: string; real: boolean }> = [];

  constructor(planned: PlannedPath, input: MfaFlowInput) {
    this.input = input;
    this.steps = planned.path.steps;
    this.h = createFlowHarness({ signingKey: TEST_SIGNING_KEY, mfaTokenTtlSeconds: TTL_MS / 1000 });
    this.world = new World(this.h);
    // The harness awaits a fault's answer, so an async "let the emulator answer" (undefined) works too.
    this.h.faults.push(((request: Request) => this.answer(request)) as Fault);
  }

  // ---- running ------------------------------------------------------------------------------

  async run(model: ChartModel, path: PlannedPath['path']): Promise<void> {
    await this.prepareWorld();
    try {
      await model.testPath(path, {
        events: new Proxy({}, { get: () => (step: PlannedPath['path']['steps'][number]) => this.execute(step) }) as never,
        states: { '*': (expected: ChartSnapshot) => this.check(expected) },
      });
      if (this.armed.some((a) => a.label !== 'hold')) {
        throw new Error(`planned outcomes never requested: ${this.armed.map((a) => `${a.service} ${a.label}`).join(', ')}`);
      }
      if (this.anomalies.length > 0) throw new Error(this.anomalies.join('\n'));
    } finally {
      this.flow?.stop();
    }
  }

  private async execute(step: PlannedPath['path']['steps'][number]): Promise<void> {
    const index = this.steps.indexOf(step);
    const event = step.event;
    if (event.type === 'xstate.init') {
      this.arm(index);
      await this.start();
      return;
    }
    if (isOutcome(event)) {
      this.captured = await this.nextEmission(event);
      return;
    }
    this.arm(index);
    await this.perform(event, index);
  }

  private check(expected: ChartSnapshot): void {
    const actual = this.captured;
    if (!actual) throw new Error('no snapshot captured');
    const [want, got] = [stateKey(expected), stateKey(actual)];
    if (want !== got) {
      throw new Error(`state mismatch\n  expected ${want}\n  actual   ${got}\n  error    ${JSON.stringify(actual.context.error)}`);
    }
    for (const a of this.anomalies) throw new Error(a);
  }

  // ---- the flow ------------------------------------------------------------------------------

  private async start(): Promise<void> {
    const mfaToken = this.input.mfaToken === undefined ? undefined : await this.world.mfaToken();
    this.flow = this.h.flow({
      intent: this.input.intent,
      mfaTokenTtlMs: TTL_MS,
      timeoutMs: REQUEST_TIMEOUT_MS,
      inspect: this.coverage.inspect,
      ...(mfaToken === undefined ? {} : { mfaToken }),
    });
    this.observe(this.flow);
    this.flow.start();
    this.capture();
  }

  private observe(flow: MfaFlowActor): void {
    let lastToken: string | null = null;
    let lastValue = '';
    flow.subscribe({
      next: (snapshot) => {
        this.emitted.push(snapshot);
        const { context } = snapshot;
        if (context.enrollment) {
          this.world.learnSecret(otpSecret(context.enrollment));
          for (const code of context.enrollment.recoveryCodes ?? []) this.world.recoveryCodes.add(code);
        }
        if (context.newRecoveryCode) this.world.recoveryCodes.add(context.newRecoveryCode);
        if (context.mfaToken !== lastToken) {
          // A restored flow keeps its token and its deadline; a new token starts a new lifetime.
          if (!(lastToken === null && this.restoring)) this.tokenDeadline = context.mfaToken === null ? null : this.chartNow + TTL_MS;
          lastToken = context.mfaToken;
        }
        const value = JSON.stringify(snapshot.value);
        if (value !== lastValue) {
          const wasRestoring = lastValue === '' && this.restoring;
          lastValue = value;
          if (!wasRestoring && snapshot.matches({ locked: 'waiting' })) this.waitDeadline = this.chartNow + (context.error?.retryAfterMs ?? DEFAULT_LOCKOUT_MS);
          if (!wasRestoring && snapshot.matches('rateLimited')) this.waitDeadline = this.chartNow + (context.error?.retryAfterMs ?? DEFAULT_RATE_LIMIT_MS);
        }
      },
      error: (error) => this.anomalies.push(`the actor failed: ${String(error)}`),
    });
  }

  private restoring = false;

  /** Takes the state reached, synchronously after the event (an answer may arrive in the next microtask). */
  private capture(): void {
    this.captured = this.flow.getSnapshot();
    this.mark = this.emitted.length;
  }

  private send(event: Parameters<MfaFlowActor['send']>[0]): void {
    this.flow.send(event);
    this.capture();
  }

  private async nextEmission(event: ModelEvent): Promise<ChartSnapshot> {
    const deadline = Date.now() + REQUEST_TIMEOUT_MS * 5;
    while (this.emitted.length <= this.mark) {
      if (Date.now() > deadline) throw new Error(`no answer for ${describeStep(event)} (still ${stateKey(this.flow.getSnapshot())})`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return this.emitted[this.mark++]!;
  }

  private advance(ms: number): void {
    if (ms <= 0) return;
    this.chartNow += ms;
    this.h.advance(ms);
  }

  /** Next outcome planned after step `index`, if the next step is one. */
  private nextOutcome(index: number): string | undefined {
    const next = this.steps[index + 1]?.event;
    return next && isOutcome(next) ? outcomeLabel(next) : undefined;
  }

  private async perform(event: ModelEvent, index: number): Promise<void> {
    const snapshot = this.flow.getSnapshot();
    const context = snapshot.context;
    const outcome = this.nextOutcome(index);
    switch (event.type) {
      case 'credentials.submit': {
        const blank = event.password === '';
        const password = blank ? '' : outcome === 'error:invalid_credentials' ? 'wrong-password' : USER.password;
        return this.send({ type: 'credentials.submit', username: blank ? ' ' : USER.email, password });
      }
      case 'mfaToken.provide': {
        const mfaToken = await this.world.mfaToken();
        return this.send({ type: 'mfaToken.provide', mfaToken });
      }
      case 'otp.submit': {
        if (String(event.otp).length !== 6) return this.send({ type: 'otp.submit', otp: String(event.otp) });
        const purpose = snapshot.matches({ step: 'awaitingConfirmation' }) ? 'confirm' : 'verify';
        const secret = otpSecret(context.enrollment);
        let otp: string | undefined;
        if (outcome === 'done:ok') {
          this.waitForAttempt();
          if (this.world.currentStepSpent(purpose, secret)) this.advance(STEP_MS); // a replay would be refused
          otp = this.world.rightOtp(purpose, secret);
        } else if (outcome === 'error:invalid_otp') {
          this.waitForAttempt();
        }
        otp ??= this.world.wrongOtp();
        // Authenticator apps show "123 456"; the chart must accept that too.
        return this.send({ type: 'otp.submit', otp: index % 2 === 0 ? `${otp.slice(0, 3)} ${otp.slice(3)}` : otp });
      }
      case 'recoveryCode.submit': {
        if (String(event.recoveryCode).length < 24) return this.send({ type: 'recoveryCode.submit', recoveryCode: String(event.recoveryCode) });
        let code: string | undefined;
        if (outcome === 'done:ok' || outcome === 'error:invalid_recovery_code') this.waitForAttempt();
        if (outcome === 'done:ok') code = this.world.currentRecoveryCode();
        code ??= 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ';
        // Typed from paper: lower case, dashes every four characters.
        const typed = normalizeRecovery(code).toLowerCase().replace(/(.{4})(?!$)/g, '$1-');
        return this.send({ type: 'recoveryCode.submit', recoveryCode: typed });
      }
      case 'authenticator.select': {
        if (String(event.authenticatorId).includes('unknown')) {
          return this.send({ type: 'authenticator.select', authenticatorId: String(event.authenticatorId) });
        }
        const listed = context.authenticators.filter((a) => a.factor === 'otp').map((a) => a.id);
        const real = new Set(this.world.activeOtps().map((a) => a.id));
        const authenticatorId = listed.find((id) => real.has(id)) ?? listed[0] ?? 'totp|dev_none';
        return this.send({ type: 'authenticator.select', authenticatorId });
      }
      case 'mfaToken.expired':
        this.advance((this.tokenDeadline ?? this.chartNow) - this.chartNow);
        return this.capture();
      case 'flow.restored':
      case 'flow.interrupted':
        return this.restore();
      default:
        if (isTimer(event)) {
          this.advance((this.waitDeadline ?? this.chartNow) - this.chartNow);
          return this.capture();
        }
        if (event.type === 'cancel') {
          this.send({ type: 'cancel' });
          // No service may be left running (none could send a request), and every held one is aborted.
          if (Object.keys(this.flow.getSnapshot().children).length > 0) this.anomalies.push('cancel left a service running');
          if (this.held.some((r) => !r.signal.aborted)) this.anomalies.push('cancel left a request in flight');
          return;
        }
        return this.send(event as never);
    }
  }

  /** A code would meet an empty bucket: wait (on both clocks) for the attempt that comes back. */
  private waitForAttempt(): void {
    for (let i = 0; i < 40 && this.world.attemptsLeft() === 0; i++) this.advance(STEP_MS);
  }

  private async restore(): Promise<void> {
    const before = this.flow.getSnapshot();
    const record = persistFlow(this.flow, this.h.now());
    if (record === null) throw new Error('persistFlow() gave nothing to restore');
    // persistFlow takes `flow.interrupted` on the pure machine, out of the live actor's sight:
    // count the transitions it took the same way.
    if (before.hasTag('busy')) this.coverage.merge(transitionsOf(before.machine, before, { type: 'flow.interrupted' }));
    this.flow.stop();
    this.restoring = true;
    const read = readFlowRecord(JSON.parse(JSON.stringify(record)), this.h.now());
    if (read.status !== 'resumable') throw new Error(`restore refused: ${read.code}`);
    this.flow = this.h.flow({
      intent: this.input.intent,
      mfaTokenTtlMs: TTL_MS,
      timeoutMs: REQUEST_TIMEOUT_MS,
      inspect: this.coverage.inspect,
      resume: read.resume,
    });
    this.observe(this.flow);
    this.flow.start();
    this.restoring = false;
    this.capture();
  }

  // ---- outcomes -----------------------------------------------------------------------------

  /** Before step `index`, plan the answers of the requests its effects will send. */
  private arm(index: number): void {
    let j = index + 1;
    while (j < this.steps.length && isOutcome(this.steps[j]!.event)) {
      const invoking = invokedService(this.steps[j - 1]!.state);
      if (!invoking) throw new Error(`outcome ${describeStep(this.steps[j]!.event)} outside an invoking state`);
      const label = outcomeLabel(this.steps[j]!.event);
      // A wait that the token's expiry must interrupt has to outlast the token.
      const outlastToken = this.steps[j + 1]?.event.type === 'mfaToken.expired';
      this.armed.push({ service: invoking.service, label, realise: (request) => this.realise(invoking.service, label, request, outlastToken) });
      j++;
    }
    // The chain ends in a request whose answer the path does not wait for (cancel, expiry, end of path): hold it.
    const last = invokedService(this.steps[j - 1]!.state);
    if (last) {
      this.armed.push({
        service: last.service,
        label: 'hold',
        realise: (request) => {
          this.held.push(request);
          return answers.hang(request);
        },
      });
    }
  }

  private async answer(request: Request): Promise<Response | undefined> {
    const service = await answers.serviceOf(request);
    if (!service) {
      this.anomalies.push(`unknown request ${request.method} ${request.url}`);
      return undefined;
    }
    const at = this.armed.findIndex((a) => a.service === service);
    if (at < 0) {
      this.anomalies.push(`unplanned ${service} request in ${stateKey(this.flow.getSnapshot())}`);
      return answers.hang(request);
    }
    const [planned] = this.armed.splice(at, 1);
    return planned!.realise(request);
  }

  private note(service: string, label: string, real: boolean): void {
    this.realised.push({ key: `${service} ${label}`, real });
  }

  /** Makes `label` the answer to this request of `service`: undefined = the emulator answers. */
  private async realise(service: answers.Service, label: string, request: Request, outlastToken = false): Promise<Response | undefined> {
    const real = (yes: boolean, fault: () => Response | Promise<Response>) => {
      this.note(service, label, yes);
      return yes ? undefined : fault();
    };
    const bearer = answers.bearerOf(request);
    const context = this.flow.getSnapshot().context;
    const h = this.h;

    switch (label) {
      case 'error:server_error':
        return real(false, service === 'passwordGrant' ? answers.serverErrorHtml : service === 'listAuthenticators' ? answers.unavailable : answers.serverError);
      case 'error:network':
        return real(false, answers.connectionReset);
      case 'error:timeout':
        return real(false, () => answers.hang(request));
      case 'error:invalid_response':
        return real(false, () => (service === 'verifyOtp' ? answers.notJson() : answers.wrongShape(service)));
      case 'error:rate_limited':
        return real(false, () => answers.rateLimited(h.now(), outlastToken ? this.secondsPastToken() : 2));
      case 'error:mfa_token_expired':
        if (answers.isJwt(bearer)) return real(false, answers.expiredBearer);
        h.advanceServer(TTL_MS + 1_000); // the server's clock alone: the chart has not seen the time pass
        return real(true, answers.expiredBearer);
      case 'error:mfa_token_invalid':
        if (answers.isJwt(bearer)) {
          h.advanceServer(MFA_API_TOKEN_TTL_MS + 1_000); // an expired access token is an invalid bearer
          return real(true, answers.invalidBearer);
        }
        return real(false, service === 'associate' || service === 'listAuthenticators' ? answers.invalidBearer : answers.malformedMfaToken);
    }

    switch (service) {
      case 'passwordGrant':
        if (label === 'done:mfa_required' || label === 'error:invalid_credentials') return real(true, answers.serverError);
        if (label === 'done:tokens') return real(false, () => answers.fakeTokens());
        if (label === 'error:unauthorized_client') return real(false, () => answers.envelope(401, 'invalid_client', 'Client authentication failed.'));
        break;
      case 'associate': {
        const viaMfaToken = !answers.isJwt(bearer);
        if (label === 'done:withRecoveryCode') return real(viaMfaToken && !this.world.hasActiveAuthenticator(), () => answers.fakeEnrollment(true));
        if (label === 'done:withoutRecoveryCode') return real(!viaMfaToken && this.world.activeOtps().length > 0, () => answers.fakeEnrollment(false));
        if (label === 'error:already_enrolled') {
          return real(viaMfaToken && this.world.hasActiveAuthenticator(), () => answers.envelope(403, 'access_denied', 'User is already enrolled.'));
        }
        if (label === 'error:access_denied') {
          return real(false, () => answers.envelope(403, 'access_denied', 'User has created the maximum amount of authenticators'));
        }
        break;
      }
      case 'listAuthenticators': {
        const wanted = label.slice('done:'.length);
        if (label.startsWith('done:')) return real(this.world.listClass() === wanted, () => this.fakeList(wanted));
        break;
      }
      case 'challenge': {
        const chosen = this.world.visible().find((a) => a.id === context.authenticatorId);
        if (label === 'done:ok') return real(chosen?.type === 'otp' && chosen.active, answers.challengeAccepted);
        if (label === 'error:unsupported_challenge') {
          return real(chosen !== undefined && !(chosen.type === 'otp' && chosen.active), () =>
            answers.envelope(400, 'unsupported_challenge_type', 'User is not enrolled with an authenticator of the requested challenge_type.'));
        }
        if (label === 'error:invalid_request') {
          return real(chosen === undefined, () => answers.envelope(400, 'invalid_request', "authenticator_id does not name one of the user's authenticators"));
        }
        break;
      }
      case 'verifyOtp':
      case 'verifyRecoveryCode': {
        const attempts = this.world.attemptsLeft() > 0;
        const accepted =
          service === 'verifyOtp'
            ? this.world.wouldAcceptOtp((await answers.requestParam(request, 'otp')) ?? '')
            : attempts && this.matchesRecoveryCode((await answers.requestParam(request, 'recovery_code')) ?? '');
        if (label === 'done:ok') return real(accepted, service === 'verifyOtp' ? () => answers.fakeTokens() : answers.fakeRecoveryGrant);
        if (label === 'error:invalid_otp' || label === 'error:invalid_recovery_code') {
          const what = service === 'verifyOtp' ? 'otp_code' : 'recovery_code';
          return real(attempts && !accepted, () => answers.envelope(403, 'invalid_grant', `Invalid ${what}.`));
        }
        if (label === 'error:too_many_attempts' && outlastToken) {
          // The emulator's lockout (6 min) ends long before the token; this one must not.
          return real(false, () =>
            answers.envelope(429, 'too_many_attempts', 'Too many failed codes.', answers.rateLimitHeaders(h.now(), this.secondsPastToken())));
        }
        if (label === 'error:too_many_attempts') {
          // A real lockout: spend the user's whole bucket with wrong codes, then let this code meet it.
          await this.world.drainAttempts((await answers.requestParam(request, 'mfa_token')) ?? '');
          return real(true, answers.serverError);
        }
        break;
      }
    }
    throw new Error(`no way to realise ${service} ${label}`);
  }

  private secondsPastToken(): number {
    return Math.ceil(((this.tokenDeadline ?? this.chartNow) - this.chartNow) / 1000) + 60;
  }

  private matchesRecoveryCode(code: string): boolean {
    const current = this.world.currentRecoveryCode();
    return current !== undefined && normalizeRecovery(current) === normalizeRecovery(code);
  }

  private fakeList(wanted: string): Response {
    const active = this.world.activeOtps().map((a) => a.id);
    const otp = (id: string) => ({ id, type: 'otp', active: true });
    const recovery = { id: 'recovery-code|dev_listed', type: 'recovery-code', active: true };
    switch (wanted) {
      case 'one':
        return answers.authenticatorList([otp(active[0] ?? 'totp|dev_fakeOne'), recovery]);
      case 'several':
        return answers.authenticatorList([...[...active, 'totp|dev_fakeA', 'totp|dev_fakeB'].slice(0, Math.max(2, active.length)).map(otp), recovery]);
      case 'other':
        return answers.authenticatorList([{ id: 'sms|dev_fake', type: 'sms', active: true }, recovery]);
      default:
        return answers.authenticatorList([]);
    }
  }

  // ---- the world a path starts in ------------------------------------------------------------

  /** A user with as many confirmed OTPs as the path's first answers need, so they come from the emulator. */
  private async prepareWorld(): Promise<void> {
    let otps = 0;
    for (let i = 1; i < this.steps.length; i++) {
      const event = this.steps[i]!.event;
      if (!isOutcome(event)) continue;
      const service = invokedService(this.steps[i - 1]!.state)?.service;
      const label = outcomeLabel(event);
      if (service === 'listAuthenticators' && ['done:one', 'done:several', 'done:none'].includes(label)) {
        otps = label === 'done:one' ? 1 : label === 'done:several' ? 2 : 0;
        break;
      }
      if (service === 'associate' && (label === 'error:already_enrolled' || label === 'done:withRecoveryCode')) {
        otps = label === 'error:already_enrolled' ? 1 : 0;
        break;
      }
      if ((service === 'challenge' || service === 'verifyRecoveryCode') && label === 'done:ok') {
        otps = 1;
        break;
      }
    }
    const mfaToken = otps >= 1 ? await this.world.mfaToken() : undefined;
    if (otps >= 1) await this.world.enrollFirst(mfaToken);
    if (otps >= 2) await this.world.enrollAnother(mfaToken);
    this.chartNow = 0;
  }
}

export async function runPlannedPath(planned: PlannedPath, model: ChartModel, totals: RunTotals): Promise<void> {
  const run = new PathRun(planned, model.options.input as MfaFlowInput);
  try {
    await run.run(model, planned.path);
  } finally {
    totals.coverage.merge(run.coverage);
    totals.requests += run.h.requests.length;
    totals.steps += planned.path.steps.length;
    for (const { key, real } of run.realised) {
      const entry = totals.realised.get(key) ?? { real: 0, fault: 0 };
      entry[real ? 'real' : 'fault']++;
      totals.realised.set(key, entry);
    }
  }
}
