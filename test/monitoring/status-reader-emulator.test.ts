// The one status reader against the emulator (not mocks): every FuotaDeviceStatus value counted as
// the service reports it across several pages, a task deleted under the reader, throttling retried,
// and an OTA task's processing details, with the real SDK client and the library's signed client.
import { DeleteFuotaTaskCommand } from '@aws-sdk/client-iot-wireless';
import { FuotaDeviceOutcome } from '../../emulator/campaign-outcomes';
import { FUOTA_FAILURE_STATUSES, readFuotaTaskProgress, readOtaTaskProgress } from '../../src/monitoring/status';
import { useCampaignEmulators } from '../emulator/support/campaign-emulator';

jest.setTimeout(60_000);

const { start, wireless, managed, startedFuotaTask: startedTask } = useCampaignEmulators();

const noWait = { sleep: async () => {}, random: () => 0 };

test('every device status, over several pages, as the service reports it at the end of the session', async () => {
  // One device per failure value and 300 successful ones: 310 devices, 2 pages of the 250 the reader asks for.
  const failing = FUOTA_FAILURE_STATUSES.map((status, i) => [`fail-${i}`, status] as const);
  const ids = [...failing.map(([id]) => id), ...Array.from({ length: 300 }, (_, i) => `ok-${i}`)];
  const script = Object.fromEntries(failing) as Record<string, FuotaDeviceOutcome>;
  const emulator = await start({ knownWirelessDevices: ids, fuotaOutcomes: { successShare: 1, script } });
  const taskId = await startedTask(emulator, ids);

  const before = await readFuotaTaskProgress(wireless(emulator), taskId, noWait);
  expect(before).toMatchObject({ status: 'FuotaSession_Waiting', running: true, finished: false, targets: 310, pending: 310, succeeded: 0, failed: 0, granularity: 'device' });

  emulator.clock.set(emulator.campaignEnd(taskId)!);
  const lists = emulator.calls('ListWirelessDevices').length;
  const after = await readFuotaTaskProgress(wireless(emulator), taskId, noWait);
  expect(after).toMatchObject({ status: 'FuotaDone', finished: true, running: false, targets: 310, succeeded: 300, failed: 10, pending: 0 });
  expect(after.failuresByReason).toEqual(Object.fromEntries(FUOTA_FAILURE_STATUSES.map((status) => [status, 1])));
  expect(FUOTA_FAILURE_STATUSES).toHaveLength(10);
  expect(emulator.calls('ListWirelessDevices').map((entry) => entry.status).slice(lists)).toEqual([200, 200]);
});

test('a task deleted under the reader is DELETED and finished', async () => {
  const emulator = await start({ knownWirelessDevices: ['dev-1'] });
  const taskId = await startedTask(emulator, ['dev-1']);
  await wireless(emulator).send(new DeleteFuotaTaskCommand({ Id: taskId }));
  expect(await readFuotaTaskProgress(wireless(emulator), taskId, noWait)).toMatchObject({ status: 'DELETED', finished: true, running: false });
});

test('throttled calls are retried until they go through', async () => {
  const emulator = await start({
    knownWirelessDevices: ['dev-1', 'dev-2'],
    faults: { calls: [{ operation: 'GetFuotaTask', call: 1, times: 2, action: { kind: 'error', type: 'ThrottlingException', status: 429, message: 'Rate exceeded' } }] },
  });
  const taskId = await startedTask(emulator, ['dev-1', 'dev-2']);
  const progress = await readFuotaTaskProgress(wireless(emulator), taskId, noWait);
  expect(progress).toMatchObject({ targets: 2, pending: 2 });
  expect(emulator.calls('GetFuotaTask').map((entry) => entry.status)).toEqual([429, 429, 200]);
});

test('an OTA task: the things per execution status from GetOtaTask alone', async () => {
  const things = [1, 2, 3, 4].map((n) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/hub000${n}`);
  const emulator = await start({ otaOutcomes: { successShare: 0.5, failureWeights: { TIMED_OUT: 1 } } });
  const client = managed(emulator);
  emulator.putObject('docs', 'job.json', '{}');
  const { TaskId } = await client.createOtaTask({ S3Url: 's3://docs/job.json', OtaType: 'ONE_TIME', Target: things, Protocol: 'HTTP', ClientToken: 'token-1' });
  emulator.clock.set(emulator.campaignEnd(TaskId!)!);
  const gets = emulator.calls('GetOtaTask').length;
  const progress = await readOtaTaskProgress(client, TaskId!, noWait);
  expect(progress).toMatchObject({ taskType: 'OtaTask', status: 'COMPLETED', finished: true, targets: 4, succeeded: 2, failed: 2, pending: 0, failuresByReason: { TIMED_OUT: 2 } });
  expect(emulator.calls('GetOtaTask').length - gets).toBe(1);
});
