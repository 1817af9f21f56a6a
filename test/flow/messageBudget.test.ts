// A 429 on challenge or associate means one of two things, and the client tells them apart:
// the user's message budget is spent (`too_many_messages`: wait long, then ask again by choice),
// or a plain rate limit of the tenant or a proxy (`rate_limited`: a short wait, then the same
// request again). Both answers come over HTTP: the first from the emulator's own budget, the
// second injected in front of it.
import { describe, expect, it } from 'vitest';
import { createMfaApiClient, MfaError } from '../../src/index.js';
import { createOobHarness, type OobHarness } from '../helpers/oobHarness.js';

function clientFor(h: OobHarness, fault?: (request: Request) => Response | undefined) {
  return createMfaApiClient({
    baseUrl: 'http://emulator.test',
    clientId: 'demo-client',
    clientSecret: 'demo-secret',
    fetch: async (input, init) => {
      const request = new Request(input as RequestInfo, init);
      return fault?.(request) ?? h.emulator.app.request(request);
    },
  });
}

async function refusal(call: Promise<unknown>): Promise<MfaError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MfaError);
  return error as MfaError;
}

describe('a 429 when a message would be sent', () => {
  it('a spent push budget is too_many_messages, with the wait the emulator gave', async () => {
    const h = createOobHarness();
    const { authenticatorId } = await h.enrollOob('push');
    const mfaToken = await h.mfaToken();
    const client = clientFor(h);
    for (let i = 0; i < 5; i++) expect(await client.challenge({ mfaToken, authenticatorId, factor: 'push' })).toMatchObject({ oobCode: expect.any(String) });
    const error = await refusal(client.challenge({ mfaToken, authenticatorId, factor: 'push' }));
    expect(error.code).toBe('too_many_messages');
    expect(error.retryAfterMs).toBe(12_000);
  });

  it('a spent SMS budget on associate is too_many_messages too', async () => {
    const h = createOobHarness({ messageLimits: { phone: { limit: 1 } } });
    const client = clientFor(h);
    const mfaToken = await h.mfaToken();
    // The first association's SMS spends the budget of one; the user asks again (a typo in the number).
    expect(await client.associate({ bearer: mfaToken, factor: 'sms', phoneNumber: '+447700900123' })).toMatchObject({ factor: 'sms' });
    const error = await refusal(client.associate({ bearer: mfaToken, factor: 'sms', phoneNumber: '+14155550123' }));
    expect(error.code).toBe('too_many_messages');
  });

  it('a plain rate limit on challenge or associate is rate_limited, never too_many_messages', async () => {
    const h = createOobHarness();
    const { authenticatorId } = await h.enrollOob('sms');
    const mfaToken = await h.mfaToken();
    const limited = () =>
      Response.json({ error: 'too_many_requests', error_description: 'Global limit has been reached' }, { status: 429, headers: { 'retry-after': '2' } });
    const client = clientFor(h, (r) => (/\/mfa\/(challenge|associate)$/.test(new URL(r.url).pathname) ? limited() : undefined));
    const onChallenge = await refusal(client.challenge({ mfaToken, authenticatorId, factor: 'sms' }));
    expect(onChallenge).toMatchObject({ code: 'rate_limited', retryAfterMs: 2_000 });
    const onAssociate = await refusal(client.associate({ bearer: mfaToken, factor: 'email', email: 'demo@example.com' }));
    expect(onAssociate).toMatchObject({ code: 'rate_limited' });
    // A bare 429 with no body at all is a rate limit too.
    const bare = clientFor(h, (r) => (new URL(r.url).pathname === '/mfa/challenge' ? new Response(null, { status: 429 }) : undefined));
    expect((await refusal(bare.challenge({ mfaToken, authenticatorId, factor: 'sms' }))).code).toBe('rate_limited');
  });
});
