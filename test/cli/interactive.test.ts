// The terminal demo's chooser: with only authenticator apps listed it asks nothing (the mfa-otp
// grant takes a code from any of them) and says so; once another kind of factor is listed, the
// choice means something and it asks.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, test } from 'vitest';
import { interactiveResponder } from '../../src/cli/demo/interactive.js';
import { Prompter } from '../../src/cli/demo/prompter.js';
import type { ChallengeableAuthenticator } from '../../src/index.js';

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
  return { prompter, responder, lines, type: (line: string) => input.write(`${line}\n`), printed: () => printed };
}

const app = (id: string): ChallengeableAuthenticator => ({ id, factor: 'otp', label: 'Authenticator app' });

describe('terminal chooser', () => {
  test('an app and another kind of factor: asks which one', async () => {
    const { responder, lines, type, printed } = terminal();
    const sms: ChallengeableAuthenticator = { id: 'sms|dev_3', factor: 'sms', label: 'SMS to ••••0123' };
    const chosen = responder.chooseAuthenticator([app('totp|dev_1'), sms]);
    type('2');
    await expect(chosen).resolves.toBe('sms|dev_3');
    expect(lines).toEqual(['How do you want to confirm it is you?', '  1. Authenticator app', '  2. SMS to ••••0123']);
    expect(printed()).toMatch(/Which one \[1-2, Enter for 1\]: /);
  });
});

describe('terminal prompts while the flow waits for the phone', () => {
  test('a question the flow moved past ends with null; a line typed later answers the next question', async () => {
    const { prompter, type } = terminal();
    const moved = new AbortController();
    const waiting = prompter.ask('Waiting for your phone: ', { signal: moved.signal });
    moved.abort(); // the push was answered on the phone: nobody typed anything
    await expect(waiting).resolves.toBeNull();
    const next = prompter.ask('Next: ');
    type('typed');
    await expect(next).resolves.toBe('typed');
  });
});
