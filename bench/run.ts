// `npm run bench`: every figure of issue 8 — bundle size, round trips, overhead, scale and the
// emulator under load — printed as one table with its target, and written to docs/benchmarks.md.
// Exits non-zero only when a correctness check fails, never for a missed speed or size target.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { contributorLines, measureBundleSize } from './bundleSize.js';
import { measureEmulatorLoad } from './emulatorLoad.js';
import { ROOT } from './fixtures.js';
import { measureOverhead } from './overhead.js';
import { describeMachine, markdownDocument, textTable, type SectionResult } from './report.js';
import { measureRoundTrips } from './roundTrips.js';
import { measureScale } from './scale.js';
import { measureServerFlows } from './serverFlows.js';

const COMMAND = 'npm run bench';
const DOC = path.join(ROOT, 'docs', 'benchmarks.md');

const parts: [string, () => Promise<SectionResult>][] = [
  ['bundle size', measureBundleSize],
  ['round trips', measureRoundTrips],
  ['overhead', measureOverhead],
  ['scale', measureScale],
  ['emulator under load', measureEmulatorLoad],
  ['server flows', measureServerFlows],
];

/** `--only <part>` (repeatable; a part's name or a word of it) runs those parts alone, and then
 *  leaves docs/benchmarks.md as it is: the document always holds one whole run. */
function chosenParts(argv: readonly string[]): typeof parts {
  const wanted = argv.flatMap((arg, i) => (argv[i - 1] === '--only' ? [arg.toLowerCase()] : []));
  if (wanted.length === 0) return parts;
  const chosen = parts.filter(([name]) => wanted.some((w) => name.includes(w)));
  if (chosen.length === 0) throw new Error(`--only ${wanted.join(', ')}: no such part (parts: ${parts.map(([n]) => n).join(', ')})`);
  return chosen;
}

async function main(): Promise<number> {
  const selected = chosenParts(process.argv.slice(2));
  const whole = selected === parts;
  const machine = describeMachine(ROOT);
  console.log(`mfa-flow bench — Node ${machine.node}, ${machine.cpu}, ${machine.cores} cores, load ${machine.loadAverage}`);
  const started = performance.now();
  const sections: SectionResult[] = [];
  for (const [name, measure] of selected) {
    const t = performance.now();
    process.stdout.write(`  ${name}… `);
    try {
      sections.push(await measure());
    } catch (error) {
      // A part that cannot measure at all is as much a failure as one that measures a wrong answer.
      sections.push({ title: name, rows: [], failures: [`${name}: ${(error as Error).stack ?? String(error)}`], method: [] });
    }
    console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  const failures = sections.flatMap((s) => s.failures);

  console.log();
  console.log(textTable(sections.flatMap((s) => s.rows)));
  const bundle = sections.find((s) => s.title === 'Bundle size');
  if (bundle) console.log(`\nBundle contributors (minified bytes):\n${contributorLines(bundle).map((l) => `  ${l}`).join('\n')}`);
  console.log(failures.length ? `\nCORRECTNESS FAILURES:\n${failures.map((f) => `  - ${f}`).join('\n')}` : '\nCorrectness checks: all passed.');

  if (whole) {
    writeFileSync(DOC, markdownDocument({ command: COMMAND, machine, sections, failures, elapsedSeconds }));
    console.log(`\nWrote ${path.relative(ROOT, DOC)} (${elapsedSeconds.toFixed(0)} s in all).`);
  } else {
    console.log(`\nA partial run (--only): ${path.relative(ROOT, DOC)} left as it was.`);
  }
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
