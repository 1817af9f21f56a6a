// Child process of bench/scale.ts (run with --expose-gc): parks N flows in awaitingConfirmation
// and reports heap bytes per flow, the time to start one, and events per second through a
// parked flow. The associate answer comes from a stub `fetch` (an Auth0-shaped body, unique
// secret and recovery code per flow), so the heap holds the flows and nothing of an emulator.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { Secret } from 'otpauth';
import { waitFor } from 'xstate';
import { createMfaApiClient, createMfaFlow, type MfaFlowActor } from '../src/index.js';
import { median } from './stats.js';

export interface ScaleResult {
  flows: number;
  parked: number;
  heapBytesPerFlow: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  startMicrosMedian: number;
  startMicrosP99: number;
  parkAllMs: number;
  eventsPerSecondRuns: number[];
  eventsPerRun: number;
  failures: string[];
}

const FLOWS = Number(process.argv[2] ?? 10_000);
const EVENTS_PER_RUN = 50_000;
const EVENT_RUNS = 5;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('scaleChild needs --expose-gc');

/** Several passes, each followed by a turn of the event loop: weak references are cleared and
 *  finalization callbacks run only between jobs (ky's and fetch's aborted-signal bookkeeping and
 *  undici's bodies are freed that way), so passes in one synchronous run count them as live. */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 6; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

let served = 0;
const stubFetch: typeof globalThis.fetch = async () => {
  const n = served++;
  const secret = new Secret({ buffer: Uint8Array.from(randomBytes(20)).buffer }).base32;
  const body = JSON.stringify({
    authenticator_type: 'otp',
    secret,
    barcode_uri: `otpauth://totp/bench:user-${n}%40bench.test?secret=${secret}&issuer=bench&algorithm=SHA1&digits=6&period=30`,
    recovery_codes: [randomBytes(18).toString('base64').replace(/[^A-Z0-9]/gi, 'X').toUpperCase().slice(0, 24)],
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
};

// One API client for every flow, as a server holds one per tenant.
const client = createMfaApiClient({ baseUrl: 'http://stub.bench', clientId: 'demo-client', fetch: stubFetch });
const newFlow = (n: number) =>
  createMfaFlow({
    client,
    intent: 'enroll',
    mfaToken: `bench-mfa-token-${n}-${randomBytes(16).toString('hex')}`,
  });

const isParked = (flow: MfaFlowActor) => flow.getSnapshot().matches({ step: { awaitingConfirmation: 'idle' } });

async function main(): Promise<ScaleResult> {
  const failures: string[] = [];
  // Warm up every code path once (and let its module-level caches fill) before the baseline.
  const warm = newFlow(-1);
  warm.start();
  await waitFor(warm, isParkedSnapshot, { timeout: 10_000 });
  warm.stop();

  const heapBefore = await settledHeap();
  const flows: MfaFlowActor[] = new Array(FLOWS);
  const startMicros: number[] = new Array(FLOWS);
  const parkStarted = performance.now();
  for (let i = 0; i < FLOWS; i++) {
    const t = performance.now();
    const flow = newFlow(i);
    flow.start();
    startMicros[i] = (performance.now() - t) * 1000;
    flows[i] = flow;
  }
  await Promise.all(flows.map((flow) => waitFor(flow, (s) => s.status !== 'active' || !s.hasTag('busy'), { timeout: 60_000 })));
  const parkAllMs = performance.now() - parkStarted;
  const parked = flows.filter(isParked).length;
  if (parked !== FLOWS) failures.push(`scale: ${FLOWS - parked} of ${FLOWS} flows did not park in awaitingConfirmation`);
  const heapAfter = await settledHeap();

  // A malformed code is rejected by the chart itself (guard otpWellFormed → rejectMalformedOtp): no I/O.
  const target = flows[0]!;
  const runs: number[] = [];
  for (let run = 0; run < EVENT_RUNS; run++) {
    const t = performance.now();
    for (let i = 0; i < EVENTS_PER_RUN; i++) target.send({ type: 'otp.submit', otp: 'not-a-code' });
    runs.push(EVENTS_PER_RUN / ((performance.now() - t) / 1000));
  }
  const after = target.getSnapshot();
  if (!isParked(target) || after.context.error?.code !== 'invalid_otp' || served !== FLOWS + 1) {
    failures.push(`scale: malformed otp.submit events were not rejected locally (state ${JSON.stringify(after.value)}, ${served - FLOWS - 1} extra requests)`);
  }
  for (const flow of flows) flow.stop();

  const sorted = [...startMicros].sort((a, b) => a - b);
  return {
    flows: FLOWS,
    parked,
    heapBytesPerFlow: (heapAfter - heapBefore) / FLOWS,
    heapBeforeBytes: heapBefore,
    heapAfterBytes: heapAfter,
    startMicrosMedian: median(startMicros),
    startMicrosP99: sorted[Math.floor(sorted.length * 0.99)]!,
    parkAllMs,
    eventsPerSecondRuns: runs,
    eventsPerRun: EVENTS_PER_RUN,
    failures,
  };
}

function isParkedSnapshot(s: ReturnType<MfaFlowActor['getSnapshot']>): boolean {
  return s.matches({ step: { awaitingConfirmation: 'idle' } });
}

main().then(
  (result) => process.send!({ type: 'result', result }, () => process.exit(0)),
  (error: unknown) => process.send!({ type: 'error', message: String((error as Error)?.stack ?? error) }, () => process.exit(1)),
);
