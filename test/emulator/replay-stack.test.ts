// replayStack(): the programmatic replay users call from their own test suites (the README's Jest
// example is the first test), on an app that is not the example.
import * as fs from 'node:fs';
import { replayStack } from '../../src/emulator/replay-stack';
import { CONSUMER_STACKS, synthConsumerApp } from '../support/consumer-app';

jest.setTimeout(120_000);

let v1: string;
let v2: string;

beforeAll(() => {
  v1 = synthConsumerApp(1);
  v2 = synthConsumerApp(2);
});

afterAll(() => {
  for (const dir of [v1, v2]) fs.rmSync(dir, { recursive: true, force: true });
});

test('a stack creates and deletes cleanly (the README example)', async () => {
  const result = await replayStack(v2, { stack: 'Sensors' });
  expect(result.succeeded).toBe(true);
  expect(result.operations.map((operation) => operation.stackStatus)).toEqual(['CREATE_COMPLETE', 'DELETE_COMPLETE']);
  expect(result.tasksAfterDeploy).toEqual([expect.objectContaining({ kind: 'FuotaTask', name: undefined })]);
  expect(result.callsByOperation['iotwireless:CreateFuotaTask']).toBe(1);
  expect(result.leftAfterDelete).toEqual([]);
});

test('the token-valued description arrives resolved to the bucket placeholder', async () => {
  const result = await replayStack(v2, { stack: CONSUMER_STACKS.sensors, delete: false });
  const placeholder = result.skipped.find((resource) => resource.type === 'AWS::S3::Bucket' && resource.logicalId.startsWith('FirmwareUploads'))!;
  expect(placeholder).toBeDefined();
  const task = result.finalState.fuotaTasks[0];
  expect(task.fields.Description).toMatch(/^Sensor firmware 2 from \S+$/);
  // The placeholder the summary reports is the one the handler was given.
  expect(task.fields.Description).toBe(`Sensor firmware 2 from ${placeholder.placeholder}`);
  expect(result.operations).toHaveLength(1);
  expect(result.leftAfterDelete).toEqual([]);
});

test("the user's own Lambda and bucket are skipped with a reason, never deployed", async () => {
  const result = await replayStack(v2, { stack: CONSUMER_STACKS.sensors });
  const types = new Map(result.skipped.map((resource) => [resource.logicalId, resource]));
  const notifier = [...types.values()].find((resource) => resource.logicalId.startsWith('UploadNotifier') && resource.type === 'AWS::Lambda::Function')!;
  expect(notifier.reason).toMatch(/not deployed/);
  expect(notifier.ofLibrary).toBe(false);
  // The user's: their bucket, function and its role, the alarm they asked for; the rest is the library's.
  expect(result.skipped.filter((resource) => !resource.ofLibrary).map((resource) => resource.type).sort())
    .toEqual(['AWS::CloudWatch::Alarm', 'AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::S3::Bucket']);
  expect(result.skipped.filter((resource) => resource.ofLibrary).length).toBeGreaterThan(20);
  expect(result.skipped.every((resource) => resource.reason.length > 0 && resource.placeholder.length > 0)).toBe(true);
  expect(result.skipped.some((resource) => resource.type.startsWith('Custom::IoT'))).toBe(false);
});

test('an update from an older assembly updates the OTA task in place', async () => {
  const result = await replayStack(v2, { stack: CONSUMER_STACKS.hubs, updateFrom: v1 });
  expect(result.operations.map((operation) => `${operation.operation} ${operation.stackStatus}`)).toEqual([
    'CREATE CREATE_COMPLETE', 'UPDATE UPDATE_COMPLETE', 'DELETE DELETE_COMPLETE',
  ]);
  expect(result.callsByOperation['iotmanagedintegrations:UpdateOtaTask']).toBe(1);
  expect(result.tasksAfterDeploy).toEqual([expect.objectContaining({ kind: 'OtaTask', name: 'Hub firmware 4_0 for all hubs' })]);
  expect(result.leftAfterDelete).toEqual([]);
});

test('several library stacks and none named: a clear error', async () => {
  await expect(replayStack(v2)).rejects.toThrow(/Several stacks in .* have resources of cdk-iot-ota-tasks \(Sensors, Hubs, Rollouts\): name one/);
  await expect(replayStack('/nonexistent')).rejects.toThrow(/is not a cloud assembly \(no manifest.json\)/);
});

test.each([3, 11, 29])('seeded faults (seed %i): no orphan and no duplicate, whatever the outcome', async (seed) => {
  const result = await replayStack(v2, { stack: CONSUMER_STACKS.sensors, updateFrom: v1, seed, throttleRate: 0.3, serverErrorRate: 0.1 });
  expect(result.faultsInjected).toBeGreaterThan(0);
  expect(result.tasksAfterDeploy.filter((task) => task.kind === 'FuotaTask').length).toBeLessThanOrEqual(1);
  expect(result.leftAfterDelete).toEqual([]);
});
