// Runs real flows (createMfaFlow, ky, the real services) against an in-process emulator over
// `app.request`, with one hand-moved time for both sides, a record of every HTTP request, and a
// hook to inject faults in front of the emulator.
import { SimulatedClock, waitFor } from 'xstate';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { createMfaFlow, type AuthenticatedOutput, type CreateMfaFlowOptions, type MfaFlowActor } from '../../src/index.js';
import { createTestClock } from '../helpers/testClock.js';
import { totpCode, wrongTotpCode } from '../helpers/totp.js';
import { otpEnrollment } from '../helpers/enrollment.js';

export const DEMO = { username: 'demo@example.com', password: 'demo-password' } as const;
const BASE_URL = 'http://emulator.test';

export interface RecordedRequest {
  method: string;
  path: string;
  grant?: string;
  signal: AbortSignal;
}

/** Answer a request yourself (a fault), or return undefined to let the emulator answer. */
export type Fault = (request: Request) => Promise<Response> | Response | undefined;

export interface FlowHarness {
  emulator: Emulator;
  requests: RecordedRequest[];
  /** Moves the emulator's clock and the flows' timers together. */
  advance(ms: number): void;
  /** Moves only the emulator's clock (server-side expiry the chart has not seen yet). */
  advanceServer(ms: number): void;
  now(): number;
  faults: Fault[];
  flow(options?: Partial<CreateMfaFlowOptions>): MfaFlowActor;
  otp(secret: string): string;
  /** An MFA token from the emulator's password grant, as an app's own sign-in would get it. */
  mfaToken(credentials?: { username: string; password: string }): Promise<string>;
  wrongOtp(secret: string): string;
  /** Requests since `from`, as "METHOD path" (token grants by their last path segment). */
  calls(from?: number): string[];
}

export function createFlowHarness(options: EmulatorOptions = {}): FlowHarness {
  const serverClock = createTestClock();
  // The flows' clock: XState's timers and the chart's sense of wall time, set to the emulator's.
  const clock = new SimulatedClock();
  clock.set(serverClock.now());
  const emulator = createEmulator({ clock: serverClock.now, ...options });
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];

  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    // As fetch does: a request whose signal is already aborted is never sent.
    if (request.signal.aborted) throw request.signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
    const url = new URL(request.url);
    // Recorded before any await, so a request counts from the moment it is made.
    const recorded: RecordedRequest = { method: request.method, path: url.pathname, signal: request.signal };
    requests.push(recorded);
    if (url.pathname === '/oauth/token') {
      const grant = new URLSearchParams(await request.clone().text()).get('grant_type');
      if (grant !== null) recorded.grant = grant;
    }
    for (const fault of faults) {
      const answer = await fault(request);
      if (answer !== undefined) return answer;
    }
    return emulator.app.request(request);
  };

  return {
    emulator,
    requests,
    faults,
    advance(ms) {
      serverClock.advance(ms);
      clock.increment(ms);
    },
    advanceServer: (ms) => void serverClock.advance(ms),
    now: serverClock.now,
    flow: (overrides = {}) =>
      createMfaFlow({
        baseUrl: BASE_URL,
        clientId: 'demo-client',
        clientSecret: 'demo-secret',
        mfaAudience: emulator.mfaAudience,
        fetch,
        clock,
        ...overrides,
      }),
    otp: (secret) => totpCode(secret, serverClock.now()),
    async mfaToken({ username, password } = DEMO) {
      const response = await emulator.app.request('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username, password, client_id: 'demo-client', client_secret: 'demo-secret' }),
      });
      const { mfa_token: token } = (await response.json()) as { mfa_token?: string };
      if (!token) throw new Error(`the password grant gave no mfa_token (${response.status})`);
      return token;
    },
    wrongOtp: (secret) => wrongTotpCode(secret, serverClock.now()),
    calls: (from = 0) =>
      requests.slice(from).map((r) => `${r.method} ${r.path}${r.grant ? ` ${r.grant.split('/').pop()}` : ''}`),
  };
}

/** The output of a flow that must have ended authenticated (fails the test otherwise). */
export function authenticatedOutput(flow: MfaFlowActor): AuthenticatedOutput {
  const { output, value } = flow.getSnapshot();
  if (output?.outcome !== 'authenticated') throw new Error(`the flow did not end authenticated: ${JSON.stringify(value)}`);
  return output;
}

/** Signs in and waits until the flow settles somewhere other than a busy state. */
export async function signIn(flow: MfaFlowActor, credentials: { username: string; password: string } = DEMO) {
  flow.start();
  flow.send({ type: 'credentials.submit', ...credentials });
  return settled(flow);
}

export function settled(flow: MfaFlowActor) {
  return waitFor(flow, (s) => !s.hasTag('busy') && !s.matches({ step: { needMfaToken: 'signingIn' } }), { timeout: 10_000 });
}

/** Enrolls the demo user from scratch; returns the secret and the recovery code, clock moved one step on. */
export async function enrollDemoUser(h: FlowHarness) {
  const flow = h.flow({ intent: 'enroll' });
  await signIn(flow);
  const enrollment = flow.getSnapshot().context.enrollment!;
  flow.send({ type: 'otp.submit', otp: h.otp(otpEnrollment(enrollment).secret) });
  await waitFor(flow, (s) => s.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } }));
  flow.send({ type: 'recoveryCodes.acknowledge' });
  h.advance(30_000); // the next code is from a fresh step: the emulator refuses replays
  return { secret: otpEnrollment(enrollment).secret, recoveryCode: enrollment.recoveryCodes![0]! };
}
