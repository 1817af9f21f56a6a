// The same engine over a real socket: startEmulator on 127.0.0.1 and the platform's fetch.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { startEmulator } from '../../src/emulator/index.js';
import { createMfaFlow } from '../../src/index.js';
import { totpCode } from '../helpers/totp.js';
import { authenticatedOutput } from './flowHarness.js';
import { otpEnrollment } from '../helpers/enrollment.js';

let server: Awaited<ReturnType<typeof startEmulator>>;
beforeAll(async () => {
  server = await startEmulator({ port: 0 });
});
afterAll(() => server.close());

it('enrols over loopback HTTP with the default tenant', async () => {
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const flow = createMfaFlow({
    baseUrl: server.url,
    mfaAudience: server.mfaAudience,
    clientId: 'demo-client',
    clientSecret: 'demo-secret',
    intent: 'enroll',
    requireRecoveryCodeAck: false,
  }).start();
  flow.send({ type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' });
  await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }), { timeout: 10_000 });
  const { secret } = otpEnrollment(flow.getSnapshot().context.enrollment);
  flow.send({ type: 'otp.submit', otp: totpCode(secret, Date.now()) });
  await waitFor(flow, (s) => s.status === 'done', { timeout: 10_000 });
  expect(flow.getSnapshot().value).toBe('authenticated');
  expect(authenticatedOutput(flow).enrolled).toBe(true);
});
