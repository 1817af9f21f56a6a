// The factors, as the chart reasons about them: which one a listed authenticator is, the words a
// person reads for it, which factors a user may enroll now, and the local checks of a phone
// number or an email address before anything is sent. Pure.
import type { Authenticator, ChallengeableAuthenticator, FactorType, MfaRequirements } from './types.js';

export const FACTOR_TYPES: readonly FactorType[] = ['otp', 'sms', 'voice', 'email', 'push'];

const BY_OOB_CHANNEL: Readonly<Record<string, FactorType>> = { sms: 'sms', voice: 'voice', email: 'email', auth0: 'push' };

/** Which factor a listed authenticator is; undefined for a recovery code or one this chart does not know. */
export function factorOf(authenticator: Authenticator): FactorType | undefined {
  if (authenticator.authenticatorType === 'otp') return 'otp';
  if (authenticator.authenticatorType === 'email') return 'email';
  return authenticator.authenticatorType === 'oob' ? BY_OOB_CHANNEL[authenticator.oobChannel ?? ''] : undefined;
}

/** The last digits of a (masked) phone number, as "••••0123". */
function maskedPhone(name: string | undefined): string {
  const digits = (name ?? '').replace(/\D/g, '');
  return digits.length >= 4 ? `••••${digits.slice(-4)}` : 'your phone';
}

/** An email address with its local part masked, as "j••@example.com" (Auth0 masks with `*`). */
function maskedEmail(name: string | undefined): string {
  const [local = '', domain] = (name ?? '').split('@');
  return domain === undefined ? 'your email address' : `${local.replace(/\*+/g, '').slice(0, 1)}••@${domain}`;
}

/** What a person reads for a factor: "Authenticator app", "SMS to ••••0123", "Email to j••@example.com". */
export function labelFor(factor: FactorType, name?: string): string {
  switch (factor) {
    case 'otp':
      return 'Authenticator app';
    case 'sms':
      return `SMS to ${maskedPhone(name)}`;
    case 'voice':
      return `Call to ${maskedPhone(name)}`;
    case 'email':
      return `Email to ${maskedEmail(name)}`;
    case 'push':
      return 'Push to your phone';
  }
}

/** Factors a user can be challenged with: active ones of a known factor, labelled. A recovery
 *  code is not among them: it is a grant, offered beside whatever is challenged. */
export function challengeableAuthenticators(listed: readonly Authenticator[]): ChallengeableAuthenticator[] {
  const out: ChallengeableAuthenticator[] = [];
  for (const authenticator of listed) {
    const factor = authenticator.active ? factorOf(authenticator) : undefined;
    if (factor !== undefined) out.push({ id: authenticator.id, factor, label: labelFor(factor, authenticator.name) });
  }
  return out;
}

/** Auth0's names in `mfa_requirements` (auth0-auth-js `MfaRequiredFactorType`) → factors. */
const REQUIREMENT_FACTORS: Readonly<Record<string, readonly FactorType[]>> = {
  otp: ['otp'],
  phone: ['sms', 'voice'],
  sms: ['sms'],
  voice: ['voice'],
  email: ['email'],
  'push-notification': ['push'],
  oob: ['sms', 'voice', 'email', 'push'],
};

/** The factors offered by the app that the server lets this user enroll (all offered when it does not say). */
export function enrollableFactors(offered: readonly FactorType[], requirements: MfaRequirements | null): FactorType[] {
  const allowed = requirements?.enroll;
  if (allowed === undefined || allowed.length === 0) return [...offered];
  const permitted = new Set(allowed.flatMap((type) => REQUIREMENT_FACTORS[type] ?? []));
  return offered.filter((factor) => permitted.has(factor));
}

/** A phone number in E.164 once spaces, dashes, dots and parentheses are removed; else null. */
export function normalizePhoneNumber(raw: string): string | null {
  const phone = raw.replace(/[\s().-]+/g, '');
  return /^\+[1-9]\d{6,14}$/.test(phone) ? phone : null;
}

/** An email address (one `@`, a dotted domain, no spaces), trimmed; else null. */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && email.length <= 254 ? email : null;
}

/** The factors whose enrollment needs nothing typed: chosen by themselves when they are the only one. */
export const needsNoDetails = (factor: FactorType) => factor === 'otp' || factor === 'push';

/** Factors whose code the user receives in a message (and may ask to be sent again). */
export const isMessageFactor = (factor: FactorType | undefined) => factor === 'sms' || factor === 'voice' || factor === 'email';
