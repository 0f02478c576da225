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

/**
 * What one more task costs. Template figures grow exactly linearly, so the two largest sizes give
 * them; synth time and memory are noisy per run, so theirs is the least-squares slope over every run
 * of every size given.
 */
export interface PerTask {
  /** The smallest size of the slope's span. */
  readonly from: number;
  /** The second-largest size: the template figures' span is templateFrom→to. */
  readonly templateFrom: number;
  readonly to: number;
  readonly synthMs: number;
  readonly peakRssBytes: number;
  readonly metrics: { readonly [K in keyof TemplateMetrics]: number };
}

/** `sizes`: the synthesized sizes of one variant, ascending, at least two. */
export function perTask(sizes: readonly SizeResult[]): PerTask {
  const [a, b] = sizes.slice(-2);
  const span = b.tasks - a.tasks;
  const metrics = {} as Record<keyof TemplateMetrics, number>;
  for (const key of Object.keys(b.metrics!) as (keyof TemplateMetrics)[]) {
    metrics[key] = (b.metrics![key] - a.metrics![key]) / span;
  }
  const points = (pick: (s: SizeResult) => readonly number[]) => sizes.flatMap((s) => pick(s).map((y) => [s.tasks, y] as const));
  return {
    from: sizes[0].tasks,
    templateFrom: a.tasks,
    to: b.tasks,
    synthMs: slope(points((s) => s.synthMs)),
    peakRssBytes: slope(points((s) => s.peakRssBytes)),
    metrics,
  };
}

/** Least-squares slope of y over x. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return covariance / variance;
}

/** The sizes at which the variant synthesized, ascending; only those in `only` when given. */
export function synthesized(results: readonly SizeResult[], only?: readonly number[]): SizeResult[] {
  return results.filter((r) => r.metrics && (!only || only.includes(r.tasks))).sort((a, b) => a.tasks - b.tasks);
}
