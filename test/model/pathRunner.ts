// Executes one path of the chart graph with the real flow (createMfaFlow, ky, the real services)
// against a fresh in-process emulator. User steps are sent as events; each service outcome the
// graph feeds the chart is made to happen for real where the emulator can be brought to answer
// that way (the right or a wrong code, a real lockout through the attempt bucket, real expiry
// by moving the server's clock, a real "already enrolled"), and otherwise by a fault answering
// that request as Auth0 would. After every step the flow's state must be the one the graph says.
import type { MfaFlowActor } from '../../src/index.js';
import { persistFlow, readFlowRecord } from '../../src/persist/index.js';
import { DEFAULT_LOCKOUT_MS, DEFAULT_RATE_LIMIT_MS } from '../../machines/mfaFlow.js';
import { errorFromResponse, type Endpoint } from '../../src/api/errorMapping.js';
import { parseAuthenticators } from '../../src/api/schemas.js';
import type { MfaFlowInput } from '../../machines/types.js';
import { createFlowHarness, type Fault, type FlowHarness } from '../flow/flowHarness.js';
import { TEST_SIGNING_KEY } from '../helpers/signingKey.js';
import {
  CoverageRecorder,
  challengedFactor,
  invokedService,
  listLabel,
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
import { GRANT, normalizeRecovery, USER, World, type OobFactor } from './world.js';
import { otpSecret } from '../helpers/enrollment.js';

/** Long enough that the lockout and rate-limit waits of one path never run into it by accident. */
export const TTL_MS = 2 * 60 * 60 * 1000;
/** Real milliseconds: the "slower than the timeout" fault really waits this long. */
export const REQUEST_TIMEOUT_MS = 1_000;
const STEP_MS = 30_000;
const MFA_API_TOKEN_TTL_MS = 600_000;
/** The emulator's oob_code lifetime (oobCodeTtlSeconds, 300 by default). */
const OOB_CODE_TTL_MS = 300_000;

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
  /** The chart's wall time when the path started (both clocks agree until advanceServer). */
  private chartBase = 0;
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

  /** What the app gives createMfaFlow besides a token: the graph's input. */
  private appOptions() {
    const { intent, factors, mfaRequirements } = this.input;
    return {
      intent,
      mfaTokenTtlMs: TTL_MS,
      timeoutMs: REQUEST_TIMEOUT_MS,
      inspect: this.coverage.inspect,
      ...(factors === undefined ? {} : { factors }),
      ...(mfaRequirements === undefined ? {} : { mfaRequirements }),
    };
  }

  private async start(): Promise<void> {
    const mfaToken = this.input.mfaToken === undefined ? undefined : await this.world.mfaToken();
    this.flow = this.h.flow({ ...this.appOptions(), ...(mfaToken === undefined ? {} : { mfaToken }) });
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

  /** Moves time to a wall time the chart keeps (the next poll, the end of a resend cooldown). */
  private advanceTo(at: number | null): void {
    if (at !== null) this.advance(at - (this.chartBase + this.chartNow));
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
        const requirements = event.requirements as { enroll?: string[]; challenge?: string[] } | undefined;
        return this.send({ type: 'mfaToken.provide', mfaToken, ...(requirements === undefined ? {} : { requirements }) });
      }
      case 'otp.submit': {
        if (String(event.otp).length !== 6) return this.send({ type: 'otp.submit', otp: String(event.otp) });
        if (context.oobCode !== null && context.enrollment?.factor !== 'otp' && challengedFactor(context) !== 'otp') {
          // A code a message carried: the newest one in the outbox, or six digits it does not hold.
          if (outcome === 'done:ok' || outcome === 'error:invalid_binding_code') this.waitForAttempt();
          const sent = await this.world.lastCode();
          const code = outcome === 'done:ok' || outcome === 'error:oob_code_expired' ? sent : undefined;
          return this.send({ type: 'otp.submit', otp: code ?? (sent === '000000' ? '111111' : '000000') });
        }
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
        // The graph picked a factor by its sample id: the flow picks the same factor from its real list.
        const factor = this.steps[index - 1]?.state.context.authenticators.find((a) => a.id === event.authenticatorId)?.factor;
        const listed = context.authenticators.filter((a) => a.factor === factor).map((a) => a.id);
        const real = new Set(this.world.activeOtps().map((a) => a.id));
        const authenticatorId = (factor === 'otp' ? listed.find((id) => real.has(id)) : undefined) ?? listed[0] ?? 'totp|dev_none';
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
          if (event.type.startsWith('xstate.after.nextPoll.')) this.advanceTo(context.timers.nextPollAt);
          else if (event.type.startsWith('xstate.after.resendCooldown.')) this.advanceTo(context.timers.resendAvailableAt);
          else this.advance((this.waitDeadline ?? this.chartNow) - this.chartNow);
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
    if (before.hasTag('busy') || Object.keys(before.children).length > 0) {
      this.coverage.merge(transitionsOf(before.machine, before, { type: 'flow.interrupted' }));
    }
    this.flow.stop();
    this.restoring = true;
    const read = readFlowRecord(JSON.parse(JSON.stringify(record)), this.h.now());
    if (read.status !== 'resumable') throw new Error(`restore refused: ${read.code}`);
    this.flow = this.h.flow({ ...this.appOptions(), resume: read.resume });
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
    const waitSeconds = (fallback: number) => (outlastToken ? this.secondsPastToken() : fallback);

    switch (label) {
      case 'error:server_error':
        return real(false, service === 'passwordGrant' ? answers.serverErrorHtml : service === 'listAuthenticators' ? answers.unavailable : answers.serverError);
      case 'error:network':
        return real(false, answers.connectionReset);
      case 'error:timeout':
        return real(false, () => answers.hang(request));
      case 'error:invalid_response':
        return real(false, () => (service === 'verifyCode' ? answers.notJson() : answers.wrongShape(service)));
      case 'error:rate_limited':
        return real(false, () => answers.rateLimited(h.now(), waitSeconds(2)));
      case 'error:too_many_messages':
        return real(false, () => answers.tooManyMessages(h.now()));
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
        if (label === 'done:tokens') return real(false, () => answers.fakeTokens());
        if (label === 'error:unauthorized_client') return real(false, () => answers.envelope(401, 'invalid_client', 'Client authentication failed.'));
        if (label === 'error:invalid_credentials') return real(true, answers.serverError);
        if (label.startsWith('done:mfa_required')) return this.mfaRequired(label, request);
        break;
      case 'associate': {
        const viaMfaToken = !answers.isJwt(bearer);
        const factor = context.factorChoice?.factor ?? 'otp';
        if (label === 'done:withRecoveryCode') return real(viaMfaToken && !this.world.hasActiveAuthenticator(), () => answers.fakeEnrollment(true, factor));
        if (label === 'done:withoutRecoveryCode') return real(!viaMfaToken && this.world.hasActiveAuthenticator(), () => answers.fakeEnrollment(false, factor));
        if (label === 'error:already_enrolled') {
          return real(viaMfaToken && this.world.hasActiveAuthenticator(), () => answers.envelope(403, 'access_denied', 'User is already enrolled.'));
        }
        if (label === 'error:access_denied') {
          return real(false, () => answers.envelope(403, 'access_denied', 'User has created the maximum amount of authenticators'));
        }
        break;
      }
      case 'listAuthenticators':
        if (label.startsWith('done:')) return this.listed(label.slice('done:'.length), request);
        break;
      case 'challenge': {
        const factor = challengedFactor(context) ?? 'otp';
        if (label === 'done:ok') return this.fromEmulator(service, label, request, () => answers.challengeAccepted(factor));
        if (label === 'error:unsupported_challenge') {
          return this.fromEmulator(service, label, request, () =>
            answers.envelope(400, 'unsupported_challenge_type', 'User is not enrolled with an authenticator of the requested challenge_type.'));
        }
        if (label === 'error:invalid_request') {
          return this.fromEmulator(service, label, request, () => answers.envelope(400, 'invalid_request', "authenticator_id does not name one of the user's authenticators"));
        }
        break;
      }
      case 'pollDevice':
        return this.poll(label, request);
      case 'verifyCode':
        if ((await answers.requestParam(request, 'oob_code')) !== undefined) return this.bindingCode(label, request, waitSeconds);
      // an app's code: fall through to the OTP grant's answers
      case 'verifyRecoveryCode': {
        const attempts = this.world.attemptsLeft() > 0;
        const accepted =
          service === 'verifyCode'
            ? this.world.wouldAcceptOtp((await answers.requestParam(request, 'otp')) ?? '')
            : attempts && this.matchesRecoveryCode((await answers.requestParam(request, 'recovery_code')) ?? '');
        if (label === 'done:ok') return real(accepted, service === 'verifyCode' ? () => answers.fakeTokens() : answers.fakeRecoveryGrant);
        if (label === 'error:invalid_otp' || label === 'error:invalid_recovery_code') {
          const what = service === 'verifyCode' ? 'otp_code' : 'recovery_code';
          return real(attempts && !accepted, () => answers.envelope(403, 'invalid_grant', `Invalid ${what}.`));
        }
        if (label === 'error:too_many_attempts') return this.lockedOut(service, label, request, outlastToken);
        break;
      }
    }
    throw new Error(`no way to realise ${service} ${label}`);
  }

  /** Too many wrong codes: a real lockout (the user's whole bucket spent with wrong codes), unless
   *  the wait must outlast the token (the emulator's lockout ends long before it). */
  private async lockedOut(service: answers.Service, label: string, request: Request, outlastToken: boolean): Promise<Response | undefined> {
    if (outlastToken) {
      this.note(service, label, false);
      return answers.envelope(429, 'too_many_attempts', 'Too many failed codes.', answers.rateLimitHeaders(this.h.now(), this.secondsPastToken()));
    }
    await this.world.drainAttempts((await answers.requestParam(request, 'mfa_token')) ?? '');
    return this.fromEmulator(service, label, request, () => answers.envelope(429, 'too_many_attempts', 'Too many failed codes.', answers.rateLimitHeaders(this.h.now(), 360)));
  }

  /** The code of a message (the mfa-oob grant with a binding code): the flow typed the outbox's code or another. */
  private async bindingCode(label: string, request: Request, waitSeconds: (fallback: number) => number): Promise<Response | undefined> {
    const service = 'verifyCode';
    if (label === 'error:oob_code_expired') this.h.advanceServer(OOB_CODE_TTL_MS + 1_000); // the message's code outlived
    if (label === 'error:too_many_attempts') return this.lockedOut(service, label, request, waitSeconds(0) > 0);
    const fallback = () =>
      label === 'done:ok'
        ? answers.fakeTokens()
        : label === 'error:oob_code_expired'
          ? answers.envelope(403, 'expired_token', 'oob_code is expired')
          : answers.envelope(403, 'invalid_grant', 'Invalid binding_code.');
    return this.fromEmulator(service, label, request, fallback);
  }

  /** One poll of a push: the emulated Guardian device answers (or not) first, as the user would. */
  private async poll(label: string, request: Request): Promise<Response | undefined> {
    const service = 'pollDevice';
    const enrolling = this.flow.getSnapshot().matches({ step: 'awaitingConfirmation' });
    const enrollment = this.flow.getSnapshot().context.enrollment;
    switch (label) {
      case 'done:ok':
        if (enrolling && enrollment?.factor === 'push') await this.world.scan(enrollment.barcodeUri);
        if (!enrolling) await this.world.answerPush('accept');
        return this.fromEmulator(service, label, request, () => answers.fakeTokens());
      case 'error:push_rejected':
        // A scan cannot be refused: only a sign-in request can be, on the device.
        if (!enrolling) await this.world.answerPush('reject');
        return this.fromEmulator(service, label, request, answers.pushRejected);
      case 'error:oob_code_expired':
        this.h.advanceServer(OOB_CODE_TTL_MS + 1_000);
        return this.fromEmulator(service, label, request, () => answers.envelope(403, 'expired_token', 'oob_code is expired'));
      case 'error:slow_down': {
        // Another tab of the same sign-in polled just before: this poll comes too soon.
        const form = new URLSearchParams(await request.clone().text());
        await this.world.token({ grant_type: GRANT.mfaOob, mfa_token: form.get('mfa_token') ?? '', oob_code: form.get('oob_code') ?? '' });
        return this.fromEmulator(service, label, request, () =>
          answers.envelope(429, 'slow_down', 'You are polling faster than the specified interval of 5 seconds.'));
      }
      case 'error:authorization_pending':
        return this.fromEmulator(service, label, request, () =>
          answers.envelope(403, 'authorization_pending', 'Authorization pending: please repeat the request in a few seconds.'));
    }
    throw new Error(`no way to realise ${service} ${label}`);
  }

  /** Lets the emulator answer; when its answer is not `label` (as the API client reads it), the fault answers instead. */
  private async fromEmulator(service: answers.Service, label: string, request: Request, fault: () => Response): Promise<Response> {
    const response = await this.h.emulator.app.request(request.clone());
    const got = await this.labelOf(service, request, response.clone());
    this.note(service, label, got === label);
    return got === label ? response : fault();
  }

  /** What the API client makes of an answer: `done:ok`, or `error:<code>`. */
  private async labelOf(service: answers.Service, request: Request, response: Response): Promise<string> {
    if (response.ok) return 'done:ok';
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const grant = new URLSearchParams(await request.clone().text()).get('grant_type') ?? '';
    const endpoint: Endpoint =
      service === 'challenge' ? 'challenge' : service === 'verifyRecoveryCode' ? 'recoveryCode' : grant.endsWith('mfa-otp') ? 'otp' : service === 'associate' ? 'associate' : 'oob';
    return `error:${errorFromResponse(endpoint, response, body).code}`;
  }

  /** The password grant's mfa_required, with or without `mfa_requirements`: the emulator always
   *  sends them (enroll for a user with no factor, challenge otherwise); without them is Auth0
   *  where that Early Access feature is off. */
  private async mfaRequired(label: string, request: Request): Promise<Response> {
    const response = await this.h.emulator.app.request(request.clone());
    const body = (await response.json()) as Record<string, unknown>;
    if (body.error !== 'mfa_required') throw new Error(`the password grant answered ${response.status} ${String(body.error)}`);
    const said = body.mfa_requirements as { enroll?: unknown[]; challenge?: unknown[] } | undefined;
    const wanted = label.slice('done:mfa_required'.length).replace(':', '');
    const got = said?.enroll?.length ? 'enroll' : said?.challenge?.length ? 'challenge' : '';
    this.note('passwordGrant', label, got === wanted);
    const { mfa_requirements: _dropped, ...rest } = body;
    const requirements = wanted === 'enroll' ? { enroll: [{ type: 'otp' }, { type: 'phone' }, { type: 'email' }, { type: 'push-notification' }] } : { challenge: [{ type: 'otp' }] };
    return new Response(JSON.stringify(got === wanted ? body : wanted === '' ? rest : { ...rest, mfa_requirements: requirements }), {
      status: response.status,
      headers: { 'content-type': 'application/json' },
    });
  }

  /** The emulator's list when the chart reads it as `wanted`; else a list that is. */
  private async listed(wanted: string, request: Request): Promise<Response> {
    const response = await this.h.emulator.app.request(request.clone());
    const got = response.ok ? listLabel(parseAuthenticators(await response.clone().json(), response.status)) : undefined;
    this.note('listAuthenticators', `done:${wanted}`, got === wanted);
    return got === wanted ? response : this.fakeList(wanted);
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
    const oob = (id: string, oobChannel: string, name: string) => ({ id, type: 'oob', active: true, oobChannel, name });
    const recovery = { id: 'recovery-code|dev_listed', type: 'recovery-code', active: true };
    switch (wanted) {
      case 'one':
        return answers.authenticatorList([otp(active[0] ?? 'totp|dev_fakeOne'), recovery]);
      case 'several':
        return answers.authenticatorList([...[...active, 'totp|dev_fakeA', 'totp|dev_fakeB'].slice(0, Math.max(2, active.length)).map(otp), recovery]);
      case 'other':
        return answers.authenticatorList([{ id: 'webauthn-roaming|dev_fake', type: 'webauthn-roaming', active: true }, recovery]);
      case 'email':
        return answers.authenticatorList([oob('email|dev_fake', 'email', 'd***@example.com'), recovery]);
      case 'every':
        return answers.authenticatorList([
          otp(active[0] ?? 'totp|dev_fakeOne'),
          oob('sms|dev_fakeP', 'sms', 'XXXXXXXX0123'),
          oob('voice|dev_fakeP', 'voice', 'XXXXXXXX0123'),
          oob('email|dev_fakeE', 'email', 'd***@example.com'),
          oob('push|dev_fakeG', 'auth0', 'Emulated Guardian'),
          recovery,
        ]);
      default:
        return answers.authenticatorList([]);
    }
  }

  // ---- the world a path starts in ------------------------------------------------------------

  /** The factors the user has before the path starts: what its first telling answer needs, so that
   *  the answers come from the emulator. */
  private setupFor(): 'none' | 'otp' | 'otp2' | 'email' | 'every' {
    for (let i = 1; i < this.steps.length; i++) {
      const event = this.steps[i]!.event;
      if (!isOutcome(event)) continue;
      const service = invokedService(this.steps[i - 1]!.state)?.service;
      const label = outcomeLabel(event);
      if (service === 'listAuthenticators' && label.startsWith('done:')) {
        const setups = { 'done:one': 'otp', 'done:several': 'otp2', 'done:email': 'email', 'done:every': 'every' } as const;
        return setups[label as keyof typeof setups] ?? 'none';
      }
      if (service === 'passwordGrant' && label === 'done:mfa_required:enroll') return 'none';
      if (service === 'passwordGrant' && label === 'done:mfa_required:challenge') return 'otp';
      if (service === 'associate' && (label === 'error:already_enrolled' || label === 'done:withRecoveryCode')) {
        return label === 'error:already_enrolled' ? 'otp' : 'none';
      }
      if ((service === 'challenge' || service === 'verifyRecoveryCode') && label === 'done:ok') return 'otp';
    }
    return 'none';
  }

  /** A user with the factors the path's first answers need (see setupFor), enrolled over HTTP. */
  private async prepareWorld(): Promise<void> {
    const setup = this.setupFor();
    if (setup !== 'none') {
      const mfaToken = await this.world.mfaToken();
      if (setup === 'email') await this.world.enrollOob('email', mfaToken);
      else await this.world.enrollFirst(mfaToken);
      if (setup === 'otp2') await this.world.enrollAnother(mfaToken);
      if (setup === 'every') {
        const enrollToken = await this.world.enrollToken(mfaToken);
        for (const factor of ['sms', 'email', 'push'] as OobFactor[]) await this.world.enrollOob(factor, mfaToken, enrollToken);
      }
    }
    this.chartNow = 0;
    this.chartBase = this.h.now();
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
