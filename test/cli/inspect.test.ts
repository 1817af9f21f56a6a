// `mfa-flow demo --auto --inspect 0` watched as the bridge page would watch it: a WebSocket on
// ws://127.0.0.1:PORT/page receives the whole chart (states, events) and not one secret, and the
// demo still exits 0; what --inspect says when it cannot run; and `mfa-flow inspector`, the
// bridge alone for a user's own app.
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { runDemoCommand } from '../../src/cli/demoCommand.js';
import { REDACTED, SECRET_KEYS } from '../../src/inspect/index.js';
import { cliStarter } from '../helpers/cliProcess.js';

const start = cliStarter();

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const RUN_CLI = fileURLToPath(new URL('../helpers/runCli.ts', import.meta.url));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every `key: value` pair in a JSON value, at any depth. */
function* fields(value: Json): Generator<[string, Json]> {
  if (Array.isArray(value)) for (const item of value) yield* fields(item);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      yield [key, inner];
      yield* fields(inner);
    }
  }
}

/** A field that carries a secret may hold the marker, or nothing: never a value. */
const holdsNoSecret = (value: Json): boolean =>
  value === null || value === REDACTED || (Array.isArray(value) ? value.every(holdsNoSecret) : typeof value === 'object' && Object.values(value).every(holdsNoSecret));

describe('mfa-flow demo --inspect', { timeout: 30_000 }, () => {
  test('a page on the bridge sees the chart of --auto, and no secret', async () => {
    const cli = start(['demo', '--auto', '--factor', 'otp', '--inspect', '0']);
    const port = (await cli.expect(/Inspector: open http:\/\/127\.0\.0\.1:(\d+)\/ \(needs internet for the Stately UI\)/))[1];

    // The demo waits for a page before its first flow, so this one sees everything.
    const page = new WebSocket(`ws://127.0.0.1:${port}/page`);
    const received: string[] = [];
    page.on('message', (data) => received.push(data.toString()));
    const pageClosed = new Promise<number>((resolve) => page.on('close', (code) => resolve(code)));

    const secret = (await cli.expect(/\[otp 1\/3\] enroll: secret ([A-Z2-7]{32})\n/))[1]!;
    const recoveryCode = (await cli.expect(/recovery code ([A-Z0-9]{24}) \(acknowledged\)/))[1]!;
    const newRecoveryCode = (await cli.expect(/new recovery code ([A-Z0-9]{24})/))[1]!;
    await expect(cli.exited).resolves.toBe(0);
    expect(cli.stderr()).toBe('');
    // The bridge closed the page when the demo ended, after relaying everything.
    expect(await pageClosed).toBe(1001);

    expect(received.length).toBeGreaterThan(20);
    const events = received.map((message) => JSON.parse(message) as Json & Record<string, Json>);
    const snapshots = events.filter((event) => event.type === '@xstate.snapshot');
    // The step a flow is on (`{ step: { verifying: 'idle' } }` → verifying), or its top state.
    const topStates = new Set(snapshots.map(({ snapshot }) => {
      const value = (snapshot as { value?: Json }).value;
      if (typeof value === 'string') return value;
      const [top, inner] = Object.entries((value ?? {}) as Record<string, Json>)[0] ?? [];
      return top !== 'step' ? top : typeof inner === 'string' ? inner : Object.keys((inner ?? {}) as object)[0];
    }));
    for (const state of ['needMfaToken', 'associating', 'awaitingConfirmation', 'challenging', 'verifying', 'authenticated']) {
      expect(topStates, state).toContain(state);
    }
    const eventTypes = new Set(events.filter((event) => event.type === '@xstate.event').map(({ event }) => (event as { type: string }).type));
    for (const type of ['credentials.submit', 'otp.submit', 'recoveryCodes.acknowledge', 'recoveryCode.submit']) expect(eventTypes, type).toContain(type);

    const all = received.join('\n');
    for (const value of ['demo-password', 'demo-secret', secret, recoveryCode, newRecoveryCode, 'otpauth://']) {
      expect(all, `the page received "${value}"`).not.toContain(value);
    }
    expect(all).not.toMatch(/eyJ/); // a JWT: access and ID tokens
    expect(all).not.toMatch(/(?<![\w-])[\w-]{43}(?![\w-])/); // an opaque 256-bit token, as the emulator's mfa_token
    expect(all).not.toMatch(/"\d{6}"/); // a one-time code
    for (const event of events) {
      for (const [key, value] of fields(event)) if (SECRET_KEYS.has(key)) expect(holdsNoSecret(value), `${key}: ${JSON.stringify(value)}`).toBe(true);
    }
    // The markers are there: the secrets were held, and replaced.
    expect(all).toContain(`"secret":"${REDACTED}"`);
    expect(all).toContain(`"otp":"${REDACTED}"`);
  });
});

/** runDemoCommand in this process, with its output captured. */
async function runInProcess(argv: string[]) {
  let output = '';
  let error = '';
  const sink = (write: (text: string) => void) => new Writable({ write: (chunk, _encoding, done) => (write(String(chunk)), done()) });
  const code = await runDemoCommand(argv, {
    input: process.stdin,
    output: sink((text) => (output += text)),
    error: sink((text) => (error += text)),
  });
  return { code, output, error };
}

/** The CLI from source, in a Node that cannot find `hidden`, as when a package is not installed. */
function runWithout(hidden: string, args: string[]) {
  const hooks = `export async function resolve(specifier, context, next) {
    if (specifier !== ${JSON.stringify(hidden)}) return next(specifier, context);
    throw Object.assign(new Error("Cannot find package '" + specifier + "'"), { code: 'ERR_MODULE_NOT_FOUND' });
  }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(register)}`, RUN_CLI, ...args], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('--inspect errors', { timeout: 30_000 }, () => {
  test('a port that is not one is a usage error', async () => {
    for (const argv of [['--inspect', '70000'], ['--inspect=x'], ['--inspect', 'x']]) {
      const { code, error } = await runInProcess(argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(error).toMatch(/Usage: mfa-flow demo/);
    }
  });

  test.each(['@statelyai/inspect', 'ws'])('without %s installed, one line says what to install, and nothing runs', async (hidden) => {
    const { code, stdout, stderr } = await runWithout(hidden, ['demo', '--auto', '--inspect', '0']);
    expect(stderr).toBe('mfa-flow demo: --inspect needs the packages @statelyai/inspect and ws: npm install @statelyai/inspect ws\n');
    expect(code).toBe(1);
    expect(stdout).toBe('');
  });

  test('without --inspect, the demo runs without @statelyai/inspect', async () => {
    const { code, stderr } = await runWithout('@statelyai/inspect', ['demo', '--auto']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('mfa-flow inspector', { timeout: 30_000 }, () => {
  test('serves the bridge on 127.0.0.1 until Ctrl-C, relaying an app to a page', async () => {
    const cli = start(['inspector', '--port', '0']);
    const port = (await cli.expect(/Inspector: open http:\/\/127\.0\.0\.1:(\d+)\/ \(needs internet for the Stately UI\)/))[1];
    await cli.expect(new RegExp(`Apps connect to ws://127\\.0\\.0\\.1:${port}: createWebSocketInspector`));
    await cli.expect(/Ctrl-C to stop/);

    const page = new WebSocket(`ws://127.0.0.1:${port}/page`);
    const received = new Promise<string>((resolve) => page.once('message', (data) => resolve(data.toString())));
    await new Promise((resolve) => page.once('open', resolve));
    const app = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((resolve) => app.once('open', resolve));
    app.send('{"type":"@xstate.event"}');
    await expect(received).resolves.toBe('{"type":"@xstate.event"}');
    app.close();
    await new Promise((resolve) => app.once('close', resolve));

    cli.child.kill('SIGINT');
    await cli.expect(/Inspector bridge stopped/);
    await expect(cli.exited).resolves.toBe(0);
    expect(cli.stderr()).toBe('');
  });
});
