// The terminal demo's questions for the factors beyond an authenticator app: which factor to
// enroll (and the phone number or email address it needs), the code a message carried (with "send
// it again" and "another method"), and the wait for a push. On the embedded emulator the emulated
// phone answers from here: the user types `s` to scan, `a` or `r` to accept or reject a push.
import QRCode from 'qrcode';
import type { FactorChoice, FactorType, FlowError } from '../../index.js';
import type { CodeAnswer, CodePrompt, DeviceAnswer, DeviceWait } from './driveFlow.js';
import type { EmulatedPhone } from './emulatedPhone.js';
import type { Prompter } from './prompter.js';

/** What a person reads for each factor when choosing one to enroll. */
export const ENROLL_LABELS: Readonly<Record<FactorType, string>> = {
  otp: 'Authenticator app (Google Authenticator, 1Password, Aegis…)',
  sms: 'Text message (SMS) to your phone',
  voice: 'Voice call to your phone',
  email: 'Email',
  push: 'Push notification to the Auth0 Guardian app',
};

/** Where a message's code came from, for "Code from the SMS: ". */
const MESSAGE_NAMES: Readonly<Partial<Record<FactorType, string>>> = { sms: 'the SMS', voice: 'the call', email: 'the email' };
export const messageName = (factor: FactorType | undefined) => MESSAGE_NAMES[factor ?? 'otp'];

/** A reply longer than a 6-digit code is taken for a recovery code. */
const looksLikeRecoveryCode = (answer: string) => answer.replace(/[\s-]/g, '').length > 6;

export interface FactorPromptOptions {
  prompter: Prompter;
  print: (line: string) => void;
  /** Present on the embedded emulator: the phone the demo can answer for. */
  phone?: EmulatedPhone;
  /** Suggested answers (the emulator's demo user); absent for a real tenant. */
  suggested?: { phoneNumber?: string; email?: () => string | undefined };
  reportError(error: FlowError | undefined): void;
}

export function factorPrompts({ prompter, print, phone, suggested, reportError }: FactorPromptOptions) {
  let lastChoice: FactorType | null = null;

  const askDetail = async (factor: FactorType): Promise<FactorChoice | null> => {
    if (factor === 'sms' || factor === 'voice') {
      const fallback = suggested?.phoneNumber;
      const answer = await prompter.ask(`Phone number with its country code${fallback ? ` [${fallback}]` : ''}: `);
      if (answer === null) return null;
      return { factor, phoneNumber: answer.trim() || fallback || '' };
    }
    if (factor === 'email') {
      const fallback = suggested?.email?.();
      const answer = await prompter.ask(`Email address${fallback ? ` [${fallback}]` : ''}: `);
      if (answer === null) return null;
      return { factor, email: answer.trim() || fallback || '' };
    }
    return { factor };
  };

  /** The emulated phone's refusal (an expired enrollment, a push answered already) is said, not fatal. */
  const tried = async (action: () => Promise<void>) => {
    try {
      await action();
      return true;
    } catch (error) {
      print(`✗ ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  };

  const qr = async (uri: string) => {
    try {
      print(await QRCode.toString(uri, { type: 'terminal', small: true }));
    } catch {
      print('(the QR code could not be drawn here)');
    }
  };

  return {
    async chooseFactor(factors: FactorType[], error: FlowError | undefined): Promise<FactorChoice | null> {
      reportError(error);
      // A refused phone number or address: ask for it again, not for the factor.
      if (lastChoice !== null && (error?.code === 'invalid_phone_number' || error?.code === 'invalid_email')) return askDetail(lastChoice);
      let factor = factors[0];
      if (factors.length > 1) {
        print('Which second factor do you want to set up?');
        factors.forEach((candidate, index) => print(`  ${index + 1}. ${ENROLL_LABELS[candidate]}`));
        for (;;) {
          const answer = await prompter.ask(`Which one [1-${factors.length}, Enter for 1]: `);
          if (answer === null) return null;
          factor = factors[answer.trim() === '' ? 0 : Number(answer) - 1];
          if (factor) break;
          print(`✗ Type a number from 1 to ${factors.length}.`);
        }
      }
      if (factor === undefined) return null;
      lastChoice = factor;
      return askDetail(factor);
    },

    /** The code of an enrollment's message. */
    async messageEnrollmentCode(factor: 'sms' | 'voice' | 'email', error: FlowError | undefined): Promise<string | null> {
      if (error) reportError(error);
      else print(`A code is on its way by ${factor === 'sms' ? 'SMS' : factor === 'voice' ? 'voice call' : 'email'}.`);
      return prompter.ask(`Code from ${messageName(factor)}: `);
    },

    /** A challenge's message code, with "send it again" and "another method". */
    async messageCode(error: FlowError | undefined, prompt: CodePrompt): Promise<CodeAnswer | null> {
      reportError(error);
      const others = prompt.canChange ? ', m: another method' : '';
      for (;;) {
        const answer = await prompter.ask(`Code from ${messageName(prompt.factor)} (r: send it again${others}, or a recovery code): `);
        if (answer === null) return null;
        const typed = answer.trim().toLowerCase();
        if (typed === 'r') {
          const waitMs = prompt.resendInMs() ?? 0;
          if (waitMs <= 0) return { resend: true };
          print(`✗ A code was just sent. You can ask for another in ${Math.ceil(waitMs / 1000)} s.`);
        } else if (typed === 'm') {
          if (prompt.canChange) return { change: true };
          print('✗ There is no other method on this account.');
        } else {
          return looksLikeRecoveryCode(answer) ? { recoveryCode: answer } : { otp: answer };
        }
      }
    },

    async waitForDevice(wait: DeviceWait, moved: AbortSignal): Promise<DeviceAnswer | null> {
      if (wait.kind === 'enrollment') {
        print('');
        print('Scan this QR code with the Auth0 Guardian app:');
        await qr(wait.barcodeUri);
        if (!phone) {
          print('Waiting for the Guardian app (Ctrl-C to give up)…');
          return 'wait';
        }
        for (;;) {
          const answer = await prompter.ask('This is the emulator: type s to scan it with the emulated Guardian app: ', { signal: moved });
          if (answer === null) return moved.aborted ? 'wait' : null;
          if (answer.trim().toLowerCase() !== 's') continue;
          if (!(await tried(() => phone.scan(wait.barcodeUri)))) continue;
          print('The emulated Guardian app scanned it; waiting for the server to confirm…');
          return 'wait';
        }
      }
      print('A push notification was sent to your phone: accept it there.');
      const others = wait.canChange ? ', m: another method' : '';
      const question = phone
        ? `On the emulated phone: a accepts, r rejects (or type ${others ? 'm for another method, or ' : ''}a recovery code): `
        : `Waiting for your phone (Ctrl-C gives up${others}, or type a recovery code): `;
      for (;;) {
        const answer = await prompter.ask(question, { signal: moved });
        if (answer === null) return moved.aborted ? 'wait' : null;
        const typed = answer.trim().toLowerCase();
        if (phone && (typed === 'a' || typed === 'r')) {
          const request = await phone.pendingPush();
          if (request === null) {
            print('✗ No push is waiting on the emulated phone.');
            continue;
          }
          if (!(await tried(() => phone.answerPush(request, typed === 'a' ? 'accept' : 'reject')))) continue;
          print(`The emulated phone ${typed === 'a' ? 'accepted' : 'rejected'} it; waiting for the flow to hear of it…`);
          return 'wait';
        }
        if (typed === 'm' && wait.canChange) return { change: true };
        if (looksLikeRecoveryCode(answer)) return { recoveryCode: answer };
      }
    },

    async deviceAnswered(error: FlowError, canChange: boolean): Promise<'again' | 'change' | null> {
      print(`✗ ${error.message}`);
      const answer = await prompter.ask(`Send another push? [Y/n${canChange ? ', m: another method' : ''}]: `);
      if (answer === null) return null;
      const typed = answer.trim().toLowerCase();
      if (typed === 'm' && canChange) return 'change';
      return /^n/.test(typed) ? null : 'again';
    },
  };
}
