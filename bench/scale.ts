// Scale: 10,000 concurrent flows parked in awaitingConfirmation in one Node process (a child
// run with --expose-gc, so gc() makes the heap figures stable). See bench/scaleChild.ts.
import { startChild } from './child.js';
import type { Row, SectionResult } from './report.js';
import type { ScaleResult } from './scaleChild.js';
import { median } from './stats.js';

const FLOWS = 10_000;
const HEAP_TARGET_BYTES = 8 * 1024;

type Message = { type: 'result'; result: ScaleResult } | { type: 'error'; message: string };

export async function measureScale(): Promise<SectionResult> {
  const child = startChild<Message>('scaleChild.ts', ['--expose-gc'], [String(FLOWS)]);
  let message: Message;
  try {
    message = await child.next(120_000);
  } catch (error) {
    message = { type: 'error', message: (error as Error).message };
  } finally {
    await child.stop();
  }
  const area = 'Scale';
  if (message.type === 'error') {
    return {
      title: 'Scale',
      rows: [{ area, figure: `${FLOWS} parked flows`, measured: 'failed', target: '< 8 KB per flow', met: false }],
      failures: [`scale: ${message.message.split('\n')[0]}`],
      method: [],
    };
  }
  const r = message.result;
  const eventsPerSecond = median(r.eventsPerSecondRuns);
  const rows: Row[] = [
    {
      area,
      figure: `heap per parked flow (${r.flows.toLocaleString('en')} flows in awaitingConfirmation)`,
      measured: `${(r.heapBytesPerFlow / 1024).toFixed(2)} KB (${Math.round(r.heapBytesPerFlow)} B)`,
      target: '< 8 KB',
      met: r.heapBytesPerFlow < HEAP_TARGET_BYTES,
    },
    {
      area,
      figure: 'time to start one flow (createMfaFlow + start), median / p99',
      measured: `${r.startMicrosMedian.toFixed(0)} µs / ${r.startMicrosP99.toFixed(0)} µs`,
      target: '—',
      met: undefined,
    },
    {
      area,
      figure: `wall time to start and park all ${r.flows.toLocaleString('en')}`,
      measured: `${(r.parkAllMs / 1000).toFixed(2)} s (${((r.parkAllMs * 1000) / r.flows).toFixed(0)} µs per flow)`,
      target: '—',
      met: undefined,
    },
    {
      area,
      figure: 'events per second through a parked flow (malformed otp.submit, rejected locally)',
      measured: `${Math.round(eventsPerSecond).toLocaleString('en')} /s (median of ${r.eventsPerSecondRuns.length} runs of ${r.eventsPerRun.toLocaleString('en')})`,
      target: '—',
      met: undefined,
    },
  ];
  return {
    title: 'Scale',
    rows,
    failures: r.failures,
    method: [
      `A child process (\`node --expose-gc --import tsx bench/scaleChild.ts\`) creates ${r.flows.toLocaleString('en')} flows with \`createMfaFlow({ intent: "enroll", mfaToken })\`, starts them all, and waits until every one is in \`awaitingConfirmation.idle\`; all ${r.parked.toLocaleString('en')} parked, each holding its own enrollment (secret, barcode URI, recovery code), its actor and its pending 10-minute MFA-token timer.`,
      'The associate answer comes from a stub `fetch` returning an Auth0-shaped body with a unique secret and recovery code per flow, so the heap holds the flows and no emulator state.',
      `Heap per flow = (heapUsed after − heapUsed before) / flows, each read after four \`gc()\` passes, the flows still referenced (before ${(r.heapBeforeBytes / 2 ** 20).toFixed(1)} MiB, after ${(r.heapAfterBytes / 2 ** 20).toFixed(1)} MiB). 1 KB = 1024 bytes.`,
      'Time to start one: `createMfaFlow(...)` + `start()` (synchronous part: the machine and actor are built and the associate request is issued), per flow, while creating all of them.',
      `Events per second: ${r.eventsPerRun.toLocaleString('en')} \`otp.submit\` events with a malformed code ("not-a-code") sent to one parked flow, ${r.eventsPerSecondRuns.length} runs; the chart's \`otpWellFormed\` guard rejects each (context.error = invalid_otp) with no request — checked: the flow stays parked and the stub saw no extra request. No subscribers are attached.`,
    ],
  };
}
