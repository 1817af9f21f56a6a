// How many authenticator apps the user has, for "a code from any of your N apps": the mfa-otp
// grant names no authenticator, so the chart challenges the first of several apps by itself (it
// asks only when the user's factors differ) and the demos say that any app's code works.
import type { ChallengeableAuthenticator } from '../../index.js';

export function appCount(authenticators: readonly ChallengeableAuthenticator[]): number {
  return authenticators.filter((authenticator) => authenticator.factor === 'otp').length;
}
