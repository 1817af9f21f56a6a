// The web demo with its flow on the server (`npm start -- --server-flows`), in a real Chromium:
// the page drives `mfa-flow/server` through `mfa-flow/remote`. The handle is an HttpOnly cookie
// the page cannot read; no answer the page receives holds the MFA token, a token or the client
// secret; a reload mid-enrollment takes the same flow up from the server.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDemo, readSecret, signIn, submitOtp, totpAt, waitForState, type DemoHarness } from './support.js';

const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;

describe('web demo, flows on the server', { timeout: 30_000 }, () => {
  let demo: DemoHarness;
  const log: string[] = [];
  /** MFA tokens the emulator issued (all of them went to the server). */
  const mfaTokens: string[] = [];
  /** Bodies of every answer the page got from its own origin, and the paths it asked for. */
  const bodies: string[] = [];
  const paths: string[] = [];
  let secret = '';

  beforeAll(async () => {
    demo = await openDemo({ serverFlows: true, log: (line) => log.push(line) });
    // The emulator's store (its class, beyond the public type) records each MFA token it issues.
    const store = demo.server.emulator!.store as unknown as { issueMfaToken(...args: unknown[]): string };
    const issue = store.issueMfaToken.bind(store);
    store.issueMfaToken = (...args: unknown[]) => {
      const token = issue(...args);
      mfaTokens.push(token);
      return token;
    };
    demo.page.on('response', async (response) => {
      const url = new URL(response.url());
      paths.push(`${response.request().method()} ${url.pathname}`);
      if (url.origin === new URL(demo.server.url).origin) bodies.push(await response.text().catch(() => ''));
    });
  });
  afterAll(async () => {
    await demo?.close();
  });

  test('enrolls through the server: a reload mid-enrollment resumes the same flow; the page never sees a token', async () => {
    const { page, clock, server } = demo;
    await page.goto(server.url);
    await signIn(page, 'enroll');
    await waitForState(page, 'step.awaitingConfirmation.idle');
    secret = await readSecret(page);

    // The handle is the server's: HttpOnly, not in document.cookie.
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'mfa_flow')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/mfa-flow' });
    await expect(page.evaluate(() => document.cookie)).resolves.not.toContain('mfa_flow');

    await page.reload();
    await waitForState(page, 'step.awaitingConfirmation.idle');
    await expect(readSecret(page)).resolves.toBe(secret);

    await submitOtp(page, totpAt(secret, clock.now()));
    await waitForState(page, 'step.awaitingConfirmation.acknowledgingRecoveryCodes');
    await page.getByTestId('acknowledge').click();
    await waitForState(page, 'authenticated');
    await expect(page.getByTestId('tokens').innerText()).resolves.toContain('kept on the server');
    expect(log.some((line) => line.startsWith('signed in') && line.includes('enrolled'))).toBe(true);

    // Every call went to the flow handler; the page never called the MFA API itself.
    expect(paths.filter((p) => /\/(oauth\/token|mfa\/)/.test(p))).toEqual([]);
    expect(paths.filter((p) => p.includes('/mfa-flow/')).length).toBeGreaterThanOrEqual(4);
    expect(mfaTokens.length).toBeGreaterThan(0);
    const seen = [...bodies, await page.content()];
    for (const text of seen) {
      for (const token of mfaTokens) expect(text).not.toContain(token);
      expect(text).not.toMatch(JWT);
      expect(text).not.toContain('demo-secret');
    }
  });

  test('signs in again with a code, the flow still on the server', async () => {
    const { page, clock } = demo;
    await page.getByTestId('start-again').click();
    clock.advance(30_000);
    await signIn(page, 'challenge');
    await waitForState(page, 'step.verifying.idle');
    await submitOtp(page, totpAt(secret, clock.now()));
    await waitForState(page, 'authenticated');
    await expect(page.getByTestId('enrolled').innerText()).resolves.toBe('no');
    for (const text of bodies) for (const token of mfaTokens) expect(text).not.toContain(token);
  });
});
