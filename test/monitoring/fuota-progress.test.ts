// The FUOTA status reader with a mocked IoT Wireless client: the exact calls it makes (every page
// of the task's devices, 250 at a time), how each FuotaDeviceStatus counts, a task of multicast
// groups, a task deleted under it, and throttling retried through the shared helper.
import {
  GetFuotaTaskCommand,
  IoTWirelessClient,
  ListMulticastGroupsByFuotaTaskCommand,
  ListWirelessDevicesCommand,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-iot-wireless';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { FUOTA_FAILURE_STATUSES, readFuotaTaskProgress } from '../../src/monitoring/status';

const iot = mockClient(IoTWirelessClient);
const client = new IoTWirelessClient({ region: 'eu-west-1' });
const TASK = 'a1b2c3d4-0000-4000-8000-00000000f00d';
const noSleep = { sleep: async () => undefined, random: () => 0 };

beforeEach(() => iot.reset());

function devices(...statuses: (string | undefined)[]) {
  return statuses.map((FuotaDeviceStatus, i) => ({ Id: `device-${i}`, FuotaDeviceStatus: FuotaDeviceStatus as never }));
}

test('reads every page of the devices, 250 at a time, and counts them', async () => {
  iot.on(GetFuotaTaskCommand).resolves({ Id: TASK, Status: 'In_FuotaSession' });
  iot.on(ListWirelessDevicesCommand, { FuotaTaskId: TASK, MaxResults: 250, NextToken: undefined })
    .resolves({ WirelessDeviceList: devices('Successful', 'Initial'), NextToken: 'page-2' });
  iot.on(ListWirelessDevicesCommand, { FuotaTaskId: TASK, MaxResults: 250, NextToken: 'page-2' })
    .resolves({ WirelessDeviceList: devices('MICError', 'Successful'), NextToken: 'page-3' });
  iot.on(ListWirelessDevicesCommand, { FuotaTaskId: TASK, MaxResults: 250, NextToken: 'page-3' })
    .resolves({ WirelessDeviceList: devices('MissingFrag') });
  const requests: string[] = [];

  const progress = await readFuotaTaskProgress(client, TASK, { onRequest: (operation) => requests.push(operation) });

  expect(progress).toEqual({
    taskType: 'FuotaTask',
    taskId: TASK,
    status: 'In_FuotaSession',
    finished: false,
    running: true,
    targets: 5,
    succeeded: 2,
    failed: 2,
    pending: 1,
    failuresByReason: { MICError: 1, MissingFrag: 1 },
    granularity: 'device',
  });
  expect(iot).toHaveReceivedCommandTimes(ListWirelessDevicesCommand, 3);
  // 1 + ceil(devices / 250): the devices were found, so the groups are not asked for.
  expect(requests).toEqual(['GetFuotaTask', 'ListWirelessDevices', 'ListWirelessDevices', 'ListWirelessDevices']);
  expect(iot).not.toHaveReceivedCommand(ListMulticastGroupsByFuotaTaskCommand);
});

test('every FuotaDeviceStatus of the model counts as pending, succeeded or a failure of its own reason', async () => {
  const all = ['Initial', 'Successful', ...FUOTA_FAILURE_STATUSES];
  expect(FUOTA_FAILURE_STATUSES).toHaveLength(10);
  iot.on(GetFuotaTaskCommand).resolves({ Id: TASK, Status: 'FuotaDone' });
  // A device without a status yet, and a value a later model may add, count as not yet done.
  iot.on(ListWirelessDevicesCommand).resolves({ WirelessDeviceList: devices(...all, undefined, 'Some_future_status') });

  const progress = await readFuotaTaskProgress(client, TASK);

  expect(progress).toMatchObject({ status: 'FuotaDone', finished: true, running: false, targets: 14, succeeded: 1, failed: 10, pending: 3 });
  expect(progress.failuresByReason).toEqual(Object.fromEntries(FUOTA_FAILURE_STATUSES.map((status) => [status, 1])));
});

test.each([
  ['Pending', false, false],
  ['FuotaSession_Waiting', true, false],
  ['In_FuotaSession', true, false],
  ['FuotaDone', false, true],
  ['Delete_Waiting', false, true],
])('task status %s: running %s, finished %s', async (status, running, finished) => {
  iot.on(GetFuotaTaskCommand).resolves({ Id: TASK, Status: status as never });
  iot.on(ListWirelessDevicesCommand).resolves({ WirelessDeviceList: devices('Initial') });
  expect(await readFuotaTaskProgress(client, TASK)).toMatchObject({ status, running, finished });
});

test('a task of multicast groups whose devices are not listed under the task reports group counts', async () => {
  iot.on(GetFuotaTaskCommand).resolves({ Id: TASK, Status: 'In_FuotaSession' });
  iot.on(ListWirelessDevicesCommand).resolves({ WirelessDeviceList: [] });
  iot.on(ListMulticastGroupsByFuotaTaskCommand, { Id: TASK, MaxResults: 250, NextToken: undefined })
    .resolves({ MulticastGroupList: [{ Id: 'group-1' }], NextToken: 'more' });
  iot.on(ListMulticastGroupsByFuotaTaskCommand, { Id: TASK, MaxResults: 250, NextToken: 'more' })
    .resolves({ MulticastGroupList: [{ Id: 'group-2' }] });

  expect(await readFuotaTaskProgress(client, TASK)).toEqual({
    taskType: 'FuotaTask',
    taskId: TASK,
    status: 'In_FuotaSession',
    finished: false,
    running: true,
    targets: 2,
    succeeded: 0,
    failed: 0,
    pending: 2,
    failuresByReason: {},
    granularity: 'group',
  });
});

test('a task of multicast groups whose members are listed under the task is counted per device', async () => {
  iot.on(GetFuotaTaskCommand).resolves({ Id: TASK, Status: 'In_FuotaSession' });
  iot.on(ListWirelessDevicesCommand).resolves({ WirelessDeviceList: devices('Successful', 'Initial') });
  iot.on(ListMulticastGroupsByFuotaTaskCommand).resolves({ MulticastGroupList: [{ Id: 'group-1' }] });

  expect(await readFuotaTaskProgress(client, TASK)).toMatchObject({ granularity: 'device', targets: 2, succeeded: 1, pending: 1 });
});

test('a task with neither devices nor groups has no targets', async () => {
  iot.on(GetFuotaTaskCommand).resolves({ Id: TASK, Status: 'Pending' });
  iot.on(ListWirelessDevicesCommand).resolves({});
  iot.on(ListMulticastGroupsByFuotaTaskCommand).resolves({});
  expect(await readFuotaTaskProgress(client, TASK)).toMatchObject({ granularity: 'device', targets: 0, pending: 0, finished: false });
});

test.each([
  ['GetFuotaTask', GetFuotaTaskCommand],
  ['ListWirelessDevices', ListWirelessDevicesCommand],
])('a task deleted under the reader (%s answers ResourceNotFound) is DELETED and finished', async (_operation, command) => {
  iot.on(GetFuotaTaskCommand).resolves({ Id: TASK, Status: 'In_FuotaSession' });
  iot.on(command as typeof GetFuotaTaskCommand).rejects(
    new ResourceNotFoundException({ message: 'FuotaTask not found', $metadata: { httpStatusCode: 404 } }));

  expect(await readFuotaTaskProgress(client, TASK)).toEqual({
    taskType: 'FuotaTask',
    taskId: TASK,
    status: 'DELETED',
    finished: true,
    running: false,
    targets: 0,
    succeeded: 0,
    failed: 0,
    pending: 0,
    failuresByReason: {},
    granularity: 'device',
  });
});

test('throttling is retried, then the read succeeds; every attempt is counted', async () => {
  const throttle = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
  iot.on(GetFuotaTaskCommand).rejectsOnce(throttle()).resolves({ Id: TASK, Status: 'In_FuotaSession' });
  iot.on(ListWirelessDevicesCommand).rejectsOnce(throttle()).rejectsOnce(throttle()).resolves({ WirelessDeviceList: devices('Successful') });
  let requests = 0;

  const progress = await readFuotaTaskProgress(client, TASK, { ...noSleep, onRequest: () => requests++ });

  expect(progress).toMatchObject({ targets: 1, succeeded: 1 });
  expect(requests).toBe(5);
});

test('throttling that outlasts the deadline fails with the operation and the service message', async () => {
  let clock = 0;
  iot.on(GetFuotaTaskCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));
  await expect(readFuotaTaskProgress(client, TASK, { deadline: 10_000, now: () => clock, sleep: async (ms) => { clock += ms + 5_000; } }))
    .rejects.toThrow('GetFuotaTask failed: ThrottlingException: Rate exceeded');
});
