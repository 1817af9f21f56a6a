// Child process of bench/emulatorLoad.ts: serves the emulator on 127.0.0.1 (its own process, so
// the server and the load loop get a core each) and prepares the users the load loop signs in
// as. Each user gets `perUser` confirmed OTP authenticators, so every successful verify in the
// load uses a code no authenticator has accepted before (the emulator refuses replays within a
// 30 s step). Setup runs on a clock 60 s behind, so no setup step collides with the load's steps.
import { startEmulator } from '../src/emulator/index.js';
import { benchUsers, CLIENT, FORM, formBody, GRANT, totpAt } from './fixtures.js';

export interface LoadUser {
  mfaToken: string;
  authenticators: { id: string; secret: string }[];
}

export type ServerMessage =
  | { type: 'ready'; url: string; users: LoadUser[]; setupMs: number }
  | { type: 'error'; message: string };

const USERS = Number(process.argv[2] ?? 100);
const PER_USER = Number(process.argv[3] ?? 11);
const SETUP_CLOCK_OFFSET_MS = -60_000;

let clockOffset = SETUP_CLOCK_OFFSET_MS;
const clock = () => Date.now() + clockOffset;

async function main(): Promise<void> {
  const started = Date.now();
  const users = benchUsers('load', USERS);
  const running = await startEmulator({ port: 0, host: '127.0.0.1', users, clock });
  const { app } = running.emulator;
  const json = async (response: Response | Promise<Response>, expected: number): Promise<Record<string, unknown>> => {
    const r = await response;
    const body = (await r.json()) as Record<string, unknown>;
    if (r.status !== expected) throw new Error(`setup: expected ${expected}, got ${r.status} ${String(body.error)}`);
    return body;
  };
  const token = (fields: Record<string, string>) =>
    app.request('/oauth/token', { method: 'POST', headers: FORM, body: formBody({ ...fields, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }) });
  const associate = (bearer: string) =>
    app.request('/mfa/associate', {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ authenticator_types: ['otp'] }),
    });

  const prepared = await Promise.all(
    users.map(async ({ email, password }): Promise<LoadUser> => {
      // No audience or scope: the load's verifies then get the default tokens (access + ID token), like a default flow.
      const mfaToken = String((await json(token({ grant_type: GRANT.password, username: email, password }), 403)).mfa_token);
      const secrets: string[] = [];
      let enrollToken = mfaToken;
      for (let i = 0; i < PER_USER; i++) {
        const secret = String((await json(associate(enrollToken), 200)).secret);
        const confirm = { grant_type: GRANT.mfaOtp, mfa_token: mfaToken, otp: totpAt(secret, clock()), audience: running.mfaAudience, scope: 'enroll' };
        const accessToken = String((await json(token(confirm), 200)).access_token);
        if (i === 0) enrollToken = accessToken; // after the first confirmation only an enroll-scoped token may associate
        secrets.push(secret);
      }
      const otps = running.emulator.store.authenticators(email).filter((a) => a.type === 'otp' && a.active);
      if (otps.length !== PER_USER) throw new Error(`setup: ${email} has ${otps.length} active OTP authenticators, expected ${PER_USER}`);
      return { mfaToken, authenticators: otps.map((a, i) => ({ id: a.id, secret: secrets[i]! })) };
    }),
  );
  clockOffset = 0;

  const stop = () => void running.close().finally(() => process.exit(0));
  process.on('disconnect', stop);
  process.on('message', (message) => {
    if ((message as { type?: string }).type === 'stop') stop();
  });
  const ready: ServerMessage = { type: 'ready', url: running.url, users: prepared, setupMs: Date.now() - started };
  process.send!(ready);
}

main().catch((error: unknown) => {
  const message: ServerMessage = { type: 'error', message: String((error as Error)?.stack ?? error) };
  process.send!(message, () => process.exit(1));
});
