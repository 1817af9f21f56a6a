// The React example as `npm run example:react` serves it, in a real Chromium against the embedded
// emulator: enroll from the QR step (the key read off the screen), a wrong code, the code just
// used read as "already used", a sign-in with the next code, then one with the recovery code.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDemo, totpAt, wrongCodeAt, type DemoHarness } from './support.js';

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('Email').fill('demo@example.com');
  await page.getByLabel('Password').fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function typeCode(page: Page, label: string, code: string, submit: string): Promise<void> {
  await page.getByLabel(label).fill(code);
  await page.getByRole('button', { name: submit }).click();
}

describe('React example in Chromium', { timeout: 30_000 }, () => {
  let demo: DemoHarness;
  beforeAll(async () => {
    demo = await openDemo({ example: 'react' });
  });
  afterAll(async () => {
    await demo?.close();
  });

  test('enroll with the QR step, reuse, challenge and recovery; every file of the page is served', async () => {
    const { page, server, clock } = demo;
    const failed: string[] = [];
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      // The MFA API answers 403 by design (mfa_required, a wrong code); the page's own files may not fail.
      if (response.status() >= 400 && !/^\/(oauth|mfa)\//.test(path)) failed.push(`${response.status()} ${path}`);
    });
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await signIn(page);

    // A user without an authenticator enrolls one first: the QR code, drawn, and the key.
    const qr = page.getByRole('img', { name: 'QR code to scan with your authenticator app' });
    await qr.waitFor();
    await expect(qr.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).resolves.toBe(true);
    const secret = (await page.getByLabel('Secret key').innerText()).replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const alert = page.getByRole('alert');
    await typeCode(page, '6-digit code from the app', wrongCodeAt(secret, clock.now()), 'Confirm');
    await alert.filter({ hasText: /not right/ }).waitFor();
    await expect(page.getByLabel('6-digit code from the app').getAttribute('aria-invalid')).resolves.toBe('true');
    const enrollmentCode = totpAt(secret, clock.now());
    await typeCode(page, '6-digit code from the app', enrollmentCode, 'Confirm');
    const recoveryCode = await page.getByLabel('Recovery code', { exact: true }).innerText();
    expect(recoveryCode).toMatch(/^[A-Z0-9]{24}$/);
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await page.getByRole('heading', { name: 'You are signed in' }).waitFor();

    // Again, with the code still on the phone: refused, and said so; then the next code.
    await page.getByRole('button', { name: 'Start again' }).click();
    await signIn(page);
    await typeCode(page, '6-digit code from your app', enrollmentCode, 'Sign in');
    await alert.filter({ hasText: 'This code was already used. Wait for the next code in your app.' }).waitFor();
    clock.advance(30_000);
    await typeCode(page, '6-digit code from your app', totpAt(secret, clock.now()), 'Sign in');
    await page.getByRole('heading', { name: 'You are signed in' }).waitFor();

    // And with the recovery code, which is replaced.
    await page.getByRole('button', { name: 'Start again' }).click();
    await signIn(page);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await expect(page.getByText(/recovery code you saved/).count()).resolves.toBe(1);
    await typeCode(page, 'Recovery code', recoveryCode, 'Sign in');
    await page.getByRole('heading', { name: 'You are signed in' }).waitFor();
    const replacement = await page.getByLabel('New recovery code').innerText();
    expect(replacement).toMatch(/^[A-Z0-9]{24}$/);
    expect(replacement).not.toBe(recoveryCode);
    expect(failed).toEqual([]);
  });
});
