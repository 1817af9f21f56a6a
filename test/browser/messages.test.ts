// What the web demo says and to whom, in a real Chromium: no failed request (the favicon), fields
// with errors marked for screen readers, a repeated error announced again, messages that do not
// outlive their screen, the state path kept inside the chart panel, the recovery code's own
// instructions, a reused code told apart from a wrong one, and the warning before a lockout.
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { enrollThroughPage, openDemo, readSecret, signIn, submitOtp, totpAt, waitForState, wrongCodeAt, type DemoHarness } from './support.js';

let demo: DemoHarness;
beforeEach(async () => {
  demo = await openDemo();
});
afterEach(async () => {
  await demo?.close();
});

const isFocused = (page: Page, testId: string) => page.getByTestId(testId).evaluate((element) => element === document.activeElement);

describe('web demo: messages, focus and ARIA', { timeout: 30_000 }, () => {
  test('loads without a failed request: the favicon is served', async () => {
    const { page, server } = demo;
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    await page.goto(server.url);
    await waitForState(page, 'step.needMfaToken.idle');
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    const answer = await fetch(new URL(icon ?? '/favicon.ico', server.url));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('image/svg+xml');
    expect(failed).toEqual([]);
  });

  test('sign-in errors mark the fields they are about and point them at the message', async () => {
    const { page, server } = demo;
    await page.goto(server.url);
    await waitForState(page, 'step.needMfaToken.idle');
    const email = page.getByTestId('username');
    const password = page.getByTestId('password');
    await password.fill('');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('error').filter({ hasText: 'Enter your email and password.' }).waitFor();
    await expect(password.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(password.getAttribute('aria-describedby')).resolves.toBe('error');
    await expect(email.getAttribute('aria-invalid')).resolves.toBeNull();

    await password.fill('not-the-password');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('error').filter({ hasText: 'Wrong email or password.' }).waitFor();
    for (const field of [email, password]) {
      await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(field.getAttribute('aria-describedby')).resolves.toBe('error');
    }
  });

  test('enrolling: a repeated error is announced anew, "copied" stays on its screen, the state path fits its panel', async () => {
    const { page, server, clock } = demo;
    await page.goto(server.url);
    await signIn(page, 'enroll');
    await waitForState(page, 'step.awaitingConfirmation.idle');
    const secret = await readSecret(page);

    // Copying says so in the status region...
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
    await page.getByTestId('copy-secret').click();
    await page.getByTestId('status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(secret);

    const error = page.getByTestId('error');
    const otp = page.getByTestId('otp-input');
    await submitOtp(page, '12');
    await error.filter({ hasText: 'Enter the 6-digit code' }).waitFor();
    await expect(otp.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(otp.getAttribute('aria-describedby')).resolves.toBe('otp-hint error');
    // The same mistake again is a new announcement (a new node in the live region).
    await error.locator('p').evaluate((node) => node.setAttribute('data-seen', ''));
    await submitOtp(page, '');
    await error.locator('p:not([data-seen])').filter({ hasText: 'Enter the 6-digit code' }).waitFor();

    await submitOtp(page, totpAt(secret, clock.now()));
    await waitForState(page, 'step.awaitingConfirmation.acknowledgingRecoveryCodes');
    // ...and is not carried onto the next screen.
    await expect(page.getByTestId('status').innerText()).resolves.toBe('');
    await expect(error.innerText()).resolves.toBe('');
    // The longest state path breaks inside the panel instead of running out of it.
    const overflow = await page.locator('aside.chart').evaluate((panel) => {
      const path = panel.querySelector('#state-path')!.getBoundingClientRect();
      return { panelOverflows: panel.scrollWidth > panel.clientWidth, pathRight: path.right, panelRight: panel.getBoundingClientRect().right };
    });
    expect(overflow.panelOverflows).toBe(false);
    expect(overflow.pathRight).toBeLessThanOrEqual(overflow.panelRight);

    await page.getByTestId('acknowledge').click();
    await waitForState(page, 'authenticated');
    await expect(page.locator('#result-title').innerText()).resolves.toBe('You are signed in');
  });

  test('the enrollment code typed again reads "already used"; wrong codes read wrong, then warn of the lockout', async () => {
    const { page, server, clock } = demo;
    await page.goto(server.url);
    const { secret, code } = await enrollThroughPage(page, clock);

    await page.getByTestId('start-again').click();
    await signIn(page, 'challenge');
    await waitForState(page, 'step.verifying.idle');
    const error = page.getByTestId('error');

    // The phone still shows the code that confirmed the enrollment; the server refuses a replay.
    await submitOtp(page, code);
    await error.filter({ hasText: /^This code was already used\. Wait for the next code in your app\.$/ }).waitFor();
    await expect(error.getAttribute('data-error-code')).resolves.toBe('invalid_otp');
    await expect(page.getByTestId('otp-input').getAttribute('aria-invalid')).resolves.toBe('true');

    await submitOtp(page, wrongCodeAt(secret, clock.now()));
    await error.filter({ hasText: /^That code is not right\. Check your authenticator app and try again\.$/ }).waitFor();
    await submitOtp(page, wrongCodeAt(secret, clock.now()));
    // The third refused code: 7 of the server's 10 attempts are left at most.
    await error.filter({ hasText: /not right\. .*At most 7 more tries before sign-in is locked for a while\.$/ }).waitFor();
    await expect(page.getByTestId('state-path').innerText()).resolves.toBe('step.verifying.idle');

    clock.advance(30_000); // the app shows the next code
    await submitOtp(page, totpAt(secret, clock.now()));
    await waitForState(page, 'authenticated');
  });

  test('the recovery-code entry has its own instructions', async () => {
    const { page, server, clock } = demo;
    await page.goto(server.url);
    await enrollThroughPage(page, clock);
    await page.getByTestId('start-again').click();
    await signIn(page, 'challenge');
    await waitForState(page, 'step.verifying.idle');

    const instructions = page.getByTestId('verify-instructions');
    await expect(instructions.innerText()).resolves.toMatch(/Open your authenticator app/);
    await page.getByTestId('use-recovery-code').click();
    await expect(isFocused(page, 'recovery-code-input')).resolves.toBe(true);
    await expect(instructions.innerText()).resolves.toMatch(/recovery code you saved/);
    await expect(instructions.innerText()).resolves.not.toMatch(/authenticator app/);
    await page.getByTestId('recovery-code-input').fill('NOT-A-CODE');
    await page.getByTestId('submit-recovery-code').click();
    await page.getByTestId('error').filter({ hasText: 'A recovery code has 24 letters and digits.' }).waitFor();
    await expect(page.getByTestId('recovery-code-input').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByTestId('otp-input').getAttribute('aria-invalid')).resolves.toBeNull();

    await page.getByTestId('use-recovery-code').click();
    await expect(instructions.innerText()).resolves.toMatch(/Open your authenticator app/);
  });
});
