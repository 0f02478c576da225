// Handlers killed mid-step: runs that kill the bundled handler's process right after the
// emulator took (or applied) the Nth call of an operation, in onEvent or isComplete, during a
// create, an update or a delete, replayed as CloudFormation and the Provider framework would run
// them (src/emulator/replay.ts). A killed invocation is a Lambda timeout to the framework: it answers
// FAILED with Lambda's message, whichever phase died (the framework fails the resource on any
// error of the user's isComplete function; only its own Retry error makes the waiter poll again).
// So: a create rolls back, an update rolls back, a delete leaves DELETE_FAILED until it is retried.
// After each run: no orphan, no duplicate, and the stack in the state CloudFormation would reach,
// with the service holding what that state says. A kill right after the service applied a create in
// onEvent leaves what it made (the framework answers its CREATE_FAILED marker and ignores the
// rollback's Delete): that known window is counted on its own.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Tags } from 'aws-cdk-lib';
import { duplicates, orphans } from './support/leftovers';
import { FirmwareImage, FuotaTask, OtaJobDocument, OtaTask, OtaTaskConfiguration, OtaType } from '../../src';
import { CREATE_FAILED_MARKER, ReplayResult, StackReplay } from '../../src/emulator/replay';
import { ServiceEmulator } from '../../src/emulator/server';

jest.setTimeout(300_000);

type Service = 'fuota' | 'ota';
type Stage = 'create' | 'update' | 'delete';

/** Where a run kills the handler: the `call`-th call of `operation` after the stage began. */
interface KillPoint {
  readonly stage: Stage;
  readonly phase: 'onEvent' | 'isComplete';
  readonly operation: string;
  readonly call: number;
  /** OTA: the app with a task configuration too (only the configuration's own kill points need it: it costs four invocations a run). */
  readonly configured?: boolean;
}

const point = (stage: Stage, phase: KillPoint['phase'], operation: string, call = 1): KillPoint => ({ stage, phase, operation, call });
const configurationPoint = (stage: Stage, operation: string): KillPoint => ({ ...point(stage, 'onEvent', operation), configured: true });

/** Every call the handlers make in the apps below, by stage. */
const KILL_POINTS: { readonly [S in Service]: readonly KillPoint[] } = {
  fuota: [
    point('create', 'onEvent', 'CreateFuotaTask'),
    point('create', 'isComplete', 'GetFuotaTask'),
    point('create', 'isComplete', 'TagResource'),
    point('create', 'isComplete', 'ListWirelessDevices'),
    point('create', 'isComplete', 'AssociateWirelessDeviceWithFuotaTask', 2),
    point('update', 'onEvent', 'GetFuotaTask'),
    point('update', 'onEvent', 'UpdateFuotaTask'),
    point('update', 'isComplete', 'UntagResource'),
    point('update', 'isComplete', 'TagResource'),
    point('delete', 'onEvent', 'DeleteFuotaTask'),
  ],
  ota: [
    configurationPoint('create', 'CreateOtaTaskConfiguration'),
    point('create', 'onEvent', 'PutObject'),
    point('create', 'onEvent', 'CreateOtaTask'),
    point('create', 'isComplete', 'TagResource'),
    point('update', 'onEvent', 'UpdateOtaTask'),
    point('update', 'isComplete', 'UntagResource'),
    point('update', 'isComplete', 'TagResource'),
    point('delete', 'onEvent', 'DeleteOtaTask'),
    point('delete', 'onEvent', 'DeleteObject'),
    point('delete', 'isComplete', 'GetOtaTask', 2),
    configurationPoint('delete', 'DeleteOtaTaskConfiguration'),
  ],
};

/**
 * The known window: an onEvent of a Create killed after something was made, before its answer. The
 * framework then answers its CREATE_FAILED marker and ignores the rollback's Delete, so what was made
 * has no owner, and exactly this is left behind (by the killed call, applied or not: an OTA task's
 * job document is stored before CreateOtaTask).
 */
const KNOWN_WINDOW_LEFT: { readonly [operation: string]: { readonly applied: readonly string[]; readonly notApplied: readonly string[] } } = {
  CreateFuotaTask: { applied: ['FuotaTask'], notApplied: [] },
  CreateOtaTaskConfiguration: { applied: ['OtaTaskConfiguration'], notApplied: [] },
  PutObject: { applied: ['S3 object'], notApplied: [] },
  CreateOtaTask: { applied: ['OtaTask', 'S3 object'], notApplied: ['S3 object'] },
};

interface Plan extends KillPoint {
  readonly service: Service;
  /** Numbers the run in its label. */
  readonly seed: number;
  /** Whether the service applies the call before the handler dies. */
  readonly applied: boolean;
}

/** Every kill point of a service, once with the call applied before the handler dies and once not. */
function killPlans(service: Service): Plan[] {
  return KILL_POINTS[service].flatMap((killPoint, i) =>
    [true, false].map((applied) => ({ ...killPoint, service, seed: 2 * i + (applied ? 1 : 2), applied })));
}

// ---------------------------------------------------------------------------------------------
// The apps: one FuotaTask (two devices, not started), or an OTA task whose job document the library
// stores (with a task configuration it uses, in the `ota-configured` app); version 2 changes the
// description and replaces the tags.

const STACK = 'KillRuns';
const DEVICES = ['1ffd32c8-8130-4194-96df-622f072a315f', '2a7e9c15-0b44-4d8e-9f61-3c5a8e7d2b90'];
const HUBS = ['hub0001', 'hub0002'].map((id) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/${id}`);
const DESCRIPTION = { 1: 'Firmware v1', 2: 'Firmware v2' };
const TAGS = { 1: { campaign: 'v1' }, 2: { stage: 'prod' } };

function synth(service: Service, version: 1 | 2, outdirs: string[], configured = false): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `kill-runs-${service}-v${version}-`));
  outdirs.push(outdir);
  const app = new App({ outdir });
  const stack = new Stack(app, STACK, { env: { account: '123456789012', region: 'eu-west-1' } });
  const tagged = service === 'fuota'
    ? new FuotaTask(stack, 'Sensors', {
      firmware: FirmwareImage.fromAsset(path.join(__dirname, '..', '..', 'example', 'firmware', 'sensor-v2.bin')),
      description: DESCRIPTION[version],
      wirelessDeviceIds: DEVICES,
    })
    : new OtaTask(stack, 'Hubs', {
      jobDocument: OtaJobDocument.fromJson({ firmware: { version: '3.1' } }),
      otaType: OtaType.ONE_TIME,
      targets: HUBS,
      description: DESCRIPTION[version],
      taskConfiguration: configured ? new OtaTaskConfiguration(stack, 'Rollout', { description: 'Slow rollout' }) : undefined,
    });
  for (const [key, value] of Object.entries(TAGS[version])) Tags.of(tagged).add(key, value);
  app.synth();
  return outdir;
}

// ---------------------------------------------------------------------------------------------

interface Figures {
  runs: { fuota: number; ota: number };
  kills: { [where: string]: number };
  /** Kills after the service applied the call, and before it did. */
  applied: { yes: number; no: number };
  endStates: { [stackStatus: string]: number };
  deletesRetried: number;
  failuresWithLambdaTimeout: number;
  orphans: number;
  duplicates: number;
  knownWindow: { [operation: string]: number };
}

const figures: Figures = {
  runs: { fuota: 0, ota: 0 },
  kills: {},
  applied: { yes: 0, no: 0 },
  endStates: {},
  deletesRetried: 0,
  failuresWithLambdaTimeout: 0,
  orphans: 0,
  duplicates: 0,
  knownWindow: {},
};

const bump = (counts: { [key: string]: number }, key: string) => { counts[key] = (counts[key] ?? 0) + 1; };

/** The service's view of the stack's task: its description and tags, to compare with the template CloudFormation holds. */
function liveTask(emulator: ServiceEmulator): { description: unknown; tags: unknown } | undefined {
  const task = [...emulator.state.fuotaTasks.values(), ...emulator.state.otaTasks.values()][0];
  return task && { description: task.fields.Description, tags: task.tags };
}

interface Assemblies { readonly [service: string]: { readonly 1: string; readonly 2: string } }

/** One run: the stages up to the killed one, the fault armed as that stage begins; then the invariants. */
async function runOne(p: Plan, assemblies: Assemblies, problems: string[]): Promise<{ left: string[]; results: ReplayResult[] }> {
  const label = `${p.service} seed ${p.seed} (${p.stage} ${p.phase} ${p.operation} #${p.call}, ${p.applied ? 'applied' : 'not applied'})`;
  const emulator = await ServiceEmulator.start({ knownWirelessDevices: DEVICES });
  const replay = await StackReplay.start(emulator, { stackName: STACK });
  const results: ReplayResult[] = [];
  const problem = (text: string) => problems.push(`${label}: ${text}`);
  try {
    const arm = () => emulator.faults.failCall(p.operation, p.call, { kind: 'kill', applied: p.applied });
    const { 1: v1, 2: v2 } = assemblies[p.configured ? 'ota-configured' : p.service];
    if (p.stage === 'create') arm();
    results.push(await replay.deploy(v1));
    if (p.stage === 'update') {
      arm();
      results.push(await replay.deploy(v2));
    }
    if (p.stage === 'delete') {
      arm();
      results.push(await replay.destroy());
    }
    const result = results[results.length - 1];
    const killed = emulator.journal.filter((entry) => entry.fault?.endsWith(': kill'));
    if (killed.length !== 1) problem(`expected one kill, got ${killed.length}`);
    bump(figures.kills, `${p.stage} ${p.phase}`);
    figures.applied[p.applied ? 'yes' : 'no']++;

    // The killed step: FAILED with Lambda's timeout message, in the phase that died.
    const failed = result.steps.filter((step) => step.status === 'FAILED');
    if (failed.length !== 1 || !/^Task timed out after \d+\.00 seconds\n\nLogs: \/aws\/lambda\//.test(failed[0].reason ?? '')) {
      problem(`expected one step FAILED by the kill, got ${JSON.stringify(failed.map((step) => [step.logicalId, step.requestType, step.reason]))}`);
    } else {
      figures.failuresWithLambdaTimeout++;
      const inOnEvent = failed[0].isCompleteCalls === 0;
      if (inOnEvent !== (p.phase === 'onEvent')) problem(`the ${p.phase} kill failed the step after ${failed[0].isCompleteCalls} isComplete calls`);
      if (p.stage === 'create' && inOnEvent && failed[0].physicalId !== CREATE_FAILED_MARKER) problem('a Create killed in onEvent must answer the marker');
    }

    // The state CloudFormation reaches, and the service agrees with it.
    const expected = { create: 'ROLLBACK_COMPLETE', update: 'UPDATE_ROLLBACK_COMPLETE', delete: 'DELETE_FAILED' }[p.stage];
    if (result.stackStatus !== expected) problem(`stack ended ${result.stackStatus}, expected ${expected}`);
    if (p.stage === 'update') {
      const live = liveTask(emulator);
      if (JSON.stringify(live) !== JSON.stringify({ description: DESCRIPTION[1], tags: TAGS[1] })) problem(`after the rollback the task is ${JSON.stringify(live)}`);
    }
    if (p.stage === 'delete') {
      // The user deletes the stack again: the resources left are deleted this time.
      const retried = await replay.destroy();
      results.push(retried);
      figures.deletesRetried++;
      if (retried.stackStatus !== 'DELETE_COMPLETE') problem(`the retried delete ended ${retried.stackStatus}: ${retried.failure}`);
    }
    bump(figures.endStates, replay.stackStatus);

    const left = orphans(emulator, new Set([...replay.resources.values()].map((resource) => resource.physicalId)));
    const window = p.stage === 'create' && p.phase === 'onEvent' ? KNOWN_WINDOW_LEFT[p.operation] : undefined;
    const knownWindow = window?.[p.applied ? 'applied' : 'notApplied'];
    if (knownWindow && knownWindow.length > 0) {
      // What the killed create made stays (nothing owns it), and nothing else.
      bump(figures.knownWindow, `${p.operation}${p.applied ? '' : ' (not applied)'}`);
      const kinds = left.map((what) => what.replace(/ \S+$/, '')).sort();
      if (JSON.stringify(kinds) !== JSON.stringify([...knownWindow].sort())) problem(`left ${JSON.stringify(left)}, expected only ${knownWindow.join(', ')}`);
    } else if (left.length > 0) {
      figures.orphans += left.length;
      problem(`orphaned ${left.join(', ')}`);
    }
    const twice = duplicates(emulator);
    figures.duplicates += twice.length;
    if (twice.length > 0) problem(`duplicates: ${twice.join(', ')}`);
    figures.runs[p.service]++;
    return { left, results };
  } finally {
    await replay.stop();
    await emulator.stop();
  }
}

/** Runs `plans` two at a time: each run has its own emulator and replay, and the machine has two cores. */
async function runAll(plans: readonly Plan[], assemblies: Assemblies, problems: string[]): Promise<void> {
  const queue = [...plans];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await runOne(next, assemblies, problems);
  };
  await Promise.all([worker(), worker()]);
}

const outdirs: string[] = [];
let assemblies: Assemblies;

beforeAll(() => {
  assemblies = {
    'fuota': { 1: synth('fuota', 1, outdirs), 2: synth('fuota', 2, outdirs) },
    'ota': { 1: synth('ota', 1, outdirs), 2: synth('ota', 2, outdirs) },
    'ota-configured': { 1: synth('ota', 1, outdirs, true), 2: synth('ota', 2, outdirs, true) },
  };
});

afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('handlers killed mid-step', () => {
  test.each(['fuota', 'ota'] as const)('%s: kills at every call of create, update and delete, applied and not', async (service) => {
    const problems: string[] = [];
    const all = killPlans(service);
    await runAll(all, assemblies, problems);
    if (service === 'ota') console.log(`kill-run figures (every kill point, applied and not): ${JSON.stringify(figures, null, 2)}`);
    expect(problems).toEqual([]);
    expect(figures.runs[service]).toBe(all.length);
  });

  // The known window, scripted: the create was applied, the answer never read.
  test.each([
    ['fuota', 'CreateFuotaTask', ['FuotaTask']],
    ['ota', 'CreateOtaTask', ['OtaTask', 'S3 object']],
  ] as const)('%s: a kill right after an applied %s leaves what it made, and only that', async (service, operation, kinds) => {
    const problems: string[] = [];
    const { left } = await runOne({ ...point('create', 'onEvent', operation), service, seed: 9000, applied: true }, assemblies, problems);
    expect(problems).toEqual([]);
    expect(left.map((what) => what.replace(/ \S+$/, '')).sort()).toEqual([...kinds]);
  });

  test('a kill before the create was applied leaves nothing', async () => {
    const problems: string[] = [];
    const { left } = await runOne({ ...point('create', 'onEvent', 'CreateFuotaTask'), service: 'fuota', seed: 9001, applied: false }, assemblies, problems);
    expect(problems).toEqual([]);
    expect(left).toEqual([]);
  });
});
