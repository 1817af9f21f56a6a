import ky from 'ky';
import { createMfaApiClient } from '../src/index.js';
const assoc = JSON.stringify({ authenticator_type: 'otp', secret: 'JBSWY3DPEHPK3PXP', barcode_uri: 'otpauth://totp/x', recovery_codes: ['A'.repeat(24)] });
const tok = JSON.stringify({ access_token: 'a', token_type: 'Bearer', expires_in: 60, scope: 'openid' });
const fetch: typeof globalThis.fetch = async (input) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return new Response(url.endsWith('associate') ? assoc : tok, { headers: { 'content-type': 'application/json' } });
};
const N = 10000;
const client = createMfaApiClient({ baseUrl: 'http://x', clientId: 'c', clientSecret: 's', fetch });
const api = ky.create({ prefixUrl: 'http://x', fetch, retry: 0 });
async function run(name: string, f: () => Promise<unknown>) {
  for (let i = 0; i < 500; i++) await f();
  const t = performance.now();
  for (let i = 0; i < N; i++) await f();
  console.log(name.padEnd(40), ((performance.now() - t) / N * 1000).toFixed(1), 'µs');
}
for (let r = 0; r < 2; r++) {
await run('bare ky', async () => { await api.post('mfa/associate', { headers: { authorization: 'Bearer t' }, json: { authenticator_types: ['otp'] } }).json(); await api.post('oauth/token', { body: new URLSearchParams({ a: 'b' }) }).json(); });
await run('bare ky + signal', async () => { const c = new AbortController(); await api.post('mfa/associate', { signal: c.signal, headers: { authorization: 'Bearer t' }, json: { authenticator_types: ['otp'] } }).json(); await api.post('oauth/token', { signal: c.signal, body: new URLSearchParams({ a: 'b' }) }).json(); });
await run('client (no signal)', async () => { await client.associate({ bearer: 't' }); await client.verifyOtp({ mfaToken: 't', otp: '123456' }); });
await run('client + signal', async () => { const c = new AbortController(); await client.associate({ bearer: 't' }, { signal: c.signal }); await client.verifyOtp({ mfaToken: 't', otp: '123456' }, { signal: c.signal }); });
}
