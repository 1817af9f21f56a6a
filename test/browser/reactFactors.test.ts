// The React example with every factor, in Chromium as `npm run example:react` serves it: SMS
// chosen, the phone number typed, the code read from the emulated phone under the screen.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FACTOR_TYPES } from '../../src/index.js';
import { openDemo, type DemoHarness } from './support.js';

describe('React example in Chromium, every factor', { timeout: 30_000 }, () => {
  let demo: DemoHarness;
  beforeAll(async () => {
    demo = await openDemo({ example: 'react', factors: [...FACTOR_TYPES] });
  });
  afterAll(async () => {
    await demo?.close();
  });

  test('SMS: enrolled with the code the emulated phone shows', async () => {
    const { page, server } = demo;
    await page.goto(server.url);
    await page.getByLabel('Email').fill('demo@example.com');
    await page.getByLabel('Password').fill('demo-password');
    await page.getByRole('button', { name: 'Sign in' }).click();

    for (const name of ['Authenticator app', 'Text message (SMS)', 'Voice call', 'Email', 'Push notification (Auth0 Guardian)']) {
      await page.getByRole('radio', { name }).waitFor();
    }
    await page.getByRole('radio', { name: 'Text message (SMS)' }).check();
    await page.getByLabel(/Phone number/).fill('+14155550123');
    await page.getByRole('button', { name: 'Continue' }).click();

    const message = page.locator('[data-testid="phone-message"][data-channel="sms"]');
    await message.first().waitFor();
    const code = (await message.first().getAttribute('data-code')) ?? '';
    expect(code).toMatch(/^\d{6}$/);
    await page.getByLabel('6-digit code from the message').fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await page.getByRole('heading', { name: 'You are signed in' }).waitFor();
  });
});

describe('React example in Chromium, the flow on the server', { timeout: 30_000 }, () => {
  let demo: DemoHarness;
  beforeAll(async () => {
    demo = await openDemo({ example: 'react', factors: [...FACTOR_TYPES], serverFlows: true });
  });
  afterAll(async () => {
    await demo?.close();
  });

  test('email: enrolled through mfa-flow/server, with the code from the emulated phone; the page only talks to /mfa-flow', async () => {
    const { page, server } = demo;
    const apiCalls: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (/^\/(oauth|mfa)\//.test(path) || path.startsWith('/mfa-flow/')) apiCalls.push(path);
    });
    await page.goto(server.url);
    await page.getByLabel('Email').fill('demo@example.com');
    await page.getByLabel('Password').fill('demo-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('radio', { name: 'Email' }).check();
    await page.getByLabel(/Email address/).fill('demo@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();

    const message = page.locator('[data-testid="phone-message"][data-channel="email"]');
    await message.first().waitFor();
    const code = (await message.first().getAttribute('data-code')) ?? '';
    await page.getByLabel('6-digit code from the message').fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await page.getByRole('heading', { name: 'You are signed in' }).waitFor();
    expect(apiCalls.length).toBeGreaterThan(3);
    expect(apiCalls.every((path) => path.startsWith('/mfa-flow/'))).toBe(true);
    await expect(page.evaluate(() => document.cookie)).resolves.not.toContain('mfa_flow');
  });
});
