// The system under test for the model-based properties: one real flow (createMfaFlow, ky, the
// real services) against one in-process emulator, a queue of server faults that answer the
// next requests instead of the emulator, and monitors on every request: what was sent after a
// cancel, how many code checks were in flight at once, which codes and tokens the emulator
// accepted and issued. Invariants read these records; they never trust the flow's own word.
import { waitFor } from 'xstate';
import type { MfaFlowActor } from '../../src/index.js';
import type { CreateMfaFlowOptions } from '../../src/flow/createMfaFlow.js';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { createFlowHarness, type Fault, type FlowHarness } from '../flow/flowHarness.js';
import { TEST_SIGNING_KEY } from '../helpers/signingKey.js';
import { invokedService } from '../model/chartModel.js';
import * as answers from '../model/serverAnswers.js';
import { normalizeRecovery, USER, World } from '../model/world.js';
import { otpSecret } from '../helpers/enrollment.js';

/** Real milliseconds a request may take before ky gives up (the "slower than the timeout" fault waits longer). */
export const REQUEST_TIMEOUT_MS = 150;

export type FaultKind = '500' | '500html' | '503' | '429rate' | '429attempts' | 'notJson' | 'wrongShape' | 'reset' | 'slow';
export const FAULT_KINDS: readonly FaultKind[] = ['500', '500html', '503', '429rate', '429attempts', 'notJson', 'wrongShape', 'reset', 'slow'];

export interface SystemOptions {
  intent: 'enroll' | 'challenge';
  /** Confirmed OTP authenticators the user has before the flow starts. */
  initialOtps: 0 | 1 | 2;
  emulator?: EmulatorOptions;
  flow?: Partial<CreateMfaFlowOptions>;
  /** Wraps each server answer (the scheduled test delays them through fast-check's scheduler). */
  deliver?: (service: answers.Service, response: Promise<Response>) => Promise<Response>;
}

export interface Monitor {
  violations: string[];
  /** Requests sent, by service, in order. */
  requests: answers.Service[];
  verifyInFlight: number;
  maxVerifyInFlight: number;
  /** Set when `cancel` was sent: the number of requests started by then. */
  requestsAtCancel: number | null;
  /** Access tokens the emulator issued to this flow. */
  issuedAccessTokens: Set<string>;
  /** Normalised recovery codes the emulator accepted. */
  acceptedRecoveryCodes: string[];
  /** Whether the last 429 too_many_attempts the flow saw came from an injected fault. */
  lastLockoutInjected: boolean;
  faultsUsed: Map<FaultKind, number>;
  /** Commands that ran while a code check was in flight (the races the scheduled test is after). */
  commandsDuringCodeCheck: number;
  /** Times the flow entered `locked`, by the emulator's own bucket or by an injected 429. */
  lockouts: { real: number; injected: number };
}

/** Like fetch: an abort rejects at once, whatever the answer is doing. */
function abortable(answer: Promise<Response>, signal: AbortSignal): Promise<Response> {
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    answer.then(resolve, reject);
  });
}

export class FlowSystem {
  readonly h: FlowHarness;
  readonly world: World;
  flow!: MfaFlowActor;
  readonly options: SystemOptions;
  readonly pendingFaults: FaultKind[] = [];
  readonly monitor: Monitor = {
    violations: [],
    requests: [],
    verifyInFlight: 0,
    maxVerifyInFlight: 0,
    requestsAtCancel: null,
    issuedAccessTokens: new Set(),
    acceptedRecoveryCodes: [],
    lastLockoutInjected: false,
    faultsUsed: new Map(),
    commandsDuringCodeCheck: 0,
    lockouts: { real: 0, injected: 0 },
  };
  /** Audit-log length when the flow started: what came before was setup. */
  auditBaseline = 0;
  /** The emulator's work on requests, which goes on after the client aborts (the monitor records its outcome). */
  private readonly processing = new Set<Promise<unknown>>();
  /** Services the flow has invoked (each sends one request, unless it is stopped first). */
  invocations = 0;
  private readonly seenChildren = new Set<string>();

  private constructor(options: SystemOptions) {
    this.options = options;
    this.h = createFlowHarness({ signingKey: TEST_SIGNING_KEY, ...options.emulator });
    this.world = new World(this.h);
    this.h.faults.push(((request: Request) => this.answer(request)) as Fault);
  }

  static async create(options: SystemOptions): Promise<FlowSystem> {
    const system = new FlowSystem(options);
    // One password grant for the whole setup: each costs a real (scrypt) password check.
    const mfaToken = options.initialOtps >= 1 ? await system.world.mfaToken() : undefined;
    if (options.initialOtps >= 1) await system.world.enrollFirst(mfaToken);
    if (options.initialOtps >= 2) await system.world.enrollAnother(mfaToken);
    system.auditBaseline = system.h.emulator.store.events().length;
    system.flow = system.h.flow({ intent: options.intent, timeoutMs: REQUEST_TIMEOUT_MS, ...options.flow });
    let wasLocked = false;
    system.flow.subscribe({
      next: (snapshot) => {
        const locked = snapshot.matches('locked');
        if (locked && !wasLocked) system.monitor.lockouts[system.monitor.lastLockoutInjected ? 'injected' : 'real']++;
        wasLocked = locked;
        for (const child of Object.values(snapshot.children) as Array<{ sessionId: string } | undefined>) {
          if (child && !system.seenChildren.has(child.sessionId)) {
            system.seenChildren.add(child.sessionId);
            system.invocations++;
          }
        }
        const { enrollment, newRecoveryCode } = snapshot.context;
        if (enrollment) {
          system.world.learnSecret(otpSecret(enrollment));
          for (const code of enrollment.recoveryCodes ?? []) system.world.recoveryCodes.add(code);
        }
        if (newRecoveryCode) system.world.recoveryCodes.add(newRecoveryCode);
      },
      error: (error) => system.monitor.violations.push(`the actor failed: ${String(error)}`),
    });
    system.flow.start();
    return system;
  }

  snapshot() {
    return this.flow.getSnapshot();
  }

  /** Waits until no request of the flow is outstanding; a flow that stays busy is stuck. */
  async settle(limitMs = REQUEST_TIMEOUT_MS * 4 + 2_000): Promise<void> {
    try {
      await waitFor(this.flow, (s) => s.status !== 'active' || invokedService(s) === undefined, { timeout: limitMs });
    } catch {
      this.monitor.violations.push(`stuck: still ${JSON.stringify(this.snapshot().value)} after ${limitMs} ms`);
    }
    // A request the client gave up on (timeout) may still be processed: let the records catch up.
    await Promise.allSettled([...this.processing]);
  }

  /** Until every service the flow invoked has sent its request (bounded: one stopped first never does). */
  async requestsSent(): Promise<void> {
    for (let i = 0; i < 50 && this.monitor.requests.length < this.invocations; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Moves both clocks: the emulator's and the chart's timers. */
  advance(ms: number): void {
    this.h.advance(ms);
  }

  stop(): void {
    this.flow.stop();
  }

  // ---- every request passes here -------------------------------------------------------------

  private async answer(request: Request): Promise<Response> {
    const service = await answers.serviceOf(request);
    const monitor = this.monitor;
    if (!service) {
      monitor.violations.push(`unknown request ${request.method} ${new URL(request.url).pathname}`);
      return answers.envelope(404, 'not_found', 'unknown');
    }
    monitor.requests.push(service);
    if (monitor.requestsAtCancel !== null) monitor.violations.push(`${service} request started after cancel`);
    // A code check is in flight from the moment it is sent until its answer arrives or the client aborts it.
    const verify = service === 'verifyCode' || service === 'verifyRecoveryCode';
    let released = !verify;
    const release = () => {
      if (!released) {
        released = true;
        monitor.verifyInFlight--;
      }
    };
    if (verify) {
      monitor.verifyInFlight++;
      monitor.maxVerifyInFlight = Math.max(monitor.maxVerifyInFlight, monitor.verifyInFlight);
      if (monitor.verifyInFlight > 1) monitor.violations.push(`${monitor.verifyInFlight} code checks in flight at once`);
      request.signal.addEventListener('abort', release, { once: true });
    }
    try {
      const fault = this.pendingFaults.shift();
      const produced = fault === undefined ? this.fromEmulator(service, request) : this.fromFault(fault, service, request);
      this.processing.add(produced);
      const forget = () => void this.processing.delete(produced);
      produced.then(forget, forget);
      const delivered = this.options.deliver ? this.options.deliver(service, produced) : produced;
      return await abortable(delivered, request.signal);
    } finally {
      release();
    }
  }

  private async fromEmulator(service: answers.Service, request: Request): Promise<Response> {
    const submitted =
      service === 'verifyRecoveryCode' ? await answers.requestParam(request, 'recovery_code') : undefined;
    const response = await this.h.emulator.app.request(request);
    if (response.status === 429) {
      const body = (await response.clone().json()) as { error?: string };
      if (body.error === 'too_many_attempts') this.monitor.lastLockoutInjected = false;
    }
    if (response.ok && (service === 'verifyCode' || service === 'verifyRecoveryCode')) {
      const body = (await response.clone().json()) as { access_token?: string };
      if (body.access_token) this.monitor.issuedAccessTokens.add(body.access_token);
      if (submitted !== undefined) {
        const code = normalizeRecovery(submitted);
        if (this.monitor.acceptedRecoveryCodes.includes(code)) this.monitor.violations.push('a recovery code was accepted twice');
        this.monitor.acceptedRecoveryCodes.push(code);
      }
    }
    return response;
  }

  private fromFault(kind: FaultKind, service: answers.Service, request: Request): Promise<Response> {
    this.monitor.faultsUsed.set(kind, (this.monitor.faultsUsed.get(kind) ?? 0) + 1);
    const now = this.h.now();
    switch (kind) {
      case '500':
        return Promise.resolve(answers.serverError());
      case '500html':
        return Promise.resolve(answers.serverErrorHtml());
      case '503':
        return Promise.resolve(answers.unavailable());
      case '429rate':
        return Promise.resolve(answers.rateLimited(now, 1 + (this.monitor.requests.length % 5)));
      case '429attempts':
        // The chart locks on it after a code check, and (chart v3) after an associate or a challenge too.
        if (service !== 'passwordGrant' && service !== 'listAuthenticators') this.monitor.lastLockoutInjected = true;
        return Promise.resolve(
          answers.envelope(429, 'too_many_attempts', 'Too many failed codes.', answers.rateLimitHeaders(now, 30 + (this.monitor.requests.length % 300))),
        );
      case 'notJson':
        return Promise.resolve(answers.notJson(this.monitor.requests.length % 2 === 0 ? 200 : 502));
      case 'wrongShape':
        return Promise.resolve(answers.wrongShape(service));
      case 'reset':
        return answers.connectionReset();
      case 'slow':
        return answers.hang(request);
    }
  }

  // ---- facts about the world ------------------------------------------------------------------

  /** Audit-log events of the emulator since the flow started. */
  flowEvents(type: string) {
    return this.h.emulator.store.events().slice(this.auditBaseline).filter((e) => e.type === type);
  }

  attemptsLeft(atMs = this.h.now()): number {
    return this.h.emulator.store.attemptsRemaining(USER.email, atMs);
  }
}
