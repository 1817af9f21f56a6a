// The out-of-band factors over a real socket (startEmulator on 127.0.0.1, port 0), driven with
// fetch alone: enroll and sign in with each of SMS, voice, email and push, codes from the outbox
// route, push answered through the emulated device's routes.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { enrollThenSignIn, type ScriptFactor } from '../helpers/oobScript.js';
import { TEST_SIGNING_KEY } from '../helpers/signingKey.js';

const FACTORS: ScriptFactor[] = ['sms', 'voice', 'email', 'push'];
const CLIENT = { id: 'demo-client', secret: 'demo-secret' };
const userFor = (factor: ScriptFactor) => ({ email: `${factor}-user@example.com`, password: `${factor}-password` });

describe('out-of-band factors over a socket', () => {
  let running: RunningEmulator;
  const messages: string[] = [];
  beforeAll(async () => {
    running = await startEmulator({ port: 0, users: FACTORS.map(userFor), signingKey: TEST_SIGNING_KEY, messageLog: (line) => messages.push(line) });
  });
  afterAll(async () => {
    await running?.close();
  });

  test.each(FACTORS)('%s: enroll, then sign in with it, by HTTP alone', async (factor) => {
    const tokens = await enrollThenSignIn({ baseUrl: running.url, client: CLIENT, user: userFor(factor) }, factor, '+4930901820');
    expect(tokens.id_token).toEqual(expect.any(String));
    expect(messages.some((line) => line.startsWith(factor === 'push' ? 'push to ' : `${factor} to `))).toBe(true);
  });
});
