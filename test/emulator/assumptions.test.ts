// The lifecycle, replayed through the bundled handlers, with each of the emulator's switchable
// assumptions (src/emulator/assumptions.ts) on and off: behaviours of the live services that no
// document settles, which the handlers must survive either way.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnWaitConditionHandle, Duration, Stack, Tags } from 'aws-cdk-lib';
import { FirmwareImage, FuotaTask, OtaJobDocument, OtaTask, OtaTaskConfiguration, OtaType } from '../../src';
import { ASSUMPTION_NAMES, AssumptionName, FUOTA_DELETE_WAITING_POLLS } from '../../src/emulator/assumptions';
import { ReplayResult, StackReplay } from '../../src/emulator/replay';
import { ServiceEmulator } from '../../src/emulator/server';

jest.setTimeout(120_000);

const STACK = 'AssumptionRuns';
const FIRMWARE = path.join(__dirname, '..', '..', 'example', 'firmware', 'sensor-v2.bin');
const HUBS = ['hub0001', 'hub0002'].map((id) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/${id}`);
const DEVICES = ['1ffd32c8-8130-4194-96df-622f072a315f', '2a7e9c15-0b44-4d8e-9f61-3c5a8e7d2b90'];

const outdirs: string[] = [];
let emulator: ServiceEmulator;
let replay: StackReplay;

afterEach(async () => {
  await replay?.stop();
  await emulator?.stop();
});

afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function start(switches: Partial<Record<AssumptionName, boolean>>) {
  emulator = await ServiceEmulator.start({ clockStart: Date.now(), assumptions: switches });
  replay = await StackReplay.start(emulator, { stackName: STACK });
}

function synth(build: (stack: Stack) => void): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'assumption-runs-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  build(new Stack(app, STACK, { env: { account: '123456789012', region: 'eu-west-1' } }));
  app.synth();
  return outdir;
}

function physicalId(prefix: string): string {
  const found = [...replay.resources.entries()].find(([id]) => id.startsWith(prefix));
  if (!found) throw new Error(`no resource ${prefix}* in ${[...replay.resources.keys()].join(', ')}`);
  return found[1].physicalId;
}

function failures(result: ReplayResult): string[] {
  return result.steps.filter((step) => step.status === 'FAILED').map((step) => `${step.logicalId}: ${step.reason}`);
}

/** A campaign of each kind; `v` 2 changes a tag of each task, the OTA description and the configuration. */
function campaignApp(v: 1 | 2) {
  return synth((stack) => {
    const fuota = new FuotaTask(stack, 'Sensors', {
      firmware: FirmwareImage.fromAsset(FIRMWARE),
      fuotaTaskName: 'sensors',
      wirelessDeviceIds: DEVICES,
      outputs: false,
    });
    Tags.of(fuota).add('wave', `w${v}`);
    const configuration = new OtaTaskConfiguration(stack, 'Rollout', {
      otaTaskConfigurationName: 'cautious',
      pushConfig: { inProgressTimeout: Duration.hours(v === 1 ? 2 : 3) },
    });
    const ota = new OtaTask(stack, 'Hubs', {
      jobDocument: OtaJobDocument.fromJson({ firmware: 's3://fw/hub-3.1.bin' }),
      otaType: OtaType.ONE_TIME,
      targets: HUBS,
      description: v === 1 ? 'Hub firmware 3_1' : 'Hub firmware 3_1 wave 2',
      taskConfiguration: configuration,
      // Written without seconds or zone: a service that normalises them reports 02:00:00Z.
      scheduling: { startTime: '2031-01-15T02:00', endTime: '2031-01-16T02:00' },
      outputs: false,
    });
    Tags.of(ota).add('wave', `w${v}`);
  });
}

describe.each(ASSUMPTION_NAMES)('with %s', (name) => {
  test.each([false, true])('on: %s, create → update → delete converges, tasks keep their ids, nothing is left', async (on) => {
    await start({ [name]: on });
    const v1 = campaignApp(1);
    const v2 = campaignApp(2);

    const created = await replay.deploy(v1);
    expect(failures(created)).toEqual([]);
    expect(created.stackStatus).toBe('CREATE_COMPLETE');
    const [fuota, ota, configuration] = [physicalId('Sensors'), physicalId('Hubs'), physicalId('Rollout')];

    const updated = await replay.deploy(v2);
    expect(failures(updated)).toEqual([]);
    expect(updated.stackStatus).toBe('UPDATE_COMPLETE');
    // Tags, a description and a new configuration: no task is replaced, whatever the service normalises.
    expect(physicalId('Sensors')).toBe(fuota);
    expect(physicalId('Hubs')).toBe(ota);
    expect(physicalId('Rollout')).not.toBe(configuration);
    expect(emulator.calls('CreateFuotaTask')).toHaveLength(1);
    expect(emulator.calls('CreateOtaTask')).toHaveLength(1);
    const snapshot = emulator.snapshot();
    expect(snapshot.otaTasks[0].fields).toMatchObject({ Description: 'Hub firmware 3_1 wave 2', TaskConfigurationId: physicalId('Rollout') });
    expect(snapshot.otaTaskConfigurations.map((c) => c.id)).toEqual([physicalId('Rollout')]);

    const deleted = await replay.destroy();
    expect(failures(deleted)).toEqual([]);
    expect(deleted.stackStatus).toBe('DELETE_COMPLETE');
    const after = emulator.snapshot();
    // Gone when CloudFormation says so: the FUOTA delete waited for Delete_Waiting to end.
    expect({ fuota: after.fuotaTasks.length, ota: after.otaTasks.length, configurations: after.otaTaskConfigurations.length })
      .toEqual({ fuota: 0, ota: 0, configurations: 0 });
  });
});

test('asynchronous FUOTA delete: the Delete completes only once GetFuotaTask answers 404', async () => {
  await start({ asyncFuotaDelete: true });
  expect((await replay.deploy(campaignApp(1))).succeeded).toBe(true);
  const fuota = physicalId('Sensors');

  const deleted = await replay.destroy();

  const step = deleted.steps.find((s) => s.requestPhysicalId === fuota)!;
  expect(step.status).toBe('SUCCESS');
  const gets = emulator.journal.filter((e) => e.operation === 'GetFuotaTask' && e.input?.Id === fuota && e.seq > emulator.calls('DeleteFuotaTask')[0].seq);
  expect(gets.map((e) => e.status)).toEqual([...Array(FUOTA_DELETE_WAITING_POLLS).fill(200), 404]);
});

test('unique configuration names: the replacement is named apart from the configuration it replaces', async () => {
  await start({ uniqueConfigurationNames: true });
  expect((await replay.deploy(campaignApp(1))).succeeded).toBe(true);
  expect((await replay.deploy(campaignApp(2))).succeeded).toBe(true);

  const names = emulator.calls('CreateOtaTaskConfiguration').map((e) => e.input?.Name);
  expect(names).toEqual(['cautious', expect.stringMatching(/^cautious-[0-9a-f]{8}$/)]);
});

describe('one task per device: the README\'s sequences for a second campaign', () => {
  const campaign = (ids: string[]) => synth((stack) => {
    // A stack needs a resource even when no campaign is left.
    new CfnWaitConditionHandle(stack, 'Placeholder');
    for (const id of ids) {
      new FuotaTask(stack, id, { firmware: FirmwareImage.fromAsset(FIRMWARE), wirelessDeviceIds: DEVICES, outputs: false });
    }
  });

  test('abort, then the next campaign in a later deploy: works even when deletion is asynchronous', async () => {
    await start({ oneTaskPerDevice: true, asyncFuotaDelete: true });
    expect((await replay.deploy(campaign(['V2']))).succeeded).toBe(true);
    expect((await replay.deploy(campaign([]))).succeeded).toBe(true);

    const next = await replay.deploy(campaign(['V3']));

    expect(failures(next)).toEqual([]);
    expect(emulator.snapshot().fuotaTasks.map((t) => t.wirelessDeviceIds.length)).toEqual([DEVICES.length]);
  });

  test('both in one deploy (a rename): the new task cannot take the devices while the old one exists, and the rollback keeps the old one', async () => {
    await start({ oneTaskPerDevice: true });
    expect((await replay.deploy(campaign(['V2']))).succeeded).toBe(true);
    const original = physicalId('V2');

    const renamed = await replay.deploy(campaign(['V3']));

    expect(renamed.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(renamed.failure).toMatch(/AssociateWirelessDeviceWithFuotaTask failed: ConflictException: WirelessDevice .* is already in FUOTA task/);
    expect(emulator.snapshot().fuotaTasks.map((t) => t.id)).toEqual([original]);
  });
});
