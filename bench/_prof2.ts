import { waitFor } from 'xstate';
import { createEmulator } from '../src/emulator/index.js';
import { createMfaApiClient, createMfaFlow } from '../src/index.js';
import { benchClock, benchUsers, CLIENT, IN_PROCESS_URL } from './fixtures.js';
import ky from 'ky';
// The network part alone: a fetch that answers canned responses at once, so the profile shows
// what the engine and the client add on top of ky.
const assoc = JSON.stringify({ authenticator_type: 'otp', secret: 'JBSWY3DPEHPK3PXP', barcode_uri: 'otpauth://totp/x', recovery_codes: ['A'.repeat(24)] });
const tok = JSON.stringify({ access_token: 'a', token_type: 'Bearer', expires_in: 60, scope: 'openid' });
const fetch: typeof globalThis.fetch = async (input) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return new Response(url.endsWith('associate') ? assoc : tok, { headers: { 'content-type': 'application/json' } });
};
const clock = benchClock();
const client = createMfaApiClient({ baseUrl: IN_PROCESS_URL, ...CLIENT, mfaAudience: 'https://x/mfa/', fetch });
const N = Number(process.argv[2] ?? 5000);
const mode = process.argv[3] ?? 'engine';
const api = ky.create({ prefixUrl: IN_PROCESS_URL, fetch, retry: 0 });
const t = performance.now();
for (let i = 0; i < N; i++) {
  if (mode === 'engine') {
    const flow = createMfaFlow({ client, clock, intent: 'enroll', mfaToken: 'tok', requireRecoveryCodeAck: false });
    flow.start();
    await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    flow.send({ type: 'otp.submit', otp: '123456' });
    await waitFor(flow, (s) => s.status === 'done');
  } else {
    await api.post('mfa/associate', { headers: { authorization: 'Bearer tok' }, json: { authenticator_types: ['otp'] } }).json();
    await api.post('oauth/token', { body: new URLSearchParams({ grant_type: 'x', mfa_token: 'tok', otp: '123456', client_id: 'c', client_secret: 's' }) }).json();
  }
}
console.log(`${mode}: ${((performance.now() - t) / N * 1000).toFixed(1)} µs per flow`);
