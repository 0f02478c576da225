// bench/RESULTS.md: the machine, the targets with their verdicts, and the tables behind them.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LifecycleCalls } from './api-calls';
import { CodeSize, HandlerCode } from './handler-load';
import { median, perTask, PerTask, SizeResult, synthesized, Variant } from './measure';
import { DEVICE_PAGE, MonitorFigures, pages, STACK_RESOURCE_PAGE } from './monitor';
import { Peer, PEER_NAMES } from './peers';
import { taskLimits } from './quotas';
import { RolloutFigures, rolloutSection } from './rollout';

export interface HandlerFigures {
  readonly handler: HandlerCode;
  readonly size: CodeSize;
  readonly loadMs: readonly number[];
}

export interface BenchRun {
  readonly sizes: readonly SizeResult[];
  readonly variants: readonly Variant[];
  readonly handlers: readonly HandlerFigures[];
  readonly lifecycles: readonly { library: LifecycleCalls; awsCustomResource: LifecycleCalls }[];
  readonly monitor?: MonitorFigures;
  readonly rollouts?: RolloutFigures;
  readonly runs: number;
  readonly loadRuns: number;
  readonly seconds: number;
}

const label = (v: Variant) => `${PEER_NAMES[v.peer]}, outputs ${v.outputs ? 'on' : 'off'}`;
const same = (a: Variant, b: Variant) => a.peer === b.peer && a.outputs === b.outputs;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const dec = (n: number, digits = 1) => n.toFixed(digits);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const range = (values: readonly number[], format: (n: number) => string) =>
  `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
const firstLine = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 2).join(' ').replace(/\|/g, '\\|').slice(0, 160);

export function renderResults(run: BenchRun): string {
  const of = (v: Variant) => run.sizes.filter((s) => same(s.variant, v));
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);

  push('# Benchmark: FuotaTask vs CfnFuotaTask vs AwsCustomResource', '');
  push('Written by `npx projen bench` (bench/run.ts); every figure below comes from that one run on one machine.', '');
  push(...machine(run), '');
  push('Each app declares N FUOTA tasks in one stack with the same content where the peer can express it: one',
    'firmware image in an existing bucket, one FirmwareUpdateRole, and per task a name, a description and the',
    'RF region, plus two outputs (ARN and id) when outputs are on. `AwsCustomResource` calls',
    'Create/Update/DeleteFuotaTask with least-privilege statements and no SDK install at run time.', '');

  push('## Targets', '');
  push('| Target | Measured | Verdict |', '|---|---|---|');
  for (const row of targets(run, of)) push(`| ${row.target} | ${row.measured} | ${row.met === undefined ? 'no target' : row.met ? 'met' : '**missed**'} |`);
  push('');

  push('## Per extra task', '');
  push('Template figures from the two largest sizes at which the variant synthesized (they grow exactly linearly);',
    'synth time and memory as the least-squares slope over every run of every size it synthesized. The spans',
    'differ between variants (a peer that stops synthesizing early has a shorter one); the targets above compare',
    'the same sizes of both peers.', '');
  push('| Variant | Sizes (template; time) | Template bytes | Resources | Outputs | IAM policies | IAM policy bytes | Largest role inline chars | Lambda functions | Synth ms | Peak memory KB |');
  push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const variant of run.variants) {
    const sizes = synthesized(of(variant));
    if (sizes.length < 2) continue;
    const p = perTask(sizes);
    push(`| ${label(variant)} | ${p.templateFrom}→${p.to}; ${p.from}–${p.to} | ${int(p.metrics.templateBytes)} | ${dec(p.metrics.resources, 2)} | ${dec(p.metrics.outputs, 2)} | ${dec(p.metrics.iamPolicies, 2)} | ${int(p.metrics.iamPolicyBytes)} | ${int(p.metrics.largestRoleInlinePolicyChars)} | ${dec(p.metrics.lambdaFunctions, 2)} | ${dec(p.synthMs, 2)} | ${int(p.peakRssBytes / 1024)} |`);
  }
  push('');

  push('## Quotas', '');
  push('The most tasks one stack holds before each CloudFormation quota, extrapolated from the per-task figures',
    '(500 resources, 200 outputs, 10,240 characters of inline policy per role, 1 MB template); the first is',
    'the one crossed first.', '');
  push('| Variant | Crossed first | Then |', '|---|---|---|');
  for (const variant of run.variants) {
    const sizes = synthesized(of(variant));
    if (sizes.length < 2) continue;
    const [a, b] = sizes.slice(-2);
    const [first, ...rest] = taskLimits({ tasks: a.tasks, metrics: a.metrics! }, { tasks: b.tasks, metrics: b.metrics! });
    push(`| ${label(variant)} | ${first ? `${first.quota} after ${int(first.maxTasks)} tasks` : '-'} | ${rest.map((r) => `${r.quota} after ${int(r.maxTasks)}`).join('; ')} |`);
  }
  push('');

  push('## Every size', '');
  push(`Synth time (construct + synth, in-process) and peak memory (max RSS of the process): median and range of ${run.runs} fresh processes.`, '');
  for (const variant of run.variants) {
    push(`### ${label(variant)}`, '');
    push('| N | Synth ms | Peak MB | Template bytes | Resources | Outputs | IAM policies | IAM policy bytes | Largest role inline chars | Lambdas | Asset bytes | Quotas crossed / synth error |');
    push('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const s of of(variant)) {
      const m = s.metrics;
      const cells = m ? [
        int(m.templateBytes), m.resources, m.outputs, m.iamPolicies, int(m.iamPolicyBytes),
        int(m.largestRoleInlinePolicyChars), m.lambdaFunctions, int(m.assetBytes),
      ] : Array(8).fill('-');
      const note = s.error ? `synth error: ${firstLine(s.error)}` : s.quotasCrossed.join(', ') || 'none';
      push(`| ${s.tasks} | ${range(s.synthMs, (n) => int(n))} | ${range(s.peakRssBytes, mb)} | ${cells.join(' | ')} | ${note} |`);
    }
    push('');
  }

  push('## Handler code', '');
  push(`Code each function ships (zipped: deflate at zip's maximum level, without zip headers) and the time a cold start spends in \`require\`, median and range of ${run.loadRuns} fresh node processes, alternating.`, '');
  push('| Handler | Shipped bytes | Zipped bytes | Cold load ms |', '|---|---|---|---|');
  for (const h of run.handlers) push(`| ${h.handler.name} | ${int(h.size.rawBytes)} | ${int(h.size.zippedBytes)} | ${range(h.loadMs, (n) => dec(n))} |`);
  push('', 'The AwsCustomResource handler ships small because the Lambda runtime provides the SDK; its cold start loads',
    'that SDK from the runtime instead, which is why its load counts both. This library bundles the SDK version it',
    'was tested with, so nothing is installed or resolved at run time.', '',
    'Not in this comparison: a request to this library also passes through the CDK Provider framework\'s own',
    'functions (onEvent, isComplete; about 10 KB of code that loads `@aws-sdk/client-lambda` and `client-sfn` from',
    'the runtime, not installed in this repository) and its Step Functions waiter, which AwsCustomResource does not',
    'have. Each of those is one more function that can start cold on a request; the rows above compare the handlers alone.', '');

  push('## API calls per lifecycle', '');
  push('This library: counted by the local service emulator while the replay runs the bundled handler as CloudFormation',
    'and the Provider framework would (reads included: the handler checks the live task before it changes it).',
    'AwsCustomResource: by construction, one SDK call per resource per event, so every association and the start',
    'need a resource (and an IAM policy) of their own. CfnFuotaTask: CloudFormation makes its calls itself; it takes',
    'one device or group and never starts a task, so it cannot express this lifecycle.', '');
  push('| Devices | Step | This library | AwsCustomResource |', '|---|---|---|---|');
  for (const { library, awsCustomResource } of run.lifecycles) {
    const steps: [string, keyof LifecycleCalls][] = [['create + start', 'createAndStart'], ['update: add one device', 'addOneDevice'], ['delete', 'delete']];
    for (const [name, key] of steps) {
      const a = library[key] as { calls: number; detail: string };
      const b = awsCustomResource[key] as { calls: number; detail: string };
      push(`| ${library.devices} | ${name} | ${a.calls}: ${a.detail} | ${b.calls}: ${b.detail} |`);
    }
  }
  push('');
  if (run.monitor) push(...monitorSection(run.monitor));
  if (run.rollouts) push(...rolloutSection(run.rollouts));
  push(`Whole run: ${int(run.seconds)} s.`, '');
  return lines.join('\n');
}

/** The campaign monitor's resources per stack and per task (undefined without both sizes). */
export function monitorResources(monitor: MonitorFigures): { perStack: number[]; perExtraTask?: number } {
  const added = monitor.templates.map((row) => row.withMetrics - row.without);
  const [first, last] = [monitor.templates[0], monitor.templates[monitor.templates.length - 1]];
  const perExtraTask = last && last.tasks > first.tasks ? (added[added.length - 1] - added[0]) / (last.tasks - first.tasks) : undefined;
  return { perStack: added, perExtraTask };
}

function monitorSection(monitor: MonitorFigures): string[] {
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);
  push('## Campaign monitor', '');
  push('One tick of the campaign monitor (`runTick`, the function\'s whole invocation) against the local service',
    'emulator, mid-campaign: FUOTA tasks created and started through the API, their devices seeded into the',
    'emulator\'s state (100,000 associations through the API would only measure the emulator), the virtual clock',
    'set 45 minutes into the 60-minute session so about half the devices are done. The real IoT Wireless and',
    'Managed Integrations clients call the emulator; a StackResourceReader fake pages the stack as',
    `ListStackResources does (${STACK_RESOURCE_PAGE} a page), the tasks among as many resources as the synthesized stack of that`,
    'many tasks holds with the monitor in it. Calls are the tick\'s own count (its summary\'s `apiCalls`), checked',
    'against the emulator\'s journal plus the fake\'s pages.', '');
  push(`The API's floor: per FUOTA task GetFuotaTask and every page of ListWirelessDevices by FuotaTaskId (1 + ⌈devices/${DEVICE_PAGE}⌉),`,
    `per OTA task one GetOtaTask, plus every page of ListStackResources (⌈resources/${STACK_RESOURCE_PAGE}⌉). The tick's duration is wall`,
    'time on this machine with the emulator in the same process (its work, serialization and SigV4 checks included):',
    `median and range of ${monitor.ticksPerSize} ticks after one warm-up tick, the same clients reused as a warm Lambda would.`, '');
  push('| FUOTA tasks | Devices each | Stack resources listed | API floor | Calls per tick | Calls by operation | Tick ms | Devices pending |');
  push('|---|---|---|---|---|---|---|---|');
  for (const t of monitor.ticks) {
    const terms = `${t.tasks > 1 ? `${t.tasks} × ` : ''}(1 + ${pages(t.devices, DEVICE_PAGE)}) + ${pages(t.stackResources, STACK_RESOURCE_PAGE)}`;
    const calls = `${int(t.apiCalls)}${t.apiCalls === t.floor ? '' : ` (**${int(t.apiCalls - t.floor)} above**)`}`;
    push(`| ${t.tasks} | ${int(t.devices)} | ${t.stackResources} | ${int(t.floor)} = ${terms} | ${calls} | ${t.detail} | ${range(t.tickMs, (n) => dec(n))} | ${dec(t.pendingShare * 100)} % |`);
  }
  push('');
  push('Resources in the template of the library\'s bench stack (outputs off) without a campaign metric, and with',
    '`task.metricSucceeded()` called on every task, which makes the stack\'s monitor:', '');
  push('| Tasks | Resources without | With metricSucceeded() | Added by the monitor | Types added |', '|---|---|---|---|---|');
  for (const row of monitor.templates) push(`| ${row.tasks} | ${row.without} | ${row.withMetrics} | ${row.withMetrics - row.without} | ${row.addedTypes} |`);
  const { perExtraTask } = monitorResources(monitor);
  if (perExtraTask !== undefined) push('', `Per extra task the monitor adds ${dec(perExtraTask, 2)} resources.`);
  push('');
  return lines;
}

function machine(run: BenchRun): string[] {
  const cdk = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('aws-cdk-lib')), 'package.json'), 'utf8')).version;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return [
    `- Machine: ${os.cpus().length} cores (${cpu}), ${mb(os.totalmem())} MB memory, ${os.type()} ${os.release()}`,
    `- Node.js ${process.versions.node}, aws-cdk-lib ${cdk}`,
    `- ${run.runs} fresh processes per size and variant; sizes ${[...new Set(run.sizes.map((s) => s.tasks))].join(', ')}`,
  ];
}

interface TargetRow {
  readonly target: string;
  readonly measured: string;
  /** Undefined for a figure shown for reference, with no target. */
  readonly met?: boolean;
}

function targets(run: BenchRun, of: (v: Variant) => SizeResult[]): TargetRow[] {
  const rows: TargetRow[] = [];
  const v = (peer: Peer, outputs: boolean) => ({ peer, outputs });
  const increment = (variant: Variant, only?: readonly number[]): PerTask | undefined => {
    const sizes = synthesized(of(variant), only);
    return sizes.length >= 2 ? perTask(sizes) : undefined;
  };
  // Ratios compare the same sizes of both peers (all that both synthesized), so fixed costs cancel alike.
  const common = (a: Variant, b: Variant) => {
    const ok = (variant: Variant) => new Set(synthesized(of(variant)).map((s) => s.tasks));
    const both = [...ok(a)].filter((n) => ok(b).has(n));
    return both.length >= 2 ? [increment(a, both)!, increment(b, both)!] as const : undefined;
  };

  const lib = increment(v('library', false));
  if (lib) {
    rows.push({ target: 'CloudFormation resources per extra task: 1', measured: dec(lib.metrics.resources, 2), met: lib.metrics.resources === 1 });
    rows.push({ target: 'IAM policy bytes per extra task: 0', measured: dec(lib.metrics.iamPolicyBytes, 2), met: lib.metrics.iamPolicyBytes === 0 });
    rows.push({ target: 'Lambda functions per stack: constant', measured: `${of(v('library', false)).filter((s) => s.metrics).map((s) => s.metrics!.lambdaFunctions).join(', ')} at N = ${of(v('library', false)).filter((s) => s.metrics).map((s) => s.tasks).join(', ')}`, met: lib.metrics.lambdaFunctions === 0 });
  }

  const vsL1 = common(v('library', true), v('l1', true));
  if (vsL1) {
    const [a, b] = vsL1;
    const ratio = a.metrics.templateBytes / b.metrics.templateBytes;
    rows.push({ target: 'Template bytes per extra task ≤ 1.3× the L1\'s, outputs on', measured: `${int(a.metrics.templateBytes)} vs ${int(b.metrics.templateBytes)} B (N ${a.templateFrom}→${a.to}): ${dec(ratio, 2)}×`, met: ratio <= 1.3 });
  }
  const offVsL1 = common(v('library', false), v('l1', false));
  if (offVsL1) {
    // No target; shown so the outputs, which cost both peers alike, do not flatter the ratio above.
    const [a, b] = offVsL1;
    const ratio = a.metrics.templateBytes / b.metrics.templateBytes;
    rows.push({ target: 'Template bytes per extra task, outputs off (the ServiceToken and ServiceTimeout every custom resource carries)', measured: `${int(a.metrics.templateBytes)} vs ${int(b.metrics.templateBytes)} B: ${dec(ratio, 2)}×` });
  }
  const vsAcr = common(v('library', true), v('aws-custom-resource', true));
  if (vsAcr) {
    const [a, b] = vsAcr;
    const ratio = a.metrics.templateBytes / b.metrics.templateBytes;
    rows.push({ target: 'Template bytes per extra task < ⅓ of AwsCustomResource\'s, outputs on', measured: `${int(a.metrics.templateBytes)} vs ${int(b.metrics.templateBytes)} B (N ${a.templateFrom}→${a.to}): ${dec(ratio, 2)}×`, met: ratio < 1 / 3 });
  }
  for (const outputs of [true, false]) {
    const pair = common(v('library', outputs), v('l1', outputs));
    if (!pair) continue;
    const [a, b] = pair;
    const ratio = a.synthMs / b.synthMs;
    rows.push({ target: `Synth time per extra task ≤ 2× the L1's, outputs ${outputs ? 'on' : 'off'} (least-squares slope, N ${a.from}–${a.to})`, measured: `${dec(a.synthMs, 2)} vs ${dec(b.synthMs, 2)} ms: ${dec(ratio, 2)}×`, met: ratio <= 2 });
  }

  const off450 = of(v('library', false)).find((s) => s.tasks === 450);
  if (off450) {
    rows.push({
      target: '450 tasks, outputs off: synthesize, under every quota',
      measured: off450.metrics ? `${off450.metrics.resources} resources, ${off450.metrics.outputs} outputs, ${int(off450.metrics.templateBytes)} B template, largest role inline ${int(off450.metrics.largestRoleInlinePolicyChars)} chars; crossed: ${off450.quotasCrossed.join(', ') || 'none'}` : `synth error: ${firstLine(off450.error ?? '')}`,
      met: Boolean(off450.metrics) && off450.quotasCrossed.length === 0,
    });
  }
  const on450 = of(v('library', true)).find((s) => s.tasks === 450);
  if (on450) {
    const clear = /declares \d+ outputs; CloudFormation accepts at most 200/.test(on450.error ?? '');
    rows.push({ target: '450 tasks, outputs on: synth fails with the library\'s message first', measured: on450.error ? firstLine(on450.error) : 'synthesized', met: clear });
  }

  const [ours, theirs] = run.handlers;
  if (ours && theirs) {
    const ratio = median(ours.loadMs) / median(theirs.loadMs);
    rows.push({ target: 'Handler cold load ≤ 1.2× AwsCustomResource\'s handler + its SDK', measured: `${dec(median(ours.loadMs))} vs ${dec(median(theirs.loadMs))} ms: ${dec(ratio, 2)}×`, met: ratio <= 1.2 });
  }

  if (run.monitor) {
    const { perStack, perExtraTask } = monitorResources(run.monitor);
    const at = `at N = ${run.monitor.templates.map((row) => row.tasks).join(', ')}`;
    rows.push({ target: 'Resources the campaign monitor adds per stack: ≤ 6', measured: `${perStack.join(', ')} ${at}`, met: perStack.every((n) => n <= 6) });
    if (perExtraTask !== undefined) {
      rows.push({ target: 'Resources the campaign monitor adds per extra task: 0', measured: dec(perExtraTask, 2), met: perExtraTask === 0 });
    }
    const ticks = run.monitor.ticks;
    if (ticks.length > 0) {
      const atFloor = ticks.filter((t) => t.apiCalls === t.floor).length;
      const largest = ticks[ticks.length - 1];
      rows.push({
        target: 'Campaign monitor API calls per tick: the API\'s floor',
        measured: `${atFloor} of ${ticks.length} sizes at it; ${largest.tasks} tasks × ${int(largest.devices)} devices: ${int(largest.apiCalls)} calls, floor ${int(largest.floor)}`,
        met: atFloor === ticks.length,
      });
    }
  }
  return rows;
}
