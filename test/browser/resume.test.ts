// The web demo survives a reload in the middle of enrolment: the flow is resumed from
// sessionStorage at the QR step with the same secret, and finishing it sends no second
// associate (no abandoned pending authenticator on the server).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDemo, readSecret, signIn, submitOtp, totpAt, waitForState, type DemoHarness } from './support.js';

describe('web demo: reload mid-enrolment', { timeout: 30_000 }, () => {
  let demo: DemoHarness;

  beforeAll(async () => {
    demo = await openDemo();
  });
  afterAll(async () => {
    await demo?.close();
  });

  test('a reload between the QR code and the code resumes the same enrolment', async () => {
    const { page, server, clock } = demo;
    const otps = () => server.emulator!.store.authenticators('demo@example.com').filter((a) => a.type === 'otp');
    await page.goto(server.url);
    await signIn(page, 'enroll');
    await waitForState(page, 'step.awaitingConfirmation.idle');
    const secret = await readSecret(page);
    expect(otps()).toHaveLength(1);

    await page.reload();
    await waitForState(page, 'step.awaitingConfirmation.idle');
    await page.locator('[data-testid="qr"] svg').waitFor();
    expect(await readSecret(page)).toBe(secret);
    expect(otps()).toHaveLength(1); // the restore sent no second associate

    await submitOtp(page, totpAt(secret, clock.now()));
    await waitForState(page, 'step.awaitingConfirmation.acknowledgingRecoveryCodes');
    await page.getByTestId('acknowledge').click();
    await waitForState(page, 'authenticated');
    expect(otps().map((a) => a.active)).toEqual([true]);

    // Nothing is kept once the flow has ended: a reload starts afresh.
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.reload();
    await waitForState(page, 'step.needMfaToken.idle');
  });
});
