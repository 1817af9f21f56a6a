// The JSON body of a request, bounded: a UI event is a few hundred bytes.
import { ServerAnswer } from './answers.js';

export const MAX_BODY_BYTES = 16 * 1024;

/** The parsed body; `{}` for an empty one when `optional`. Anything else is `invalid_event`. */
export async function readJsonBody(request: Request, optional: boolean): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new ServerAnswer('invalid_event', 'The body is too large.');
  const text = await request.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) throw new ServerAnswer('invalid_event', 'The body is too large.');
  if (text.trim() === '') {
    if (optional) return {};
    throw new ServerAnswer('invalid_event', 'The body is empty.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ServerAnswer('invalid_event', 'The body is not JSON.');
  }
}
