// What an inspector receives while real flows run against the emulator: with redaction, none of
// the secrets the flow handled (read from the live actor) and all of the chart (states, events);
// without it, every secret, which proves the capture would catch a leak.
import { createInspector, createWebSocketInspector } from '@statelyai/inspect';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { inspectorRedaction, redactInspector, REDACTED, sanitizeContext, sanitizeEvent } from '../../src/inspect/index.js';
import {
  leakedSecrets,
  newTenant,
  otpSecretOf,
  runEnrollWhileEnrolled,
  runFirstEnrollment,
  runRecoverySignIn,
  type Secret,
} from './flows.js';

/** An XState inspection observer that keeps, as JSON, every event and what its actor ref exposes. */
function captureXState() {
  const chunks: string[] = [];
  const observer = (inspectionEvent: InspectionEvent) => {
    chunks.push(JSON.stringify(inspectionEvent));
    // An inspector holds the ref and may read it at any time; read what it could read now.
    const ref = inspectionEvent.actorRef as InspectionEvent['actorRef'] & { getPersistedSnapshot?: () => unknown };
    try {
      chunks.push(JSON.stringify(ref.getSnapshot()) ?? '');
      chunks.push(JSON.stringify(ref.getPersistedSnapshot?.()) ?? '');
    } catch {
      // An actor announced by `@xstate.actor` has no snapshot yet.
    }
  };
  return { observer, text: () => chunks.join('\n'), count: () => chunks.length };
}

/** An @statelyai/inspect adapter that keeps every event it would send to the inspector UI. */
function captureStately() {
  const chunks: string[] = [];
  return { adapter: { send: (event: unknown) => void chunks.push(JSON.stringify(event)) }, text: () => chunks.join('\n') };
}

/** @statelyai/inspect converts XState's events on a later tick: wait until the last one, the flow's
 *  final state, has been sent (everything before it has been, then). */
async function untilFinalStateSent(capture: { text(): string }): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!capture.text().includes('"authenticated"')) {
    if (Date.now() > deadline) throw new Error('the inspector never sent the final state');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function expectNoLeak(captured: string, secrets: Secret[]) {
  expect(secrets.length).toBeGreaterThan(3);
  expect(leakedSecrets(captured, secrets)).toEqual([]);
  expect(captured).toContain(REDACTED);
}

function expectChartVisible(captured: string, states: string[], events: string[]) {
  for (const name of [...states, ...events]) expect(captured, name).toContain(`"${name}`);
}

describe('redactInspector on real flows against the emulator', () => {
  test('first enrollment (wrong code, right code, recovery code acknowledged)', async () => {
    const capture = captureXState();
    const run = await runFirstEnrollment(newTenant(), redactInspector(capture.observer));
    expectNoLeak(capture.text(), run.secrets);
    expectChartVisible(
      capture.text(),
      ['needMfaToken', 'signingIn', 'associating', 'awaitingConfirmation', 'submitting', 'acknowledgingRecoveryCodes', 'authenticated'],
      ['credentials.submit', 'otp.submit', 'recoveryCodes.acknowledge', 'xstate.done.actor.', 'xstate.error.actor.'],
    );
    // The wrong code shows as an error code, which is not a secret.
    expect(capture.text()).toContain('"code":"invalid_otp"');
  });

  test('recovery-code sign-in, which hands out a new recovery code', async () => {
    const tenant = newTenant();
    const enrolled = await runFirstEnrollment(tenant, undefined);
    const capture = captureXState();
    const run = await runRecoverySignIn(tenant, enrolled.recoveryCode, redactInspector(capture.observer));
    expect(run.secrets.map((s) => s.what)).toContain('new recovery code');
    expectNoLeak(capture.text(), run.secrets);
    expectChartVisible(capture.text(), ['listing', 'fetching', 'challenging', 'verifying', 'submittingRecoveryCode'], ['recoveryCode.submit']);
  });

  test('the already-enrolled branch: challenge, then enroll with the MFA-API token', async () => {
    const tenant = newTenant();
    const first = await runFirstEnrollment(tenant, undefined);
    const capture = captureXState();
    const run = await runEnrollWhileEnrolled(tenant, otpSecretOf(first), redactInspector(capture.observer));
    expect(run.secrets.map((s) => s.what)).toContain('enroll token');
    expectNoLeak(capture.text(), run.secrets);
    expectChartVisible(capture.text(), ['associating', 'listing', 'verifying', 'submittingOtp', 'awaitingConfirmation'], ['otp.submit']);
  });

  test('negative control: the same capture without redaction sees every kind of secret', async () => {
    const capture = captureXState();
    const run = await runFirstEnrollment(newTenant(), capture.observer);
    const leaked = leakedSecrets(capture.text(), run.secrets);
    expect(leaked).toEqual(run.secrets.map((s) => s.what));
  });
});

describe('@statelyai/inspect inspectors', () => {
  test('redactInspector(createInspector(adapter)): what the adapter sends holds no secret', async () => {
    const capture = captureStately();
    const inspector = createInspector(capture.adapter);
    const run = await runFirstEnrollment(newTenant(), redactInspector(inspector));
    await untilFinalStateSent(capture);
    expectNoLeak(capture.text(), run.secrets);
    expectChartVisible(capture.text(), ['awaitingConfirmation', 'acknowledgingRecoveryCodes', 'authenticated'], ['otp.submit']);
  });

  test('createInspector(adapter, inspectorRedaction): the options way', async () => {
    const capture = captureStately();
    const inspector = createInspector(capture.adapter, inspectorRedaction);
    const run = await runFirstEnrollment(newTenant(), inspector.inspect);
    await untilFinalStateSent(capture);
    expectNoLeak(capture.text(), run.secrets);
    expectChartVisible(capture.text(), ['awaitingConfirmation', 'authenticated'], ['otp.submit', 'credentials.submit']);
  });

  test('sanitizeContext and sanitizeEvent alone leak the input and output of invoked services', async () => {
    const capture = captureStately();
    const inspector = createInspector(capture.adapter, { sanitizeContext, sanitizeEvent });
    const run = await runFirstEnrollment(newTenant(), inspector.inspect);
    await untilFinalStateSent(capture);
    // Why inspectorRedaction also sets `serialize`: child snapshots carry `input` and `output`.
    expect(leakedSecrets(capture.text(), run.secrets)).toEqual(expect.arrayContaining(['password', 'OTP typed', 'OTP secret']));
  });

  describe('createWebSocketInspector, as a terminal run is watched', () => {
    let stop: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await stop?.();
      stop = undefined;
    });

    test('the bytes on the socket hold no secret', async () => {
      // `ws` is the WebSocket library @statelyai/inspect itself depends on.
      const { WebSocketServer } = await import('ws');
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const messages: string[] = [];
      const connected = new Promise<void>((resolve) =>
        server.once('connection', (socket) => {
          socket.on('message', (data) => messages.push(String(data)));
          resolve();
        }),
      );
      const { port } = server.address() as AddressInfo;
      const inspector = createWebSocketInspector({ url: `ws://127.0.0.1:${port}`, ...inspectorRedaction });
      stop = async () => {
        inspector.stop();
        for (const client of server.clients) client.terminate();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      };
      await connected;

      const run = await runFirstEnrollment(newTenant(), inspector.inspect);
      await expect.poll(() => messages.join('\n'), { timeout: 5_000 }).toContain('"authenticated"');
      expectNoLeak(messages.join('\n'), run.secrets);
    });
  });
});
