// How far one FUOTA task of AWS IoT Wireless got, from its status and its devices' FUOTA status.
//
// Calls per read: GetFuotaTask, then ListWirelessDevices filtered by the task, 250 devices a page
// (the model's maximum): 1 + ceil(devices / 250) for a task of devices, the API's floor. Only when
// that list is empty does ListMulticastGroupsByFuotaTask follow (one call per 250 groups), to tell
// a task of multicast groups from a task with no targets.
//
// ASSUMED (multicast groups; not documented, read from the model iot-wireless 2020-11-22):
// `WirelessDeviceStatistics` carries `FuotaDeviceStatus` beside `MulticastDeviceStatus` and
// `McGroupId`, and each is filled by the filter that asks for it. ListWirelessDevices with
// `FuotaTaskId` lists the devices associated with the task (AssociateWirelessDeviceWithFuotaTask)
// with their FuotaDeviceStatus; ListWirelessDevices with `MulticastGroupId` lists a group's members
// with their MulticastDeviceStatus (the group's own setup, a free-form string), not a FUOTA
// outcome. So the FUOTA outcome of a device reached through a group is not knowable: a task whose
// device list is empty but which has groups is reported with `granularity: 'group'`, `targets` the
// number of groups, `pending` the same while the task is not finished, and only the task status
// saying how it ended. Safe either way: if the service does list a group's members under the
// task's id, they are counted per device like any other (a task holds devices or groups, never
// both, so nothing is counted twice).
import {
  GetFuotaTaskCommand,
  IoTWirelessClient,
  ListMulticastGroupsByFuotaTaskCommand,
  ListWirelessDevicesCommand,
} from '@aws-sdk/client-iot-wireless';
import { allPages } from './pages';
import { ReadOptions, ServiceCaller, serviceCaller } from './read-options';
import { isNotFound } from '../../shared/service-call';
import { CAMPAIGN_TASK_TYPES, FUOTA_FINISHED_STATUSES } from '../campaign-metrics';
import { TargetStatus, TaskProgress } from '../task-progress';
import { deletedTask, tally, TargetOutcome } from './progress-counts';

/** The model's page size maximum (`MaxResults`, 0..250). */
const PAGE_SIZE = 250;

/** The FuotaDeviceStatus values that mean the device did not take the firmware (the model's ten). */
export const FUOTA_FAILURE_STATUSES: readonly string[] = [
  'Package_Not_Supported', 'FragAlgo_unsupported', 'Not_enough_memory', 'FragIndex_unsupported', 'Wrong_descriptor',
  'SessionCnt_replay', 'MissingFrag', 'MemoryError', 'MICError', 'Device_exist_in_conflict_fuota_task',
];

/** Task statuses of a started task that has not finished: the session is being set up or runs. */
const FUOTA_RUNNING_STATUSES: readonly string[] = ['FuotaSession_Waiting', 'In_FuotaSession'];

export async function readFuotaTaskProgress(client: IoTWirelessClient, taskId: string, options?: ReadOptions): Promise<TaskProgress> {
  const call = serviceCaller(options);
  try {
    const task = await call('GetFuotaTask', () => client.send(new GetFuotaTaskCommand({ Id: taskId })));
    const status = task.Status ?? 'Unknown';
    const finished = FUOTA_FINISHED_STATUSES.includes(status);
    const startTime = task.LoRaWAN?.StartTime?.toISOString();
    const base = {
      taskType: CAMPAIGN_TASK_TYPES.fuota,
      taskId,
      status,
      finished,
      running: FUOTA_RUNNING_STATUSES.includes(status),
      ...(startTime && { startTime }),
      ...(task.Arn && { arn: task.Arn }),
    };
    const devices = await listDevices(client, taskId, call);
    if (devices.length === 0) {
      const groups = await countMulticastGroups(client, taskId, call);
      if (groups > 0) return { ...base, ...groupCounts(groups, finished), granularity: 'group' };
    }
    const targets = devices.map((device): TargetStatus => ({ targetId: device.id, status: device.status ?? 'Initial', outcome: deviceOutcome(device.status).outcome }));
    return {
      ...base,
      ...tally(devices.map((device) => deviceOutcome(device.status))),
      granularity: 'device',
      ...(options?.withTargets ? { targetStatuses: targets } : {}),
    };
  } catch (error) {
    if (isNotFound(error)) return deletedTask(CAMPAIGN_TASK_TYPES.fuota, taskId);
    throw error;
  }
}

/**
 * `Initial` and an absent status are pending; so is a value the model does not list yet, rather
 * than being counted as a failure it may not be.
 */
function deviceOutcome(status: string | undefined): TargetOutcome {
  if (status === 'Successful') return { outcome: 'succeeded' };
  if (status && FUOTA_FAILURE_STATUSES.includes(status)) return { outcome: 'failed', reason: status };
  return { outcome: 'pending' };
}

function groupCounts(groups: number, finished: boolean) {
  return { targets: groups, succeeded: 0, failed: 0, pending: finished ? 0 : groups, failuresByReason: {} };
}

/** The task's devices with their FuotaDeviceStatus, all pages. */
async function listDevices(client: IoTWirelessClient, taskId: string, call: ServiceCaller): Promise<{ id: string; status?: string }[]> {
  return allPages('ListWirelessDevices', call, async (token) => {
    const page = await client.send(new ListWirelessDevicesCommand({ FuotaTaskId: taskId, MaxResults: PAGE_SIZE, NextToken: token }));
    return { items: (page.WirelessDeviceList ?? []).map((device) => ({ id: device.Id ?? '?', status: device.FuotaDeviceStatus })), nextToken: page.NextToken };
  });
}

async function countMulticastGroups(client: IoTWirelessClient, taskId: string, call: ServiceCaller): Promise<number> {
  const groups = await allPages('ListMulticastGroupsByFuotaTask', call, async (token) => {
    const page = await client.send(new ListMulticastGroupsByFuotaTaskCommand({ Id: taskId, MaxResults: PAGE_SIZE, NextToken: token }));
    return { items: page.MulticastGroupList, nextToken: page.NextToken };
  });
  return groups.length;
}
