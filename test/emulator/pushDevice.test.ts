// Push through the emulated Guardian device, over HTTP and from code: polling the mfa-oob grant
// (authorization_pending, slow_down with the interval growing 5 s at a time, then tokens or the
// device's refusal), the device's routes (scan, devices, enrollments, requests, accept, reject)
// and what they refuse, and the automatic modes CI uses.
import { describe, expect, test } from 'vitest';
import { DEMO, expectError } from '../helpers/emulatorHarness.js';
import { createOobHarness, oobAssociation, type OobHarness } from '../helpers/oobHarness.js';

/** A user enrolled with push, a fresh login and a push challenge waiting on the device. */
async function pushChallenge(h: OobHarness) {
  const enrolled = await h.enrollOob('push');
  const mfa = await h.mfaToken();
  const challenge = await h.challengeOob(mfa, enrolled.authenticatorId);
  expect(challenge.status, challenge.text).toBe(200);
  const poll = () => h.verifyOob(mfa, challenge.body.oob_code);
  return { ...enrolled, mfa, oobCode: challenge.body.oob_code as string, poll };
}

describe('polling the mfa-oob grant', () => {
  test('pending until the device accepts, then tokens once', async () => {
    const h = createOobHarness();
    const { poll } = await pushChallenge(h);
    expectError(await poll(), 403, 'authorization_pending', 'Authorization pending: please repeat the request in a few seconds.');
    h.clock.advance(5_000);
    expectError(await poll(), 403, 'authorization_pending');
    const [request] = await h.pushRequests();
    const accepted = await h.answerPush(request?.id ?? '', 'accept');
    expect(accepted.status).toBe(200);
    expect(accepted.body.request).toMatchObject({ id: request?.id, status: 'accepted', user: DEMO.email, clientId: DEMO.clientId });
    // A final answer comes at once, even sooner than the interval.
    const tokens = await poll();
    expect(tokens.status, tokens.text).toBe(200);
    expect(tokens.body.access_token).toEqual(expect.any(String));
    expectError(await poll(), 403, 'invalid_grant', 'Invalid oob_code.');
    expect(await h.pushRequests()).toEqual([]);
  });

  test('rejected: 403 invalid_grant "MFA Authorization rejected." on every poll after, no attempt spent', async () => {
    const h = createOobHarness();
    const { poll } = await pushChallenge(h);
    const [request] = await h.pushRequests();
    expect((await h.answerPush(request?.id ?? '', 'reject')).body.request.status).toBe('rejected');
    expectError(await poll(), 403, 'invalid_grant', 'MFA Authorization rejected.');
    expectError(await poll(), 403, 'invalid_grant', 'MFA Authorization rejected.');
    expect(h.emulator.store.attemptsRemaining(DEMO.email)).toBe(10);
    expect(h.emulator.store.events().filter((e) => e.type === 'push_rejected')).toHaveLength(1);
  });

  test('polled too fast: 429 slow_down, the interval 5 s longer each time (RFC 8628 §3.5), and pending again once it is kept', async () => {
    const h = createOobHarness();
    const { poll } = await pushChallenge(h);
    expectError(await poll(), 403, 'authorization_pending'); // the first poll is never too soon
    h.clock.advance(4_999);
    const slow = await poll();
    expectError(slow, 429, 'slow_down', 'You are polling faster than the specified interval of 10 seconds.');
    expect(slow.body.interval).toBe(10);
    h.clock.advance(9_999);
    expectError(await poll(), 429, 'slow_down', 'You are polling faster than the specified interval of 15 seconds.');
    h.clock.advance(15_000);
    expectError(await poll(), 403, 'authorization_pending');
    h.clock.advance(15_000);
    expectError(await poll(), 403, 'authorization_pending');
  });

  test('the poll interval is an option; the challenge answer says it', async () => {
    const h = createOobHarness({ pollIntervalSeconds: 1 });
    const { authenticatorId } = await h.enrollOob('push');
    const mfa = await h.mfaToken();
    const challenge = await h.challengeOob(mfa, authenticatorId);
    expect(challenge.body.interval).toBe(1);
    await h.verifyOob(mfa, challenge.body.oob_code);
    h.clock.advance(1_000);
    expectError(await h.verifyOob(mfa, challenge.body.oob_code), 403, 'authorization_pending');
  });

  test('an unscanned enrollment polls pending; the scan confirms it (and the recovery code) before any poll', async () => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    const association = await h.associateOob(mfa, oobAssociation('push'));
    expectError(await h.verifyOob(mfa, association.body.oob_code), 403, 'authorization_pending');
    expect((await h.scan(association.body.barcode_uri)).status).toBe(201);
    expect(h.emulator.store.authenticators(DEMO.email).map((a) => [a.type, a.active])).toEqual([
      ['recovery-code', true],
      ['push', true],
      ['otp', true],
    ]);
    expect((await h.verifyOob(mfa, association.body.oob_code)).status).toBe(200);
  });
});

describe('the device\'s routes', () => {
  test('GET /emulator/v1/guardian shows the mode, devices, enrollments waiting for a scan and requests waiting for an answer', async () => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    const association = await h.associateOob(mfa, oobAssociation('push'));
    const before = await h.send('GET', '/emulator/v1/guardian');
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      mode: 'manual',
      devices: [],
      enrollments: [{ user: DEMO.email, authenticatorId: expect.stringMatching(/^push\|dev_/), barcodeUri: association.body.barcode_uri, expiresAt: new Date(h.clock.now() + 300_000).toISOString() }],
      requests: [],
    });
    const scanned = await h.scan(before.body.enrollments[0].barcodeUri);
    expect(scanned.body.device).toEqual({
      id: expect.stringMatching(/^dev_[A-Za-z0-9]{16}$/),
      name: 'Emulated Guardian',
      user: DEMO.email,
      authenticatorId: before.body.enrollments[0].authenticatorId,
      otpAuthenticatorId: expect.stringMatching(/^totp\|dev_/),
      totpSecret: expect.stringMatching(/^[A-Z2-7]{32}$/),
      otp: h.otpNow(scanned.body.device.totpSecret),
    });
    await h.verifyOob(mfa, association.body.oob_code);
    const challenge = await h.challengeOob(await h.mfaToken(), scanned.body.device.authenticatorId);
    const after = (await h.send('GET', '/emulator/v1/guardian')).body;
    expect(after.devices).toEqual([scanned.body.device]);
    expect(after.enrollments).toEqual([]);
    expect(after.requests).toEqual([expect.objectContaining({ deviceId: scanned.body.device.id, status: 'pending' })]);
    expect(challenge.status).toBe(200);
    expect((await h.send('GET', '/emulator/v1/guardian/requests?user=DEMO@example.com')).body.requests).toHaveLength(1);
    expect((await h.send('GET', '/emulator/v1/guardian/requests?user=nobody@example.com')).body.requests).toEqual([]);
  });

  test('refusals: a barcode that is no Guardian one, an unknown or spent one, missing, a bad name; unknown, answered and expired requests', async () => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    const association = await h.associateOob(mfa, oobAssociation('push'));
    expectError(await h.send('POST', '/emulator/v1/guardian/devices', { json: {} }), 400, 'invalid_request', 'Missing required parameter: barcodeUri');
    expectError(await h.scan('not a uri'), 400, 'invalid_request', 'barcodeUri is not a URI');
    expectError(await h.scan('otpauth://totp/x:y?secret=ABC'), 400, 'invalid_request', /enrollment_tx_id/);
    expectError(await h.scan('otpauth://totp/x:y?enrollment_tx_id=nope'), 404, 'not_found', /No pending push enrollment/);
    expectError(await h.scan(association.body.barcode_uri, '   '), 400, 'invalid_request', /name must be/);
    expectError(await h.scan(association.body.barcode_uri, 'tab\there'), 400, 'invalid_request', /name must be/);
    expectError(await h.scan(association.body.barcode_uri, 'x'.repeat(101)), 400, 'invalid_request', /name must be/);
    expect((await h.scan(association.body.barcode_uri)).status).toBe(201);
    expectError(await h.scan(association.body.barcode_uri), 404, 'not_found', /No pending push enrollment/);

    await h.verifyOob(mfa, association.body.oob_code);
    const authenticatorId = h.emulator.store.authenticators(DEMO.email).find((a) => a.type === 'push')?.id ?? '';
    expectError(await h.answerPush('req_unknown', 'accept'), 404, 'not_found', /No pending push request/);
    await h.challengeOob(await h.mfaToken(), authenticatorId);
    const [first] = await h.pushRequests();
    expect((await h.answerPush(first?.id ?? '', 'accept')).status).toBe(200);
    expectError(await h.answerPush(first?.id ?? '', 'reject'), 409, 'invalid_request', 'This push request was answered already.');
    await h.challengeOob(await h.mfaToken(), authenticatorId);
    const [second] = await h.pushRequests();
    h.clock.advance(300_000);
    expectError(await h.answerPush(second?.id ?? '', 'accept'), 404, 'not_found', /No pending push request/);
  });

  test('from code: emulator.guardian enrolls, lists and answers like the routes', async () => {
    const h = createOobHarness();
    const mfa = await h.mfaToken();
    const association = await h.associateOob(mfa, oobAssociation('push'));
    const { guardian } = h.emulator;
    expect(guardian.mode).toBe('manual');
    expect(guardian.enrollments()).toHaveLength(1);
    const device = guardian.enroll(association.body.barcode_uri, 'Test phone');
    expect(guardian.devices()).toEqual([device]);
    expect((await h.verifyOob(mfa, association.body.oob_code)).status).toBe(200);
    const challenge = await h.challengeOob(await h.mfaToken(), device.authenticatorId);
    const [request] = guardian.requests({ user: DEMO.email });
    expect(guardian.reject(request?.id ?? '').status).toBe('rejected');
    expect(() => guardian.accept(request?.id ?? '')).toThrow('This push request was answered already.');
    expect(() => guardian.enroll('otpauth://totp/x?enrollment_tx_id=nope')).toThrow(/No pending push enrollment/);
    expect(challenge.status).toBe(200);
  });
});

describe('automatic modes', () => {
  /** A push association the device scanned by itself: the first poll confirms it. */
  async function enrolledBySelf(h: OobHarness) {
    const mfa = await h.mfaToken();
    const association = await h.associateOob(mfa, oobAssociation('push'));
    expect((await h.verifyOob(mfa, association.body.oob_code)).status).toBe(200);
    return { mfa, authenticatorId: h.emulator.store.authenticators(DEMO.email).find((a) => a.type === 'push')?.id ?? '' };
  }

  test('auto-accept: the device scans every push enrollment and accepts every request by itself', async () => {
    const h = createOobHarness({ push: 'auto-accept' });
    const { authenticatorId } = await enrolledBySelf(h);
    const second = await h.mfaToken();
    const challenge = await h.challengeOob(second, authenticatorId);
    expect((await h.verifyOob(second, challenge.body.oob_code)).status).toBe(200);
    expect(h.messageLines).toEqual([
      expect.stringMatching(/^push enrollment for d••@example\.com: scanned by the emulated device dev_\w+ \(--push auto-accept\)$/),
      expect.stringMatching(/^push to Emulated Guardian: sign-in request req_\w+ for d••@example\.com; accepted by the emulated device \(--push auto-accept\)$/),
    ]);
  });

  test('auto-reject: enrollments are scanned, every request refused', async () => {
    const h = createOobHarness({ push: 'auto-reject' });
    const { mfa, authenticatorId } = await enrolledBySelf(h);
    const challenge = await h.challengeOob(mfa, authenticatorId);
    expectError(await h.verifyOob(mfa, challenge.body.oob_code), 403, 'invalid_grant', 'MFA Authorization rejected.');
  });

  test('a bad mode is the caller\'s mistake', () => {
    expect(() => createOobHarness({ push: 'sometimes' as never })).toThrow(TypeError);
  });
});
