// The web demo when things go wrong or branch: a network error with retry (and the busy
// indicator while a request hangs), an expired session, a lockout with its countdown (and where
// focus goes), and a user with two authenticator apps, who is not asked to choose between them.
import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { enrollViaApi, openDemo, readSecret, signIn, submitOtp, totpAt, waitForState, wrongCodeAt, type DemoHarness } from './support.js';

// Each step waits on a condition with its own timeout; the test's is a ceiling for a loaded CI machine.
describe('web demo: errors and branches', { timeout: 30_000 }, () => {
  let demo: DemoHarness;
  let secret = '';

  beforeAll(async () => {
    // Three attempts, one back every 5 s of emulator time: a lockout short enough to wait out, long
    // enough to observe its countdown on a busy machine.
    demo = await openDemo({ emulator: { attempts: { limit: 3, refillSeconds: 5 } } });
    ({ secret } = await enrollViaApi(demo.server.url, demo.clock));
  });
  afterAll(async () => {
    await demo?.close();
  });

  test('shows the busy indicator while a request hangs, a network error with a retry, and recovers', async () => {
    const { page, clock, server } = demo;
    let held: Route | undefined;
    let arrived: () => void = () => {};
    const challengeArrived = new Promise<void>((resolve) => (arrived = resolve));
    await page.route('**/mfa/challenge', (route) => {
      held = route;
      arrived();
    });
    await page.goto(server.url);
    await signIn(page, 'challenge');

    await challengeArrived;
    await waitForState(page, 'step.challenging');
    await page.getByTestId('busy').waitFor({ state: 'visible' });
    await expect(page.locator('main').getAttribute('aria-busy')).resolves.toBe('true');
    await held?.abort('internetdisconnected');

    await waitForState(page, 'failed');
    await page.getByTestId('error').filter({ hasText: /Cannot reach the server/ }).waitFor();
    await page.getByTestId('busy').waitFor({ state: 'hidden' });
    const retry = page.getByTestId('retry');
    await expect(retry.evaluate((button) => button === document.activeElement)).resolves.toBe(true);
    // One name for one action on every screen.
    await expect(page.getByRole('button', { name: 'Start again' }).count()).resolves.toBe(2); // header and this screen
    await expect(page.getByRole('button', { name: /start over/i }).count()).resolves.toBe(0);

    await page.unroute('**/mfa/challenge');
    await retry.click();
    await waitForState(page, 'step.verifying.idle');
    clock.advance(30_000);
    await submitOtp(page, totpAt(secret, clock.now()));
    await waitForState(page, 'authenticated');
  });

  test('an expired session says so and signing in again restarts the flow', async () => {
    const { page, clock } = demo;
    await page.getByTestId('start-again').click();
    await signIn(page, 'challenge');
    await waitForState(page, 'step.verifying.idle');

    clock.advance(601_000); // past the emulator's 10-minute mfa_token
    await submitOtp(page, totpAt(secret, clock.now()));
    await waitForState(page, 'step.needMfaToken.idle');
    const error = page.getByTestId('error');
    await error.filter({ hasText: /session expired/i }).waitFor();
    await expect(error.getAttribute('data-error-code')).resolves.toBe('mfa_token_expired');

    await signIn(page, 'challenge');
    await waitForState(page, 'step.verifying.idle');
    clock.advance(30_000);
    await submitOtp(page, totpAt(secret, clock.now()));
    await waitForState(page, 'authenticated');
  });

  test('too many wrong codes lock the user out with a countdown, then a retry works', async () => {
    const { page, clock } = demo;
    await page.getByTestId('start-again').click();
    clock.advance(30_000);
    await signIn(page, 'challenge');
    await waitForState(page, 'step.verifying.idle');

    const statePath = page.getByTestId('state-path');
    for (let attempt = 0; attempt < 6; attempt++) {
      await submitOtp(page, wrongCodeAt(secret, clock.now()));
      await statePath.filter({ hasText: /^(step\.verifying\.idle|locked\.\w+)$/ }).waitFor();
      if ((await statePath.innerText()).startsWith('locked')) break;
    }
    await waitForState(page, 'locked.waiting');
    await page.getByTestId('error').filter({ hasText: /Too many attempts/ }).waitFor();
    // The submit button that had focus is gone and the retry is disabled: focus goes to the
    // lockout's heading, not to the page's body.
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('locked-title');
    await expect(page.getByTestId('lockout-countdown').innerText()).resolves.toMatch(/^0:0[0-5]$/);
    await expect(page.getByTestId('retry').isDisabled()).resolves.toBe(true);

    await waitForState(page, 'locked.ready');
    await page.getByTestId('lockout-ready').waitFor();
    clock.advance(30_000); // refills the bucket and moves to a fresh step
    await page.getByTestId('retry').click();
    await waitForState(page, 'step.verifying.idle');
    await submitOtp(page, totpAt(secret, clock.now()));
    await waitForState(page, 'authenticated');
  });

  test('enrolling a second app challenges the first; then sign-in takes a code from either app without asking', async () => {
    const { page, clock } = demo;
    await page.getByTestId('start-again').click();
    clock.advance(30_000);
    await signIn(page, 'enroll');
    // "Before associating another factor with the user, you must challenge the user with the existing factor."
    await waitForState(page, 'step.verifying.idle');
    await submitOtp(page, totpAt(secret, clock.now()));
    await waitForState(page, 'step.awaitingConfirmation.idle');
    const secondSecret = await readSecret(page);
    expect(secondSecret).not.toBe(secret);
    await submitOtp(page, totpAt(secondSecret, clock.now()));
    await waitForState(page, 'authenticated'); // no recovery code: the user has one already
    await expect(page.getByTestId('enrolled').innerText()).resolves.toBe('yes');

    // The chart picks by itself when every factor is an app (the server takes a code from any of
    // them) and never asks which; the page says so. Either app's code signs in.
    for (const appSecret of [secondSecret, secret]) {
      await page.getByTestId('start-again').click();
      clock.advance(30_000);
      await signIn(page, 'challenge');
      await waitForState(page, 'step.verifying.idle');
      await expect(page.getByTestId('state-history').innerText()).resolves.not.toContain('step.listing.choosing');
      await expect(page.getByTestId('chooser').count()).resolves.toBe(0);
      await expect(page.getByTestId('verify-instructions').innerText()).resolves.toMatch(/any of your 2 authenticator apps/);
      await submitOtp(page, totpAt(appSecret, clock.now()));
      await waitForState(page, 'authenticated');
    }
  });
});
