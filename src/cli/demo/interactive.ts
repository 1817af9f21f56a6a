// The terminal demo's person-at-the-keyboard side: prompts with defaults shown, the QR code drawn
// in the terminal, the secret and recovery codes as text. Never echoes a password or a token.
import QRCode from 'qrcode';
import type { ChallengeableAuthenticator, Enrollment, FlowError } from '../../index.js';
import type { CodeAdvice } from './codeAdvice.js';
import type { CodeAnswer, Responder } from './driveFlow.js';
import type { EmulatedPhone } from './emulatedPhone.js';
import { factorPrompts } from './factorPrompts.js';
import type { Prompter } from './prompter.js';

export interface InteractiveOptions {
  prompter: Prompter;
  print: (line: string) => void;
  /** Prefilled answers (the emulator's demo user); absent for a real tenant. */
  defaults?: { username: string; password: string };
  /** Better words for a refused code (replayed, lockout ahead); default: the chart's message. */
  advice?: CodeAdvice;
  /** On the embedded emulator: the phone that receives messages and pushes, answered from here. */
  phone?: EmulatedPhone;
  /** A phone number to suggest when enrolling SMS or voice (the emulator's demo). */
  suggestedPhoneNumber?: string;
}

export function formatWait(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
}

export function interactiveResponder({ prompter, print, defaults, advice, phone, suggestedPhoneNumber }: InteractiveOptions): Responder {
  const reportError = (error: FlowError | undefined) => {
    if (error) print(`✗ ${advice ? advice.messageFor(error) : error.message}`);
  };
  let lastUsername = defaults?.username;
  const factors = factorPrompts({
    prompter,
    print,
    ...(phone ? { phone } : {}),
    suggested: {
      ...(suggestedPhoneNumber ? { phoneNumber: suggestedPhoneNumber } : {}),
      // The address the user signed in with is the likeliest one to send a code to.
      email: () => lastUsername,
    },
    reportError,
  });

  return {
    async credentials(error) {
      reportError(error);
      const username = await prompter.ask(lastUsername ? `Email [${lastUsername}]: ` : 'Email: ');
      if (username === null) return null;
      const chosen = username.trim() || lastUsername || '';
      lastUsername = chosen;
      const password = await prompter.ask(
        defaults && chosen === defaults.username ? "Password [Enter for the demo user's]: " : 'Password: ',
        { secret: true },
      );
      if (password === null) return null;
      return { username: chosen, password: password || (defaults && chosen === defaults.username ? defaults.password : '') };
    },

    chooseFactor: factors.chooseFactor,
    waitForDevice: factors.waitForDevice,
    deviceAnswered: factors.deviceAnswered,

    async enrollmentCode(enrollment: Enrollment, error) {
      if (enrollment.factor === 'sms' || enrollment.factor === 'voice' || enrollment.factor === 'email') {
        return factors.messageEnrollmentCode(enrollment.factor, error);
      }
      if (error) reportError(error);
      else await showEnrollment(enrollment, print);
      return prompter.ask('Code from the app: ');
    },

    async acknowledgeRecoveryCodes(codes) {
      print('');
      print('Your recovery code (it signs you in once if you lose the app; it is shown only now):');
      for (const code of codes) print(`  ${code}`);
      return (await prompter.ask('Press Enter once you have saved it: ')) !== null;
    },

    async chooseAuthenticator(authenticators: ChallengeableAuthenticator[]) {
      print('How do you want to confirm it is you?');
      authenticators.forEach((authenticator, index) => print(`  ${index + 1}. ${authenticator.label}`));
      for (;;) {
        const answer = await prompter.ask(`Which one [1-${authenticators.length}, Enter for 1]: `);
        if (answer === null) return null;
        const index = answer.trim() === '' ? 0 : Number(answer) - 1;
        const chosen = authenticators[index];
        if (chosen) return chosen.id;
        print(`✗ Type a number from 1 to ${authenticators.length}.`);
      }
    },

    async verificationCode(error, prompt): Promise<CodeAnswer | null> {
      if (prompt.resendInMs() !== null) return factors.messageCode(error, prompt);
      reportError(error);
      const answer = await prompter.ask(prompt.canChange ? 'Code from the app (m: another method, or a recovery code): ' : 'Code from the app (or a recovery code): ');
      if (answer === null) return null;
      if (prompt.canChange && answer.trim().toLowerCase() === 'm') return { change: true };
      // Six digits are a code from the app; anything longer is taken for a recovery code.
      return answer.replace(/[\s-]/g, '').length > 6 ? { recoveryCode: answer } : { otp: answer };
    },

    lockedOut(error, waitMs) {
      print(`✗ ${error.message} Waiting ${formatWait(waitMs)} (Ctrl-C to give up)…`);
    },

    async retryAfter(error) {
      print(`✗ ${error.message}`);
      const answer = await prompter.ask('Try again? [Y/n]: ');
      return answer !== null && !/^n/i.test(answer.trim());
    },
  };
}

async function showEnrollment(enrollment: Enrollment, print: (line: string) => void): Promise<void> {
  print('');
  if (enrollment.factor !== 'otp') return;
  print('Scan this QR code with your authenticator app (Google Authenticator, 1Password, Aegis…):');
  try {
    print(await QRCode.toString(enrollment.barcodeUri, { type: 'terminal', small: true }));
  } catch {
    print('(the QR code could not be drawn here)');
  }
  print('Or add it by hand (time-based, 6 digits, every 30 s) with this key:');
  print(`Secret: ${enrollment.secret}`);
  print('');
}
