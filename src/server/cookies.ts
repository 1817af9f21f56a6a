// The flow-handle cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page
// sends it), Secure outside localhost, and scoped to the handler's path.
export const FLOW_COOKIE = 'mfa_flow';

export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get('cookie');
  if (header === null) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** 'auto': Secure unless the request came to localhost (a browser drops Secure cookies over plain http). */
export function cookieIsSecure(request: Request, setting: 'auto' | boolean): boolean {
  if (setting !== 'auto') return setting;
  return !LOCAL_HOSTS.has(new URL(request.url).hostname);
}

export function flowCookie(value: string, path: string, secure: boolean): string {
  return [`${FLOW_COOKIE}=${value}`, `Path=${path}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}
