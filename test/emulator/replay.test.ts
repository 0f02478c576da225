// Replays of the example app's deployments through the bundled handler assets of its cloud
// assembly, against the service emulator: create → update → delete, a failed create and its
// rollback, a failed update and its UPDATE_ROLLBACK. Each handler invocation is a child process.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { ExampleStack, ExampleStackProps } from '../../example/example-stack';
import { CREATE_FAILED_MARKER, ReplayResult, StackReplay } from '../../src/emulator/replay';
import { EmulatorSnapshot, ServiceEmulator } from '../../src/emulator/server';

jest.setTimeout(60_000);

const STACK = 'FuotaExample';
const DEVICES = [
  '1ffd32c8-8130-4194-96df-622f072a315f',
  '2a7e9c15-0b44-4d8e-9f61-3c5a8e7d2b90',
  '3c4b8f26-1d55-4e9f-a072-4d6b9f8e3ca1',
];
const hub = (n: number) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/hub000${n}`;
const FUOTA = 'SensorFirmwareV2703C80E7';
const HUB = 'HubFirmware4F918AD0';
const CONFIGURATION = 'CautiousRolloutB84E8323';

const outdirs: string[] = [];
let v1: string;
let v2: string;
let startedTaskChange: string;
let emulator: ServiceEmulator;
let replay: StackReplay;

function synth(props: ExampleStackProps = {}): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-test-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  new ExampleStack(app, STACK, { env: { account: '123456789012', region: 'eu-west-1' }, ...props });
  app.synth();
  return outdir;
}

beforeAll(() => {
  v1 = synth();
  // One more hub and a new description: the OTA task is replaced (targets cannot change in place).
  v2 = synth({ hubTargets: [hub(1), hub(2), hub(3)], hubDescription: 'Hub firmware 3_1 with hub0003' });
  // A new description of the FUOTA task, which was started at create: IoT Wireless refuses it.
  startedTaskChange = synth({ sensorDescription: 'Sensor firmware 2.0.1', hubTargets: [hub(1), hub(2), hub(3)] });
});

afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  emulator = await ServiceEmulator.start({ clockStart: Date.now(), knownWirelessDevices: DEVICES });
  replay = await StackReplay.start(emulator, { stackName: STACK });
});

afterEach(async () => {
  await replay.stop();
  await emulator.stop();
});

function steps(result: ReplayResult): string[] {
  return result.steps.map((step) => `${step.phase} ${step.logicalId} ${step.requestType} ${step.status}`);
}

function empty(snapshot: EmulatorSnapshot) {
  return {
    fuotaTasks: snapshot.fuotaTasks.length,
    otaTasks: snapshot.otaTasks.length,
    otaTaskConfigurations: snapshot.otaTaskConfigurations.length,
    s3Objects: snapshot.s3Objects.length,
  };
}

const NOTHING = { fuotaTasks: 0, otaTasks: 0, otaTaskConfigurations: 0, s3Objects: 0 };

test('create → update → delete of the example app', async () => {
  const created = await replay.deploy(v1);
  expect(created).toMatchObject({ operation: 'CREATE', stackStatus: 'CREATE_COMPLETE', succeeded: true });
  expect(steps(created).sort()).toEqual([
    `deploy ${CONFIGURATION} Create SUCCESS`,
    `deploy ${HUB} Create SUCCESS`,
    `deploy ${FUOTA} Create SUCCESS`,
  ]);
  // The task needs the configuration's id: it is created after it.
  expect(created.steps.findIndex((s) => s.logicalId === HUB)).toBeGreaterThan(created.steps.findIndex((s) => s.logicalId === CONFIGURATION));

  let snapshot = emulator.snapshot();
  expect(snapshot.fuotaTasks).toHaveLength(1);
  const task = snapshot.fuotaTasks[0];
  expect(task.id).toBe(replay.resources.get(FUOTA)!.physicalId);
  expect(task.fields).toMatchObject({
    Name: 'sensor-fw-v2',
    Description: 'Sensor firmware 2.0',
    RedundancyPercent: 20,
    FragmentIntervalMS: 1000,
    LoRaWAN: { RfRegion: 'EU868' },
    FirmwareUpdateRole: `arn:aws:iam::123456789012:role/${STACK}-CdkIotOtaTasksFirmwareUpdateRole34CCFA4D`,
  });
  expect([...task.wirelessDeviceIds].sort()).toEqual(DEVICES);
  expect(task.tags).toEqual({ campaign: 'sensor-v2' });
  expect(task.status).toBe('FuotaSession_Waiting');
  // Started an hour after the deployment (the handler's clock is the machine's; the emulator's started there).
  expect(Date.parse(task.startTime!) - Date.parse(task.startedAt!)).toBeGreaterThan(55 * 60_000);
  expect(replay.resources.get(FUOTA)!.data).toEqual({ Arn: task.arn, Id: task.id });

  expect(snapshot.otaTaskConfigurations).toHaveLength(1);
  const configuration = snapshot.otaTaskConfigurations[0];
  expect(snapshot.otaTasks).toHaveLength(1);
  const otaTask = snapshot.otaTasks[0];
  expect(otaTask.fields).toMatchObject({ OtaType: 'ONE_TIME', Target: [hub(1), hub(2)], Description: 'Hub firmware 3_1', TaskConfigurationId: configuration.id });
  expect(otaTask.tags).toEqual({ campaign: 'hub-3.1' });
  // The job document the handler stored, in the (fake-named) bucket of the stack.
  expect(snapshot.s3Objects.map((o) => `s3://${o.location}`)).toEqual([otaTask.fields.S3Url]);
  expect(String(otaTask.fields.S3Url)).toMatch(/^s3:\/\/fuotaexample-cdkiototatasksjobdocuments/);
  const firstOtaTask = otaTask.id;

  const updated = await replay.deploy(v2);
  expect(updated).toMatchObject({ operation: 'UPDATE', stackStatus: 'UPDATE_COMPLETE', succeeded: true });
  // Only the changed resource gets a request; its replacement's old id is deleted in cleanup.
  expect(steps(updated)).toEqual([`deploy ${HUB} Update SUCCESS`, `cleanup ${HUB} Delete SUCCESS`]);
  expect(updated.steps[1].physicalId).toBe(firstOtaTask);
  snapshot = emulator.snapshot();
  expect(snapshot.otaTasks).toHaveLength(1);
  expect(snapshot.otaTasks[0].id).not.toBe(firstOtaTask);
  expect(snapshot.otaTasks[0].fields).toMatchObject({ Target: [hub(1), hub(2), hub(3)], Description: 'Hub firmware 3_1 with hub0003' });
  expect(snapshot.s3Objects.map((o) => `s3://${o.location}`)).toEqual([snapshot.otaTasks[0].fields.S3Url]);
  expect(snapshot.fuotaTasks.map((t) => t.id)).toEqual([task.id]);
  expect(snapshot.otaTaskConfigurations.map((c) => c.id)).toEqual([configuration.id]);

  const clockBefore = emulator.clock.now();
  const interval = replay.resources.get(HUB)!.definition.provider.waiter.intervalSeconds * 1000;
  const deleted = await replay.destroy();
  expect(deleted).toMatchObject({ operation: 'DELETE', stackStatus: 'DELETE_COMPLETE', succeeded: true });
  // The configuration goes after the task that uses it; the task's asynchronous delete is polled.
  expect(deleted.steps[deleted.steps.length - 1].logicalId).toBe(CONFIGURATION);
  expect(deleted.steps.find((s) => s.logicalId === HUB)!.isCompleteCalls).toBe(2);
  expect(emulator.clock.now() - clockBefore).toBe(interval); // one waiter interval, on the virtual clock
  expect(empty(emulator.snapshot())).toEqual(NOTHING);
  expect(replay.resources.size).toBe(0);
  expect(emulator.journal.filter((entry) => entry.status >= 400 && entry.status !== 404)).toEqual([]);
});

test('a create failing in isComplete reports the real id, and the rollback deletes every task', async () => {
  emulator.faults.failCall('AssociateWirelessDeviceWithFuotaTask', 2, {
    kind: 'error', type: 'AccessDeniedException', status: 403, message: 'User is not authorized to associate (injected)',
  });
  const result = await replay.deploy(v1);
  expect(result).toMatchObject({ operation: 'CREATE', stackStatus: 'ROLLBACK_COMPLETE', succeeded: false });
  const failed = result.steps.find((s) => s.status === 'FAILED')!;
  expect(failed).toMatchObject({ logicalId: FUOTA, requestType: 'Create', phase: 'deploy' });
  expect(failed.physicalId).toMatch(/^00000000-0000-4000-8000-/);
  expect(failed.reason).toContain('AssociateWirelessDeviceWithFuotaTask failed: AccessDeniedException: User is not authorized to associate (injected)');
  expect(result.failure).toContain('AccessDeniedException');
  const rollback = result.steps.filter((s) => s.phase === 'rollback');
  expect(rollback.find((s) => s.logicalId === FUOTA)).toMatchObject({ requestType: 'Delete', status: 'SUCCESS', physicalId: failed.physicalId });
  expect(rollback.every((s) => s.status === 'SUCCESS')).toBe(true);
  // No orphan: every task made during the create is gone, its document too.
  expect(emulator.calls('CreateFuotaTask')).toHaveLength(1);
  expect(empty(emulator.snapshot())).toEqual(NOTHING);
});

test('a create failing in onEvent answers the framework marker, whose rollback Delete is ignored', async () => {
  emulator.faults.failCall('CreateFuotaTask', 1, { kind: 'error', type: 'ValidationException', status: 400, message: 'Firmware image refused (injected)' });
  const result = await replay.deploy(v1);
  expect(result.stackStatus).toBe('ROLLBACK_COMPLETE');
  const failed = result.steps.find((s) => s.status === 'FAILED')!;
  expect(failed).toMatchObject({ logicalId: FUOTA, physicalId: CREATE_FAILED_MARKER });
  expect(failed.reason).toMatch(/^CreateFuotaTask failed: ValidationException: Firmware image refused \(injected\)\n\nLogs: \/aws\/lambda\//);
  expect(result.steps.find((s) => s.phase === 'rollback' && s.logicalId === FUOTA)).toMatchObject({ requestType: 'Delete', status: 'IGNORED' });
  expect(emulator.calls('DeleteFuotaTask')).toHaveLength(0);
  expect(empty(emulator.snapshot())).toEqual(NOTHING);
});

test('an update refused by a started task rolls back to the previous state (UPDATE_ROLLBACK)', async () => {
  expect((await replay.deploy(v1)).succeeded).toBe(true);
  const before = emulator.snapshot();
  const result = await replay.deploy(startedTaskChange);
  expect(result).toMatchObject({ operation: 'UPDATE', stackStatus: 'UPDATE_ROLLBACK_COMPLETE', succeeded: false });
  const failed = result.steps.find((s) => s.status === 'FAILED')!;
  expect(failed).toMatchObject({ logicalId: FUOTA, requestType: 'Update', phase: 'deploy' });
  expect(failed.reason).toContain('has started');
  // The handler asked whether the stack was rolling back before refusing; it was not.
  expect(replay.describeStacksCalls).toContain('UPDATE_IN_PROGRESS');
  // The FUOTA task is updated back (nothing to change); the OTA task's replacement is deleted.
  expect(result.steps.find((s) => s.phase === 'rollback')).toMatchObject({ logicalId: FUOTA, requestType: 'Update', status: 'SUCCESS' });
  const cleanup = result.steps.filter((s) => s.phase === 'rollback-cleanup');
  expect(cleanup.map((s) => `${s.logicalId} ${s.requestType} ${s.status}`)).toEqual([`${HUB} Delete SUCCESS`]);
  const after = emulator.snapshot();
  const fuotaView = (snapshot: EmulatorSnapshot) => snapshot.fuotaTasks.map((t) => [
    t.id, t.fields.Description, t.wirelessDeviceIds.length, t.startTime,
  ]);
  expect(fuotaView(after)).toEqual(fuotaView(before));
  expect(after.fuotaTasks[0].wirelessDeviceIds).toHaveLength(3);
  expect(after.otaTasks.map((t) => t.id)).toEqual(before.otaTasks.map((t) => t.id));
  expect(after.s3Objects.map((o) => o.location)).toEqual(before.s3Objects.map((o) => o.location));
  expect(after.otaTaskConfigurations.map((c) => c.id)).toEqual(before.otaTaskConfigurations.map((c) => c.id));

  // The stack works on after the rollback: a good update, then the delete, leave nothing behind.
  expect((await replay.deploy(v2)).stackStatus).toBe('UPDATE_COMPLETE');
  expect((await replay.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  expect(empty(emulator.snapshot())).toEqual(NOTHING);
});
