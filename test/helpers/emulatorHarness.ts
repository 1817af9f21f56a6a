// Drives an in-process emulator over HTTP (`app.request`) with a test clock: one helper per
// Auth0 MFA endpoint plus `enroll()` for the common "user with a confirmed OTP" setup.
import { expect } from 'vitest';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { requestInit, type RequestSpec } from './requestInit.js';
import { TEST_SIGNING_KEY } from './signingKey.js';
import { createTestClock, type TestClock } from './testClock.js';
import { totpCode } from './totp.js';

export const DEMO = {
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  email: 'demo@example.com',
  password: 'demo-password',
} as const;

export const GRANTS = {
  password: 'password',
  passwordRealm: 'http://auth0.com/oauth/grant-type/password-realm',
  mfaOtp: 'http://auth0.com/oauth/grant-type/mfa-otp',
  mfaRecoveryCode: 'http://auth0.com/oauth/grant-type/mfa-recovery-code',
} as const;

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  // `any` on purpose: tests read arbitrary JSON members, and the shape is what they assert.
  body: any;
}

export type { RequestSpec };

export interface Harness {
  emulator: Emulator;
  clock: TestClock;
  logLines: string[];
  send(method: string, path: string, spec?: RequestSpec): Promise<HttpResult>;
  /** POST /oauth/token, form-encoded, with the demo client's credentials unless overridden. */
  token(params: Record<string, string>, spec?: Omit<RequestSpec, 'form'>): Promise<HttpResult>;
  passwordGrant(params?: Record<string, string>): Promise<HttpResult>;
  /** A fresh mfa_token for the demo user (asserts the mfa_required answer). */
  mfaToken(params?: Record<string, string>): Promise<string>;
  associate(bearer: string, json?: unknown): Promise<HttpResult>;
  listAuthenticators(bearer: string): Promise<HttpResult>;
  deleteAuthenticator(bearer: string, id: string): Promise<HttpResult>;
  challenge(params: Record<string, string>): Promise<HttpResult>;
  verifyOtp(mfaToken: string, otp: string, params?: Record<string, string>): Promise<HttpResult>;
  verifyRecoveryCode(mfaToken: string, recoveryCode: string, params?: Record<string, string>): Promise<HttpResult>;
  /** Enrolls and confirms an OTP for the demo user, then moves the clock one step on. */
  enroll(): Promise<{ mfaToken: string; secret: string; recoveryCode: string; otpId: string }>;
  /** The OTP valid now for `secret` (computed by the test's own RFC 6238 code). */
  otpNow(secret: string, stepOffset?: number): string;
}

export function createHarness(options: EmulatorOptions = {}, clock: TestClock = createTestClock()): Harness {
  const logLines: string[] = [];
  const emulator = createEmulator({ clock: clock.now, log: (line) => logLines.push(line), signingKey: TEST_SIGNING_KEY, ...options });

  const send: Harness['send'] = async (method, path, spec = {}) => {
    const response = await emulator.app.request(path, requestInit(method, spec));
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  };

  const token: Harness['token'] = (params, spec = {}) =>
    send('POST', '/oauth/token', { ...spec, form: { client_id: DEMO.clientId, client_secret: DEMO.clientSecret, ...params } });

  const passwordGrant: Harness['passwordGrant'] = (params = {}) =>
    token({ grant_type: GRANTS.password, username: DEMO.email, password: DEMO.password, ...params });

  const mfaToken: Harness['mfaToken'] = async (params) => {
    const result = await passwordGrant(params);
    expect(result.status, result.text).toBe(403);
    expect(result.body.error).toBe('mfa_required');
    return result.body.mfa_token as string;
  };

  const associate: Harness['associate'] = (bearer, json = { authenticator_types: ['otp'] }) =>
    send('POST', '/mfa/associate', { bearer, json });

  const otpNow: Harness['otpNow'] = (secret, stepOffset = 0) => totpCode(secret, clock.now(), { stepOffset });

  const harness: Harness = {
    emulator,
    clock,
    logLines,
    send,
    token,
    passwordGrant,
    mfaToken,
    associate,
    listAuthenticators: (bearer) => send('GET', '/mfa/authenticators', { bearer }),
    deleteAuthenticator: (bearer, id) => send('DELETE', `/mfa/authenticators/${encodeURIComponent(id)}`, { bearer }),
    challenge: (params) =>
      send('POST', '/mfa/challenge', { json: { client_id: DEMO.clientId, client_secret: DEMO.clientSecret, challenge_type: 'otp', ...params } }),
    verifyOtp: (mfa, otp, params = {}) => token({ grant_type: GRANTS.mfaOtp, mfa_token: mfa, otp, ...params }),
    verifyRecoveryCode: (mfa, code, params = {}) => token({ grant_type: GRANTS.mfaRecoveryCode, mfa_token: mfa, recovery_code: code, ...params }),
    otpNow,
    async enroll() {
      const mfa = await mfaToken();
      const association = await associate(mfa);
      expect(association.status, association.text).toBe(200);
      const secret = association.body.secret as string;
      const confirmed = await harness.verifyOtp(mfa, otpNow(secret));
      expect(confirmed.status, confirmed.text).toBe(200);
      const otp = emulator.store.authenticators(DEMO.email).find((a) => a.type === 'otp' && a.active);
      clock.advance(30_000); // the confirming step is spent; the next code must be a new one
      return { mfaToken: mfa, secret, recoveryCode: association.body.recovery_codes[0] as string, otpId: otp?.id ?? '' };
    },
  };
  return harness;
}

/** Asserts an Auth0 error envelope; token-endpoint errors must not challenge (no WWW-Authenticate). */
export function expectError(result: HttpResult, status: number, error: string, description?: string | RegExp): void {
  expect(result.status, result.text).toBe(status);
  expect(result.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  expect(result.body.error).toBe(error);
  expect(typeof result.body.error_description).toBe('string');
  if (typeof description === 'string') expect(result.body.error_description).toBe(description);
  else if (description) expect(result.body.error_description).toMatch(description);
  expect(result.headers.get('www-authenticate')).toBeNull();
}
