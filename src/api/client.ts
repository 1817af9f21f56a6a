// The ky client of Auth0's MFA API: one function per endpoint, each validating what comes back.
// POSTs are never retried (a retried verify would spend one of the user's attempts); retries and
// rate-limit waits belong to the statechart, where they are visible.
import ky, { type KyInstance, type Options as KyOptions } from 'ky';
import type {
  Authenticator,
  ChallengeOutput,
  Enrollment,
  FactorChoice,
  FactorType,
  PasswordGrantOutput,
  TokenSet,
  VerifyRecoveryCodeOutput,
} from '../../machines/types.js';
import { errorFromFailure, errorFromResponse, type Endpoint } from './errorMapping.js';
import { MfaError } from './errors.js';
import {
  parseAuthenticators,
  parseChallenge,
  parseEnrollment,
  parseMfaRequired,
  parseRecoveryGrant,
  parseTokenSet,
} from './schemas.js';

import {
  DOMAIN_PATTERN,
  GRANT_MFA_OOB,
  GRANT_MFA_OTP,
  GRANT_MFA_RECOVERY_CODE,
  GRANT_PASSWORD,
  GRANT_PASSWORD_REALM,
} from './protocol.js';

/** What an app may add to the client's requests: ky hooks (to log, trace, add headers) and
 *  headers. Retries, timeouts and how errors are read are the client's contract, not options. */
export type KyExtensions = Pick<KyOptions, 'hooks' | 'headers'>;

export interface MfaApiClientOptions {
  /** Where the API answers, e.g. `http://127.0.0.1:4010`; or give `domain`. */
  baseUrl?: string;
  /** Auth0 domain, e.g. `tenant.eu.auth0.com`: the API is at `https://<domain>`. */
  domain?: string;
  clientId: string;
  /** Confidential clients only. Never ship a secret to a browser. */
  clientSecret?: string;
  /** Audience of the MFA API; default `https://<domain>/mfa/`, or from `baseUrl`'s host (a loopback
   *  address counts as `localhost`, the emulator's default issuer). Set it when they differ. */
  mfaAudience?: string;
  /** Per-request timeout in ms (default 10 000). */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  /** ky hooks and headers, e.g. `{ hooks: { beforeRequest: [addTraceHeader] } }`. */
  kyOptions?: KyExtensions;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface PasswordGrantParams {
  username: string;
  password: string;
  audience?: string;
  scope?: string;
  /** A database connection name: uses the password-realm grant. */
  realm?: string;
}

export interface VerifyParams {
  mfaToken: string;
  audience?: string;
  scope?: string;
}

export interface MfaApiClient {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly mfaAudience: string;
  /** @see https://auth0.com/docs/secure/multi-factor-authentication/authenticate-using-ropg-flow-with-mfa */
  passwordGrant(params: PasswordGrantParams, options?: RequestOptions): Promise<PasswordGrantOutput>;
  /** A new (pending) authenticator of `factor` (default `otp`); SMS and voice need `phoneNumber`, email `email`.
   *  @see https://auth0.com/docs/secure/multi-factor-authentication/authenticate-using-ropg-flow-with-mfa/enroll-and-challenge-otp-authenticators
   *  @see https://auth0.com/docs/secure/multi-factor-authentication/authenticate-using-ropg-flow-with-mfa/enroll-and-challenge-sms-and-voice-authenticators */
  associate(params: { bearer: string } & Partial<FactorChoice>, options?: RequestOptions): Promise<Enrollment>;
  /** @see https://auth0.com/docs/api/authentication#list-authenticators */
  listAuthenticators(params: { bearer: string }, options?: RequestOptions): Promise<Authenticator[]>;
  /** @see https://auth0.com/docs/secure/multi-factor-authentication/manage-mfa-auth0-apis/manage-authenticator-factors-mfa-api */
  deleteAuthenticator(params: { bearer: string; authenticatorId: string }, options?: RequestOptions): Promise<void>;
  /** @see https://auth0.com/docs/api/authentication#challenge-request */
  challenge(
    params: { mfaToken: string; authenticatorId: string; factor?: FactorType },
    options?: RequestOptions,
  ): Promise<ChallengeOutput>;
  /** @see https://auth0.com/docs/api/authentication#verify-with-one-time-password-otp- */
  verifyOtp(params: VerifyParams & { otp: string }, options?: RequestOptions): Promise<TokenSet>;
  /** The mfa-oob grant: with the code the message carried, or (push) alone, to poll.
   *  @see https://auth0.com/docs/api/authentication#verify-with-out-of-band-oob- */
  verifyOob(params: VerifyParams & { oobCode: string; bindingCode?: string }, options?: RequestOptions): Promise<TokenSet>;
  /** @see https://auth0.com/docs/api/authentication#verify-with-recovery-code */
  verifyRecoveryCode(
    params: VerifyParams & { recoveryCode: string },
    options?: RequestOptions,
  ): Promise<VerifyRecoveryCodeOutput>;
}

function resolveBaseUrl(options: MfaApiClientOptions): string {
  if (options.baseUrl !== undefined && options.baseUrl !== '') {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError('createMfaApiClient: "baseUrl" must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError('createMfaApiClient: "baseUrl" must be an absolute http(s) URL');
    }
    return url.href.replace(/\/+$/, '');
  }
  if (options.domain !== undefined && DOMAIN_PATTERN.test(options.domain)) {
    return `https://${options.domain}`;
  }
  throw new TypeError('createMfaApiClient: give "baseUrl" (an http(s) URL) or "domain" (a host name)');
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The tenant host behind a base URL. A local emulator is reached on a loopback address while
 *  its issuer (and so its MFA audience) is `localhost:<port>` unless told otherwise. */
function issuerHostOf(url: URL): string {
  return LOOPBACK.has(url.hostname) ? `localhost${url.port === '' ? '' : `:${url.port}`}` : url.host;
}

/** Reads a body without trusting it: not JSON is `undefined`, never a throw. */
async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function createMfaApiClient(options: MfaApiClientOptions): MfaApiClient {
  if (typeof options?.clientId !== 'string' || options.clientId === '') {
    throw new TypeError('createMfaApiClient: "clientId" is required');
  }
  const baseUrl = resolveBaseUrl(options);
  const { clientId, clientSecret } = options;
  const mfaAudience = options.mfaAudience ?? `https://${options.domain ?? issuerHostOf(new URL(baseUrl))}/mfa/`;
  const { hooks, headers } = options.kyOptions ?? {};
  const http: KyInstance = ky.create({
    ...(hooks === undefined ? {} : { hooks }),
    ...(headers === undefined ? {} : { headers }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    // The error contract: every answer is read here (never thrown by ky), and nothing is retried
    // behind the chart's back (a retried verify would spend one of the user's attempts).
    prefixUrl: baseUrl,
    timeout: options.timeoutMs ?? 10_000,
    retry: 0,
    throwHttpErrors: false,
  });

  /** Sends one request and returns its parsed JSON body, or throws the mapped MfaError. */
  async function call(
    endpoint: Endpoint,
    path: string,
    init: KyOptions,
    signal: AbortSignal | undefined,
    accept: (response: Response, body: unknown) => boolean = (response) => response.ok,
  ): Promise<{ status: number; body: unknown }> {
    let response: Response;
    let body: unknown;
    try {
      response = await http(path, { ...init, ...(signal === undefined ? {} : { signal }) });
      body = await readJson(response);
    } catch (failure) {
      throw errorFromFailure(failure, signal);
    }
    if (!accept(response, body)) throw errorFromResponse(endpoint, response, body);
    return { status: response.status, body };
  }

  function tokenForm(fields: Record<string, string | undefined>): URLSearchParams {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...fields, client_id: clientId, client_secret: clientSecret })) {
      if (value !== undefined && value !== '') form.set(key, value);
    }
    return form;
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  return {
    baseUrl,
    clientId,
    mfaAudience,

    async passwordGrant(params, { signal } = {}) {
      const form = tokenForm({
        grant_type: params.realm === undefined ? GRANT_PASSWORD : GRANT_PASSWORD_REALM,
        realm: params.realm,
        username: params.username,
        password: params.password,
        audience: params.audience,
        scope: params.scope,
      });
      const { status, body } = await call('password', 'oauth/token', { method: 'post', body: form }, signal,
        (response, json) => response.ok || parseMfaRequired(json) !== null);
      return parseMfaRequired(body) ?? { kind: 'tokens', tokens: parseTokenSet(body, status) };
    },

    async associate({ bearer: token, factor = 'otp', phoneNumber, email }, { signal } = {}) {
      const json =
        factor === 'otp'
          ? { authenticator_types: ['otp'] }
          : {
              authenticator_types: ['oob'],
              oob_channels: [factor === 'push' ? 'auth0' : factor],
              ...(phoneNumber === undefined ? {} : { phone_number: phoneNumber }),
              ...(email === undefined ? {} : { email }),
            };
      const { status, body } = await call('associate', 'mfa/associate', { method: 'post', headers: bearer(token), json }, signal);
      return parseEnrollment(body, status, factor);
    },

    async listAuthenticators({ bearer: token }, { signal } = {}) {
      const { status, body } = await call('authenticators', 'mfa/authenticators', { method: 'get', headers: bearer(token) }, signal);
      return parseAuthenticators(body, status);
    },

    async deleteAuthenticator({ bearer: token, authenticatorId }, { signal } = {}) {
      await call('authenticators', `mfa/authenticators/${encodeURIComponent(authenticatorId)}`,
        { method: 'delete', headers: bearer(token) }, signal);
    },

    async challenge({ mfaToken, authenticatorId, factor = 'otp' }, { signal } = {}) {
      const challengeType = factor === 'otp' ? 'otp' : 'oob';
      const json: Record<string, string> = { client_id: clientId, challenge_type: challengeType, mfa_token: mfaToken, authenticator_id: authenticatorId };
      if (clientSecret !== undefined) json.client_secret = clientSecret;
      const { status, body } = await call('challenge', 'mfa/challenge', { method: 'post', json }, signal);
      return parseChallenge(body, status, challengeType);
    },

    async verifyOtp({ mfaToken, otp, audience, scope }, { signal } = {}) {
      const form = tokenForm({ grant_type: GRANT_MFA_OTP, mfa_token: mfaToken, otp, audience, scope });
      const { status, body } = await call('otp', 'oauth/token', { method: 'post', body: form }, signal);
      return parseTokenSet(body, status);
    },

    async verifyOob({ mfaToken, oobCode, bindingCode, audience, scope }, { signal } = {}) {
      const form = tokenForm({ grant_type: GRANT_MFA_OOB, mfa_token: mfaToken, oob_code: oobCode, binding_code: bindingCode, audience, scope });
      const { status, body } = await call('oob', 'oauth/token', { method: 'post', body: form }, signal);
      return parseTokenSet(body, status);
    },

    async verifyRecoveryCode({ mfaToken, recoveryCode, audience, scope }, { signal } = {}) {
      const form = tokenForm({ grant_type: GRANT_MFA_RECOVERY_CODE, mfa_token: mfaToken, recovery_code: recoveryCode, audience, scope });
      const { status, body } = await call('recoveryCode', 'oauth/token', { method: 'post', body: form }, signal);
      return parseRecoveryGrant(body, status);
    },
  };
}

export { MfaError };
