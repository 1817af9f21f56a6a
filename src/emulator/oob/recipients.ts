// Where out-of-band messages go: checking a phone number or email address a client gave, and
// masking one for the listed authenticator's `name` and for the emulator's message log.

/**
 * E.164 as Auth0's pages ask for it: `+`, a country code that does not start with 0, and at most
 * 15 digits in all. Seven is the fewest digits a dialable international number has.
 */
const E164 = /^\+[1-9]\d{6,14}$/;
const MAX_EMAIL_LENGTH = 254; // RFC 5321's limit on a forward path

export function isE164(value: string): boolean {
  return E164.test(value);
}

/** One `@`, something before it, a dotted domain after it, and nothing a mail header would choke on. */
export function isEmailAddress(value: string): boolean {
  if (value.length > MAX_EMAIL_LENGTH || /[\s\x00-\x1f\x7f<>(),;:"[\]\\]/.test(value)) return false;
  return /^[^@]+@[^@.]+(\.[^@.]+)+$/.test(value);
}

/** As Auth0 lists a phone authenticator: every character but the last four replaced, `XXXXXXXX8730`. */
export function phoneName(phoneNumber: string): string {
  return 'X'.repeat(Math.max(0, phoneNumber.length - 4)) + phoneNumber.slice(-4);
}

/** The listed `name` of an email authenticator: `d***@example.com`. */
export function emailName(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** For the message log: `+1••••0123`. */
export function phoneForLog(phoneNumber: string): string {
  return `${phoneNumber.slice(0, 2)}••••${phoneNumber.slice(-4)}`;
}

/** For the message log: `d••@example.com`. */
export function emailForLog(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}••${email.slice(at)}`;
}
