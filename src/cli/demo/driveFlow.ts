// Drives one MFA flow to its end by answering whatever the chart waits for. The answers come
// from a Responder: a person at the terminal, or `--auto` reading codes from the emulated phone.
import type {
  AuthenticatedOutput,
  ChallengeableAuthenticator,
  Enrollment,
  FactorChoice,
  FactorType,
  FlowError,
  MfaFlowActor,
  MfaFlowEvent,
} from '../../index.js';

type FlowSnapshot = ReturnType<MfaFlowActor['getSnapshot']>;

/** What a Responder gives back for a code prompt; `null` always means "stop" (Ctrl-C, end of input). */
export type CodeAnswer = { otp: string } | { recoveryCode: string } | { resend: true } | { change: true };

/** What the code prompt may offer beside the code. */
export interface CodePrompt {
  /** The factor challenged (an app's code, or a message's). */
  factor: FactorType | undefined;
  /** "Use another method": the user has other factors listed. */
  canChange: boolean;
  /** Milliseconds until "send the code again" opens (0: open now); null when no message was sent. */
  resendInMs(): number | null;
}

/** A push waiting for the phone: an enrollment to scan, or a sign-in to accept. */
export type DeviceWait = { kind: 'enrollment'; barcodeUri: string } | { kind: 'challenge'; canChange: boolean };
/** `wait`: keep waiting for the phone (the flow polls); the others are sent to the flow. */
export type DeviceAnswer = 'wait' | { change: true } | { recoveryCode: string };

export interface Responder {
  /** `error` is set when the last attempt failed (wrong password, expired session). */
  credentials(error: FlowError | undefined): Promise<{ username: string; password: string } | null>;
  /** Which factor to enroll, with its phone number or email address; `error` after a refused choice. */
  chooseFactor(factors: FactorType[], error: FlowError | undefined): Promise<FactorChoice | null>;
  /** Called once per new enrollment with `error` undefined, then again after each wrong code. */
  enrollmentCode(enrollment: Enrollment, error: FlowError | undefined): Promise<string | null>;
  acknowledgeRecoveryCodes(codes: string[]): Promise<boolean>;
  chooseAuthenticator(authenticators: ChallengeableAuthenticator[]): Promise<string | null>;
  verificationCode(error: FlowError | undefined, prompt: CodePrompt): Promise<CodeAnswer | null>;
  /** A push waits for the phone; `moved` aborts when the flow leaves the wait by itself (answered, expired). */
  waitForDevice(wait: DeviceWait, moved: AbortSignal): Promise<DeviceAnswer | null>;
  /** The push was refused on the phone or expired: send another, or use another method. */
  deviceAnswered(error: FlowError, canChange: boolean): Promise<'again' | 'change' | null>;
  /** The flow is locked out; the chart itself waits `waitMs` before a retry is possible. */
  lockedOut(error: FlowError, waitMs: number): void;
  /** Retry the step that failed (network, server), or after a lockout? `false` ends the flow as failed. */
  retryAfter(error: FlowError): Promise<boolean>;
}

export type FlowOutcome =
  | { kind: 'authenticated'; output: AuthenticatedOutput }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

/** States where the chart waits for the user, for the phone, or for its own timer (`locked.waiting`). */
function isResting(snapshot: FlowSnapshot): boolean {
  return (
    snapshot.status !== 'active' ||
    snapshot.matches({ step: { needMfaToken: 'idle' } }) ||
    snapshot.matches({ step: 'choosingFactor' }) ||
    snapshot.matches({ step: { awaitingConfirmation: 'idle' } }) ||
    snapshot.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }) ||
    snapshot.matches({ step: { listing: 'choosing' } }) ||
    snapshot.matches({ step: { verifying: 'idle' } }) ||
    snapshot.matches({ step: { verifying: 'deviceAnswered' } }) ||
    snapshot.hasTag('waitingForDevice') ||
    snapshot.matches('locked') ||
    snapshot.matches('failed')
  );
}

/** Resolves with the first snapshot `predicate` accepts; rejects if the flow stops or crashes first. */
function until(flow: MfaFlowActor, predicate: (snapshot: FlowSnapshot) => boolean): Promise<FlowSnapshot> {
  return new Promise((resolve, reject) => {
    const now = flow.getSnapshot();
    if (predicate(now)) return resolve(now);
    const subscription = flow.subscribe({
      next: (snapshot) => {
        if (!predicate(snapshot)) return;
        subscription.unsubscribe();
        resolve(snapshot);
      },
      error: (error) => reject(error),
      complete: () => {
        const last = flow.getSnapshot();
        if (predicate(last)) resolve(last);
        else reject(new Error('The flow stopped unexpectedly.'));
      },
    });
  });
}

/** An AbortSignal that fires once the flow stops waiting for the phone. */
function leftDeviceWait(flow: MfaFlowActor): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const subscription = flow.subscribe({
    next: (snapshot) => {
      if (!snapshot.hasTag('waitingForDevice')) controller.abort();
    },
    error: () => controller.abort(),
    complete: () => controller.abort(),
  });
  if (!flow.getSnapshot().hasTag('waitingForDevice')) controller.abort();
  return { signal: controller.signal, release: () => subscription.unsubscribe() };
}

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

export interface DriveHooks {
  /** Told of every event just before it is sent to the flow (the code advice listens here). */
  onSend?(event: MfaFlowEvent): void;
}

export async function driveFlow(flow: MfaFlowActor, responder: Responder, hooks: DriveHooks = {}): Promise<FlowOutcome> {
  let seenError: FlowError | null = null;
  const send = (event: MfaFlowEvent) => {
    hooks.onSend?.(event);
    flow.send(event);
    // Whatever error the flow holds once it rests again answers this event, even when it is the
    // very same object as before (the chart reuses one for every malformed code): report it.
    seenError = null;
  };
  const stop = (): FlowOutcome => {
    send({ type: 'cancel' });
    return { kind: 'cancelled' };
  };

  for (;;) {
    let snapshot: FlowSnapshot;
    try {
      snapshot = await until(flow, isResting);
    } catch (error) {
      return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
    if (snapshot.status === 'done') {
      return snapshot.output?.outcome === 'authenticated' ? { kind: 'authenticated', output: snapshot.output } : { kind: 'cancelled' };
    }
    if (snapshot.status !== 'active') return { kind: 'failed', message: 'The flow stopped unexpectedly.' };

    // An error is reported once; the same state without a new answer is a fresh question.
    const current = snapshot.context.error;
    const error = current !== null && current !== seenError ? current : undefined;
    seenError = current;
    const { context } = snapshot;
    const canChange = context.authenticators.length > 1;

    if (snapshot.matches({ step: { needMfaToken: 'idle' } })) {
      const credentials = await responder.credentials(error);
      if (!credentials) return stop();
      send({ type: 'credentials.submit', ...credentials });
    } else if (snapshot.matches({ step: 'choosingFactor' })) {
      const choice = await responder.chooseFactor(context.enrollableFactors, error);
      if (!choice) return stop();
      send({ type: 'factor.choose', ...choice });
    } else if (snapshot.matches({ step: { awaitingConfirmation: 'idle' } })) {
      const enrollment = context.enrollment;
      if (!enrollment) return { kind: 'failed', message: 'The server sent no enrollment.' };
      const otp = await responder.enrollmentCode(enrollment, error);
      if (otp === null) return stop();
      send({ type: 'otp.submit', otp });
    } else if (snapshot.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } })) {
      if (!(await responder.acknowledgeRecoveryCodes(context.enrollment?.recoveryCodes ?? []))) return stop();
      send({ type: 'recoveryCodes.acknowledge' });
    } else if (snapshot.matches({ step: { listing: 'choosing' } })) {
      const authenticatorId = await responder.chooseAuthenticator(context.authenticators);
      if (authenticatorId === null) return stop();
      send({ type: 'authenticator.select', authenticatorId });
    } else if (snapshot.matches({ step: { verifying: 'idle' } })) {
      const factor = context.authenticators.find((a) => a.id === context.authenticatorId)?.factor;
      const answer = await responder.verificationCode(error, {
        factor,
        canChange,
        resendInMs: () => {
          const at = flow.getSnapshot().context.timers.resendAvailableAt;
          return factor === 'otp' || factor === 'push' || at === null ? null : Math.max(0, at - Date.now());
        },
      });
      if (answer === null) return stop();
      if ('otp' in answer) send({ type: 'otp.submit', otp: answer.otp });
      else if ('recoveryCode' in answer) send({ type: 'recoveryCode.submit', recoveryCode: answer.recoveryCode });
      else if ('resend' in answer) send({ type: 'code.resend' });
      else send({ type: 'authenticator.change' });
    } else if (snapshot.hasTag('waitingForDevice')) {
      const enrollment = context.enrollment;
      const wait: DeviceWait =
        snapshot.matches({ step: 'awaitingConfirmation' }) && enrollment?.factor === 'push'
          ? { kind: 'enrollment', barcodeUri: enrollment.barcodeUri }
          : { kind: 'challenge', canChange };
      const left = leftDeviceWait(flow);
      try {
        const answer = await responder.waitForDevice(wait, left.signal);
        if (left.signal.aborted) continue; // answered on the phone, refused or expired: see where the flow went
        if (answer === null) return stop();
        if (answer === 'wait') await aborted(left.signal);
        else if ('change' in answer) send({ type: 'authenticator.change' });
        else send({ type: 'recoveryCode.submit', recoveryCode: answer.recoveryCode });
      } finally {
        left.release();
      }
    } else if (snapshot.matches({ step: { verifying: 'deviceAnswered' } })) {
      const answer = await responder.deviceAnswered(current ?? { code: 'push_rejected', message: 'The push was not accepted.' }, canChange);
      if (answer === null) return stop();
      send(answer === 'again' ? { type: 'code.resend' } : { type: 'authenticator.change' });
    } else if (snapshot.matches({ locked: 'waiting' })) {
      if (current) responder.lockedOut(current, Math.max(0, (context.timers.waitUntil ?? Date.now()) - Date.now()));
      try {
        await until(flow, (next) => !next.matches({ locked: 'waiting' }));
      } catch {
        return { kind: 'failed', message: 'The flow stopped unexpectedly.' };
      }
    } else {
      // failed, or locked.ready: both resume with `retry`.
      if (!current) return { kind: 'failed', message: 'The flow stopped without saying why.' };
      if (!(await responder.retryAfter(current))) {
        send({ type: 'cancel' });
        return { kind: 'failed', message: current.message };
      }
      send({ type: 'retry' });
    }
  }
}
