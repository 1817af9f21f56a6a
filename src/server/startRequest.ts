// The body of `POST {base}/start`: which intent, and which of the app's factors to offer. The
// browser can narrow what the app offers, never widen it.
import type { FactorType, MfaIntent } from '../../machines/types.js';
import { ServerAnswer } from './answers.js';

export interface StartRequest {
  intent?: MfaIntent;
  factors?: FactorType[];
}

export function parseStartRequest(body: unknown, offered: readonly FactorType[]): StartRequest {
  const bad = (detail: string) => new ServerAnswer('invalid_event', detail);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('The body must be a JSON object.');
  const { intent, factors, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw bad(`"start" takes no field "${extra}".`);
  const start: StartRequest = {};
  if (intent !== undefined) {
    if (intent !== 'enroll' && intent !== 'challenge') throw bad('"intent" must be "enroll" or "challenge".');
    start.intent = intent;
  }
  if (factors !== undefined) {
    const valid =
      Array.isArray(factors) &&
      factors.length > 0 &&
      factors.every((f) => typeof f === 'string' && offered.includes(f as FactorType)) &&
      new Set(factors).size === factors.length;
    if (!valid) throw bad(`"factors" must list some of ${offered.join(', ')}, each once.`);
    start.factors = factors as FactorType[];
  }
  return start;
}
