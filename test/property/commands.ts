// One small command per thing a user does or a server does wrong, for fc.commands. Each acts
// on the real flow (whatever state it is in: a command that makes no sense there must be
// harmless), lets the flow settle, then checks every invariant.
import fc from 'fast-check';
import { DEFAULT_LOCKOUT_MS, DEFAULT_RATE_LIMIT_MS } from '../../machines/mfaFlow.js';
import { normalizeOtp, normalizeRecoveryCode } from '../../machines/codes.js';
import { USER } from '../model/world.js';
import { FAULT_KINDS, type FaultKind, type FlowSystem } from './flowSystem.js';
import { valueKey, violations, type InvariantContext } from './invariants.js';
import { otpSecret } from '../helpers/enrollment.js';

export interface FlowModel extends InvariantContext {
  /** Scheduled runs must not wait for answers inside a command (the scheduler delivers them). */
  settle: boolean;
  commands: number;
}

const STEP_MS = 30_000;

export abstract class FlowCommand implements fc.AsyncCommand<FlowModel, FlowSystem> {
  check(): boolean {
    return true;
  }

  async run(model: FlowModel, system: FlowSystem): Promise<void> {
    model.commands++;
    if (system.monitor.verifyInFlight > 0) system.monitor.commandsDuringCodeCheck++;
    if (system.snapshot().status === 'active') this.act(model, system);
    // Settle: wait for every answer. Scheduled: only until the requests are out, so that the
    // scheduler (not the order of events in node) decides whether an answer or a command comes next.
    if (model.settle) await system.settle();
    else await system.requestsSent();
    const broken = violations(system, model, { atRest: model.settle });
    if (broken.length > 0) throw new Error(`after ${this.toString()}: ${broken.join('; ')}`);
  }

  protected abstract act(model: FlowModel, system: FlowSystem): void;
  abstract toString(): string;
}

/** Code-entry states, where waiting for the next TOTP step is what a user would do. */
const typingCode = (system: FlowSystem) => ['step.awaitingConfirmation.idle', 'step.verifying.idle'].includes(valueKey(system.snapshot().value));

export class SubmitCredentials extends FlowCommand {
  constructor(readonly kind: 'right' | 'wrong' | 'blank') {
    super();
  }
  act(_: FlowModel, system: FlowSystem) {
    const password = this.kind === 'right' ? USER.password : this.kind === 'wrong' ? 'not-the-password' : '';
    system.flow.send({ type: 'credentials.submit', username: this.kind === 'blank' ? '  ' : USER.email, password });
  }
  toString() {
    return `credentials(${this.kind})`;
  }
}

export class SubmitOtp extends FlowCommand {
  constructor(
    readonly kind: 'right' | 'wrong' | 'malformed',
    readonly raw: string,
    readonly spaced: boolean,
  ) {
    super();
  }
  act(_: FlowModel, system: FlowSystem) {
    let otp = this.raw;
    if (this.kind !== 'malformed') {
      const snapshot = system.snapshot();
      const purpose = snapshot.matches({ step: 'awaitingConfirmation' }) ? 'confirm' : 'verify';
      const secret = otpSecret(snapshot.context.enrollment);
      // A user whose last code was just used waits for the next one.
      if (this.kind === 'right' && typingCode(system) && system.world.currentStepSpent(purpose, secret)) system.advance(STEP_MS);
      otp = (this.kind === 'right' ? system.world.rightOtp(purpose, secret) : undefined) ?? system.world.wrongOtp();
      if (this.spaced) otp = `${otp.slice(0, 3)} ${otp.slice(3)}`;
    }
    system.flow.send({ type: 'otp.submit', otp });
  }
  toString() {
    return this.kind === 'malformed' ? `otp(malformed ${JSON.stringify(this.raw)})` : `otp(${this.kind}${this.spaced ? ', spaced' : ''})`;
  }
}

/** A user who keeps mistyping: several wrong codes, each answered before the next. */
export class WrongCodesInARow extends FlowCommand {
  constructor(readonly count: number) {
    super();
  }
  override async run(model: FlowModel, system: FlowSystem): Promise<void> {
    for (let i = 1; i < this.count && model.settle && system.snapshot().status === 'active'; i++) {
      new SubmitOtp('wrong', '', false).act(model, system);
      await system.settle();
    }
    await super.run(model, system);
  }
  act(model: FlowModel, system: FlowSystem) {
    new SubmitOtp('wrong', '', false).act(model, system);
  }
  toString() {
    return `wrongCodesInARow(${this.count})`;
  }
}

export class SubmitRecoveryCode extends FlowCommand {
  constructor(
    readonly kind: 'valid' | 'used' | 'wrong' | 'malformed',
    readonly raw: string,
  ) {
    super();
  }
  act(_: FlowModel, system: FlowSystem) {
    const current = system.world.currentRecoveryCode();
    let code = this.raw;
    if (this.kind === 'valid') code = current ?? 'A'.repeat(24);
    if (this.kind === 'used') code = [...system.world.recoveryCodes].find((c) => c !== current) ?? 'B'.repeat(24);
    if (this.kind === 'wrong') code = 'WRONG0WRONG0WRONG0WRONG0';
    system.flow.send({ type: 'recoveryCode.submit', recoveryCode: this.kind === 'valid' ? code.toLowerCase().replace(/(.{4})(?!$)/g, '$1-') : code });
  }
  toString() {
    return this.kind === 'malformed' ? `recoveryCode(malformed ${JSON.stringify(this.raw)})` : `recoveryCode(${this.kind})`;
  }
}

export class SelectAuthenticator extends FlowCommand {
  constructor(
    readonly kind: 'listed' | 'unknown',
    readonly index: number,
  ) {
    super();
  }
  act(_: FlowModel, system: FlowSystem) {
    const listed = system.snapshot().context.authenticators.filter((a) => a.factor === 'otp');
    const authenticatorId = this.kind === 'listed' ? (listed[this.index % Math.max(1, listed.length)]?.id ?? 'totp|dev_none') : 'totp|dev_unknown';
    system.flow.send({ type: 'authenticator.select', authenticatorId });
  }
  toString() {
    return `select(${this.kind}${this.kind === 'listed' ? ` #${this.index}` : ''})`;
  }
}

export class Acknowledge extends FlowCommand {
  act(_: FlowModel, system: FlowSystem) {
    system.flow.send({ type: 'recoveryCodes.acknowledge' });
  }
  toString() {
    return 'acknowledge';
  }
}

export class Retry extends FlowCommand {
  act(_: FlowModel, system: FlowSystem) {
    system.flow.send({ type: 'retry' });
  }
  toString() {
    return 'retry';
  }
}

export class Cancel extends FlowCommand {
  act(model: FlowModel, system: FlowSystem) {
    system.monitor.requestsAtCancel = system.monitor.requests.length;
    system.flow.send({ type: 'cancel' });
    model.cancelled = system.snapshot().value === 'cancelled';
  }
  toString() {
    return 'cancel';
  }
}

export class AdvanceClock extends FlowCommand {
  constructor(readonly ms: number) {
    super();
  }
  act(_: FlowModel, system: FlowSystem) {
    system.advance(this.ms);
  }
  toString() {
    return `wait(${this.ms} ms)`;
  }
}

/** The server answers the next request of the flow this way, instead of the emulator. */
export class InjectFault extends FlowCommand {
  constructor(readonly kind: FaultKind) {
    super();
  }
  act(_: FlowModel, system: FlowSystem) {
    system.pendingFaults.push(this.kind);
  }
  toString() {
    return `fault(${this.kind})`;
  }
}

// ---- arbitraries -------------------------------------------------------------------------------

const malformedOtp = fc.oneof(fc.string({ maxLength: 10 }), fc.stringMatching(/^[0-9a-z ]{0,8}$/)).filter((s) => normalizeOtp(s) === null);
const malformedRecovery = fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^[A-Z0-9-]{0,23}$/)).filter((s) => normalizeRecoveryCode(s) === null);

export function commandArbitraries(options: { faults?: readonly FaultKind[]; cancel?: boolean } = {}) {
  const faults = options.faults ?? FAULT_KINDS;
  return [
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom<'right' | 'wrong' | 'blank'>('right', 'right', 'right', 'wrong', 'blank').map((k) => new SubmitCredentials(k)) },
      { weight: 8, arbitrary: fc.tuple(fc.constantFrom<'right' | 'wrong'>('right', 'right', 'wrong'), fc.boolean()).map(([k, spaced]) => new SubmitOtp(k, '', spaced)) },
      { weight: 1, arbitrary: malformedOtp.map((raw) => new SubmitOtp('malformed', raw, false)) },
      { weight: 2, arbitrary: fc.integer({ min: 2, max: 5 }).map((n) => new WrongCodesInARow(n)) },
      { weight: 3, arbitrary: fc.constantFrom<'valid' | 'used' | 'wrong'>('valid', 'used', 'wrong').map((k) => new SubmitRecoveryCode(k, '')) },
      { weight: 1, arbitrary: malformedRecovery.map((raw) => new SubmitRecoveryCode('malformed', raw)) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom<'listed' | 'unknown'>('listed', 'listed', 'unknown'), fc.nat(3)).map(([k, i]) => new SelectAuthenticator(k, i)) },
      { weight: 3, arbitrary: fc.constant(new Acknowledge()) },
      { weight: 4, arbitrary: fc.constant(new Retry()) },
      { weight: options.cancel === false ? 0 : 1, arbitrary: fc.constant(new Cancel()) },
      {
        weight: 4,
        arbitrary: fc
          .oneof(
            { weight: 4, arbitrary: fc.integer({ min: 1, max: 5_000 }) },
            { weight: 4, arbitrary: fc.integer({ min: 25_000, max: 65_000 }) },
            { weight: 1, arbitrary: fc.integer({ min: 300_000, max: 700_000 }) },
          )
          .map((ms) => new AdvanceClock(ms)),
      },
      { weight: 4, arbitrary: fc.constantFrom(...faults).map((k) => new InjectFault(k)) },
    ),
  ];
}

// ---- the end of every sequence: the user can still finish -------------------------------------

/**
 * With the server healthy again, a user who keeps doing the obvious thing reaches
 * `authenticated` from wherever the sequence left the flow (or stays `cancelled`).
 */
export async function finish(system: FlowSystem, model: FlowModel): Promise<void> {
  system.pendingFaults.length = 0;
  const trail: string[] = [];
  for (let i = 0; i < 40 && system.snapshot().status === 'active'; i++) {
    const snapshot = system.snapshot();
    const key = valueKey(snapshot.value);
    trail.push(key);
    const { context } = snapshot;
    switch (key) {
      case 'step.needMfaToken.idle':
        new SubmitCredentials('right').act(model, system);
        break;
      case 'step.awaitingConfirmation.idle':
      case 'step.verifying.idle': {
        const purpose = key.startsWith('step.awaiting') ? 'confirm' : 'verify';
        for (let j = 0; j < 40 && system.attemptsLeft() === 0; j++) system.advance(STEP_MS);
        if (system.world.currentStepSpent(purpose, otpSecret(context.enrollment))) system.advance(STEP_MS);
        const otp = system.world.rightOtp(purpose, otpSecret(context.enrollment));
        const recovery = system.world.currentRecoveryCode();
        if (otp === undefined && purpose === 'verify' && recovery) system.flow.send({ type: 'recoveryCode.submit', recoveryCode: recovery });
        else system.flow.send({ type: 'otp.submit', otp: otp ?? '000000' });
        break;
      }
      case 'step.awaitingConfirmation.acknowledgingRecoveryCodes':
        system.flow.send({ type: 'recoveryCodes.acknowledge' });
        break;
      case 'step.listing.choosing':
        new SelectAuthenticator('listed', 0).act(model, system);
        break;
      case 'locked.waiting':
        system.advance((context.error?.retryAfterMs ?? DEFAULT_LOCKOUT_MS) + 1);
        break;
      case 'rateLimited':
        system.advance((context.error?.retryAfterMs ?? DEFAULT_RATE_LIMIT_MS) + 1);
        break;
      default:
        system.flow.send({ type: 'retry' });
    }
    await system.settle();
  }
  const end = valueKey(system.snapshot().value);
  const wanted = model.cancelled ? 'cancelled' : 'authenticated';
  const broken = violations(system, model, { atRest: true });
  if (end !== wanted || broken.length > 0) {
    throw new Error(`the user could not finish: ended in ${end} (wanted ${wanted}) via ${trail.join(' → ')}${broken.length ? `; ${broken.join('; ')}` : ''}`);
  }
}

/** A double click: the same code sent twice in the same tick (then, maybe, a different one). */
export class DoubleSubmit extends FlowCommand {
  constructor(readonly third: 'none' | 'wrong' | 'recovery') {
    super();
  }
  act(model: FlowModel, system: FlowSystem) {
    const right = new SubmitOtp('right', '', false);
    right.act(model, system);
    right.act(model, system);
    if (this.third === 'wrong') new SubmitOtp('wrong', '', false).act(model, system);
    if (this.third === 'recovery') new SubmitRecoveryCode('valid', '').act(model, system);
  }
  toString() {
    return `doubleSubmit(${this.third})`;
  }
}
