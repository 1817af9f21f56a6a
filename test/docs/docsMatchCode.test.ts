// The guide and the error table name states, events, codes and messages: check them against
// the machine and the API client, so the docs fail a test instead of drifting.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createActor, fromPromise, waitFor, type AnyStateNode } from 'xstate';
import { mfaFlowMachine } from '../../machines/mfaFlow.js';
import { MFA_ERROR_CODES, type AssociateInput, type Authenticator, type ChallengeInput, type ChallengeOutput, type Enrollment } from '../../machines/types.js';
import { messageFor } from '../../src/api/errors.js';

const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');
const section = (text: string, heading: string) => text.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
const tableRows = (text: string) => text.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('|---'));

/** `a.b` paths of every state node, and of the atomic ones (what a user can be looking at). */
function statePaths() {
  const all: AnyStateNode[] = [];
  const walk = (node: AnyStateNode) => {
    if (node.path.length > 0) all.push(node);
    Object.values(node.states).forEach(walk);
  };
  walk(mfaFlowMachine.root);
  const atomic = all.filter((n) => n.type === 'atomic' || n.type === 'final');
  return { all: all.map((n) => n.path.join('.')), atomic: atomic.map((n) => n.path.join('.')) };
}

describe('docs/guide.md', () => {
  const guide = doc('guide.md');

  test('"Reading context and tags" names only fields the context has', () => {
    const rows = tableRows(section(guide, 'Reading context and tags')).slice(1);
    const named = rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([\w.]+)`/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(10);
    const context = createActor(mfaFlowMachine, { input: { intent: 'challenge', mfaAudience: 'https://t.test/mfa/' } }).getSnapshot().context;
    for (const path of named) {
      const [head, ...rest] = path.split('.');
      let value: unknown = context;
      for (const key of [head!, ...rest]) {
        expect(value !== null && typeof value === 'object' && key in value, `the guide names context.${path}`).toBe(true);
        value = (value as Record<string, unknown>)[key];
      }
    }
  });

  test('"States a UI must render" lists every state a user can see, and only states that exist', () => {
    const rows = tableRows(section(guide, 'States a UI must render')).slice(1);
    const listed = rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([\w.]+)`/g)].map((m) => m[1]!));
    const { all, atomic } = statePaths();
    for (const path of listed) expect(all, `the guide lists "${path}"`).toContain(path);
    // Eventless decisions are never rendered (the guide says so); history states are not atomic.
    const decisions = ['step.routing', 'step.awaitingConfirmation.deciding', 'step.verifying.deciding'];
    const visible = atomic.filter((path) => !decisions.includes(path));
    expect(listed.slice().sort()).toEqual(visible.slice().sort());
    for (const decision of decisions) expect(section(guide, 'States a UI must render')).toContain(`\`${decision}\``);
  });

  test('"Events" covers every event the machine accepts from outside', () => {
    const events = section(guide, 'Events');
    const external = mfaFlowMachine.events.filter((type) => !type.startsWith('xstate.'));
    for (const type of external) expect(events, type).toMatch(new RegExp(`['\`]${type.replace('.', '\\.')}['\`]`));
  });
});

describe('docs/errors.md', () => {
  const errors = doc('errors.md');

  test('"Messages by code" has every code, with the message the API client gives it', () => {
    const rows = tableRows(section(errors, 'Messages by code')).slice(1);
    const table = new Map(rows.map((row) => {
      const [, code, message] = row.split('|').map((cell) => cell.trim());
      return [code!.replace(/`/g, ''), message!];
    }));
    expect([...table.keys()].sort()).toEqual([...MFA_ERROR_CODES].sort());
    for (const code of MFA_ERROR_CODES) expect(table.get(code), code).toBe(messageFor(code));
  });

  test('the code columns name real codes, and every code has a row', () => {
    const column = (heading: string, index: number) =>
      tableRows(section(errors, heading)).slice(1).flatMap((row) => [...(row.split('|')[index] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!));
    const fromServer = column('Server answer → code → state → what to show', 3);
    const fromChart = column('Decided by the chart, without a server answer', 2);
    for (const code of [...fromServer, ...fromChart]) expect(MFA_ERROR_CODES, code).toContain(code);
    expect(new Set([...fromServer, ...fromChart])).toEqual(new Set(MFA_ERROR_CODES));
  });

  test('the messages of the chart\'s own checks are quoted as the chart writes them', async () => {
    const enrollment: Enrollment = { factor: 'otp', secret: 'JBSWY3DPEHPK3PXP', barcodeUri: 'otpauth://totp/t:u?secret=JBSWY3DPEHPK3PXP' };
    const appAndSms: Authenticator[] = [
      { id: 'totp|a', authenticatorType: 'otp', active: true },
      { id: 'sms|b', authenticatorType: 'oob', oobChannel: 'sms', active: true },
    ];
    const machine = mfaFlowMachine.provide({
      actors: {
        associate: fromPromise<Enrollment, AssociateInput>(async () => enrollment),
        listAuthenticators: fromPromise<Authenticator[], { mfaToken: string }>(async () => appAndSms),
        challenge: fromPromise<ChallengeOutput, ChallengeInput>(async () => ({})),
      },
    });
    const start = (intent: 'enroll' | 'challenge', mfaToken?: string) =>
      createActor(machine, { input: { intent, mfaAudience: 'https://t/mfa/', ...(mfaToken ? { mfaToken } : {}) } }).start();
    const messages: string[] = [];

    const signIn = start('enroll');
    signIn.send({ type: 'credentials.submit', username: ' ', password: '' });
    messages.push(signIn.getSnapshot().context.error!.message);

    const enroll = start('enroll', 'tok');
    await waitFor(enroll, (s) => s.matches({ step: { awaitingConfirmation: 'idle' } }));
    enroll.send({ type: 'otp.submit', otp: '12345' });
    messages.push(enroll.getSnapshot().context.error!.message);

    const challenge = start('challenge', 'tok');
    await waitFor(challenge, (s) => s.matches({ step: { listing: 'choosing' } }));
    challenge.send({ type: 'authenticator.select', authenticatorId: 'totp|nope' });
    messages.push(challenge.getSnapshot().context.error!.message);
    challenge.send({ type: 'authenticator.select', authenticatorId: 'totp|a' });
    await waitFor(challenge, (s) => s.matches({ step: { verifying: 'idle' } }));
    challenge.send({ type: 'recoveryCode.submit', recoveryCode: 'short' });
    messages.push(challenge.getSnapshot().context.error!.message);

    for (const actor of [signIn, enroll, challenge]) actor.stop();
    const chartSection = section(errors, 'Decided by the chart, without a server answer');
    for (const message of messages) expect(chartSection).toContain(`"${message}"`);
  });
});
