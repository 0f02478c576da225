// Runs the synthesis of every peer at every size in fresh processes and collects the figures.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BENCH_STACK, Peer } from './peers';
import { quotasCrossed } from './quotas';
import { measureAssembly, TemplateMetrics } from './template-metrics';

/** A peer with its outputs on or off. */
export interface Variant {
  readonly peer: Peer;
  readonly outputs: boolean;
}

export interface SizeResult {
  readonly variant: Variant;
  readonly tasks: number;
  readonly synthMs: readonly number[];
  readonly peakRssBytes: readonly number[];
  /** Why synthesis stopped, when it did. */
  readonly error?: string;
  readonly metrics?: TemplateMetrics;
  readonly quotasCrossed: readonly string[];
}

const SYNTH_ONCE = path.join(__dirname, 'synth-once.ts');
const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

function synthOnce(variant: Variant, tasks: number, outdir: string): { synthMs: number; peakRssBytes: number; error?: string } {
  const out = execFileSync(process.execPath, [...TS_NODE, SYNTH_ONCE, variant.peer, String(tasks), String(variant.outputs), outdir], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** `runs` fresh-process syntheses of one variant at one size; the assembly of the last is measured. */
export function measureSize(variant: Variant, tasks: number, runs: number): SizeResult {
  const synthMs: number[] = [];
  const peakRssBytes: number[] = [];
  let error: string | undefined;
  let metrics: TemplateMetrics | undefined;
  for (let run = 0; run < runs; run++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
    try {
      const once = synthOnce(variant, tasks, outdir);
      synthMs.push(once.synthMs);
      peakRssBytes.push(once.peakRssBytes);
      error = once.error;
      if (!error && run === runs - 1) metrics = measureAssembly(outdir, BENCH_STACK);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
  return { variant, tasks, synthMs, peakRssBytes, error, metrics, quotasCrossed: metrics ? quotasCrossed(metrics) : [] };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** What one more task costs, from two synthesized sizes of the same variant. */
export interface PerTask {
  readonly from: number;
  readonly to: number;
  readonly synthMs: number;
  readonly peakRssBytes: number;
  readonly metrics: { readonly [K in keyof TemplateMetrics]: number };
}

export function perTask(a: SizeResult, b: SizeResult): PerTask {
  const span = b.tasks - a.tasks;
  const metrics = {} as Record<keyof TemplateMetrics, number>;
  for (const key of Object.keys(b.metrics!) as (keyof TemplateMetrics)[]) {
    metrics[key] = (b.metrics![key] - a.metrics![key]) / span;
  }
  return {
    from: a.tasks,
    to: b.tasks,
    synthMs: (median(b.synthMs) - median(a.synthMs)) / span,
    peakRssBytes: (median(b.peakRssBytes) - median(a.peakRssBytes)) / span,
    metrics,
  };
}

/** The two largest sizes at which the variant synthesized, or of `sizes` when given. */
export function largestTwo(results: readonly SizeResult[], sizes?: readonly number[]): [SizeResult, SizeResult] | undefined {
  const ok = results.filter((r) => r.metrics && (!sizes || sizes.includes(r.tasks))).sort((a, b) => a.tasks - b.tasks);
  return ok.length >= 2 ? [ok[ok.length - 2], ok[ok.length - 1]] : undefined;
}
