// What a browser may send to a server flow: one UI event, checked field by field and rebuilt from
// the fields it may carry, so nothing else reaches the chart. `mfaToken.provide` is not among them:
// on the server the MFA token comes from the password grant, never from the browser.
import type { FactorType, MfaFlowEvent } from '../../machines/types.js';

const FACTORS: readonly FactorType[] = ['otp', 'sms', 'voice', 'email', 'push'];
/** Longer than any code, address, id or password a person types. */
const MAX_TEXT = 1_024;

type Fields = Record<string, 'text' | 'optionalText' | 'factor'>;

const UI_EVENTS: Record<string, Fields> = {
  'credentials.submit': { username: 'text', password: 'text' },
  'factor.choose': { factor: 'factor', phoneNumber: 'optionalText', email: 'optionalText' },
  'otp.submit': { otp: 'text' },
  'recoveryCode.submit': { recoveryCode: 'text' },
  'authenticator.select': { authenticatorId: 'text' },
  'authenticator.change': {},
  'code.resend': {},
  'recoveryCodes.acknowledge': {},
  retry: {},
  cancel: {},
};

export const UI_EVENT_TYPES = Object.keys(UI_EVENTS);

/** The event, or why it is not one a UI may send (a message free of the values sent). */
export function parseUiEvent(candidate: unknown): { event: MfaFlowEvent } | { problem: string } {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) return { problem: 'The body must be a JSON object.' };
  const { type, ...rest } = candidate as Record<string, unknown>;
  if (typeof type !== 'string' || !Object.hasOwn(UI_EVENTS, type)) return { problem: `"type" must be one of ${UI_EVENT_TYPES.join(', ')}.` };
  const fields = UI_EVENTS[type]!;
  const event: Record<string, unknown> = { type };
  for (const key of Object.keys(rest)) {
    if (!Object.hasOwn(fields, key)) return { problem: `"${type}" takes no field "${key}".` };
  }
  for (const [key, kind] of Object.entries(fields)) {
    const value = rest[key];
    if (value === undefined && kind === 'optionalText') continue;
    if (kind === 'factor') {
      if (typeof value !== 'string' || !FACTORS.includes(value as FactorType)) return { problem: `"${key}" must be one of ${FACTORS.join(', ')}.` };
    } else if (typeof value !== 'string' || value.length > MAX_TEXT) {
      return { problem: `"${key}" must be a string of at most ${MAX_TEXT} characters.` };
    }
    event[key] = value;
  }
  return { event: event as MfaFlowEvent };
}
