// Drives one MFA flow to its end by answering whatever the chart waits for. The answers come
// from a Responder: a person at the terminal, or `--auto` computing codes from the secret.
import { waitFor } from 'xstate';
import type { AuthenticatedOutput, ChallengeableAuthenticator, Enrollment, FlowError, MfaFlowActor, MfaFlowEvent } from '../../index.js';

type FlowSnapshot = ReturnType<MfaFlowActor['getSnapshot']>;

/** What a Responder gives back; `null` always means "stop" (Ctrl-C, end of input). */
export type CodeAnswer = { otp: string } | { recoveryCode: string };

export interface Responder {
  /** `error` is set when the last attempt failed (wrong password, expired session). */
  credentials(error: FlowError | undefined): Promise<{ username: string; password: string } | null>;
  /** Called once per new enrollment with `error` undefined, then again after each wrong code. */
  enrollmentCode(enrollment: Enrollment, error: FlowError | undefined): Promise<string | null>;
  acknowledgeRecoveryCodes(codes: string[]): Promise<boolean>;
  chooseAuthenticator(authenticators: ChallengeableAuthenticator[]): Promise<string | null>;
  verificationCode(error: FlowError | undefined): Promise<CodeAnswer | null>;
  /** The flow is locked out; the chart itself waits `waitMs` before a retry is possible. */
  lockedOut(error: FlowError, waitMs: number): void;
  /** Retry the step that failed (network, server), or after a lockout? `false` ends the flow as failed. */
  retryAfter(error: FlowError): Promise<boolean>;
}

export type FlowOutcome =
  | { kind: 'authenticated'; output: AuthenticatedOutput }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

/** States where the chart waits for the user (or for its own timer, in `locked.waiting`). */
function isResting(snapshot: FlowSnapshot): boolean {
  return (
    snapshot.status !== 'active' ||
    snapshot.matches({ step: { needMfaToken: 'idle' } }) ||
    snapshot.matches({ step: { awaitingConfirmation: 'idle' } }) ||
    snapshot.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }) ||
    snapshot.matches({ step: { listing: 'choosing' } }) ||
    snapshot.matches({ step: { verifying: 'idle' } }) ||
    snapshot.matches('locked') ||
    snapshot.matches('failed')
  );
}

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
      snapshot = await waitFor(flow, isResting);
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

    if (snapshot.matches({ step: { needMfaToken: 'idle' } })) {
      const credentials = await responder.credentials(error);
      if (!credentials) return stop();
      send({ type: 'credentials.submit', ...credentials });
    } else if (snapshot.matches({ step: { awaitingConfirmation: 'idle' } })) {
      const enrollment = snapshot.context.enrollment;
      if (!enrollment) return { kind: 'failed', message: 'The server sent no enrollment.' };
      const otp = await responder.enrollmentCode(enrollment, error);
      if (otp === null) return stop();
      send({ type: 'otp.submit', otp });
    } else if (snapshot.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } })) {
      if (!(await responder.acknowledgeRecoveryCodes(snapshot.context.enrollment?.recoveryCodes ?? []))) return stop();
      send({ type: 'recoveryCodes.acknowledge' });
    } else if (snapshot.matches({ step: { listing: 'choosing' } })) {
      const authenticatorId = await responder.chooseAuthenticator(snapshot.context.authenticators);
      if (authenticatorId === null) return stop();
      send({ type: 'authenticator.select', authenticatorId });
    } else if (snapshot.matches({ step: { verifying: 'idle' } })) {
      const answer = await responder.verificationCode(error);
      if (answer === null) return stop();
      send('otp' in answer ? { type: 'otp.submit', otp: answer.otp } : { type: 'recoveryCode.submit', recoveryCode: answer.recoveryCode });
    } else if (snapshot.matches({ locked: 'waiting' })) {
      if (current) responder.lockedOut(current, Math.max(0, (snapshot.context.waitUntil ?? Date.now()) - Date.now()));
      try {
        await waitFor(flow, (next) => !next.matches({ locked: 'waiting' }));
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
