// Issue 12's "done when", as a user would do it: the built CLI started with `npx mfa-flow
// emulator` (dist/, which `npm test` builds first), and a client that knows only HTTP enrolls and
// signs in with each of SMS, voice, email and push, reading codes from GET /emulator/v1/outbox
// and answering push through the emulated device's routes. Messages, codes included, are on
// stderr; the request log lines there never hold one.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { descendants, expectTreeStopped, spawnService, type Service } from '../helpers/processTree.js';
import { enrollThenSignIn, type ScriptFactor } from '../helpers/oobScript.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const FACTORS: ScriptFactor[] = ['sms', 'voice', 'email', 'push'];
const CLIENT = { id: 'ci-client', secret: 'ci-secret' };
const userFor = (factor: ScriptFactor) => ({ email: `${factor}@example.com`, password: `${factor}-pw` });
/** The stderr test's own user, so it runs a flow of its own whatever ran before it. */
const LOG_USER = { email: 'log@example.com', password: 'log-pw' };

describe('npx mfa-flow emulator: every out-of-band factor over HTTP alone', () => {
  let service: Service;
  let stderr = '';
  let baseUrl = '';
  beforeAll(async () => {
    const args = ['--no', 'mfa-flow', 'emulator', '--port', '0', '--push', 'manual', '--client', `${CLIENT.id}:${CLIENT.secret}`];
    for (const factor of FACTORS) args.push('--user', `${userFor(factor).email}:${userFor(factor).password}`);
    args.push('--user', `${LOG_USER.email}:${LOG_USER.password}`);
    service = await spawnService('npx', args, { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } }, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
    service.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    baseUrl = service.ready[1] ?? '';
  }, 90_000);
  afterAll(async () => {
    if (!service) return;
    const tree = [service.child.pid ?? -1, ...descendants(service.child.pid ?? -1)];
    service.child.kill('SIGTERM');
    await expectTreeStopped(service.closed, tree, 15_000);
  });

  test('it says which factors it offers and where the messages go', () => {
    expect(service.stdout()).toContain('factors otp, sms, voice, email, push; push device manual');
    expect(service.stdout()).toContain(`messages on stderr and at ${baseUrl}/emulator/v1/outbox`);
  });

  test.each(FACTORS)('%s: enroll, then sign in', async (factor) => {
    const tokens = await enrollThenSignIn({ baseUrl, client: CLIENT, user: userFor(factor) }, factor, '+12025550147');
    expect(tokens.access_token.split('.')).toHaveLength(3);
  });

  test('stderr: a line per message with its code; request lines without codes', async () => {
    await enrollThenSignIn({ baseUrl, client: CLIENT, user: LOG_USER }, 'sms', '+12025550199');
    const outbox = await (await fetch(`${baseUrl}/emulator/v1/outbox?to=%2B12025550199`)).json();
    const codes: string[] = outbox.messages.flatMap((m: { code: string | null }) => (m.code === null ? [] : [m.code]));
    expect(codes).toHaveLength(2);
    const lines = stderr.split('\n').filter(Boolean);
    for (const code of codes) expect(lines).toContain(`sms to +1••••0199: ${code}`);
    const requestLines = lines.filter((line) => /^(GET|POST|DELETE|OPTIONS) \//.test(line));
    expect(requestLines.length).toBeGreaterThanOrEqual(10);
    for (const line of requestLines) {
      expect(line).toMatch(/^(GET|POST|DELETE|OPTIONS) \/[\w./:-]* \d{3} \d+ms$/);
      for (const code of codes) expect(line).not.toContain(code);
    }
  });
});
