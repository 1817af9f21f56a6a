// @vitest-environment jsdom
// The React example with every factor, in jsdom against the in-process emulator (see
// MfaScreen.test.tsx on ky, jsdom and AbortSignal): SMS enrolled and challenged with the codes read
// from the emulator's outbox route, a phone number refused before anything is sent, and push
// scanned, rejected and accepted through the emulated Guardian device's routes, and left for the
// recovery code while it waits.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { MfaScreen } from '../../examples/react/MfaScreen.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { FACTOR_TYPES, type CreateMfaFlowOptions } from '../../src/index.js';
import { TEST_SIGNING_KEY } from '../helpers/signingKey.js';

let emulator: Emulator;

beforeEach(() => {
  // Wall time: push polls are timed by the chart's real timers and checked by the emulator's clock.
  emulator = createEmulator({ signingKey: TEST_SIGNING_KEY, pollIntervalSeconds: 1 });
});
afterEach(cleanup);

function options(): CreateMfaFlowOptions {
  return {
    baseUrl: 'http://localhost:4010',
    mfaAudience: emulator.mfaAudience,
    clientId: 'demo-client',
    clientSecret: 'demo-secret',
    intent: 'challenge',
    factors: [...FACTOR_TYPES],
    fetch: async (input, init) => emulator.app.request(input as Request, init),
  };
}

/** The emulator's own routes, over HTTP as a phone app would reach them. */
async function emulatorRoute(method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
  const response = await emulator.app.request(`http://localhost:4010/emulator/v1${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  expect(response.ok, `${method} ${path}: ${response.status}`).toBe(true);
  return response.json();
}

const type = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const click = (name: string | RegExp) => fireEvent.click(screen.getByRole('button', { name }));

async function signIn() {
  await screen.findByLabelText('Email');
  type('Email', 'demo@example.com');
  type('Password', 'demo-password');
  click('Sign in');
}

describe('React example, every factor', { timeout: 30_000 }, () => {
  test('SMS: a malformed phone number is refused on the spot; the codes come from the outbox; a new code waits for the cooldown', async () => {
    render(<MfaScreen options={options()} />);
    await signIn();
    fireEvent.click(await screen.findByRole('radio', { name: /Text message/ }));
    type(/Phone number/, '555-0123');
    click('Continue');
    await screen.findByText('Enter a phone number with its country code, e.g. +14155550123.');
    expect(screen.getByLabelText(/Phone number/).getAttribute('aria-invalid')).toBe('true');
    expect((await emulatorRoute('GET', '/outbox')).messages).toHaveLength(0);

    type(/Phone number/, '+14155550123');
    click('Continue');
    await screen.findByLabelText('6-digit code from the message');
    const enrollCode = (await emulatorRoute('GET', '/outbox?to=%2B14155550123')).messages.at(-1).code;
    type('6-digit code from the message', enrollCode);
    click('Confirm');
    fireEvent.click(await screen.findByRole('button', { name: 'I have saved it' }));
    await screen.findByRole('heading', { name: 'You are signed in' });

    cleanup();
    render(<MfaScreen options={options()} />);
    await signIn();
    // A phone enrolled for SMS is listed for calls too: SMS is picked.
    fireEvent.click(await screen.findByRole('button', { name: 'SMS to ••••0123' }));
    await screen.findByLabelText('6-digit code from the message');
    const resend = screen.getByRole('button', { name: /Send a new code \(in \d+ s\)/ }) as HTMLButtonElement;
    expect(resend.disabled).toBe(true);
    screen.getByRole('button', { name: 'Use another method' });
    const messages = (await emulatorRoute('GET', '/outbox?to=%2B14155550123')).messages;
    expect(messages).toHaveLength(2);
    type('6-digit code from the message', messages.at(-1).code);
    click('Sign in');
    await screen.findByRole('heading', { name: 'You are signed in' });
  });

  test('push: scanned by the emulated device; a rejected sign-in offers another push, which is accepted', async () => {
    render(<MfaScreen options={options()} />);
    await signIn();
    fireEvent.click(await screen.findByRole('radio', { name: /Push notification/ }));
    click('Continue');
    await screen.findByRole('img', { name: 'QR code to scan with the Auth0 Guardian app' });
    const [enrollment] = (await emulatorRoute('GET', '/guardian/enrollments')).enrollments;
    await emulatorRoute('POST', '/guardian/devices', { barcodeUri: enrollment.barcodeUri });
    // The chart sees the scan at its next poll, 5 s after the association.
    const saved = await screen.findByRole('button', { name: 'I have saved it' }, { timeout: 10_000 });
    const recoveryCode = screen.getByLabelText('Recovery code').textContent!;
    fireEvent.click(saved);
    await screen.findByRole('heading', { name: 'You are signed in' });

    cleanup();
    render(<MfaScreen options={options()} />);
    await signIn();
    fireEvent.click(await screen.findByRole('button', { name: 'Push to your phone' }));
    await screen.findByText(/We sent a push notification/);
    const pending = async () => (await emulatorRoute('GET', '/guardian/requests')).requests.filter((r: { status: string }) => r.status === 'pending');
    const [first] = await pending();
    await emulatorRoute('POST', `/guardian/requests/${first.id}/reject`);
    await screen.findByText('The sign-in was refused on your phone.', {}, { timeout: 5_000 });
    click('Send another push');
    await screen.findByText(/We sent a push notification/);
    const [second] = await pending();
    expect(second.id).not.toBe(first.id);
    await emulatorRoute('POST', `/guardian/requests/${second.id}/accept`);
    await screen.findByRole('heading', { name: 'You are signed in' }, { timeout: 5_000 });

    // No phone at hand: while the push waits, the recovery code signs in.
    cleanup();
    render(<MfaScreen options={options()} />);
    await signIn();
    fireEvent.click(await screen.findByRole('button', { name: 'Push to your phone' }));
    click(await screen.findByRole('button', { name: 'No phone at hand? Use a recovery code' }).then((button) => button.textContent!));
    type('Recovery code', recoveryCode);
    click('Sign in');
    await screen.findByRole('heading', { name: 'You are signed in' });
    expect(screen.getByLabelText('New recovery code').textContent).toMatch(/^[A-Z0-9]{24}$/);
  });
});
