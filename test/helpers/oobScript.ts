// A client that knows nothing but HTTP (fetch) and Auth0's MFA API, plus the emulator's own
// routes: for one user and one factor it enrolls (SMS, voice, email: the code read from
// GET /emulator/v1/outbox; push: the barcode scanned by POST /emulator/v1/guardian/devices),
// then signs in again with that factor (push: answered through the emulated device's routes).
// Used against a socket (startEmulator) and against the `npx mfa-flow emulator` process.
import { expect } from 'vitest';
import { requestInit, type RequestSpec } from './requestInit.js';

export type ScriptFactor = 'sms' | 'voice' | 'email' | 'push';
export const SCRIPT_GRANTS = {
  password: 'password',
  mfaOob: 'http://auth0.com/oauth/grant-type/mfa-oob',
} as const;

interface Answer {
  status: number;
  body: any;
}

export interface ScriptTarget {
  baseUrl: string;
  client: { id: string; secret: string };
  user: { email: string; password: string };
}

const TYPE_OF: Record<ScriptFactor, string> = { sms: 'phone', voice: 'phone', email: 'email', push: 'push-notification' };
const CHANNEL_OF: Record<ScriptFactor, string> = { sms: 'sms', voice: 'voice', email: 'email', push: 'auth0' };

/** Enrolls `factor` for the user, then signs in with it; returns the second sign-in's tokens. */
export async function enrollThenSignIn(target: ScriptTarget, factor: ScriptFactor, phone: string): Promise<{ access_token: string; id_token?: string }> {
  const call = callerFor(target.baseUrl);
  const token = (params: Record<string, string>) => call('POST', '/oauth/token', { form: { client_id: target.client.id, client_secret: target.client.secret, ...params } });
  const recipient = factor === 'email' ? target.user.email : phone;

  // Enroll: a first sign-in has no factor, so the requirements say enroll, this factor among them.
  const first = await signIn();
  expect(first.body.mfa_requirements.enroll).toContainEqual({ type: TYPE_OF[factor] });
  const mfaToken = first.body.mfa_token as string;
  const association = await call('POST', '/mfa/associate', {
    bearer: mfaToken,
    json: { authenticator_types: ['oob'], oob_channels: [CHANNEL_OF[factor]], ...(factor === 'sms' || factor === 'voice' ? { phone_number: phone } : {}) },
  });
  expect(association.status, JSON.stringify(association.body)).toBe(200);
  expect(association.body).toMatchObject({ authenticator_type: 'oob', oob_channel: CHANNEL_OF[factor], oob_code: expect.any(String), recovery_codes: [expect.any(String)] });
  if (factor === 'push') {
    const scanned = await call('POST', '/emulator/v1/guardian/devices', { json: { barcodeUri: association.body.barcode_uri } });
    expect(scanned.status, JSON.stringify(scanned.body)).toBe(201);
  }
  const confirmed = await token({ grant_type: SCRIPT_GRANTS.mfaOob, mfa_token: mfaToken, oob_code: association.body.oob_code, ...(factor === 'push' ? {} : { binding_code: await latestCode(recipient) }) });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);

  // Sign in again: now the requirements say challenge, with this factor's type.
  const second = await signIn();
  expect(second.body.mfa_requirements.challenge).toContainEqual({ type: TYPE_OF[factor] });
  const listed = await call('GET', '/mfa/authenticators', { bearer: second.body.mfa_token });
  const authenticator = (listed.body as Array<{ id: string; active: boolean; oob_channel?: string }>).find((a) => a.active && a.oob_channel === CHANNEL_OF[factor]);
  expect(authenticator, JSON.stringify(listed.body)).toBeDefined();
  const challenge = await call('POST', '/mfa/challenge', {
    json: { client_id: target.client.id, client_secret: target.client.secret, mfa_token: second.body.mfa_token, challenge_type: 'oob', authenticator_id: authenticator?.id },
  });
  expect(challenge.status, JSON.stringify(challenge.body)).toBe(200);
  const verify = (extra: Record<string, string>) => token({ grant_type: SCRIPT_GRANTS.mfaOob, mfa_token: second.body.mfa_token, oob_code: challenge.body.oob_code, ...extra });

  let signedIn: Answer;
  if (factor === 'push') {
    const pending = await verify({});
    expect(pending.body.error).toBe('authorization_pending');
    const requests = await call('GET', `/emulator/v1/guardian/requests?user=${encodeURIComponent(target.user.email)}`);
    expect(requests.body.requests).toHaveLength(1);
    const accepted = await call('POST', `/emulator/v1/guardian/requests/${requests.body.requests[0].id}/accept`);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    signedIn = await verify({});
  } else {
    signedIn = await verify({ binding_code: await latestCode(recipient) });
  }
  expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
  expect(signedIn.body.token_type).toBe('Bearer');
  return signedIn.body;

  async function signIn(): Promise<Answer> {
    const answer = await token({ grant_type: SCRIPT_GRANTS.password, username: target.user.email, password: target.user.password, scope: 'openid profile' });
    expect(answer.status).toBe(403);
    expect(answer.body.error).toBe('mfa_required');
    return answer;
  }

  async function latestCode(to: string): Promise<string> {
    const outbox = await call('GET', `/emulator/v1/outbox?to=${encodeURIComponent(to)}`);
    expect(outbox.status).toBe(200);
    const code = outbox.body.messages.at(-1)?.code;
    expect(code, `a code sent to ${to}`).toMatch(/^\d{6}$/);
    return code;
  }
}

function callerFor(baseUrl: string) {
  return async (method: string, path: string, spec: RequestSpec = {}): Promise<Answer> => {
    const response = await fetch(`${baseUrl}${path}`, requestInit(method, spec));
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
}
