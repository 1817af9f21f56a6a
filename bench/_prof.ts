import { waitFor } from 'xstate';
import { createEmulator } from '../src/emulator/index.js';
import { createMfaApiClient, createMfaFlow } from '../src/index.js';
import { benchClock, benchUsers, CLIENT, IN_PROCESS_URL, totpAt } from './fixtures.js';
const clock = benchClock();
const emulator = createEmulator({ clock: clock.now, users: benchUsers('p', 1) });
await emulator.ready();
const fetch: typeof globalThis.fetch = (i, init) => Promise.resolve(emulator.app.request(i, init));
const client = createMfaApiClient({ baseUrl: IN_PROCESS_URL, ...CLIENT, mfaAudience: emulator.mfaAudience, fetch });
// Engine overhead only: a client whose calls answer at once, so the profile shows the engine.
const enrollment = { factor: 'otp' as const, secret: 'JBSWY3DPEHPK3PXP', barcodeUri: 'otpauth://totp/x' };
const tokens = { accessToken: 'a', tokenType: 'Bearer', expiresIn: 1 };
const fake = { ...client, associate: async () => enrollment, verifyOtp: async () => tokens };
const N = Number(process.argv[2] ?? 20000);
const t = performance.now();
for (let i = 0; i < N; i++) {
  const flow = createMfaFlow({ client: fake, clock, intent: 'enroll', mfaToken: 'tok', requireRecoveryCodeAck: false });
  flow.start();
  await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
  flow.send({ type: 'otp.submit', otp: '123456' });
  await waitFor(flow, (s) => s.status === 'done');
}
console.log(`${((performance.now() - t) / N * 1000).toFixed(1)} µs per flow (engine only)`);
void totpAt;
