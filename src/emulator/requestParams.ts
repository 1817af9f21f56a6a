// Reads a request body into parameters. Auth0 takes form-encoded and JSON bodies on every
// endpoint; Auth0's own samples even send JSON under curl's default form content type, so
// a body that starts with `{` is read as JSON whatever the form-ish type says. Empty values
// count as absent. Every problem is a 400 invalid_request that names it.
import type { Context } from 'hono';
import { invalidRequest, missingParameter } from './errors.js';

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/;
const FORM_TYPE = 'application/x-www-form-urlencoded';

export class RequestParams {
  readonly #values: Readonly<Record<string, unknown>>;

  constructor(values: Readonly<Record<string, unknown>>) {
    this.#values = values;
  }

  /** A string parameter, or undefined when absent, null or empty. */
  optional(name: string): string | undefined {
    const value = Object.hasOwn(this.#values, name) ? this.#values[name] : undefined;
    if (value === undefined || value === null || value === '') return undefined;
    if (Array.isArray(value)) throw invalidRequest(`Parameter ${name} must not be repeated`);
    if (typeof value !== 'string') throw invalidRequest(`Invalid parameter: ${name} must be a string`);
    return value;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) throw missingParameter(name);
    return value;
  }

  /** A list parameter: a JSON array of strings, or one or more form values. */
  list(name: string): string[] | undefined {
    const value = Object.hasOwn(this.#values, name) ? this.#values[name] : this.#values[`${name}[]`];
    if (value === undefined || value === null || value === '') return undefined;
    const items = Array.isArray(value) ? value : [value];
    if (!items.every((item): item is string => typeof item === 'string')) {
      throw invalidRequest(`Invalid parameter: ${name} must be an array of strings`);
    }
    return items;
  }
}

export async function readParams(c: Context): Promise<RequestParams> {
  const contentType = c.req.header('content-type');
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const isJson = JSON_TYPE.test(mediaType);
  if (!isJson && mediaType !== FORM_TYPE && mediaType !== '') {
    throw invalidRequest(`Unsupported content type: ${printable(mediaType)}; use application/json or ${FORM_TYPE}`);
  }
  const text = await c.req.text();
  if (text.trim() === '') return new RequestParams({});
  if (isJson || text.trimStart().startsWith('{')) return new RequestParams(parseJsonObject(text));
  return new RequestParams(parseForm(text));
}

function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not the SyntaxError's message: V8 quotes the body in it, and bodies carry secrets.
    throw invalidRequest('Malformed JSON in request body');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest('Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function parseForm(text: string): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const existing = Object.hasOwn(values, key) ? values[key] : undefined;
    values[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return values;
}

// Echo only a harmless, bounded rendering of what the caller sent.
function printable(value: string): string {
  return value.replace(/[^\w/.+-]/g, '?').slice(0, 80);
}
