// `mfa-flow demo` as a user runs it with an authenticator app (demoFactors.test.ts: the others): `--auto` end to end, an interactive run typed through stdin
// (a wrong code, the right one, then a second sign-in with the recovery code), repeated malformed
// codes, a replayed code and the warning before a lockout, and Ctrl-C.
import { Secret, TOTP } from 'otpauth';
import { describe, expect, test } from 'vitest';
import { acceptDemoUser, cliStarter, type CliProcess } from '../helpers/cliProcess.js';

const start = cliStarter();

/** The code a phone shows now (the embedded emulator runs on wall time in interactive mode). */
function codeNow(secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
}

function wrongCode(secret: string): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  const near = new Set([-2, -1, 0, 1, 2].map((step) => totp.generate({ timestamp: Date.now() + step * 30_000 })));
  for (let n = 111_111; ; n++) if (!near.has(String(n))) return String(n);
}

/** Takes the demo user the prompts offer (Enter twice). */
/** Answers yes to "Sign in again?" and signs in as the demo user. */
async function signInAgain(cli: CliProcess): Promise<void> {
  await cli.expect(/Sign in again .*\[y\/N\]: /);
  cli.type('y');
  await acceptDemoUser(cli);
}

/** Answers no to "Sign in again?"; the demo ends well, having printed no secret. */
async function finish(cli: CliProcess): Promise<void> {
  await cli.expect(/Sign in again .*\[y\/N\]: /);
  cli.type('n');
  await expect(cli.exited).resolves.toBe(0);
  expectNoSecretsIn(cli.stdout());
}

/** Nothing the demo prints may be a password, a token or the client secret. */
function expectNoSecretsIn(output: string): void {
  expect(output).not.toContain('demo-password');
  expect(output).not.toContain('demo-secret');
  expect(output).not.toMatch(/eyJ[\w-]+\.eyJ/); // a JWT
}

// Each step waits on a condition with its own timeout; the test's is a ceiling for a loaded CI machine.
describe('mfa-flow demo', { timeout: 30_000 }, () => {
  test('--auto --factor otp runs enroll, challenge and recovery unattended and exits 0', async () => {
    const cli = start(['demo', '--auto', '--factor', 'otp']);
    await cli.expect(/embedded MFA emulator at http:\/\/127\.0\.0\.1:\d+/);
    await cli.expect(/\[otp 1\/3\] enroll: secret [A-Z2-7]{32}\n/);
    const enrolledCode = (await cli.expect(/\[otp 1\/3\] enroll: recovery code ([A-Z0-9]{24}) \(acknowledged\)/))[1];
    await cli.expect(/\[otp 1\/3\] enroll: authenticated, otp enrolled/);
    await cli.expect(/\[otp 2\/3\] challenge: authenticated with otp/);
    const newCode = (await cli.expect(/\[otp 3\/3\] recovery: authenticated; new recovery code ([A-Z0-9]{24})/))[1];
    await cli.expect(/All 3 flows succeeded: enroll, challenge and recovery for otp\./);
    await expect(cli.exited).resolves.toBe(0);
    expect(newCode).not.toBe(enrolledCode);
    expectNoSecretsIn(cli.stdout());
    expect(cli.stderr()).toBe('');
  });

  test('an interactive run: a wrong code, the right one, then a sign-in with the recovery code', async () => {
    const cli = start(['demo', '--factor', 'otp']);
    await acceptDemoUser(cli);

    await cli.expect(/Scan this QR code/);
    await cli.expect(/[▀▄█]{10,}/); // the QR code, drawn with half blocks
    const secret = (await cli.expect(/Secret: ([A-Z2-7]{32})\n/))[1] ?? '';
    await cli.expect(/Code from the app: /);
    cli.type(wrongCode(secret));
    await cli.expect(/✗ That code is not right/);
    await cli.expect(/Code from the app: /);
    cli.type(codeNow(secret));

    const recoveryCode = (await cli.expect(/shown only now\):\n {2}([A-Z0-9]{24})\n/))[1] ?? '';
    await cli.expect(/Press Enter once you have saved it: /);
    cli.type('');
    await cli.expect(/✓ Authenticated\.\n {2}New authenticator enrolled: yes/);

    await signInAgain(cli);
    await cli.expect(/Code from the app \(or a recovery code\): /);
    cli.type(recoveryCode);
    await cli.expect(/✓ Authenticated\.\n {2}New authenticator enrolled: no/);
    const newCode = (await cli.expect(/Your new one .*:\n {2}([A-Z0-9]{24})\n/))[1];
    expect(newCode).not.toBe(recoveryCode);
    await finish(cli);
  });

  test('a second blank or malformed code prints the error again, not the QR block', async () => {
    const cli = start(['demo', '--factor', 'otp']);
    await acceptDemoUser(cli);
    const secret = (await cli.expect(/Secret: ([A-Z2-7]{32})\n/))[1] ?? '';
    await cli.expect(/Code from the app: /);
    for (const typed of ['', '', '12ab56', '']) {
      cli.type(typed);
      await cli.expect(/✗ Enter the 6-digit code from your authenticator app\.\nCode from the app: /);
    }
    cli.type(codeNow(secret));
    await cli.expect(/Press Enter once you have saved it: /);
    expect(cli.stdout().match(/Scan this QR code/g)).toHaveLength(1);
    expect(cli.stdout().match(/Secret: /g)).toHaveLength(1);
    cli.child.kill('SIGINT');
    await expect(cli.exited).resolves.toBe(130);
  });

  test('the enrollment code typed again reads "already used"; wrong codes read wrong, then warn of the lockout', async () => {
    const cli = start(['demo', '--factor', 'otp']);
    await acceptDemoUser(cli);
    const secret = (await cli.expect(/Secret: ([A-Z2-7]{32})\n/))[1] ?? '';
    await cli.expect(/Code from the app: /);
    const enrollmentCode = codeNow(secret);
    cli.type(enrollmentCode);
    const recoveryCode = (await cli.expect(/shown only now\):\n {2}([A-Z0-9]{24})\n/))[1] ?? '';
    cli.type('');
    await signInAgain(cli);

    // The code still on the phone: the server refuses it as it would a wrong one (no replay).
    await cli.expect(/Code from the app \(or a recovery code\): /);
    cli.type(enrollmentCode);
    await cli.expect(/\n✗ This code was already used\. Wait for the next code in your app\.\n/);
    await cli.expect(/Code from the app \(or a recovery code\): /);
    cli.type(wrongCode(secret));
    await cli.expect(/\n✗ That code is not right\. Check your authenticator app and try again\.\n/);
    await cli.expect(/Code from the app \(or a recovery code\): /);
    cli.type(wrongCode(secret));
    // The third refused code of the session: the server has at most 7 of its 10 attempts left.
    await cli.expect(/\n✗ That code is not right\. .*At most 7 more tries before sign-in is locked for a while\.\n/);
    await cli.expect(/Code from the app \(or a recovery code\): /);
    cli.type(recoveryCode);
    await cli.expect(/✓ Authenticated\./);
    await finish(cli);
  });

  test('Ctrl-C cancels the flow and exits 130', async () => {
    const cli = start(['demo', '--factor', 'otp']);
    await acceptDemoUser(cli);
    await cli.expect(/Code from the app: /);
    cli.child.kill('SIGINT');
    await cli.expect(/Cancelled\./);
    await expect(cli.exited).resolves.toBe(130);
  });

  test('bad flags exit 2 with the usage', async () => {
    const cli = start(['demo', '--intent', 'sideways']);
    await expect(cli.exited).resolves.toBe(2);
    expect(cli.stderr()).toMatch(/--intent must be enroll or challenge/);
    expect(cli.stderr()).toMatch(/Usage: mfa-flow demo/);
  });
});
