// The web demo as a user drives it, in a real Chromium: enroll (QR step screenshot for the
// docs), sign in again with a code (a wrong one first), then with the recovery code.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDemo, readSecret, signIn, submitOtp, totpAt, waitForState, wrongCodeAt, type DemoHarness } from './support.js';

// The committed docs/screenshot.png is refreshed on demand (UPDATE_SCREENSHOT=1) or when missing;
// otherwise the shot goes to a temp file, so that test runs do not churn a binary in git.
const DOCS_SCREENSHOT = fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url));
const SCREENSHOT =
  process.env.UPDATE_SCREENSHOT === '1' || !existsSync(DOCS_SCREENSHOT) ? DOCS_SCREENSHOT : join(tmpdir(), 'mfa-flow-demo-screenshot.png');

// Each step waits on a condition with its own timeout; the test's is a ceiling for a loaded CI machine.
describe('web demo: enroll, challenge, recover', { timeout: 30_000 }, () => {
  let demo: DemoHarness;
  let secret = '';
  let recoveryCode = '';

  beforeAll(async () => {
    demo = await openDemo();
  });
  afterAll(async () => {
    await demo?.close();
  });

  test('enrolls an authenticator app from the QR step and acknowledges the recovery code', async () => {
    const { page, clock, server } = demo;
    await page.goto(server.url);
    await signIn(page, 'enroll');

    await waitForState(page, 'step.awaitingConfirmation.idle');
    await page.locator('[data-testid="qr"] svg').waitFor();
    const otpInput = page.getByTestId('otp-input');
    await expect(otpInput.getAttribute('inputmode')).resolves.toBe('numeric');
    await expect(otpInput.getAttribute('autocomplete')).resolves.toBe('one-time-code');
    await expect(otpInput.evaluate((input) => input === document.activeElement)).resolves.toBe(true);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    secret = await readSecret(page);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await submitOtp(page, totpAt(secret, clock.now()));

    await waitForState(page, 'step.awaitingConfirmation.acknowledgingRecoveryCodes');
    recoveryCode = (await page.getByTestId('recovery-code').getAttribute('data-code')) ?? '';
    expect(recoveryCode).toMatch(/^[A-Z0-9]{24}$/);
    await page.getByTestId('acknowledge').click();

    await waitForState(page, 'authenticated');
    await expect(page.locator('#result-title').innerText()).resolves.toBe('You are signed in');
    await expect(page.getByTestId('enrolled').innerText()).resolves.toBe('yes');
  });

  test('signs in again: a wrong code shows the error, then the right one succeeds', async () => {
    const { page, clock } = demo;
    await page.getByTestId('start-again').click();
    clock.advance(30_000); // the enrollment spent this step's code; a phone would show the next one
    await signIn(page, 'challenge');

    await waitForState(page, 'step.verifying.idle');
    await submitOtp(page, wrongCodeAt(secret, clock.now()));
    const error = page.getByTestId('error');
    await error.filter({ hasText: /not right/ }).waitFor();
    await expect(error.getAttribute('data-error-code')).resolves.toBe('invalid_otp');
    await waitForState(page, 'step.verifying.idle');
    // Focus goes back to the code, selected, ready for the next try.
    await expect(page.getByTestId('otp-input').evaluate((input) => input === document.activeElement)).resolves.toBe(true);

    await submitOtp(page, totpAt(secret, clock.now()));
    await waitForState(page, 'authenticated');
    await expect(page.getByTestId('enrolled').innerText()).resolves.toBe('no');
    await expect(error.innerText()).resolves.toBe('');
  });

  test('signs in with the recovery code and shows the new one', async () => {
    const { page } = demo;
    await page.getByTestId('start-again').click();
    await signIn(page, 'challenge');

    await waitForState(page, 'step.verifying.idle');
    await page.getByTestId('use-recovery-code').click();
    const input = page.getByLabel('Recovery code');
    await expect(input.evaluate((element) => element === document.activeElement)).resolves.toBe(true);
    await input.fill(recoveryCode.replace(/(.{4})(?=.)/g, '$1-')); // as a user might paste it
    await page.getByTestId('submit-recovery-code').click();

    await waitForState(page, 'authenticated');
    const newCode = (await page.getByTestId('new-recovery-code').getAttribute('data-code')) ?? '';
    expect(newCode).toMatch(/^[A-Z0-9]{24}$/);
    expect(newCode).not.toBe(recoveryCode);
  });
});
