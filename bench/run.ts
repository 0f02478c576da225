// `npx projen bench`: FuotaTask against CfnFuotaTask and AwsCustomResource, measured side by side in
// one run on this machine, written to bench/RESULTS.md and printed. Not part of the tests: figures
// are reported, never asserted with a clock.
//
// BENCH_RUNS (default 3) sets the fresh-process runs per size; BENCH_SIZES (e.g. "1,10") the sizes;
// BENCH_MONITOR_TICKS (default 5) the measured campaign monitor ticks per size.
import * as fs from 'fs';
import * as path from 'path';
import { awsCustomResourceCalls, countLifecycleCalls, LifecycleCalls } from './api-calls';
import { codeSize, coldLoadMs, HANDLERS } from './handler-load';
import { measureSize, SizeResult, Variant } from './measure';
import { measureMonitor } from './monitor';
import { HandlerFigures, renderResults } from './report';
import { measureRollouts } from './rollout';

const SIZES = (process.env.BENCH_SIZES ?? '1,10,100,300,450').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LOAD_RUNS = Number(process.env.BENCH_LOAD_RUNS ?? 15);
const LIFECYCLE_DEVICES = [3, 10];
const MONITOR_TICKS = Number(process.env.BENCH_MONITOR_TICKS ?? 5);

export const VARIANTS: readonly Variant[] = [
  { peer: 'library', outputs: true },
  { peer: 'l1', outputs: true },
  { peer: 'aws-custom-resource', outputs: true },
  { peer: 'library', outputs: false },
  { peer: 'l1', outputs: false },
];

async function main(): Promise<void> {
  const started = Date.now();
  const sizes: SizeResult[] = [];
  for (const tasks of SIZES) {
    // Sizes outermost and variants inner, so a slow spell of the machine hits every peer alike.
    for (const variant of VARIANTS) {
      const result = measureSize(variant, tasks, RUNS);
      sizes.push(result);
      const label = `${variant.peer}${variant.outputs ? '' : ' (outputs off)'}`;
      console.error(`  ${label.padEnd(34)} N=${String(tasks).padStart(3)}  ${result.error ? `stopped: ${result.error.split('\n')[0].slice(0, 80)}` : `${result.metrics!.templateBytes} template bytes`}`);
    }
  }

  const handlers: HandlerFigures[] = HANDLERS.map((handler) => ({ handler, size: codeSize(handler), loadMs: [] as number[] }));
  for (let run = 0; run < LOAD_RUNS; run++) {
    for (const figures of handlers) (figures.loadMs as number[]).push(coldLoadMs(figures.handler));
  }

  const lifecycles: { library: LifecycleCalls; awsCustomResource: LifecycleCalls }[] = [];
  for (const devices of LIFECYCLE_DEVICES) {
    lifecycles.push({ library: await countLifecycleCalls(devices), awsCustomResource: awsCustomResourceCalls(devices) });
  }

  const monitor = await measureMonitor(MONITOR_TICKS, (line) => console.error(line));
  const rollouts = measureRollouts();

  const seconds = (Date.now() - started) / 1000;
  const markdown = renderResults({ sizes, variants: VARIANTS, handlers, lifecycles, monitor, rollouts, runs: RUNS, loadRuns: LOAD_RUNS, seconds });
  fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), markdown);
  console.log(markdown);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
