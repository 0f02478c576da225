import {
  AssociateMulticastGroupWithFuotaTaskCommand,
  AssociateWirelessDeviceWithFuotaTaskCommand,
  CreateFuotaTaskCommand,
  DeleteFuotaTaskCommand,
  DisassociateMulticastGroupFromFuotaTaskCommand,
  DisassociateWirelessDeviceFromFuotaTaskCommand,
  GetFuotaTaskCommand,
  GetFuotaTaskResponse,
  IoTWirelessClient,
  ListMulticastGroupsByFuotaTaskCommand,
  ListWirelessDevicesCommand,
  StartFuotaTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFuotaTaskCommand,
} from '@aws-sdk/client-iot-wireless';
import { isStarted, liveFields } from './live-task';
import {
  createFuotaTaskRequest,
  fieldsToUpdate,
  fuotaStartTime,
  removedTagKeys,
  setDifference,
  updateFuotaTaskRequest,
} from './requests';
import { FuotaTaskSpec, parseFuotaTaskProperties } from './task-spec';
import { clientToken } from '../../shared/client-token';
import { IsCompleteResponse, OnEventResponse, ProviderEvent } from '../../shared/provider-events';
import { callService, isNotFound, ServiceCallError } from '../../shared/service-call';
import { FuotaTaskAttributes } from '../fuota-task.types';

/**
 * What one invocation works with. Everything that touches the outside world comes in here, so tests
 * drive the lifecycle with a mocked client and a fixed clock.
 */
export interface FuotaLifecycleContext {
  readonly client: IoTWirelessClient;
  /** Epoch milliseconds after which no new service call starts. */
  readonly deadline: number;
  readonly now: () => number;
  readonly log: (entry: Record<string, unknown>) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/**
 * onEvent: the one step of each request that decides the physical id. Create makes the task and
 * returns its Id at once, so any later failure (associations, start, tags: all in isComplete)
 * reports the real Id and CloudFormation's rollback Delete removes the task. Nothing is orphaned.
 */
export async function onEvent(event: ProviderEvent, ctx: FuotaLifecycleContext): Promise<OnEventResponse> {
  switch (event.RequestType) {
    case 'Create': return onCreate(event, ctx);
    case 'Update': return onUpdate(event, ctx);
    case 'Delete': return onDelete(event, ctx);
  }
}

/**
 * isComplete: converge what hangs off the task (tags, device or group associations, the start) on
 * the live state, so it can run any number of times. Throttling that outlasts this invocation asks
 * to be called again; anything else fails the resource with the task's real Id.
 */
export async function isComplete(event: ProviderEvent, ctx: FuotaLifecycleContext): Promise<IsCompleteResponse> {
  if (event.RequestType === 'Delete') {
    return { IsComplete: true };
  }
  const id = event.PhysicalResourceId!;
  const desired = parseFuotaTaskProperties(event.ResourceProperties);
  const previous = event.RequestType === 'Update' ? previousSpec(event, ctx) : undefined;
  try {
    const task = await getTask(id, ctx);
    await convergeTags(task, desired, previous, ctx);
    await convergeAssociations(task, desired, ctx);
    await convergeStart(task, desired, ctx);
    return { IsComplete: true, Data: attributes(task) };
  } catch (error) {
    if (error instanceof ServiceCallError && error.transient) {
      ctx.log({ phase: 'isComplete', taskId: id, retryLater: error.message });
      return { IsComplete: false };
    }
    throw error;
  }
}

async function onCreate(event: ProviderEvent, ctx: FuotaLifecycleContext): Promise<OnEventResponse> {
  const desired = parseFuotaTaskProperties(event.ResourceProperties);
  const request = createFuotaTaskRequest(desired, clientToken(event));
  const created = await call(ctx, 'CreateFuotaTask', () => ctx.client.send(new CreateFuotaTaskCommand(request)));
  ctx.log({ operation: 'CreateFuotaTask', taskId: created.Id });
  const result: FuotaTaskAttributes = { Arn: created.Arn!, Id: created.Id! };
  return { PhysicalResourceId: created.Id, Data: result };
}

async function onUpdate(event: ProviderEvent, ctx: FuotaLifecycleContext): Promise<OnEventResponse> {
  const id = event.PhysicalResourceId!;
  const desired = parseFuotaTaskProperties(event.ResourceProperties);
  const previous = previousSpec(event, ctx);
  const task = await getTask(id, ctx);
  const fields = fieldsToUpdate(liveFields(task), desired, previous);
  if (fields.length > 0) {
    refuseIfStarted(task, `change ${fields.join(', ')}`);
    const request = updateFuotaTaskRequest(id, fields, desired);
    await call(ctx, 'UpdateFuotaTask', () => ctx.client.send(new UpdateFuotaTaskCommand(request)));
    ctx.log({ operation: 'UpdateFuotaTask', taskId: id, fields });
  }
  return { PhysicalResourceId: id, Data: attributes(task) };
}

async function onDelete(event: ProviderEvent, ctx: FuotaLifecycleContext): Promise<OnEventResponse> {
  const id = event.PhysicalResourceId!;
  try {
    await call(ctx, 'DeleteFuotaTask', () => ctx.client.send(new DeleteFuotaTaskCommand({ Id: id })));
    ctx.log({ operation: 'DeleteFuotaTask', taskId: id });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    ctx.log({ operation: 'DeleteFuotaTask', taskId: id, result: 'already gone' });
  }
  return { PhysicalResourceId: id };
}

async function convergeTags(task: GetFuotaTaskResponse, desired: FuotaTaskSpec, previous: FuotaTaskSpec | undefined, ctx: FuotaLifecycleContext) {
  const arn = task.Arn!;
  const removed = removedTagKeys(previous?.tags ?? [], desired.tags);
  if (removed.length > 0) {
    await call(ctx, 'UntagResource', () => ctx.client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: removed })));
    ctx.log({ operation: 'UntagResource', taskId: task.Id, keys: removed });
  }
  if (desired.tags.length > 0) {
    await call(ctx, 'TagResource', () => ctx.client.send(new TagResourceCommand({ ResourceArn: arn, Tags: desired.tags })));
    ctx.log({ operation: 'TagResource', taskId: task.Id, keys: desired.tags.map((tag) => tag.Key) });
  }
}

/**
 * Diff the wanted devices and groups against the task's live associations, never against the
 * previous properties: after a partial failure the live state is the only truth. Removals go
 * first, since a task holds devices or groups but never both.
 */
async function convergeAssociations(task: GetFuotaTaskResponse, desired: FuotaTaskSpec, ctx: FuotaLifecycleContext) {
  const id = task.Id!;
  const devices = setDifference(desired.wirelessDeviceIds, await liveWirelessDevices(id, ctx));
  const groups = setDifference(desired.multicastGroupIds, await liveMulticastGroups(id, ctx));
  const changes = [...devices.add, ...devices.remove, ...groups.add, ...groups.remove];
  if (changes.length === 0) return;
  refuseIfStarted(task, `change its devices or multicast groups (${changes.join(', ')})`);

  for (const deviceId of devices.remove) {
    await call(ctx, 'DisassociateWirelessDeviceFromFuotaTask', () => ctx.client.send(
      new DisassociateWirelessDeviceFromFuotaTaskCommand({ Id: id, WirelessDeviceId: deviceId })));
    ctx.log({ operation: 'DisassociateWirelessDeviceFromFuotaTask', taskId: id, wirelessDeviceId: deviceId });
  }
  for (const groupId of groups.remove) {
    await call(ctx, 'DisassociateMulticastGroupFromFuotaTask', () => ctx.client.send(
      new DisassociateMulticastGroupFromFuotaTaskCommand({ Id: id, MulticastGroupId: groupId })));
    ctx.log({ operation: 'DisassociateMulticastGroupFromFuotaTask', taskId: id, multicastGroupId: groupId });
  }
  for (const deviceId of devices.add) {
    await call(ctx, 'AssociateWirelessDeviceWithFuotaTask', () => ctx.client.send(
      new AssociateWirelessDeviceWithFuotaTaskCommand({ Id: id, WirelessDeviceId: deviceId })));
    ctx.log({ operation: 'AssociateWirelessDeviceWithFuotaTask', taskId: id, wirelessDeviceId: deviceId });
  }
  for (const groupId of groups.add) {
    await call(ctx, 'AssociateMulticastGroupWithFuotaTask', () => ctx.client.send(
      new AssociateMulticastGroupWithFuotaTaskCommand({ Id: id, MulticastGroupId: groupId })));
    ctx.log({ operation: 'AssociateMulticastGroupWithFuotaTask', taskId: id, multicastGroupId: groupId });
  }
}

/**
 * Start the task when asked and not yet started. A task cannot be un-started or rescheduled: a
 * request to do so is refused, except that leaving the start out is accepted (and logged) so the
 * rollback of an update that started a task still completes.
 */
async function convergeStart(task: GetFuotaTaskResponse, desired: FuotaTaskSpec, ctx: FuotaLifecycleContext) {
  const id = task.Id!;
  const start = desired.start;
  if (isStarted(task)) {
    const liveStart = task.LoRaWAN?.StartTime;
    if (start && 'time' in start && liveStart && start.time.getTime() !== liveStart.getTime()) {
      throw new Error(
        `FuotaTask ${id} was already started for ${liveStart.toISOString()} and IoT Wireless cannot reschedule it to ` +
        `${start.time.toISOString()}. Create a new FuotaTask (a new construct id) for a new schedule.`,
      );
    }
    if (!start) ctx.log({ taskId: id, note: 'the task has started and cannot be un-started; start left as it is' });
    if (start && 'delaySeconds' in start) ctx.log({ taskId: id, note: `the task has already started (at ${liveStart?.toISOString()}); the start delay applies only to a task not yet started` });
    return;
  }
  if (!start) return;
  const startTime = fuotaStartTime(start, new Date(ctx.now()));
  await call(ctx, 'StartFuotaTask', () => ctx.client.send(new StartFuotaTaskCommand({ Id: id, LoRaWAN: { StartTime: startTime } })));
  ctx.log({ operation: 'StartFuotaTask', taskId: id, startTime: startTime.toISOString() });
}

/**
 * The previous properties, read leniently: they were accepted when deployed, and a rule tightened
 * since must not block every later update. Unreadable ones count as absent (nothing to remove).
 */
function previousSpec(event: ProviderEvent, ctx: FuotaLifecycleContext): FuotaTaskSpec | undefined {
  try {
    return parseFuotaTaskProperties(event.OldResourceProperties);
  } catch (error) {
    ctx.log({ note: `previous properties ignored: ${(error as Error).message}` });
    return undefined;
  }
}

function refuseIfStarted(task: GetFuotaTaskResponse, change: string) {
  if (isStarted(task)) {
    throw new Error(
      `FuotaTask ${task.Id} has started (status ${task.Status}) and IoT Wireless accepts no changes after ` +
      `StartFuotaTask, so it cannot ${change}. Create a new FuotaTask (give it a new construct id) for the new campaign.`,
    );
  }
}

async function getTask(id: string, ctx: FuotaLifecycleContext): Promise<GetFuotaTaskResponse> {
  return call(ctx, 'GetFuotaTask', () => ctx.client.send(new GetFuotaTaskCommand({ Id: id })));
}

async function liveWirelessDevices(id: string, ctx: FuotaLifecycleContext): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const page = await call(ctx, 'ListWirelessDevices', () => ctx.client.send(
      new ListWirelessDevicesCommand({ FuotaTaskId: id, NextToken: token })));
    ids.push(...(page.WirelessDeviceList ?? []).map((device) => device.Id!));
    token = page.NextToken || undefined;
  } while (token);
  return ids;
}

async function liveMulticastGroups(id: string, ctx: FuotaLifecycleContext): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const page = await call(ctx, 'ListMulticastGroupsByFuotaTask', () => ctx.client.send(
      new ListMulticastGroupsByFuotaTaskCommand({ Id: id, NextToken: token })));
    ids.push(...(page.MulticastGroupList ?? []).map((group) => group.Id!));
    token = page.NextToken || undefined;
  } while (token);
  return ids;
}

function attributes(task: GetFuotaTaskResponse): FuotaTaskAttributes {
  return { Arn: task.Arn!, Id: task.Id! };
}

function call<T>(ctx: FuotaLifecycleContext, operation: string, send: () => Promise<T>): Promise<T> {
  return callService(operation, send, ctx);
}
