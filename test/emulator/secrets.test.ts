// Secrets stay secret and refusals change nothing: the log sink, error bodies, audit events
// and the store dump never hold a password, OTP secret, code, mfa_token or signed token; and
// a refused request leaves the store's data as it was (bar the attempt bucket for bad codes).
import { describe, expect, test } from 'vitest';
import { createHarness, DEMO, GRANTS, type Harness } from '../helpers/emulatorHarness.js';
import { wrongTotpCode } from '../helpers/totp.js';

/** Runs enroll → challenge → verify → recovery, returning every secret value that crossed the wire. */
async function fullFlowSecrets(h: Harness): Promise<string[]> {
  const secrets: string[] = [DEMO.password, DEMO.clientSecret];
  const mfa = await h.mfaToken();
  const association = await h.associate(mfa);
  secrets.push(mfa, association.body.secret, association.body.barcode_uri, ...association.body.recovery_codes);
  const confirmCode = h.otpNow(association.body.secret);
  const confirm = await h.verifyOtp(mfa, confirmCode);
  secrets.push(confirmCode, confirm.body.access_token, confirm.body.id_token);
  h.clock.advance(30_000);
  const second = await h.mfaToken();
  const [, otp] = (await h.listAuthenticators(second)).body;
  await h.challenge({ mfa_token: second, authenticator_id: otp.id });
  const code = h.otpNow(association.body.secret);
  const wrong = wrongTotpCode(association.body.secret, h.clock.now());
  await h.verifyOtp(second, wrong);
  const verify = await h.verifyOtp(second, code, { audience: h.emulator.mfaAudience, scope: 'enroll read:authenticators remove:authenticators' });
  secrets.push(second, code, verify.body.access_token);
  await h.listAuthenticators(verify.body.access_token);
  const recovered = await h.verifyRecoveryCode(second, association.body.recovery_codes[0]);
  secrets.push(recovered.body.recovery_code, recovered.body.access_token);
  await h.verifyRecoveryCode(second, association.body.recovery_codes[0]);
  await h.passwordGrant({ password: 'a-wrong-but-secret-password' });
  secrets.push('a-wrong-but-secret-password');
  return secrets.filter((s): s is string => typeof s === 'string' && s.length >= 6);
}

describe('no secrets leak', () => {
  test('the request log has one safe line per request and no secret', async () => {
    const h = createHarness();
    const secrets = await fullFlowSecrets(h);
    expect(h.logLines.length).toBeGreaterThan(10);
    for (const line of h.logLines) {
      expect(line).toMatch(/^(GET|POST|DELETE|OPTIONS) \/[\w./:-]* \d{3} \d+ms$/);
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
    const shapes = h.logLines.map((line) => line.replace(/ \d+ms$/, ''));
    expect(shapes).toEqual(expect.arrayContaining(['POST /oauth/token 403', 'POST /mfa/associate 200', 'POST /oauth/token 200', 'GET /mfa/authenticators 200', 'POST /mfa/challenge 200']));
  });

  test('query strings are not logged', async () => {
    const h = createHarness();
    await h.send('GET', '/.well-known/jwks.json?access_token=leaky-secret-value');
    expect(h.logLines).toEqual([expect.stringMatching(/^GET \/\.well-known\/jwks\.json 200 \d+ms$/)]);
  });

  test('audit events and the store dump hold digests, never secrets', async () => {
    const h = createHarness();
    const secrets = await fullFlowSecrets(h);
    const events = JSON.stringify(h.emulator.store.events());
    const dump = JSON.stringify(h.emulator.store.dump());
    for (const secret of secrets) {
      expect(events).not.toContain(secret);
      expect(dump).not.toContain(secret);
    }
  });

  test('error descriptions never echo secrets the caller sent', async () => {
    const h = createHarness();
    const secret = 'Sup3r-Secret-Value-42';
    const results = await Promise.all([
      h.passwordGrant({ password: secret }),
      h.passwordGrant({ client_secret: secret }),
      h.verifyOtp(secret, '123456'),
      h.verifyRecoveryCode(secret, secret),
      h.send('POST', '/oauth/token', { body: `{"password":"${secret}",`, headers: { 'content-type': 'application/json' } }),
      h.send('POST', '/oauth/token', { body: `{"password":"${secret}" x}`, headers: { 'content-type': 'application/json' } }),
      h.send('GET', '/mfa/authenticators', { bearer: secret }),
      h.send('POST', '/mfa/associate', { bearer: `${secret}.${secret}.${secret}` }),
      h.challenge({ mfa_token: secret, client_secret: secret }),
    ]);
    for (const result of results) {
      expect(result.status).toBeGreaterThanOrEqual(400);
      expect(result.text).not.toContain(secret);
    }
  });
});

describe('refused requests leave the data unchanged', () => {
  /** A user with a confirmed OTP, a pending second one, and tokens of every kind. */
  async function setUp() {
    const h = createHarness({ clients: [{ id: DEMO.clientId, secret: DEMO.clientSecret }, { id: 'other', secret: 'other-secret' }] });
    const { secret } = await h.enroll();
    const mfa = await h.mfaToken();
    const readOnly = await h.verifyOtp(mfa, h.otpNow(secret), { audience: h.emulator.mfaAudience, scope: 'read:authenticators' });
    h.clock.advance(30_000);
    const expiredMfa = await h.mfaToken();
    h.clock.advance(600_000);
    const freshMfa = await h.mfaToken();
    return { h, secret, mfa: freshMfa, expiredMfa, readOnlyToken: readOnly.body.access_token as string };
  }

  test('no refusal changes the dump', async () => {
    const { h, mfa, expiredMfa, readOnlyToken } = await setUp();
    const refusals: Array<[string, () => Promise<{ status: number }>]> = [
      ['wrong password', () => h.passwordGrant({ password: 'nope' })],
      ['unknown user', () => h.passwordGrant({ username: 'x@example.com' })],
      ['wrong client secret', () => h.passwordGrant({ client_secret: 'nope' })],
      ['unknown grant', () => h.token({ grant_type: 'refresh_token' })],
      ['bad JSON', () => h.send('POST', '/oauth/token', { body: '{', headers: { 'content-type': 'application/json' } })],
      ['bad content type', () => h.send('POST', '/oauth/token', { body: 'x', headers: { 'content-type': 'text/plain' } })],
      ['missing otp', () => h.token({ grant_type: GRANTS.mfaOtp, mfa_token: mfa })],
      ['garbage mfa_token', () => h.verifyOtp('garbage', '123456')],
      ['expired mfa_token', () => h.verifyOtp(expiredMfa, '123456')],
      ["other client's mfa_token", () => h.verifyOtp(mfa, '123456', { client_id: 'other', client_secret: 'other-secret' })],
      ['associate while enrolled', () => h.associate(mfa)],
      ['associate with read-only token', () => h.associate(readOnlyToken)],
      ['associate with bad types', () => h.associate(mfa, { authenticator_types: ['sms'] })],
      ['delete with mfa_token', () => h.deleteAuthenticator(mfa, h.emulator.store.authenticators(DEMO.email)[1]?.id ?? '')],
      ['delete with read-only token', () => h.deleteAuthenticator(readOnlyToken, h.emulator.store.authenticators(DEMO.email)[1]?.id ?? '')],
      ['list with garbage', () => h.listAuthenticators('garbage')],
      ['challenge with bad type', () => h.challenge({ mfa_token: mfa, challenge_type: 'oob' })],
      ['challenge with foreign id', () => h.challenge({ mfa_token: mfa, authenticator_id: 'totp|dev_nope' })],
      ['oversized body', () => h.send('POST', '/oauth/token', { form: { grant_type: GRANTS.password, pad: 'x'.repeat(70_000) } })],
    ];
    for (const [name, refuse] of refusals) {
      const before = JSON.stringify(h.emulator.store.dump());
      const result = await refuse();
      expect(result.status, name).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(h.emulator.store.dump()), name).toBe(before);
    }
  });

  test('a wrong code changes only the attempt bucket', async () => {
    const { h, secret, mfa } = await setUp();
    const withoutBuckets = () => JSON.stringify(h.emulator.store.dump(), (key, value) => (key === 'bucket' ? undefined : value));
    const before = withoutBuckets();
    await h.verifyOtp(mfa, wrongTotpCode(secret, h.clock.now()));
    await h.verifyRecoveryCode(mfa, 'Z'.repeat(24));
    expect(withoutBuckets()).toBe(before);
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(8);
  });

  test('a 429 changes nothing at all', async () => {
    const { h, secret, mfa } = await setUp();
    for (let i = 0; i < 10; i++) await h.verifyOtp(mfa, wrongTotpCode(secret, h.clock.now()));
    const before = JSON.stringify(h.emulator.store.dump());
    const eventsBefore = h.emulator.store.events().length;
    expect((await h.verifyOtp(mfa, h.otpNow(secret))).status).toBe(429);
    expect(JSON.stringify(h.emulator.store.dump())).toBe(before);
    expect(h.emulator.store.events()).toHaveLength(eventsBefore);
  });
});
