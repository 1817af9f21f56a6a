// Shared setup of the browser tests: the demo server on a free port with a hand-moved emulator
// clock, Debian's Chromium driven by playwright-core (never a downloaded browser), and the TOTP
// codes a phone would show, computed from the secret the page displays.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { startDemoServer, type DemoServerOptions, type RunningDemoServer } from '../../examples/server/demoServer.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
/** Generous: the CI machine has two cores shared with other test files. */
export const UI_TIMEOUT_MS = 10_000;

export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

/** Starts 10 s into a real 30 s step, so the tokens' times stay plausible. */
export function createTestClock(): TestClock {
  let current = Math.floor(Date.now() / 30_000) * 30_000 + 10_000;
  return { now: () => current, advance: (ms) => void (current += ms) };
}

export function totpAt(secret: string, timestamp: number): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret.replace(/\s+/g, '')), algorithm: 'SHA1', digits: 6, period: 30 });
  return totp.generate({ timestamp });
}

/** Six digits that are not the code of any step near `timestamp`. */
export function wrongCodeAt(secret: string, timestamp: number): string {
  const near = new Set([-2, -1, 0, 1, 2].map((step) => totpAt(secret, timestamp + step * 30_000)));
  for (let n = 123_456; ; n++) {
    const candidate = String(n % 1_000_000).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

export interface DemoHarness {
  server: RunningDemoServer;
  clock: TestClock;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function openDemo(options: DemoServerOptions = {}): Promise<DemoHarness> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: run \`bash scripts/ensure-test-tools.sh\` (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  const clock = createTestClock();
  const server = await startDemoServer({
    port: 0,
    outdir: false,
    // The tests written for the authenticator app see its screens directly; factors.test.ts offers all five.
    factors: ['otp'],
    ...options,
    emulator: { clock: clock.now, ...options.emulator },
  });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1000, height: 820 } });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const openBrowser = browser;
    return {
      server,
      clock,
      browser,
      page,
      async close() {
        await openBrowser.close();
        await server.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await server.close();
    throw error;
  }
}

/** Waits until the chart panel shows `path` (e.g. `step.verifying.idle`). */
export async function waitForState(page: Page, path: string): Promise<void> {
  await page.getByTestId('state-path').filter({ hasText: new RegExp(`^${path.replace(/\./g, '\\.')}$`) }).waitFor();
}

/** Fills the sign-in form with the demo user and the chosen intent, and submits it. */
export async function signIn(page: Page, intent: 'enroll' | 'challenge'): Promise<void> {
  await waitForState(page, 'step.needMfaToken.idle');
  await page.getByLabel('Email').fill('demo@example.com');
  await page.getByLabel('Password').fill('demo-password');
  await page.getByTestId(`intent-${intent}`).check();
  await page.getByTestId('sign-in').click();
}

export async function submitOtp(page: Page, code: string): Promise<void> {
  await page.getByTestId('otp-input').fill(code);
  await page.getByTestId('submit-otp').click();
}

/** The secret as the page shows it for typing by hand, without the spaces between groups. */
export async function readSecret(page: Page): Promise<string> {
  const shown = await page.getByTestId('secret').innerText();
  return shown.replace(/\s+/g, '');
}

/**
 * Enrolls the demo user through the page, as a person with a phone would. Returns the secret, the
 * code that confirmed it (still on the phone's screen) and the recovery code shown once.
 */
export async function enrollThroughPage(page: Page, clock: TestClock): Promise<{ secret: string; code: string; recoveryCode: string }> {
  await signIn(page, 'enroll');
  await waitForState(page, 'step.awaitingConfirmation.idle');
  const secret = await readSecret(page);
  const code = totpAt(secret, clock.now());
  await submitOtp(page, code);
  await waitForState(page, 'step.awaitingConfirmation.acknowledgingRecoveryCodes');
  const recoveryCode = (await page.getByTestId('recovery-code').getAttribute('data-code')) ?? '';
  await page.getByTestId('acknowledge').click();
  await waitForState(page, 'authenticated');
  return { secret, code, recoveryCode };
}

/**
 * Enrolls the demo user through the API itself (as the page's public client would), so a test
 * about sign-in starts from an enrolled user without clicking through enrollment.
 */
export async function enrollViaApi(baseUrl: string, clock: TestClock): Promise<{ secret: string; recoveryCode: string }> {
  const api = (path: string) => new URL(path, baseUrl).href;
  const token = (fields: Record<string, string>) =>
    fetch(api('/oauth/token'), { method: 'POST', body: new URLSearchParams({ client_id: 'demo-web', ...fields }) });
  const signedIn = (await (await token({ grant_type: 'password', username: 'demo@example.com', password: 'demo-password' })).json()) as {
    mfa_token: string;
  };
  const associated = (await (
    await fetch(api('/mfa/associate'), {
      method: 'POST',
      headers: { authorization: `Bearer ${signedIn.mfa_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ authenticator_types: ['otp'] }),
    })
  ).json()) as { secret: string; recovery_codes: string[] };
  const confirmed = await token({
    grant_type: 'http://auth0.com/oauth/grant-type/mfa-otp',
    mfa_token: signedIn.mfa_token,
    otp: totpAt(associated.secret, clock.now()),
  });
  if (!confirmed.ok) throw new Error(`enrollViaApi: confirmation answered ${confirmed.status}`);
  clock.advance(30_000); // that step's code is spent
  return { secret: associated.secret, recoveryCode: associated.recovery_codes[0] ?? '' };
}
