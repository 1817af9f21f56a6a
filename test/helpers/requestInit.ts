// One HTTP request as the tests describe it (a form or JSON body, a Bearer token, headers) turned
// into fetch's RequestInit, for the in-process harness and the clients that go over a socket.

export interface RequestSpec {
  form?: Record<string, string>;
  json?: unknown;
  /** Raw body; set `content-type` in headers yourself. */
  body?: string;
  headers?: Record<string, string>;
  bearer?: string;
}

export function requestInit(method: string, spec: RequestSpec = {}): RequestInit {
  const headers: Record<string, string> = { ...spec.headers };
  let body: string | undefined = spec.body;
  if (spec.form) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    body = new URLSearchParams(spec.form).toString();
  } else if (spec.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(spec.json);
  }
  if (spec.bearer !== undefined) headers['authorization'] = `Bearer ${spec.bearer}`;
  return { method, headers, ...(body === undefined ? {} : { body }) };
}
