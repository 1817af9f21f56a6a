// The web demo with every factor, in a real Chromium, on the embedded emulator: the page offers
// the five factors, checks a phone number before sending anything, and shows the emulated phone
// beside the chart; SMS is enrolled and challenged with the codes read from that phone (and left
// for a call with "use another method"), and push
// is scanned, rejected (the refusal shown, another push offered) and accepted from it, and left
// for the recovery code while it waits.
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, test } from 'vitest';
import { FACTOR_TYPES } from '../../src/index.js';
import { openDemo, signIn, submitOtp, waitForState, type DemoHarness } from './support.js';

let demo: DemoHarness | undefined;

/** Starts again, signs in and picks the listed method labelled `method`. */
async function signInWith(page: Page, method: string | RegExp): Promise<void> {
  await page.getByTestId('start-again').click();
  await signIn(page, 'challenge');
  await waitForState(page, 'step.listing.choosing');
  await page.getByLabel(method).check();
  await page.getByTestId('choose').click();
}
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

describe('web demo: every factor, with the emulated phone', { timeout: 60_000 }, () => {
  test('SMS: enrolled and signed in with the codes the emulated phone shows', async () => {
    demo = await openDemo({ factors: [...FACTOR_TYPES] });
    const { page, server } = demo;
    await page.goto(server.url);
    await page.getByTestId('phone').waitFor();
    await signIn(page, 'challenge'); // a user with no factor yet: the flow enrolls one first

    await waitForState(page, 'step.choosingFactor');
    for (const factor of FACTOR_TYPES) await page.getByTestId(`factor-${factor}`).waitFor();
    await page.getByTestId('factor-sms').check();
    const phone = page.getByLabel('Phone number');
    await expect(phone.evaluate((input) => input === document.activeElement)).resolves.toBe(false);
    await phone.fill('555-0123');
    await page.getByTestId('choose-factor').click();
    // Refused locally: nothing was sent, the field is marked and described by the error.
    const error = page.getByTestId('error');
    await error.filter({ hasText: /country code/ }).waitFor();
    await expect(error.getAttribute('data-error-code')).resolves.toBe('invalid_phone_number');
    await expect(phone.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(phone.evaluate((input) => input === document.activeElement)).resolves.toBe(true);
    await expect(page.getByTestId('phone-message').count()).resolves.toBe(0);

    await phone.fill('+1 415 555 0123');
    await page.getByTestId('choose-factor').click();
    await waitForState(page, 'step.awaitingConfirmation.idle');
    await expect(page.getByTestId('sent-to').innerText()).resolves.toMatch(/text message to \+14155550123/);
    const enrollMessage = page.locator('[data-testid="phone-message"][data-channel="sms"]');
    await enrollMessage.first().waitFor();
    const enrollCode = (await enrollMessage.first().getAttribute('data-code')) ?? '';
    expect(enrollCode).toMatch(/^\d{6}$/);
    await submitOtp(page, enrollCode);

    await waitForState(page, 'step.awaitingConfirmation.acknowledgingRecoveryCodes');
    await page.getByTestId('acknowledge').click();
    await waitForState(page, 'authenticated');
    await expect(page.getByTestId('enrolled').innerText()).resolves.toBe('yes');

    // Sign in again: the phone is listed for SMS and for calls; SMS is picked.
    await signInWith(page, /^SMS to ••••0123$/);
    await waitForState(page, 'step.verifying.idle');
    // The cooldown is shown on the resend button, which cannot be pressed yet.
    const resend = page.getByTestId('resend');
    await resend.filter({ hasText: /Send a new code \(in \d+ s\)/ }).waitFor();
    await expect(resend.isDisabled()).resolves.toBe(true);
    await page.getByTestId('other-method').waitFor();
    await enrollMessage.nth(1).waitFor(); // the challenge's SMS, newest first
    const challengeCode = (await enrollMessage.first().getAttribute('data-code')) ?? '';
    await submitOtp(page, challengeCode);
    await waitForState(page, 'authenticated');
    await expect(page.getByTestId('enrolled').innerText()).resolves.toBe('no');

    // Once more: SMS, then "use another method" back to the list, and the call instead.
    await signInWith(page, /^SMS to ••••0123$/);
    await waitForState(page, 'step.verifying.idle');
    await page.getByTestId('other-method').click();
    await waitForState(page, 'step.listing.choosing');
    await page.getByLabel(/^Call to ••••0123$/).check();
    await page.getByTestId('choose').click();
    await waitForState(page, 'step.verifying.idle');
    await expect(page.getByTestId('verify-instructions').innerText()).resolves.toMatch(/Call to ••••0123/);
    const call = page.locator('[data-testid="phone-message"][data-channel="voice"]');
    await call.first().waitFor();
    await submitOtp(page, (await call.first().getAttribute('data-code')) ?? '');
    await waitForState(page, 'authenticated');
  });

  test('SMS: once the cooldown is over, "Send a new code" sends one, and that code signs in', async () => {
    demo = await openDemo({ factors: ['sms'] });
    const { page, server } = demo;
    // The page's own clock, so the chart's 30 s cooldown can be skipped rather than waited out.
    await page.clock.install();
    await page.goto(server.url);
    await signIn(page, 'challenge');
    await waitForState(page, 'step.choosingFactor');
    await page.getByLabel('Phone number').fill('+14155550123');
    await page.getByTestId('choose-factor').click();
    const messages = page.locator('[data-testid="phone-message"][data-channel="sms"]');
    await messages.first().waitFor();
    await submitOtp(page, (await messages.first().getAttribute('data-code')) ?? '');
    await page.getByTestId('acknowledge').click();
    await waitForState(page, 'authenticated');

    await signInWith(page, /^SMS to ••••0123$/);
    await waitForState(page, 'step.verifying.idle');
    await messages.nth(1).waitFor();
    const resend = page.getByTestId('resend');
    await expect(resend.isDisabled()).resolves.toBe(true);
    await page.clock.fastForward(31_000);
    await resend.filter({ hasText: /^Send a new code$/ }).waitFor();
    await resend.click();
    await messages.nth(2).waitFor(); // a third SMS: enrollment, challenge, and the new one
    await waitForState(page, 'step.verifying.idle');
    await submitOtp(page, (await messages.first().getAttribute('data-code')) ?? '');
    await waitForState(page, 'authenticated');
  });

  test('push: scanned from the emulated phone; a rejected sign-in is shown and another push accepted', async () => {
    // The emulator checks push polls against its own clock: let it run on wall time here.
    demo = await openDemo({ factors: [...FACTOR_TYPES], emulator: { clock: () => Date.now() } });
    const { page, server } = demo;
    await page.goto(server.url);
    await signIn(page, 'challenge');
    await waitForState(page, 'step.choosingFactor');
    await page.getByTestId('factor-push').check();
    await page.getByTestId('choose-factor').click();

    await waitForState(page, 'step.awaitingConfirmation.waitingForDevice.waiting');
    await page.getByRole('img', { name: 'QR code to scan with the Auth0 Guardian app' }).waitFor();
    await page.getByTestId('phone-scan').click();
    // The chart sees the scan at its next poll (5 s after the association).
    await waitForState(page, 'step.awaitingConfirmation.acknowledgingRecoveryCodes');
    const recoveryCode = (await page.getByTestId('recovery-code').getAttribute('data-code')) ?? '';
    await page.getByTestId('acknowledge').click();
    await waitForState(page, 'authenticated');

    // Guardian brings an authenticator app along: the user picks the push.
    await signInWith(page, 'Push to your phone');
    await page.getByTestId('push-waiting').waitFor();
    await page.getByTestId('phone-reject').click();

    await waitForState(page, 'step.verifying.deviceAnswered');
    const error = page.getByTestId('error');
    await error.filter({ hasText: 'The sign-in was refused on your phone.' }).waitFor();
    await expect(error.getAttribute('data-error-code')).resolves.toBe('push_rejected');
    const again = page.getByTestId('push-again');
    await expect(again.evaluate((button) => button === document.activeElement)).resolves.toBe(true);
    await again.click();

    await page.getByTestId('phone-accept').click();
    await waitForState(page, 'authenticated');

    // No phone at hand: while the push waits, the recovery code signs in.
    await signInWith(page, 'Push to your phone');
    await page.getByTestId('push-waiting').waitFor();
    await page.getByTestId('use-recovery-code').click();
    const input = page.getByLabel('Recovery code');
    await expect(input.evaluate((element) => element === document.activeElement)).resolves.toBe(true);
    await input.fill(recoveryCode);
    await page.getByTestId('submit-recovery-code').click();
    await waitForState(page, 'authenticated');
    await expect(page.getByTestId('new-recovery-code').getAttribute('data-code')).resolves.toMatch(/^[A-Z0-9]{24}$/);
  });
});
