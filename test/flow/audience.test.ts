// With only a loopback baseUrl, the client derives the emulator's MFA audience
// (`https://localhost:<port>/mfa/`), so enrolling a second factor works without configuration.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { startEmulator } from '../../src/emulator/index.js';
import { createMfaFlow } from '../../src/index.js';
import { createTestClock } from '../helpers/testClock.js';
import { totpCode } from '../helpers/totp.js';
import { otpEnrollment } from '../helpers/enrollment.js';

const clock = createTestClock();
let server: Awaited<ReturnType<typeof startEmulator>>;
beforeAll(async () => {
  server = await startEmulator({ port: 0, clock: clock.now });
});
afterAll(() => server.close());

const newFlow = () =>
  createMfaFlow({
    baseUrl: server.url, // http://127.0.0.1:<port>; no mfaAudience, no domain
    clientId: 'demo-client',
    clientSecret: 'demo-secret',
    intent: 'enroll',
    requireRecoveryCodeAck: false,
    clock,
  }).start();

async function enrollOnce(existingSecret?: string) {
  const flow = newFlow();
  expect(flow.getSnapshot().context.settings.mfaAudience).toBe(server.mfaAudience);
  flow.send({ type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' });
  if (existingSecret) {
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'idle' } }), { timeout: 10_000 });
    flow.send({ type: 'otp.submit', otp: totpCode(existingSecret, clock.now()) });
  }
  await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }), { timeout: 10_000 });
  clock.advance(30_000);
  const { secret } = otpEnrollment(flow.getSnapshot().context.enrollment);
  flow.send({ type: 'otp.submit', otp: totpCode(secret, clock.now()) });
  await waitFor(flow, (s) => s.status === 'done', { timeout: 10_000 });
  expect(flow.getSnapshot().output).toMatchObject({ outcome: 'authenticated', enrolled: true });
  clock.advance(30_000);
  return secret;
}

it('enrols a first and then a second authenticator against a local emulator', async () => {
  const first = await enrollOnce();
  await enrollOnce(first);
  const otps = server.emulator.store.authenticators('demo@example.com').filter((a) => a.type === 'otp' && a.active);
  expect(otps).toHaveLength(2);
});
