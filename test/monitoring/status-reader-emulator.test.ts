// The one status reader against the emulator (not mocks): every FuotaDeviceStatus value counted as
// the service reports it across several pages, a task deleted under the reader, throttling retried,
// and an OTA task's processing details, with the real SDK client and the library's signed client.
import { DeleteFuotaTaskCommand } from '@aws-sdk/client-iot-wireless';
import { runStatus, StatusDependencies } from '../../src/cli/status-command';
import { FuotaDeviceOutcome } from '../../src/emulator/campaign-outcomes';
import { FUOTA_TASK_RESOURCE_TYPE } from '../../src/fuota/fuota-task.types';
import { FUOTA_FAILURE_STATUSES, readFuotaTaskProgress, readOtaTaskProgress } from '../../src/monitoring/status';
import { OTA_TASK_RESOURCE_TYPE } from '../../src/ota/ota-task.types';
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

describe('each target, when asked for', () => {
  const thing = (n: number) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/hub${String(n).padStart(4, '0')}`;

  async function otaTask(emulator: Awaited<ReturnType<typeof start>>, things: string[]): Promise<string> {
    emulator.putObject('docs', 'job.json', '{}');
    const { TaskId } = await managed(emulator).createOtaTask({ S3Url: 's3://docs/job.json', OtaType: 'ONE_TIME', Target: things, Protocol: 'HTTP', ClientToken: 'token-1' });
    return TaskId!;
  }

  test('a FUOTA task\'s devices with their FuotaDeviceStatus, from the pages the counts are read from (no extra call)', async () => {
    const emulator = await start({ knownWirelessDevices: ['dev-1', 'dev-2', 'dev-3'], fuotaOutcomes: { successShare: 1, script: { 'dev-2': 'MissingFrag' } } });
    const taskId = await startedTask(emulator, ['dev-1', 'dev-2', 'dev-3']);
    emulator.clock.set(emulator.campaignEnd(taskId)!);
    const lists = emulator.calls('ListWirelessDevices').length;

    const progress = await readFuotaTaskProgress(wireless(emulator), taskId, { ...noWait, withTargets: true });

    expect([...progress.targetStatuses!].sort((a, b) => a.targetId.localeCompare(b.targetId))).toEqual([
      { targetId: 'dev-1', status: 'Successful', outcome: 'succeeded' },
      { targetId: 'dev-2', status: 'MissingFrag', outcome: 'failed' },
      { targetId: 'dev-3', status: 'Successful', outcome: 'succeeded' },
    ]);
    expect(emulator.calls('ListWirelessDevices').length - lists).toBe(1);
    expect((await readFuotaTaskProgress(wireless(emulator), taskId, noWait)).targetStatuses).toBeUndefined();
  });

  test('an OTA task\'s things from ListOtaTaskExecutions, 1,000 a page, agreeing with GetOtaTask\'s counts', async () => {
    const things = Array.from({ length: 1001 }, (_, i) => thing(i));
    const emulator = await start({ otaOutcomes: { successShare: 0.5, failureWeights: { TIMED_OUT: 1 } } });
    const taskId = await otaTask(emulator, things);
    emulator.clock.set(emulator.campaignEnd(taskId)!);

    const progress = await readOtaTaskProgress(managed(emulator), taskId, { ...noWait, withTargets: true });

    const targets = progress.targetStatuses!;
    expect(targets).toHaveLength(1001);
    expect(new Set(targets.map((t) => t.targetId))).toEqual(new Set(things.map((arn) => arn.slice(arn.lastIndexOf('/') + 1))));
    expect(targets.filter((t) => t.outcome === 'succeeded')).toHaveLength(progress.succeeded);
    expect(targets.filter((t) => t.status === 'TIMED_OUT')).toHaveLength(progress.failuresByReason.TIMED_OUT);
    const listed = emulator.calls('ListOtaTaskExecutions');
    expect(listed.map((entry) => entry.status)).toEqual([200, 200]);
  });

  test('an OTA task deleted between GetOtaTask and ListOtaTaskExecutions lists no targets', async () => {
    const emulator = await start({
      faults: { calls: [{ operation: 'ListOtaTaskExecutions', call: 1, action: { kind: 'error', type: 'ResourceNotFoundException', status: 404, message: 'no such task' } }] },
    });
    const taskId = await otaTask(emulator, [thing(1)]);
    const progress = await readOtaTaskProgress(managed(emulator), taskId, { ...noWait, withTargets: true });
    expect(progress.targetStatuses).toEqual([]);
    expect(emulator.calls('ListOtaTaskExecutions').map((entry) => entry.status)).toEqual([404]);
  });

  test('status --targets prints the targets under each task, capped by --targets-limit', async () => {
    const devices = ['dev-1', 'dev-2', 'dev-3', 'dev-4'];
    const emulator = await start({ knownWirelessDevices: devices, fuotaOutcomes: { successShare: 1, script: { 'dev-3': 'MICError' } } });
    const fuotaId = await startedTask(emulator, devices);
    const otaId = await otaTask(emulator, [thing(1)]);
    emulator.clock.set(emulator.campaignEnd(fuotaId)!);
    let output = '';
    const deps: StatusDependencies = {
      stacks: {
        resources: async () => ({
          resources: [
            { logicalResourceId: 'Sensors', physicalResourceId: fuotaId, resourceType: FUOTA_TASK_RESOURCE_TYPE, resourceStatus: 'CREATE_COMPLETE' },
            { logicalResourceId: 'Hubs', physicalResourceId: otaId, resourceType: OTA_TASK_RESOURCE_TYPE, resourceStatus: 'CREATE_COMPLETE' },
          ],
        }),
      },
      clients: { wireless: wireless(emulator), managedIntegrations: managed(emulator) },
      write: (text) => { output += text; },
      sleep: async () => {},
    };

    expect(await runStatus({ stack: 'Campaigns', watch: false, intervalSeconds: 30, targets: true, targetsLimit: 2 }, deps)).toBe(0);

    const lines = output.trimEnd().split('\n');
    expect(lines[0]).toBe('Campaigns: 2 tasks');
    expect(lines[1]).toMatch(/^FuotaTask Sensors\s+\[#{20}\]\s+100%\s+3 ok\s+1 failed/);
    expect(lines[2]).toBe('    dev-3  MICError');
    expect(lines[3]).toMatch(/^ {4}dev-\d {2}Successful$/);
    expect(lines[4]).toBe('    … and 2 more (--targets-limit)');
    expect(lines[5]).toMatch(/^OtaTask Hubs/);
    expect(lines[6]).toMatch(/^ {4}hub0001 {2}(SUCCEEDED|FAILED|TIMED_OUT|REJECTED|REMOVED|CANCELED|QUEUED|IN_PROGRESS)$/);
    expect(lines).toHaveLength(7);

    output = '';
    await runStatus({ stack: 'Campaigns', watch: false, intervalSeconds: 30 }, deps);
    expect(output.trimEnd().split('\n')).toHaveLength(3);
  });
});
