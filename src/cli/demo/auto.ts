// `mfa-flow demo --auto`: the whole story unattended, as a smoke test a user can run, for each
// factor in turn: flow 1 enrolls it, flow 2 signs in with it, flow 3 signs in with the recovery
// code shown at enrollment and prints its replacement. An app's codes are computed from the
// secret; a message's code is read from the emulator's outbox and a push is scanned and accepted
// by the emulated Guardian device, both over the emulator's HTTP routes (emulatedPhone.ts).
import type { TOTP } from 'otpauth';
import type { FactorChoice, FactorType, MfaFlowActor, MfaIntent } from '../../index.js';
import { authenticatorFor, type StepClock } from './codes.js';
import { driveFlow, type CodeAnswer, type DeviceAnswer, type FlowOutcome, type Responder } from './driveFlow.js';
import type { EmulatedPhone } from './emulatedPhone.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface AutoOptions {
  /** A flow that offers `factor` alone to enroll. */
  createFlow(intent: MfaIntent, factor: FactorType): MfaFlowActor;
  /** The factors to run, in order; each one by its own user, who has no factor yet. */
  factors: readonly FactorType[];
  /** That user's credentials (asked for, against a real tenant). */
  credentials(factor: FactorType): Promise<Credentials | null>;
  /** Where SMS and voice messages go. */
  phoneNumberFor(factor: FactorType): string;
  /** The emulated phone; absent against a real tenant, where only an authenticator app can run unattended. */
  phone?: EmulatedPhone;
  clock: StepClock;
  /** Intent of each factor's first flow (default enroll). */
  intent?: MfaIntent;
  print(line: string): void;
  signal?: AbortSignal;
}

export type AutoResult = { kind: 'ok' } | { kind: 'cancelled' } | { kind: 'failed'; message: string };

class AutoStop extends Error {}

type Phase = 'enroll' | 'challenge' | 'recovery';

/** What a phone and a piece of paper keep between the three flows of one factor. */
interface Kept {
  app: TOTP | null;
  recoveryCode: string | null;
}

interface FactorRun {
  factor: FactorType;
  user: Credentials;
  /** The factor choice to enroll it with (its phone number or email address). */
  choice: FactorChoice;
  kept: Kept;
  options: AutoOptions;
  tag: string;
}

/** A responder with no person behind it, for one flow of one factor: any error is the end of the run. */
function autoResponder(run: FactorRun, phase: Phase): Responder {
  const { factor, user, choice, kept, options, tag } = run;
  const { print, clock, phone } = options;
  const failOn = (error: { message: string } | undefined) => {
    if (error) throw new AutoStop(error.message);
  };
  const onlyWhenEnrolling = () => {
    if (phase !== 'enroll') throw new AutoStop('the account has no factor this run enrolled; --auto needs a user without one');
  };
  const needPhone = (): EmulatedPhone => {
    if (!phone) throw new AutoStop(`${factor} needs the emulator's outbox and device; against a real tenant --auto runs otp only`);
    return phone;
  };
  const recipient = choice.phoneNumber ?? choice.email ?? '';
  const messageCode = async () => {
    const code = await needPhone().latestCode(recipient);
    print(`[${tag}] ${phase}: the code from the emulated phone's ${factor === 'email' ? 'inbox' : factor === 'voice' ? 'call' : 'messages'}`);
    return code;
  };
  return {
    async credentials(error) {
      failOn(error);
      return user;
    },
    async chooseFactor(_offered, error) {
      failOn(error);
      onlyWhenEnrolling();
      return choice;
    },
    async enrollmentCode(enrollment, error) {
      failOn(error);
      onlyWhenEnrolling();
      if (enrollment.factor !== factor) throw new AutoStop(`expected ${factor}, the server enrolled ${enrollment.factor}`);
      if (enrollment.factor !== 'otp') return messageCode();
      kept.app = authenticatorFor(enrollment);
      print(`[${tag}] enroll: secret ${enrollment.secret}`);
      print(`[${tag}] enroll: confirming with the current code, computed from the secret`);
      return kept.app.generate({ timestamp: clock.now() });
    },
    async acknowledgeRecoveryCodes(codes) {
      kept.recoveryCode = codes[0] ?? null;
      print(`[${tag}] enroll: recovery code ${kept.recoveryCode ?? '(none)'} (acknowledged)`);
      return true;
    },
    async chooseAuthenticator(authenticators) {
      // Push brings an authenticator app along (Guardian holds one): pick the factor under test.
      return (authenticators.find((authenticator) => authenticator.factor === factor) ?? authenticators.at(-1))?.id ?? null;
    },
    async verificationCode(error): Promise<CodeAnswer> {
      failOn(error);
      if (phase === 'recovery' && kept.recoveryCode) return { recoveryCode: kept.recoveryCode };
      if (factor !== 'otp') return { otp: await messageCode() };
      if (!kept.app) throw new AutoStop('the account has an authenticator app whose secret this run does not know; --auto needs a user without one');
      return { otp: kept.app.generate({ timestamp: clock.now() }) };
    },
    async waitForDevice(wait): Promise<DeviceAnswer> {
      if (wait.kind === 'enrollment') {
        onlyWhenEnrolling();
        await needPhone().scan(wait.barcodeUri);
        print(`[${tag}] enroll: the emulated Guardian app scanned the QR code; waiting for the flow's next poll`);
        return 'wait';
      }
      if (phase === 'recovery' && kept.recoveryCode) return { recoveryCode: kept.recoveryCode };
      const request = await needPhone().pendingPush(user.username);
      if (request === null) throw new AutoStop('no push came to the emulated phone');
      await needPhone().answerPush(request, 'accept');
      print(`[${tag}] ${phase}: the emulated phone accepted the push; waiting for the flow's next poll`);
      return 'wait';
    },
    async deviceAnswered(error) {
      throw new AutoStop(error.message);
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
  for (const factor of options.factors) {
    const result = await runFactor(factor, options);
    if (result.kind !== 'ok') return result;
  }
  options.print(`All ${options.factors.length * 3} flows succeeded: enroll, challenge and recovery for ${options.factors.join(', ')}.`);
  return { kind: 'ok' };
}

async function runFactor(factor: FactorType, options: AutoOptions): Promise<AutoResult> {
  const { print, clock } = options;
  const user = await options.credentials(factor);
  if (!user) return { kind: 'cancelled' };
  const choice: FactorChoice =
    factor === 'sms' || factor === 'voice'
      ? { factor, phoneNumber: options.phoneNumberFor(factor) }
      : factor === 'email'
        ? { factor, email: user.username }
        : { factor };
  const run: FactorRun = { factor, user, choice, kept: { app: null, recoveryCode: null }, options, tag: '' };

  const flow = async (step: number, phase: Phase, intent: MfaIntent): Promise<FlowOutcome> => {
    run.tag = `${factor} ${step}/3`;
    const actor = options.createFlow(intent, factor);
    actor.start();
    try {
      return await driveFlow(actor, autoResponder(run, phase));
    } catch (error) {
      actor.send({ type: 'cancel' });
      return { kind: 'failed', message: `${factor} ${phase}: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      actor.stop();
    }
  };

  // 1. Enroll.
  print(`[${factor} 1/3] enroll: signing in as ${user.username} and setting up ${factor}`);
  const enrolled = await flow(1, 'enroll', options.intent ?? 'enroll');
  if (enrolled.kind !== 'authenticated') return ended(enrolled);
  if (!enrolled.output.enrolled) return { kind: 'failed', message: `${factor} enroll: the flow ended without enrolling anything` };
  print(`[${factor} 1/3] enroll: authenticated, ${factor} enrolled`);

  // 2. Challenge. An app's code of the enrollment's step would be refused again: use the next step.
  if (factor === 'otp') {
    print(clock.instant ? `[otp 2/3] challenge: moving the emulator clock to the next 30 s step` : `[otp 2/3] challenge: waiting for the next 30 s step`);
    try {
      await clock.nextStep(options.signal);
    } catch {
      return { kind: 'cancelled' };
    }
  }
  const challenged = await flow(2, 'challenge', 'challenge');
  if (challenged.kind !== 'authenticated') return ended(challenged);
  print(`[${factor} 2/3] challenge: authenticated with ${factor}`);

  // 3. Recover with the code shown at enrollment.
  const saved = run.kept.recoveryCode;
  if (!saved) return { kind: 'failed', message: `${factor} recovery: enrollment showed no recovery code (was the user enrolled before?)` };
  print(`[${factor} 3/3] recovery: signing in with the recovery code from step 1`);
  const recovered = await flow(3, 'recovery', 'challenge');
  if (recovered.kind !== 'authenticated') return ended(recovered);
  print(`[${factor} 3/3] recovery: authenticated; new recovery code ${recovered.output.newRecoveryCode ?? '(none)'}`);
  if (!recovered.output.newRecoveryCode) return { kind: 'failed', message: `${factor} recovery: no new recovery code came back` };
  return { kind: 'ok' };
}

function ended(outcome: Exclude<FlowOutcome, { kind: 'authenticated' }>): AutoResult {
  return outcome.kind === 'cancelled' ? { kind: 'cancelled' } : { kind: 'failed', message: outcome.message };
}
