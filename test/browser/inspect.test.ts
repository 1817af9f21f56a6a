// `?inspect` in the web demo, in Chromium: the Stately inspector window opens and what the page
// posts to it is the chart (states, events) with no secret in it. A stand-in page is served at
// the inspector's URL: it says "connected" the way the real one does, and keeps what arrives.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { enrollThroughPage, openDemo, UI_TIMEOUT_MS, type DemoHarness } from './support.js';

const RECEIVER = `<!doctype html><title>inspector stand-in</title><script>
  window.received = [];
  addEventListener('message', (event) => { if (event.data && event.data._version) window.received.push(event.data); });
  window.opener.postMessage({ type: '@statelyai.connected' }, '*');
</script>`;

declare global {
  interface Window {
    received: unknown[];
  }
}

describe('web demo: ?inspect', { timeout: 40_000 }, () => {
  let demo: DemoHarness;

  beforeAll(async () => {
    demo = await openDemo();
  });
  afterAll(async () => {
    await demo?.close();
  });

  test('opens the inspector, which sees the enrollment as a chart and none of its secrets', async () => {
    const { page, server, clock } = demo;
    await page.context().route('https://stately.ai/**', (route) => route.fulfill({ contentType: 'text/html', body: RECEIVER }));
    const popup = page.waitForEvent('popup');
    await page.goto(new URL('/?inspect', server.url).href);
    const inspector = await popup;
    expect(inspector.url()).toMatch(/^https:\/\/stately\.ai\/inspect/);
    await page.bringToFront(); // a page behind its popup gets throttled timers: seconds per step

    const { secret, code: otp, recoveryCode } = await enrollThroughPage(page, clock);

    const received = () => inspector.evaluate(() => JSON.stringify(window.received));
    await expect.poll(received, { timeout: UI_TIMEOUT_MS }).toContain('"authenticated"');
    const text = await received();
    for (const state of ['signingIn', 'awaitingConfirmation', 'acknowledgingRecoveryCodes']) expect(text).toContain(`"${state}"`);
    for (const event of ['credentials.submit', 'otp.submit', 'recoveryCodes.acknowledge']) expect(text).toContain(`"${event}"`);
    expect(text).toContain('[redacted]');
    expect(recoveryCode).toMatch(/^[A-Z0-9]{24}$/);
    for (const leaked of [secret, recoveryCode, 'demo-password', JSON.stringify(otp)]) expect(text).not.toContain(leaked);
  });
});
