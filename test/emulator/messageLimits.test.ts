// Messages per user, limited as Auth0 limits them: 10 SMS or voice messages (one budget), then
// one an hour; 20 emails, then one a minute; 5 push notifications, then one every 12 s. A spent
// budget is 429 too_many_requests with the rate-limit headers, sends nothing and changes nothing.
// Associations spend it as challenges do. Limits are options.
import { describe, expect, test } from 'vitest';
import { DEMO, expectError } from '../helpers/emulatorHarness.js';
import { createOobHarness, oobAssociation, type OobHarness } from '../helpers/oobHarness.js';

async function challenges(h: OobHarness, authenticatorId: string, count: number): Promise<number[]> {
  const mfa = await h.mfaToken();
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await h.challengeOob(mfa, authenticatorId)).status);
  return statuses;
}

describe('message budgets', () => {
  test('phone: the enrollment SMS and 9 challenges, SMS and voice together, then 429 until an hour passes', async () => {
    const h = createOobHarness();
    const { authenticatorId } = await h.enrollOob('sms');
    const voice = authenticatorId.replace('sms|', 'voice|');
    expect(await challenges(h, authenticatorId, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(await challenges(h, voice, 4)).toEqual([200, 200, 200, 200]);
    const mfa = await h.mfaToken();
    const sent = h.emulator.outbox.messages().length;
    const refused = await h.challengeOob(mfa, voice);
    expectError(refused, 429, 'too_many_requests', 'Too many SMS sent by the user. Wait for some minutes before retrying.');
    const now = h.clock.now();
    expect(refused.headers.get('x-ratelimit-limit')).toBe('10');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('x-ratelimit-reset'))).toBe(Math.ceil((now + 3_600_000) / 1000));
    expect(refused.headers.get('retry-after')).toBe('3600');
    expectError(await h.challengeOob(mfa, authenticatorId), 429, 'too_many_requests');
    expect(h.emulator.outbox.messages()).toHaveLength(sent);
    h.clock.advance(3_599_999);
    const later = await h.mfaToken();
    expectError(await h.challengeOob(later, authenticatorId), 429, 'too_many_requests');
    h.clock.advance(1);
    expect((await h.challengeOob(later, authenticatorId)).status).toBe(200);
    expectError(await h.challengeOob(later, authenticatorId), 429, 'too_many_requests');
  });

  test('email: 20, then one a minute', async () => {
    const h = createOobHarness();
    const { authenticatorId } = await h.enrollOob('email');
    expect((await challenges(h, authenticatorId, 20)).filter((s) => s === 200)).toHaveLength(19);
    const refused = await h.challengeOob(await h.mfaToken(), authenticatorId);
    expectError(refused, 429, 'too_many_requests', 'Too many emails sent by the user. Wait for some minutes before retrying.');
    expect(refused.headers.get('retry-after')).toBe('60');
    h.clock.advance(60_000);
    expect(await challenges(h, authenticatorId, 2)).toEqual([200, 429]);
  });

  test('push: 5 notifications, then one every 12 s; the enrollment sent none', async () => {
    const h = createOobHarness();
    const { authenticatorId } = await h.enrollOob('push');
    expect(await challenges(h, authenticatorId, 6)).toEqual([200, 200, 200, 200, 200, 429]);
    expectError(await h.challengeOob(await h.mfaToken(), authenticatorId), 429, 'too_many_requests', 'Too many push notifications sent by the user. Wait for some minutes before retrying.');
    h.clock.advance(12_000);
    expect(await challenges(h, authenticatorId, 2)).toEqual([200, 429]);
  });

  test('associations spend the budget too, and are refused with it spent; budgets are per user and per channel group', async () => {
    const users = [DEMO, { email: 'bob@example.com', password: 'bob-password' }];
    const h = createOobHarness({ users, messageLimits: { phone: { limit: 2 } } });
    const mfa = await h.mfaToken();
    expect((await h.associateOob(mfa, oobAssociation('sms'))).status).toBe(200);
    expect((await h.associateOob(mfa, oobAssociation('voice'))).status).toBe(200);
    const before = JSON.stringify(h.emulator.store.dump());
    const events = h.emulator.store.events().length;
    expectError(await h.associateOob(mfa, oobAssociation('sms')), 429, 'too_many_requests');
    expect(JSON.stringify(h.emulator.store.dump())).toBe(before);
    expect(h.emulator.store.events()).toHaveLength(events);
    expect((await h.associateOob(mfa, oobAssociation('email'))).status).toBe(200);
    const bob = await h.mfaToken({ username: 'bob@example.com', password: 'bob-password' });
    expect((await h.associateOob(bob, oobAssociation('sms'))).status).toBe(200);
  });

  test('limits are options; bad ones are the caller\'s mistake', async () => {
    const h = createOobHarness({ messageLimits: { email: { limit: 1, refillSeconds: 5 } } });
    const { authenticatorId } = await h.enrollOob('email');
    const refused = await h.challengeOob(await h.mfaToken(), authenticatorId);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(() => createOobHarness({ messageLimits: { phone: { limit: 0 } } })).toThrow(/messageLimits\.phone\.limit/);
    expect(() => createOobHarness({ messageLimits: { fax: { limit: 1 } } as never })).toThrow(/unknown budget "fax"/);
    expect(() => createOobHarness({ messageLimits: { push: { refillSeconds: -1 } } })).toThrow(/messageLimits\.push\.refillSeconds/);
  });
});
