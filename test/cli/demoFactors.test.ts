// `mfa-flow demo` with every factor, run as a user runs it against its embedded emulator: `--auto`
// enrolls, challenges and recovers each of otp, SMS, voice, email and push from the outbox and the
// emulated device; interactively, SMS (its code shown by the emulated phone, "send it again"
// refused during the cooldown) and push (scanned, rejected, sent again and accepted from the
// terminal; then "another method": the app Guardian brought along).
import { describe, expect, test } from 'vitest';
import { acceptDemoUser, cliStarter, type CliProcess } from '../helpers/cliProcess.js';

const start = cliStarter();

/** Picks the numbered line whose label matches, from a list printed after the last match. */
async function pick(cli: CliProcess, label: RegExp): Promise<void> {
  const listed = (await cli.expect(/((?: {2}\d\. .*\n)+)Which one \[1-\d, Enter for 1\]: /))[1] ?? '';
  const line = listed.split('\n').find((entry) => label.test(entry));
  expect(line, `no ${label} in\n${listed}`).toBeDefined();
  cli.type(/^ {2}(\d)\./.exec(line ?? '')?.[1] ?? '');
}

function expectNoSecretsIn(output: string): void {
  expect(output).not.toContain('demo-password');
  expect(output).not.toContain('demo-secret');
  expect(output).not.toMatch(/eyJ[\w-]+\.eyJ/);
}

describe('mfa-flow demo, every factor', { timeout: 45_000 }, () => {
  test('--auto runs enroll, challenge and recovery for otp, SMS, voice, email and push, and exits 0', async () => {
    const cli = start(['demo', '--auto']);
    for (const factor of ['otp', 'sms', 'voice', 'email', 'push']) {
      await cli.expect(new RegExp(`\\[${factor} 1/3\\] enroll: authenticated, ${factor} enrolled`));
      await cli.expect(new RegExp(`\\[${factor} 2/3\\] challenge: authenticated with ${factor}`));
      await cli.expect(new RegExp(`\\[${factor} 3/3\\] recovery: authenticated; new recovery code [A-Z0-9]{24}`));
    }
    await cli.expect(/All 15 flows succeeded: enroll, challenge and recovery for otp, sms, voice, email, push\./);
    await expect(cli.exited).resolves.toBe(0);
    // Codes came from the outbox and pushes were accepted by the emulated device, as the run says.
    expect(cli.stdout()).toMatch(/\[sms 2\/3\] challenge: the code from the emulated phone's messages/);
    expect(cli.stdout()).toMatch(/\[push 2\/3\] challenge: the emulated phone accepted the push/);
    expectNoSecretsIn(cli.stdout());
    expect(cli.stderr()).toBe('');
  });

  test('--auto --factor email,push runs those two only', async () => {
    const cli = start(['demo', '--auto', '--factor', 'email,push']);
    await cli.expect(/All 6 flows succeeded: enroll, challenge and recovery for email, push\./);
    await expect(cli.exited).resolves.toBe(0);
    expect(cli.stdout()).not.toMatch(/\[otp |\[sms /);
  });

  test('SMS: the factor chosen, a refused phone number asked again, the code from the emulated phone, and a resend refused during the cooldown', async () => {
    const cli = start(['demo']);
    await acceptDemoUser(cli);
    await cli.expect(/Which second factor do you want to set up\?/);
    await pick(cli, /Text message \(SMS\)/);
    await cli.expect(/Phone number with its country code \[\+14155550123\]: /);
    cli.type('555-0123');
    await cli.expect(/✗ Enter a phone number with its country code, e\.g\. \+14155550123\.\nPhone number with its country code/);
    cli.type('');
    const enrollCode = (await cli.expect(/\[emulated phone\] sms to \+1•+0123: (\d{6})/))[1] ?? '';
    await cli.expect(/Code from the SMS: /);
    cli.type(enrollCode === '000000' ? '111111' : '000000');
    await cli.expect(/✗ That code is not right\. Check the message we sent and try again\.\nCode from the SMS: /);
    cli.type(enrollCode);
    const recoveryCode = (await cli.expect(/shown only now\):\n {2}([A-Z0-9]{24})\n/))[1] ?? '';
    cli.type('');
    await cli.expect(/✓ Authenticated\.\n {2}New authenticator enrolled: yes/);

    await cli.expect(/Sign in again .*\[y\/N\]: /);
    cli.type('y');
    await acceptDemoUser(cli);
    // Auth0 lists a phone enrolled for SMS twice, as SMS and as a call (the emulator too): pick SMS.
    await pick(cli, /SMS to ••••0123/);
    const challengeCode = (await cli.expect(/\[emulated phone\] sms to \+1•+0123: (\d{6})/))[1] ?? '';
    await cli.expect(/Code from the SMS \(r: send it again, m: another method, or a recovery code\): /);
    cli.type('r');
    await cli.expect(/✗ A code was just sent\. You can ask for another in \d+ s\.\nCode from the SMS/);
    cli.type(challengeCode);
    await cli.expect(/✓ Authenticated\.\n {2}New authenticator enrolled: no/);
    await cli.expect(/Sign in again .*\[y\/N\]: /);
    cli.type('n');
    await expect(cli.exited).resolves.toBe(0);
    expect(recoveryCode).toMatch(/^[A-Z0-9]{24}$/);
    expectNoSecretsIn(cli.stdout());
  });

  test('push: scanned from the terminal; a sign-in rejected on the emulated phone, sent again and accepted', async () => {
    const cli = start(['demo', '--factor', 'push']);
    const url = (await cli.expect(/embedded MFA emulator at (http:\/\/127\.0\.0\.1:\d+)/))[1];
    await acceptDemoUser(cli);
    // Push is the only factor offered and needs nothing typed: no question before its QR code.
    await cli.expect(/Scan this QR code with the Auth0 Guardian app:/);
    await cli.expect(/This is the emulator: type s to scan it with the emulated Guardian app: /);
    cli.type('s');
    await cli.expect(/The emulated Guardian app scanned it/);
    await cli.expect(/shown only now\):\n {2}[A-Z0-9]{24}\n/);
    cli.type('');
    await cli.expect(/✓ Authenticated\.\n {2}New authenticator enrolled: yes/);

    await cli.expect(/Sign in again .*\[y\/N\]: /);
    cli.type('y');
    await acceptDemoUser(cli);
    // Guardian brought an authenticator app along: the user picks the push.
    await pick(cli, /Push to your phone/);
    await cli.expect(/A push notification was sent to your phone/);
    await cli.expect(/On the emulated phone: a accepts, r rejects \(or type m for another method, or a recovery code\): /);
    cli.type('r');
    await cli.expect(/✗ The sign-in was refused on your phone\.\nSend another push\? \[Y\/n, m: another method\]: /);
    cli.type('');
    await cli.expect(/On the emulated phone: a accepts, r rejects/);
    cli.type('a');
    await cli.expect(/The emulated phone accepted it/);
    await cli.expect(/✓ Authenticated\.\n {2}New authenticator enrolled: no/);

    // Once more, with "another method": the app Guardian brought, its code as the device shows it.
    await cli.expect(/Sign in again .*\[y\/N\]: /);
    cli.type('y');
    await acceptDemoUser(cli);
    await pick(cli, /Push to your phone/);
    await cli.expect(/On the emulated phone: a accepts, r rejects \(or type m for another method, or a recovery code\): /);
    cli.type('m');
    await pick(cli, /Authenticator app/);
    await cli.expect(/Code from the app \(m: another method, or a recovery code\): /);
    const devices = (await (await fetch(`${url}/emulator/v1/guardian/devices`)).json()) as { devices: Array<{ otp: string }> };
    cli.type(devices.devices[0]?.otp ?? '');
    await cli.expect(/✓ Authenticated\.\n {2}New authenticator enrolled: no/);
    await cli.expect(/Sign in again .*\[y\/N\]: /);
    cli.type('n');
    await expect(cli.exited).resolves.toBe(0);
    expectNoSecretsIn(cli.stdout());
  });

  test('an unknown --factor, or --auto with SMS on a tenant, exits 2', async () => {
    const unknown = start(['demo', '--factor', 'sms,fax']);
    await expect(unknown.exited).resolves.toBe(2);
    expect(unknown.stderr()).toMatch(/--factor takes otp, sms, voice, email, push; got "fax"/);
    const tenant = start(['demo', '--auto', '--factor', 'sms', '--domain', 'tenant.eu.auth0.com', '--client-id', 'x']);
    await expect(tenant.exited).resolves.toBe(2);
    expect(tenant.stderr()).toMatch(/--auto against a tenant runs otp only/);
  });
});
