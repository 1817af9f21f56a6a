// Secrets: random flows (the same commands and faults as the model-based property) with an
// inspector behind the `mfa-flow/inspect` redaction layer, @statelyai/inspect with its
// redaction options, and the emulator's request log attached. No secret the flow handled (MFA
// token, OTP secret, barcode URI, codes typed, recovery codes, access and ID tokens, the
// password) may appear in anything they received, nor in any error message.
import { createInspector } from '@statelyai/inspect';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { inspectorRedaction, redactInspector } from '../../src/inspect/index.js';
import { normalizeOtp, normalizeRecoveryCode } from '../../machines/codes.js';
import type { MfaFlowContext, MfaFlowEvent } from '../../machines/types.js';
import { USER } from '../model/world.js';
import { commandArbitraries, finish, SubmitCredentials, type FlowModel } from './commands.js';
import { FlowSystem } from './flowSystem.js';
import { DEEP, describeRun, runSettings, watchUnhandledRejections } from './runSettings.js';

const unhandled = watchUnhandledRejections();
afterAll(() => unhandled.stop());

interface ActorRefSurface {
  sessionId?: unknown;
  id?: unknown;
  getSnapshot?: unknown;
  getPersistedSnapshot?: unknown;
  _parent?: unknown;
  logic?: { config?: unknown };
  options?: { input?: unknown };
  ref?: { getSnapshot?: () => { context?: unknown } };
}

/** Every string reachable from what an inspector was handed, read the way an inspector could. */
class Received {
  readonly strings = new Set<string>();
  private readonly visited = new WeakSet<object>();

  take(value: unknown, depth = 0): void {
    if (typeof value === 'string') {
      this.strings.add(value);
      return;
    }
    if (value === null || typeof value !== 'object' || depth > 40 || this.visited.has(value)) return;
    this.visited.add(value);
    const ref = value as ActorRefSurface;
    if (typeof ref.sessionId === 'string' && typeof ref.getSnapshot === 'function') {
      // An actor reference: its public surface, what an inspector can read of it at any time
      // (@statelyai/inspect reads sessionId, _parent and logic.config; `options` and `ref` are
      // public on every XState actor: the input it was started with, and the actor itself).
      this.take(ref.sessionId);
      this.take(ref.id);
      this.safely(() => this.take(ref.options?.input, depth + 1));
      this.take(ref.ref, depth + 1);
      this.safely(() => this.take((ref.getSnapshot as () => unknown)(), depth + 1));
      this.safely(() => this.take((ref.getPersistedSnapshot as (() => unknown) | undefined)?.(), depth + 1));
      this.safely(() => this.take(ref.logic?.config, depth + 1));
      this.take(ref._parent, depth + 1);
      return;
    }
    if (value instanceof Map) {
      for (const [k, v] of value) {
        this.take(k, depth + 1);
        this.take(v, depth + 1);
      }
      return;
    }
    if (value instanceof Set) {
      for (const v of value) this.take(v, depth + 1);
      return;
    }
    if (value instanceof Error) {
      this.take(value.message);
      this.take(String(value));
    }
    for (const key of Object.keys(value)) this.safely(() => this.take((value as Record<string, unknown>)[key], depth + 1));
    const json = this.safely(() => JSON.stringify(value));
    if (typeof json === 'string' && depth === 0) this.strings.add(json);
  }

  private safely<T>(read: () => T): T | undefined {
    try {
      return read();
    } catch {
      return undefined;
    }
  }
}

/** The secrets the flow handled, read from the live actor (unredacted) and from what was typed. */
class Secrets {
  readonly values = new Set<string>();
  /** Six-digit codes: found only where no digit touches them (timestamps are full of digits). */
  readonly otps = new Set<string>();

  fromContext(context: MfaFlowContext): void {
    const add = (v: string | null | undefined) => v && this.values.add(v);
    add(context.mfaToken);
    add(context.enrollToken);
    const { enrollment } = context;
    if (enrollment?.factor === 'otp') add(enrollment.secret);
    if (enrollment && enrollment.factor !== 'otp') add(enrollment.oobCode);
    if (enrollment && 'barcodeUri' in enrollment) add(enrollment.barcodeUri);
    add(context.oobCode);
    for (const code of context.enrollment?.recoveryCodes ?? []) add(code);
    add(context.tokens?.accessToken);
    add(context.tokens?.idToken);
    add(context.newRecoveryCode);
    if (context.submission?.kind === 'otp') this.otps.add(context.submission.code);
    else add(context.submission?.code);
  }

  fromEvent(event: MfaFlowEvent): void {
    if (event.type === 'credentials.submit' && event.password !== '') this.values.add(event.password);
    if (event.type === 'mfaToken.provide') this.values.add(event.mfaToken);
    if (event.type === 'otp.submit') {
      const otp = normalizeOtp(event.otp);
      if (otp) {
        this.otps.add(otp);
        if (event.otp !== otp) this.values.add(event.otp);
      }
    }
    if (event.type === 'recoveryCode.submit') {
      const code = normalizeRecoveryCode(event.recoveryCode);
      if (code) {
        this.values.add(code);
        this.values.add(event.recoveryCode);
      }
    }
  }

  /** Which secrets occur in `text`. */
  foundIn(text: string): string[] {
    const found = [...this.values].filter((s) => s.length >= 8 && text.includes(s));
    for (const otp of this.otps) if (new RegExp(`(?<![0-9])${otp}(?![0-9])`).test(text)) found.push(otp);
    return found;
  }
}

describe('no secret reaches an inspector, a log or an error message', () => {
  it('random flows with a redacting inspector and the emulator log attached', { timeout: DEEP ? 24 * 60 * 60 * 1000 : 120_000 }, async () => {
    const settings = runSettings(40, 1_000);
    const stats = { sequences: 0, inspectionEvents: 0, statelyEvents: 0, logLines: 0, errors: 0, secrets: 0 };
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'challenge' | 'enroll'>('challenge', 'enroll'),
        fc.constantFrom<0 | 1 | 2>(0, 1, 2),
        fc.commands(commandArbitraries(), { maxCommands: 14, size: '+1' }),
        async (intent, initialOtps, commands) => {
          const received = new Received();
          const logLines: string[] = [];
          const errorTexts: string[] = [];
          const secrets = new Secrets();
          let inspectionEvents = 0;
          const redacted = redactInspector((event: InspectionEvent) => {
            inspectionEvents++;
            received.take(event);
          });
          // @statelyai/inspect with the layer's options: what it would send to the inspector UI.
          const stately = createInspector({ send: (event: unknown) => void received.take(JSON.stringify(event)) }, { ...inspectorRedaction });
          const inspect = (event: InspectionEvent) => {
            // The raw event (before redaction) is read only for the errors it carries.
            const raw = event as { event?: { type?: string; error?: unknown } };
            if (raw.event?.type?.startsWith('xstate.error.actor.')) errorTexts.push(errorText(raw.event.error));
            redacted.next?.(event);
            stately.inspect.next?.(event);
          };
          const system = await FlowSystem.create({
            intent,
            initialOtps,
            emulator: { log: (line) => logLines.push(line) },
            flow: { inspect },
          });
          const send = system.flow.send.bind(system.flow);
          system.flow.send = (event: MfaFlowEvent) => {
            secrets.fromEvent(event);
            send(event);
          };
          system.flow.subscribe((snapshot) => {
            secrets.fromContext(snapshot.context);
            if (snapshot.context.error) errorTexts.push(JSON.stringify(snapshot.context.error), snapshot.context.error.message);
          });
          const model: FlowModel = { cancelled: false, settle: true, commands: 0 };
          try {
            await new SubmitCredentials('right').run(model, system);
            await fc.asyncModelRun(() => ({ model, real: system }), commands);
            await finish(system, model);
          } finally {
            system.stop();
          }
          await new Promise((resolve) => setTimeout(resolve, 5)); // @statelyai/inspect sends on the next tick
          for (const secret of system.world.secrets.values()) secrets.values.add(secret);
          for (const code of system.world.recoveryCodes) secrets.values.add(code);
          secrets.values.add(USER.password);

          const leaks = [
            ...[...received.strings].flatMap((s) => secrets.foundIn(s).map((secret) => `inspector: ${secret}`)),
            ...logLines.flatMap((line) => secrets.foundIn(line).map((secret) => `log: ${secret} in "${line}"`)),
            ...errorTexts.flatMap((text) => secrets.foundIn(text).map((secret) => `error: ${secret} in ${text}`)),
          ];
          stats.sequences++;
          stats.inspectionEvents += inspectionEvents;
          stats.logLines += logLines.length;
          stats.errors += errorTexts.length;
          stats.secrets += secrets.values.size + secrets.otps.size;
          if (leaks.length > 0) throw new Error(`secrets leaked:\n${[...new Set(leaks)].join('\n')}`);
          // The capture works: the inspector saw the chart, the log saw the requests.
          if (inspectionEvents === 0 || logLines.length === 0) throw new Error('nothing was captured');
          const rejections = unhandled.take();
          if (rejections.length > 0) throw new Error(`unhandled rejection: ${rejections.map(String).join('; ')}`);
        },
      ),
      settings,
    );
    console.log(describeRun('secrets property', settings, { ms: Math.round(performance.now() - started), ...stats }));
    expect(stats.sequences).toBeGreaterThanOrEqual(settings.numRuns ?? 0);
  });
});

describe('the actor references an inspector holds', () => {
  // An inspector is handed `actorRef` with every event and may keep it. Its `options` is public
  // XState API; for an invoked service, `options.input` is what the service was started with.
  it('expose no secret: not in actorRef.options.input (a service input), not through actorRef.ref (the raw actor)', async () => {
    const inputs: unknown[] = [];
    const contexts: unknown[] = [];
    const inspect = redactInspector((event: InspectionEvent) => {
      const ref = event.actorRef as ActorRefSurface;
      inputs.push(ref.options?.input);
      try {
        contexts.push(ref.ref?.getSnapshot?.().context);
      } catch {
        // `@xstate.actor` announces an actor before it has a snapshot.
      }
    });
    const system = await FlowSystem.create({ intent: 'challenge', initialOtps: 1, flow: { inspect } });
    try {
      await new SubmitCredentials('right').run({ cancelled: false, settle: true, commands: 0 }, system);
      const otp = system.world.rightOtp('verify')!;
      system.flow.send({ type: 'otp.submit', otp });
      await system.settle();
      expect(system.snapshot().value).toBe('authenticated');
      const leaks: string[] = [];
      if (JSON.stringify(inputs).includes(otp)) leaks.push(`actorRef.options.input holds the OTP typed (${otp})`);
      const mfaToken = findMfaToken(inputs);
      if (mfaToken) leaks.push(`actorRef.options.input holds the MFA token (${mfaToken.slice(0, 8)}…)`);
      if (JSON.stringify(inputs).includes(USER.password)) leaks.push('actorRef.options.input holds the password');
      // `actorRef.ref` is the actor itself: its snapshot must be the redacted one too.
      const raw = contexts.find((c) => {
        const token = (c as { mfaToken?: unknown } | undefined)?.mfaToken;
        return typeof token === 'string' && token !== '[redacted]';
      });
      if (raw) leaks.push('actorRef.ref.getSnapshot().context holds the MFA token unredacted');
      expect(leaks).toEqual([]);
    } finally {
      system.stop();
    }
  });
});

/** An MFA token as it appears, unredacted, in a service's input. */
function findMfaToken(inputs: unknown[]): string | undefined {
  for (const input of inputs) {
    const token = (input as { mfaToken?: unknown } | undefined)?.mfaToken;
    if (typeof token === 'string' && token !== '[redacted]' && token.length > 20) return token;
  }
  return undefined;
}

/** An error as a developer would see it: message, string form, its JSON, and its cause's message. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return JSON.stringify(error) ?? String(error);
  const cause = (error as { cause?: unknown }).cause;
  return [error.message, String(error), JSON.stringify(error), cause instanceof Error ? cause.message : ''].join(' | ');
}
