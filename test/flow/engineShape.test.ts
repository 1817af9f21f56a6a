// The engine's contract with the app around it: a crash is never swallowed, a custom client's
// malformed answer is an error the chart names, the ky options cannot undo the error contract,
// and a token's declared expiry is the one its timer follows.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { createMfaApiClient, createMfaFlow, type MfaApiClient } from '../../src/index.js';
import { createFlowHarness, enrollDemoUser, signIn } from './flowHarness.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('crashes surface', () => {
  it('a custom client answering a malformed value fails the step as invalid_response, like the network would', async () => {
    const h = createFlowHarness();
    const real = createMfaApiClient({ baseUrl: 'http://emulator.test', clientId: 'demo-client', clientSecret: 'demo-secret', fetch: async (i, init) => h.emulator.app.request(i as Request, init) });
    await enrollDemoUser(h); // an enrolled user: the flow lists the authenticators
    const broken: MfaApiClient = { ...real, listAuthenticators: async () => undefined as never };
    const flow = createMfaFlow({ client: broken, intent: 'challenge' }).start();
    flow.send({ type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' });
    await waitFor(flow, (s) => s.matches('failed'));
    expect(flow.getSnapshot().status).toBe('active');
    expect(flow.getSnapshot().context.error).toMatchObject({ code: 'invalid_response' });
    flow.stop();
  });

  it('an actor crash reaches the app’s error observer', async () => {
    const h = createFlowHarness();
    // A clock that cannot schedule: arming the token's timer throws inside the chart.
    const flow = h.flow({ clock: { setTimeout: () => { throw new Error('clock broke'); }, clearTimeout: () => {} } });
    const seen = new Promise<unknown>((resolve) => flow.subscribe({ error: resolve }));
    flow.start();
    flow.send({ type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' });
    expect(String(await seen)).toContain('clock broke');
    expect(flow.getSnapshot().status).toBe('error');
  });

  it('with no error observer, the crash is reported, not swallowed: the process fails with it', async () => {
    // Run from the build in a child process: an unhandled actor error must reach Node.
    const script = `
      import { createMfaFlow } from 'mfa-flow';
      const flow = createMfaFlow({
        baseUrl: 'http://127.0.0.1:9', clientId: 'c', mfaToken: 'given',
        clock: { setTimeout() { throw new Error('clock broke'); }, clearTimeout() {} },
      });
      flow.start();
      setTimeout(() => console.log('still running, nothing reported'), 200);
    `;
    const run = promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root, timeout: 10_000 });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('clock broke') });
  });
});

describe('the error contract holds whatever the ky options say', () => {
  it('throwHttpErrors cannot turn a wrong password into a network error, nor hide mfa_required', async () => {
    const h = createFlowHarness();
    const kyOptions = { throwHttpErrors: true, retry: 3 } as never; // refused by the type, tried anyway
    const wrong = h.flow({ kyOptions });
    await signIn(wrong, { username: 'demo@example.com', password: 'not-it' });
    expect(wrong.getSnapshot().context.error?.code).toBe('invalid_credentials');
    expect(h.calls()).toEqual(['POST /oauth/token password']); // and no retry
    const right = h.flow({ kyOptions, intent: 'enroll' });
    await signIn(right);
    expect(right.getSnapshot().value).toEqual({ step: { awaitingConfirmation: 'idle' } });
    right.stop();
  });

  it('ky hooks are the way to extend the client', async () => {
    const h = createFlowHarness();
    const seen: string[] = [];
    const flow = h.flow({ kyOptions: { hooks: { beforeRequest: [(request) => void seen.push(new URL(request.url).pathname)] } } });
    await signIn(flow);
    expect(seen).toEqual(['/oauth/token', '/mfa/associate']); // mfa_requirements said: enroll
    flow.stop();
  });
});

describe('a token expires when it says it does', () => {
  it('mfaToken.provide with expiresAt in 1 s: the timer fires after 1 s, not after the default lifetime', async () => {
    const h = createFlowHarness();
    await enrollDemoUser(h);
    const flow = h.flow().start();
    flow.send({ type: 'mfaToken.provide', mfaToken: await h.mfaToken(), expiresAt: h.now() + 1_000 });
    await waitFor(flow, (s) => s.matches({ step: { verifying: 'idle' } }));
    expect(flow.getSnapshot().context.mfaTokenExpiresAt).toBe(h.now() + 1_000);
    h.advance(999);
    expect(flow.getSnapshot().matches({ step: 'verifying' })).toBe(true);
    h.advance(1);
    expect(flow.getSnapshot().value).toEqual({ step: { needMfaToken: 'idle' } });
    expect(flow.getSnapshot().context.error?.code).toBe('mfa_token_expired');
  });

  it('a token given as input with its expiry keeps it; without one it gets the default lifetime from now', async () => {
    const h = createFlowHarness();
    await enrollDemoUser(h);
    const given = h.flow({ mfaToken: await h.mfaToken(), mfaTokenExpiresAt: h.now() + 5_000 }).start();
    const fallback = h.flow({ mfaToken: await h.mfaToken() }).start();
    expect(given.getSnapshot().context.mfaTokenExpiresAt).toBe(h.now() + 5_000);
    expect(fallback.getSnapshot().context.mfaTokenExpiresAt).toBe(h.now() + 600_000);
    await waitFor(given, (s) => s.matches({ step: { verifying: 'idle' } }));
    h.advance(5_000);
    expect(given.getSnapshot().context.error?.code).toBe('mfa_token_expired');
    fallback.stop();
  });
});
