// Signed tokens: the RS256 key the emulator makes for itself, its JWKS, the access and ID
// tokens the verify grants return, and the check of access tokens presented as Bearer.
import {
  calculateJwkThumbprint,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
} from 'jose';

export const SIGNING_ALGORITHM = 'RS256';
/** Auth0's defaults: a day for API access tokens, ten hours for ID tokens. */
export const ACCESS_TOKEN_TTL_SECONDS = 86_400;
export const ID_TOKEN_TTL_SECONDS = 36_000;
/** Tokens for the MFA API itself are short-lived, like an mfa_token. */
export const MFA_API_TOKEN_TTL_SECONDS = 600;

interface SigningKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

export interface IssuedTokens {
  access_token: string;
  id_token?: string;
  expires_in: number;
  scope: string;
  token_type: 'Bearer';
}

export type AccessTokenCheck =
  | { ok: true; sub: string; scopes: ReadonlySet<string>; clientId: string | undefined }
  | { ok: false; reason: 'expired' | 'invalid' };

export class TokenIssuer {
  readonly #issuer: string;
  readonly #mfaAudience: string;
  readonly #clock: () => number;
  #key: Promise<SigningKey> | undefined;

  readonly #providedKey: JWK | undefined;

  constructor(issuer: string, mfaAudience: string, clock: () => number, providedKey?: JWK) {
    this.#issuer = issuer;
    this.#mfaAudience = mfaAudience;
    this.#clock = clock;
    this.#providedKey = providedKey;
  }

  /**
   * The key is made on first use (or by warmUp()), not in the constructor: RSA key generation
   * costs ~0.2 s, and most in-process test apps never sign anything.
   */
  warmUp(): Promise<void> {
    return this.#signingKey().then(() => undefined);
  }

  async jwks(): Promise<JSONWebKeySet> {
    const { publicJwk } = await this.#signingKey();
    return { keys: [{ ...publicJwk }] };
  }

  async issue(input: { sub: string; clientId: string; audience: string; scope: string }): Promise<IssuedTokens> {
    const key = await this.#signingKey();
    const iat = Math.floor(this.#clock() / 1000);
    const expiresIn = input.audience === this.#mfaAudience ? MFA_API_TOKEN_TTL_SECONDS : ACCESS_TOKEN_TTL_SECONDS;
    const accessToken = await new SignJWT({ scope: input.scope, azp: input.clientId })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.#issuer)
      .setSubject(input.sub)
      .setAudience(input.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + expiresIn)
      .sign(key.privateKey);
    const tokens: IssuedTokens = { access_token: accessToken, expires_in: expiresIn, scope: input.scope, token_type: 'Bearer' };
    if (input.scope.split(' ').includes('openid')) {
      tokens.id_token = await new SignJWT({})
        .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'JWT' })
        .setIssuer(this.#issuer)
        .setSubject(input.sub)
        .setAudience(input.clientId)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ID_TOKEN_TTL_SECONDS)
        .sign(key.privateKey);
    }
    return tokens;
  }

  /** Verifies an access token for the MFA API (signature, issuer, audience, expiry). */
  async verifyMfaApiToken(token: string): Promise<AccessTokenCheck> {
    const key = await this.#signingKey();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key.publicKey, {
        issuer: this.#issuer,
        audience: this.#mfaAudience,
        algorithms: [SIGNING_ALGORITHM],
        currentDate: new Date(this.#clock()),
      }));
    } catch (error) {
      return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
    if (typeof payload.sub !== 'string') return { ok: false, reason: 'invalid' };
    const scopes = typeof payload['scope'] === 'string' ? payload['scope'].split(' ').filter(Boolean) : [];
    const clientId = typeof payload['azp'] === 'string' ? payload['azp'] : undefined;
    return { ok: true, sub: payload.sub, scopes: new Set(scopes), clientId };
  }

  #signingKey(): Promise<SigningKey> {
    this.#key ??= this.#providedKey ? importSigningKey(this.#providedKey) : makeSigningKey();
    return this.#key;
  }
}

async function makeSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { modulusLength: 2048 });
  return describeKey(privateKey, publicKey);
}

async function importSigningKey(jwk: JWK): Promise<SigningKey> {
  if (jwk.kty !== 'RSA' || !jwk.d || !jwk.n || !jwk.e) throw new TypeError('options.signingKey must be a private RSA JWK');
  const privateKey = await importJWK({ ...jwk, alg: SIGNING_ALGORITHM }, SIGNING_ALGORITHM);
  const publicKey = await importJWK({ kty: 'RSA', n: jwk.n, e: jwk.e, alg: SIGNING_ALGORITHM }, SIGNING_ALGORITHM);
  if (!isCryptoKey(privateKey) || !isCryptoKey(publicKey)) throw new TypeError('options.signingKey could not be imported');
  return describeKey(privateKey, publicKey);
}

async function describeKey(privateKey: CryptoKey, publicKey: CryptoKey): Promise<SigningKey> {
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, publicKey, kid, publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e, kid, alg: SIGNING_ALGORITHM, use: 'sig' } };
}

function isCryptoKey(key: unknown): key is CryptoKey {
  return typeof key === 'object' && key !== null && 'algorithm' in key && 'type' in key;
}
