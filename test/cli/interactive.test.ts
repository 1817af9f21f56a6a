// The terminal demo's chooser: with only authenticator apps listed it asks nothing (the mfa-otp
// grant takes a code from any of them) and says so; once another kind of factor is listed, the
// choice means something and it asks.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, test } from 'vitest';
import { interactiveResponder } from '../../src/cli/demo/interactive.js';
import { Prompter } from '../../src/cli/demo/prompter.js';
import type { Authenticator } from '../../src/index.js';

const prompters: Prompter[] = [];
afterEach(() => prompters.splice(0).forEach((prompter) => prompter.close()));

function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
  const prompter = new Prompter({ input, output }, () => {});
  prompters.push(prompter);
  const lines: string[] = [];
  const responder = interactiveResponder({ prompter, print: (line) => lines.push(line) });
  return { responder, lines, type: (line: string) => input.write(`${line}\n`), printed: () => printed };
}

const app = (id: string): Authenticator => ({ id, authenticatorType: 'otp', active: true });

describe('terminal chooser', () => {
  test('two authenticator apps: picks the first without asking and says any code works', async () => {
    const { responder, lines, printed } = terminal();
    await expect(responder.chooseAuthenticator([app('totp|dev_1'), app('totp|dev_2')])).resolves.toBe('totp|dev_1');
    expect(lines).toEqual(['You have 2 authenticator apps; a code from any of them works.']);
    expect(printed()).toBe(''); // no question was asked
  });

  test('an app and another kind of factor: asks which one', async () => {
    const { responder, lines, type, printed } = terminal();
    const sms: Authenticator = { id: 'sms|dev_3', authenticatorType: 'oob', active: true, name: '+1 ••• 0123' };
    const chosen = responder.chooseAuthenticator([app('totp|dev_1'), sms]);
    type('2');
    await expect(chosen).resolves.toBe('sms|dev_3');
    expect(lines).toEqual(['You have several authenticators:', '  1. totp|dev_1', '  2. +1 ••• 0123']);
    expect(printed()).toMatch(/Which one \[1-2, Enter for 1\]: /);
  });
});
