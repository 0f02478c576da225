// Full CloudFormation sequences, replayed through the bundled handlers against the emulator: an
// update adds a setting to a task, in place; a later resource of the same stack update fails; the
// UPDATE_ROLLBACK sends the task its old properties, which lack the setting. The rollback must
// converge on the task that is there: same physical id, no second task in the emulator's journal,
// and a value the service cannot clear left as it is (and logged) rather than refused.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FirmwareImage, FuotaTask, OtaJobDocument, OtaTask, OtaTaskConfiguration, OtaType, RfRegion } from '../../src';
import { ReplayResult, StackReplay } from '../../src/emulator/replay';
import { ServiceEmulator } from '../../src/emulator/server';

jest.setTimeout(120_000);

const STACK = 'RollbackRuns';
const FIRMWARE = path.join(__dirname, '..', '..', 'example', 'firmware', 'sensor-v2.bin');
const HUBS = ['hub0001', 'hub0002'].map((id) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/${id}`);
const INJECTED = { kind: 'error', type: 'AccessDeniedException', status: 403, message: 'Not authorized (injected)' } as const;

const outdirs: string[] = [];
let emulator: ServiceEmulator;
let replay: StackReplay;

/**
 * An app of two tasks of one kind: `Campaign`, the task under test, and `Blocker`, which depends on
 * it, so CloudFormation updates it after the campaign and its injected failure starts the rollback.
 */
function synth(build: (stack: Stack) => { campaign: Construct; blocker: Construct }): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollback-runs-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  const stack = new Stack(app, STACK, { env: { account: '123456789012', region: 'eu-west-1' } });
  const { campaign, blocker } = build(stack);
  blocker.node.addDependency(campaign);
  app.synth();
  return outdir;
}

function logicalId(prefix: string): string {
  const found = [...replay.resources.keys()].find((id) => id.startsWith(prefix));
  if (!found) throw new Error(`no resource ${prefix}* in ${[...replay.resources.keys()].join(', ')}`);
  return found;
}

function steps(result: ReplayResult): string[] {
  return result.steps.map((step) => `${step.phase} ${step.logicalId.replace(/[0-9A-F]{8}$/, '')} ${step.requestType} ${step.status}`);
}

/** The `warning` of each JSON log line a handler printed. */
function warnings(logs: readonly string[]): string[] {
  return logs.flatMap((line) => {
    try {
      const entry = JSON.parse(line);
      return typeof entry.warning === 'string' ? [entry.warning] : [];
    } catch {
      return [];
    }
  });
}

beforeEach(async () => {
  emulator = await ServiceEmulator.start({ clockStart: Date.now() });
  replay = await StackReplay.start(emulator, { stackName: STACK });
});

afterEach(async () => {
  await replay.stop();
  await emulator.stop();
});

afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('FuotaTask: the rollback of an added value IoT Wireless cannot unset', () => {
  const fuota = (stack: Stack, settings: { redundancyPercent?: number; rfRegion?: RfRegion; blocker: string }) => ({
    campaign: new FuotaTask(stack, 'Campaign', {
      firmware: FirmwareImage.fromAsset(FIRMWARE),
      fuotaTaskName: 'campaign',
      redundancyPercent: settings.redundancyPercent,
      rfRegion: settings.rfRegion,
      outputs: false,
    }),
    blocker: new FuotaTask(stack, 'Blocker', { firmware: FirmwareImage.fromAsset(FIRMWARE), description: settings.blocker, outputs: false }),
  });

  test('converges: the update applied it, the rollback keeps it and says so, same task', async () => {
    const v1 = synth((stack) => fuota(stack, { blocker: 'v1' }));
    const v2 = synth((stack) => fuota(stack, { redundancyPercent: 20, rfRegion: RfRegion.EU868, blocker: 'v2' }));
    expect((await replay.deploy(v1)).succeeded).toBe(true);
    const campaign = logicalId('Campaign');
    const taskId = replay.resources.get(campaign)!.physicalId;

    // The campaign's UpdateFuotaTask is the first, the blocker's the second: that one is refused.
    emulator.faults.failCall('UpdateFuotaTask', 2, INJECTED);
    const result = await replay.deploy(v2);

    expect(result).toMatchObject({ stackStatus: 'UPDATE_ROLLBACK_COMPLETE', succeeded: false });
    expect(result.failure).toContain('Blocker');
    expect(steps(result)).toEqual([
      'deploy Campaign Update SUCCESS',
      'deploy Blocker Update FAILED',
      'rollback Campaign Update SUCCESS',
      'rollback Blocker Update SUCCESS',
    ]);
    const rollback = result.steps.find((step) => step.phase === 'rollback' && step.logicalId === campaign)!;
    expect(rollback.physicalId).toBe(taskId);
    expect(warnings(rollback.logs)).toContain(
      `the stack is rolling back to properties without rfRegion, redundancyPercent, which IoT Wireless cannot unset: FuotaTask ${taskId} keeps rfRegion "EU868", redundancyPercent 20.`);
    expect(replay.describeStacksCalls).toEqual(['UPDATE_ROLLBACK_IN_PROGRESS']);
    expect(replay.resources.get(campaign)!.physicalId).toBe(taskId);
    expect(emulator.calls('CreateFuotaTask')).toHaveLength(2);
    const task = emulator.snapshot().fuotaTasks.find((t) => t.id === taskId)!;
    expect(task.fields).toMatchObject({ Name: 'campaign', RedundancyPercent: 20, LoRaWAN: { RfRegion: 'EU868' } });

    // The stack goes on: the same update without the fault completes on the same task.
    const again = await replay.deploy(v2);
    expect(again).toMatchObject({ stackStatus: 'UPDATE_COMPLETE', succeeded: true });
    expect(replay.resources.get(campaign)!.physicalId).toBe(taskId);
    expect(emulator.calls('CreateFuotaTask')).toHaveLength(2);
  });

  test('a forward update that removes the value fails with the reason, and its own rollback converges', async () => {
    const v1 = synth((stack) => fuota(stack, { redundancyPercent: 20, blocker: 'v1' }));
    const v2 = synth((stack) => fuota(stack, { blocker: 'v1' }));
    expect((await replay.deploy(v1)).succeeded).toBe(true);
    const taskId = replay.resources.get(logicalId('Campaign'))!.physicalId;

    const result = await replay.deploy(v2);

    expect(result).toMatchObject({ stackStatus: 'UPDATE_ROLLBACK_COMPLETE', succeeded: false });
    expect(result.failure).toContain(`UpdateFuotaTask cannot remove redundancyPercent from task ${taskId}`);
    expect(steps(result)).toEqual(['deploy Campaign Update FAILED', 'rollback Campaign Update SUCCESS']);
    expect(emulator.snapshot().fuotaTasks.find((t) => t.id === taskId)!.fields).toMatchObject({ RedundancyPercent: 20 });
    expect(emulator.calls('UpdateFuotaTask')).toHaveLength(0);
  });
});

describe('OtaTask: the rollback of an added description or task configuration', () => {
  const ota = (stack: Stack, settings: { description?: string; configured?: boolean; blocker: string }) => ({
    campaign: new OtaTask(stack, 'Campaign', {
      jobDocument: OtaJobDocument.fromJson({ firmware: { version: '3.1' } }),
      otaType: OtaType.ONE_TIME,
      targets: HUBS,
      description: settings.description,
      taskConfiguration: settings.configured ? new OtaTaskConfiguration(stack, 'Rollout', { description: 'Slow rollout' }) : undefined,
      outputs: false,
    }),
    blocker: new OtaTask(stack, 'Blocker', {
      jobDocument: OtaJobDocument.fromJson({ firmware: { version: '1.0' } }),
      otaType: OtaType.CONTINUOUS,
      otaTargetQueryString: 'attributes.model=x1',
      description: settings.blocker,
      outputs: false,
    }),
  });

  test('converges in place: the same task, no second CreateOtaTask, the added values kept and logged', async () => {
    const v1 = synth((stack) => ota(stack, { blocker: 'v1' }));
    const v2 = synth((stack) => ota(stack, { description: 'Hub firmware 3_1', configured: true, blocker: 'v2' }));
    expect((await replay.deploy(v1)).succeeded).toBe(true);
    const campaign = logicalId('Campaign');
    const taskId = replay.resources.get(campaign)!.physicalId;
    expect(emulator.calls('CreateOtaTask')).toHaveLength(2);

    // The campaign's UpdateOtaTask is the first, the blocker's the second: that one is refused.
    emulator.faults.failCall('UpdateOtaTask', 2, INJECTED);
    const result = await replay.deploy(v2);

    expect(result).toMatchObject({ stackStatus: 'UPDATE_ROLLBACK_COMPLETE', succeeded: false });
    expect(result.failure).toContain('Blocker');
    // The configuration the update made is deleted by the rollback's cleanup, although the task keeps
    // its id: UpdateOtaTask cannot clear it, and a new task would restart the campaign (README).
    expect(steps(result)).toEqual([
      'deploy Rollout Create SUCCESS',
      'deploy Campaign Update SUCCESS',
      'deploy Blocker Update FAILED',
      'rollback Campaign Update SUCCESS',
      'rollback Blocker Update SUCCESS',
      'rollback-cleanup Rollout Delete SUCCESS',
    ]);
    const configurationId = result.steps.find((step) => step.logicalId.startsWith('Rollout'))!.physicalId;
    const rollback = result.steps.find((step) => step.phase === 'rollback' && step.logicalId === campaign)!;
    expect(rollback.physicalId).toBe(taskId);
    expect(replay.resources.get(campaign)!.physicalId).toBe(taskId);
    expect(emulator.calls('CreateOtaTask')).toHaveLength(2);
    const snapshot = emulator.snapshot();
    expect(warnings(rollback.logs)).toEqual([
      'the stack is rolling back to properties without description and taskConfiguration, which UpdateOtaTask cannot clear: ' +
      `OtaTask ${taskId} keeps description "Hub firmware 3_1", taskConfiguration "${configurationId}".`,
    ]);
    expect(snapshot.otaTasks.map((t) => t.id).sort()).toEqual([taskId, replay.resources.get(logicalId('Blocker'))!.physicalId].sort());
    expect(snapshot.otaTasks.find((t) => t.id === taskId)!.fields).toMatchObject({ Description: 'Hub firmware 3_1', TaskConfigurationId: configurationId });
    expect(snapshot.otaTaskConfigurations).toEqual([]);
    expect(replay.describeStacksCalls).toEqual(['UPDATE_ROLLBACK_IN_PROGRESS']);
  });

  test('a forward update that removes the description fails with the reason, replaces nothing, and its rollback converges', async () => {
    const v1 = synth((stack) => ota(stack, { description: 'Hub firmware 3_1', blocker: 'v1' }));
    const v2 = synth((stack) => ota(stack, { blocker: 'v1' }));
    expect((await replay.deploy(v1)).succeeded).toBe(true);
    const taskId = replay.resources.get(logicalId('Campaign'))!.physicalId;

    const result = await replay.deploy(v2);

    expect(result).toMatchObject({ stackStatus: 'UPDATE_ROLLBACK_COMPLETE', succeeded: false });
    expect(result.failure).toContain(`OtaTask ${taskId}: cannot remove description. UpdateOtaTask cannot clear it`);
    expect(steps(result)).toEqual(['deploy Campaign Update FAILED', 'rollback Campaign Update SUCCESS']);
    expect(emulator.calls('CreateOtaTask')).toHaveLength(2);
    expect(emulator.calls('UpdateOtaTask')).toHaveLength(0);
    expect(emulator.snapshot().otaTasks.find((t) => t.id === taskId)!.fields).toMatchObject({ Description: 'Hub firmware 3_1' });
  });
});
