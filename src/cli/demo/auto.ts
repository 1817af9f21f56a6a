// `mfa-flow demo --auto`: the whole story unattended, as a smoke test a user can run. Flow 1
// enrolls (the code computed from the secret), flow 2 signs in with a code from the next step,
// flow 3 signs in with the recovery code shown at enrollment and prints its replacement.
import type { TOTP } from 'otpauth';
import type { MfaFlowActor, MfaIntent } from '../../index.js';
import { authenticatorFor, type StepClock } from './codes.js';
import { driveFlow, type FlowOutcome, type Responder } from './driveFlow.js';

export interface AutoOptions {
  createFlow(intent: MfaIntent): MfaFlowActor;
  credentials(): Promise<{ username: string; password: string } | null>;
  clock: StepClock;
  /** Intent of the first flow (default enroll). */
  intent?: MfaIntent;
  print(line: string): void;
  signal?: AbortSignal;
}

export type AutoResult = { kind: 'ok' } | { kind: 'cancelled' } | { kind: 'failed'; message: string };

class AutoStop extends Error {}

/** A responder with no person behind it: any error is the end of the run. */
function autoResponder(
  credentials: AutoOptions['credentials'],
  code: () => { otp: string } | { recoveryCode: string },
  onEnrollment: Responder['enrollmentCode'],
  onRecoveryCodes: (codes: string[]) => void,
): Responder {
  const failOn = (error: { message: string } | undefined) => {
    if (error) throw new AutoStop(error.message);
  };
  return {
    async credentials(error) {
      failOn(error);
      return credentials();
    },
    enrollmentCode: onEnrollment,
    async acknowledgeRecoveryCodes(codes) {
      onRecoveryCodes(codes);
      return true;
    },
    async chooseAuthenticator(authenticators) {
      return authenticators[authenticators.length - 1]?.id ?? null;
    },
    async verificationCode(error) {
      failOn(error);
      return code();
    },
    lockedOut(error) {
      throw new AutoStop(error.message);
    },
    async retryAfter() {
      return false;
    },
  };
}

export async function runAutoDemo(options: AutoOptions): Promise<AutoResult> {
  const { print, clock } = options;
  // What enrollment showed, as a phone and a piece of paper would keep it.
  const kept: { app: TOTP | null; recoveryCode: string | null } = { app: null, recoveryCode: null };
  let cachedCredentials: { username: string; password: string } | null = null;
  const credentials = async () => (cachedCredentials ??= await options.credentials());

  const run = async (label: string, intent: MfaIntent, responder: Responder): Promise<FlowOutcome> => {
    const flow = options.createFlow(intent);
    flow.start();
    try {
      return await driveFlow(flow, responder);
    } catch (error) {
      flow.send({ type: 'cancel' });
      return { kind: 'failed', message: `${label}: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      flow.stop();
    }
  };
  const noCode = (): never => {
    throw new AutoStop('the account already has an authenticator whose secret this run does not know; --auto needs a user without one');
  };

  // 1. Enroll.
  print('[1/3] enroll: signing in and associating an authenticator');
  const enrolled = await run('enroll', options.intent ?? 'enroll', autoResponder(
    credentials,
    noCode,
    async (enrollment, error) => {
      if (error) throw new AutoStop(error.message);
      if (enrollment.factor !== 'otp') throw new AutoStop(`enroll: expected an authenticator app, the server enrolled ${enrollment.factor}`);
      kept.app = authenticatorFor(enrollment);
      print(`[1/3] enroll: secret ${enrollment.secret}`);
      print('[1/3] enroll: confirming with the current code, computed from the secret');
      return kept.app.generate({ timestamp: clock.now() });
    },
    (codes) => {
      kept.recoveryCode = codes[0] ?? null;
      print(`[1/3] enroll: recovery code ${kept.recoveryCode ?? '(none)'} (acknowledged)`);
    },
  ));
  if (enrolled.kind !== 'authenticated') return ended(enrolled);
  if (!enrolled.output.enrolled) return { kind: 'failed', message: 'enroll: the flow ended without enrolling an authenticator' };
  print('[1/3] enroll: authenticated, authenticator enrolled');
  const app = kept.app;
  if (!app) return { kind: 'failed', message: 'enroll: no secret was shown' };

  // 2. Challenge, with a code of the next step (the server refuses the enrollment's step again).
  print(clock.instant ? '[2/3] challenge: moving the emulator clock to the next 30 s step' : '[2/3] challenge: waiting for the next 30 s step');
  try {
    await clock.nextStep(options.signal);
  } catch {
    return { kind: 'cancelled' };
  }
  const challenged = await run('challenge', 'challenge', autoResponder(credentials, () => ({ otp: app.generate({ timestamp: clock.now() }) }), noCode, () => {}));
  if (challenged.kind !== 'authenticated') return ended(challenged);
  print('[2/3] challenge: authenticated with a code from the app');

  // 3. Recover with the code shown at enrollment.
  const savedRecoveryCode = kept.recoveryCode;
  if (!savedRecoveryCode) return { kind: 'failed', message: 'recovery: enrollment showed no recovery code (was the user enrolled before?)' };
  print('[3/3] recovery: signing in with the recovery code from step 1');
  const recovered = await run('recovery', 'challenge', autoResponder(credentials, () => ({ recoveryCode: savedRecoveryCode }), noCode, () => {}));
  if (recovered.kind !== 'authenticated') return ended(recovered);
  print(`[3/3] recovery: authenticated; new recovery code ${recovered.output.newRecoveryCode ?? '(none)'}`);
  if (!recovered.output.newRecoveryCode) return { kind: 'failed', message: 'recovery: no new recovery code came back' };

  print('All three flows succeeded: enroll, challenge, recovery.');
  return { kind: 'ok' };
}

function ended(outcome: Exclude<FlowOutcome, { kind: 'authenticated' }>): AutoResult {
  return outcome.kind === 'cancelled' ? { kind: 'cancelled' } : { kind: 'failed', message: outcome.message };
}
