// @vitest-environment jsdom
// The React example in jsdom against the in-process emulator: a user reads the key off the
// screen, computes the code as an authenticator app would, and ends signed in.
//
// ky and jsdom: ky builds `new Request(url, { signal })` and XState hands each service an
// AbortSignal. Node's Request (undici) refuses a signal from another realm, and jsdom has its
// own AbortSignal. Vitest 4's jsdom environment keeps Node's fetch, Request (wrapped),
// Response, Headers, AbortController and AbortSignal on the global, so the flow's requests
// and their abort-on-leave work unchanged; nothing needs configuring. The first test guards
// that assumption, so a runner that swaps in jsdom's AbortSignal fails there, by name.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { MfaScreen } from '../../examples/react/MfaScreen.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import type { CreateMfaFlowOptions, MfaFlowOutput } from '../../src/index.js';
import { TEST_SIGNING_KEY } from '../helpers/signingKey.js';
import { createTestClock, type TestClock } from '../helpers/testClock.js';
import { totpCode, wrongTotpCode } from '../helpers/totp.js';

let clock: TestClock;
let emulator: Emulator;

beforeEach(() => {
  clock = createTestClock();
  emulator = createEmulator({ clock: clock.now, signingKey: TEST_SIGNING_KEY });
});
afterEach(cleanup);

function options(intent: CreateMfaFlowOptions['intent']): CreateMfaFlowOptions {
  return {
    baseUrl: 'http://localhost:4010',
    mfaAudience: emulator.mfaAudience,
    clientId: 'demo-client',
    clientSecret: 'demo-secret',
    intent,
    clock,
    fetch: async (input, init) => emulator.app.request(input as Request, init),
  };
}

const type = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const click = (name: string | RegExp) => fireEvent.click(screen.getByRole('button', { name }));

function signIn() {
  type('Email', 'demo@example.com');
  type('Password', 'demo-password');
  click('Sign in');
}

/** What a user reads off the screen: the key, without the spaces it is grouped with. */
async function secretOnScreen(): Promise<string> {
  return (await screen.findByLabelText('Secret key')).textContent!.replace(/\s/g, '');
}

function nextCode(secret: string): string {
  clock.advance(30_000); // the emulator refuses a code of a step already used
  return totpCode(secret, clock.now());
}

/** Enrolls through the screen; returns the key and the recovery code it showed. */
async function enrollThroughScreen(onAuthenticated?: (output: MfaFlowOutput) => void) {
  render(<MfaScreen options={options('enroll')} onAuthenticated={onAuthenticated} />);
  signIn();
  const secret = await secretOnScreen();
  const codeInput = screen.getByLabelText('6-digit code from the app');
  expect(codeInput.getAttribute('inputmode')).toBe('numeric');
  expect(codeInput.getAttribute('autocomplete')).toBe('one-time-code');

  type('6-digit code from the app', wrongTotpCode(secret, clock.now()));
  click('Confirm');
  await screen.findByText(/That code is not right/);
  expect(screen.getByRole('alert').textContent).toMatch(/not right/); // announced: role=alert is aria-live

  type('6-digit code from the app', nextCode(secret));
  click('Confirm');
  const recoveryCode = (await screen.findByLabelText('Recovery code')).textContent!;
  click('I have saved it');
  await screen.findByRole('heading', { name: 'You are signed in' });
  cleanup();
  return { secret, recoveryCode };
}

describe('the environment', () => {
  test('Request accepts the AbortSignal the flow passes it (jsdom has not replaced it)', () => {
    const controller = new AbortController();
    expect(() => new Request('http://localhost/', { signal: controller.signal })).not.toThrow();
  });
});

describe('MfaScreen against the emulator', () => {
  test('enroll: sign in, read the key, a wrong code is announced, the right one, the recovery code, signed in', async () => {
    const outputs: MfaFlowOutput[] = [];
    const { recoveryCode } = await enrollThroughScreen((output) => outputs.push(output));
    expect(recoveryCode).toMatch(/^[A-Z0-9]{24}$/);
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ enrolled: true, tokens: { tokenType: 'Bearer' } });
    expect(emulator.store.authenticators('demo@example.com').filter((a) => a.active)).toHaveLength(2); // OTP + recovery code
  });

  test('challenge with the recovery code: the replacement code is shown once', async () => {
    const { recoveryCode } = await enrollThroughScreen();
    render(<MfaScreen options={options('challenge')} />);
    signIn();
    await screen.findByRole('button', { name: 'Use a recovery code instead' });
    click('Use a recovery code instead');
    type('Recovery code', recoveryCode.toLowerCase());
    click('Sign in');
    await screen.findByRole('heading', { name: 'You are signed in' });
    const replacement = screen.getByLabelText('New recovery code').textContent!;
    expect(replacement).toMatch(/^[A-Z0-9]{24}$/);
    expect(replacement).not.toBe(recoveryCode);
  });

  test('with two authenticator apps, sign-in does not ask which one: a code from either works', async () => {
    const { secret } = await enrollThroughScreen();
    // A second app: the screen first asks for a code of the first one (Auth0's rule), then enrolls.
    render(<MfaScreen options={options('enroll')} />);
    signIn();
    await screen.findByLabelText('6-digit code from your app');
    type('6-digit code from your app', nextCode(secret));
    click('Sign in');
    const secondSecret = await secretOnScreen();
    type('6-digit code from the app', totpCode(secondSecret, clock.now()));
    click('Confirm');
    await screen.findByRole('heading', { name: 'You are signed in' });
    cleanup();

    for (const appSecret of [secondSecret, secret]) {
      render(<MfaScreen options={options('challenge')} />);
      signIn();
      await screen.findByText('Open any of your 2 authenticator apps and type its current code.');
      expect(screen.queryByRole('heading', { name: /How do you want/ })).toBeNull();
      type('6-digit code from your app', nextCode(appSecret));
      click('Sign in');
      await screen.findByRole('heading', { name: 'You are signed in' });
      cleanup();
    }
  });

  test('challenge with the app, in StrictMode (effects run twice), then a fresh screen can cancel', async () => {
    const { secret } = await enrollThroughScreen();
    render(
      <StrictMode>
        <MfaScreen options={options('challenge')} />
      </StrictMode>,
    );
    signIn();
    await screen.findByLabelText('6-digit code from your app');
    type('6-digit code from your app', nextCode(secret));
    click('Sign in');
    await screen.findByRole('heading', { name: 'You are signed in' });
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    cleanup();

    render(<MfaScreen options={options('challenge')} />);
    await act(async () => click('Cancel'));
    expect(screen.getByText('Sign-in cancelled.')).toBeTruthy();
  });
});
