// `mfa-flow emulator` as a user runs it: a child process that prints where it listens, answers,
// logs without secrets to stderr, and exits 0 on SIGTERM/SIGINT; bad flags exit 2.
import { afterAll, describe, expect, test, vi } from 'vitest';
import { runEmulatorCommand } from '../../src/cli/emulatorCommand.js';
import { GRANTS } from '../helpers/emulatorHarness.js';
import { spawnCli, type CliProcess } from '../helpers/cliProcess.js';

const started: CliProcess[] = [];
afterAll(() => {
  for (const cli of started.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
});

function start(args: string[]): CliProcess {
  const cli = spawnCli(['emulator', ...args]);
  started.push(cli);
  return cli;
}

// Concurrent: each child spends most of its time starting up (tsx, key generation).
describe.concurrent('mfa-flow emulator (child process)', () => {
  test('--port 0: prints URL and demo credentials, answers discovery, exits 0 on SIGTERM', async () => {
    const cli = start(['--port', '0']);
    const [, url] = await cli.expect(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    await cli.expect(/Ctrl-C to stop/);
    expect(cli.stdout()).toContain('demo-client / demo-secret');
    expect(cli.stdout()).toContain('demo@example.com / demo-password');
    const port = new URL(url ?? '').port;
    const discovery = await (await fetch(`${url}/.well-known/openid-configuration`)).json();
    expect(discovery.issuer).toBe(`https://localhost:${port}/`);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain('stopped');
    expect(cli.stderr()).toMatch(/^GET \/\.well-known\/openid-configuration 200 \d+ms$/m);
  });

  test('custom tenant flags; SIGINT stops it; the log has no secrets', async () => {
    const cli = start([
      '--port', '0',
      '--host', '127.0.0.1',
      '--domain', 'auth.example.test',
      '--client', 'app:app-secret-123',
      '--client', 'spa',
      '--user', 'ann@example.com:ann-password-456',
      '--mfa-token-ttl', '120',
    ]);
    const [, url] = await cli.expect(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    await cli.expect(/Ctrl-C to stop/);
    expect(cli.stdout()).toContain('issuer https://auth.example.test/');
    expect(cli.stdout()).not.toContain('demo-');
    expect(cli.stdout()).not.toContain('app-secret-123');

    const password = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: GRANTS.password, client_id: 'app', client_secret: 'app-secret-123', username: 'ann@example.com', password: 'ann-password-456' }),
    });
    const body = await password.json();
    expect(body.error).toBe('mfa_required');
    const publicClient = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: GRANTS.password, client_id: 'spa', username: 'ann@example.com', password: 'wrong' }),
    });
    expect((await publicClient.json()).error).toBe('invalid_grant');

    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    for (const secret of ['app-secret-123', 'ann-password-456', body.mfa_token as string]) expect(cli.stderr()).not.toContain(secret);
    expect(cli.stderr()).toMatch(/^POST \/oauth\/token 403 \d+ms$/m);
  });

  test('a bad flag exits 2 with a clear message', async () => {
    const cli = start(['--prot', '4010']);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(/--prot/);
    expect(cli.stderr()).toContain('Usage: mfa-flow emulator');
  });
});

describe('runEmulatorCommand flag checks (in process)', () => {
  const run = async (args: string[]) => {
    const errors: string[] = [];
    const outs: string[] = [];
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (errors.push(String(chunk)), true));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (outs.push(String(chunk)), true));
    try {
      return { code: await runEmulatorCommand(args), stderr: errors.join(''), stdout: outs.join('') };
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  };

  test.each([
    [['--port', 'abc'], /--port must be a whole number/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--port'], /--port/],
    [['--mfa-token-ttl', '0'], /--mfa-token-ttl/],
    [['--mfa-token-ttl', '1.5'], /--mfa-token-ttl/],
    [['--user', 'no-colon'], /--user must be EMAIL:PASSWORD/],
    [['--user', 'ann@example.com:'], /--user must be EMAIL:PASSWORD/],
    [['--client', ':secret'], /--client must be ID:SECRET/],
    [['--domain', 'https://x/'], /--domain must be host\[:port\]/],
    [['--host', ''], /--host must not be empty/],
    [['extra-positional'], /positional/i],
    [['--user', 'a@example.com:x', '--user', 'A@example.com:y'], /duplicate user/],
  ])('%j → exit 2', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  test('--help prints usage and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--mfa-token-ttl SECONDS');
  });
});
