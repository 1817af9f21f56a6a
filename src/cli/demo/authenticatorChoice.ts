// Whether the chart's "which authenticator?" question means anything to the user. The mfa-otp
// grant names no authenticator: the server checks the code against every active OTP authenticator
// of the user, so when every listed factor is an authenticator app, a code from any of them works
// and asking which one only makes the user pick among equals. The demos then answer the question
// themselves with the first app and say that any app's code works. Once other factors (SMS, email,
// push) are listed beside the apps, the choice changes what happens and the demos ask again.
import type { Authenticator } from '../../index.js';

/** The authenticator to select on the user's behalf, or null when the choice is the user's to make. */
export function interchangeableApp(authenticators: readonly Authenticator[]): Authenticator | null {
  const first = authenticators[0];
  if (first === undefined) return null;
  return authenticators.every((authenticator) => authenticator.authenticatorType === 'otp') ? first : null;
}

/** How many authenticator apps the user has, for "a code from any of your N apps". */
export function appCount(authenticators: readonly Authenticator[]): number {
  return authenticators.filter((authenticator) => authenticator.authenticatorType === 'otp').length;
}
