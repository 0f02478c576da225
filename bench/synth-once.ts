// One measured synthesis in a process of its own (the parent starts one per run, so no run inherits
// another's warmed caches or heap). Prints one JSON line: the synth time, the process's peak memory,
// or the error that stopped the synthesis.
import { buildBenchApp, Peer } from './peers';

const [peer, tasks, outputs, outdir] = process.argv.slice(2);
const started = process.hrtime.bigint();
let error: string | undefined;
try {
  buildBenchApp({ peer: peer as Peer, tasks: Number(tasks), outputs: outputs === 'true', outdir }).synth();
} catch (e) {
  error = (e as Error).message;
}
const synthMs = Number(process.hrtime.bigint() - started) / 1e6;
console.log(JSON.stringify({ synthMs, peakRssBytes: process.resourceUsage().maxRSS * 1024, error }));
