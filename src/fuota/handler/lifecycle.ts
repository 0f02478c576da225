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
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFuotaTaskCommand,
} from '@aws-sdk/client-iot-wireless';
import { isStarted, liveFields } from './live-task';
import {
  changedInProperties,
  createFuotaTaskRequest,
  fieldsToUpdate,
  fuotaStartTime,
  removedTagKeys,
  setDifference,
  updateFuotaTaskRequest,
} from './requests';
import { StartedTaskGuard, startedTaskGuard, withoutUnclearableRemovals } from './rollback';
import { startFuotaTaskOnce } from './start-task';
import { FuotaTaskSpec, FuotaTaskStartSpec, parseFuotaTaskProperties } from './task-spec';
import { clientToken } from '../../shared/client-token';
import { HandlerInvocationContext } from '../../shared/handler-invocation';
import { pollAgain, pollingBudgetSpent, pollingStart } from '../../shared/polling-budget';
import { previousProperties } from '../../shared/previous-properties';
import { IsCompleteResponse, OnEventResponse, ProviderEvent } from '../../shared/provider-events';
import { callService, isNotFound, ServiceCallError } from '../../shared/service-call';
import { StackRollbackProbe } from '../../shared/stack-rollback';
import { FuotaTaskAttributes } from '../fuota-task.types';

/**
 * What one invocation works with. Everything that touches the outside world comes in here, so tests
 * drive the lifecycle with a mocked client and a fixed clock.
 */
export interface FuotaLifecycleContext extends HandlerInvocationContext {
  readonly client: IoTWirelessClient;
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
 * the live state, so it can run any number of times. Throttling that outlasts this invocation, or
 * associations left when the invocation's deadline comes, ask to be called again (the next call
 * diffs the live state anew, so nothing done is repeated); anything else fails the resource with
 * the task's real Id.
 */
export async function isComplete(event: ProviderEvent, ctx: FuotaLifecycleContext): Promise<IsCompleteResponse> {
  const id = event.PhysicalResourceId!;
  if (event.RequestType === 'Delete') return deletionFinished(event, ctx);
  const desired = parseFuotaTaskProperties(event.ResourceProperties);
  const previous = event.RequestType === 'Update' ? previousProperties(event, parseFuotaTaskProperties, ctx.log) : undefined;
  const guard = startedTaskGuard(new StackRollbackProbe(event.StackId, ctx), ctx.log);
  try {
    const task = await getTask(id, ctx);
    await convergeTags(task, desired, previous, ctx);
    await convergeAssociations(task, desired, previous, guard, ctx);
    await convergeStart(task, desired, previous, guard, ctx);
    return { IsComplete: true, Data: attributes(task) };
  } catch (error) {
    // Throttling or a 5xx that outlasted this invocation, or work left at its deadline: poll again
    // while the provider's budget lasts, then fail saying which (polling-budget.ts).
    if ((error instanceof ServiceCallError && error.transient) || error instanceof OutOfTime) {
      ctx.log({ phase: 'isComplete', taskId: id, retryLater: error.message });
      return pollAgain(event, ctx.now(), error instanceof OutOfTime ? `FuotaTask ${id}: ${error.next} and later steps still to do` : error.message);
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
  return { PhysicalResourceId: created.Id, Data: result, ...pollingStart(ctx.now()) };
}

async function onUpdate(event: ProviderEvent, ctx: FuotaLifecycleContext): Promise<OnEventResponse> {
  const id = event.PhysicalResourceId!;
  const desired = parseFuotaTaskProperties(event.ResourceProperties);
  const previous = previousProperties(event, parseFuotaTaskProperties, ctx.log);
  const task = await getTask(id, ctx);
  const live = liveFields(task);
  const probe = new StackRollbackProbe(event.StackId, ctx);
  let fields = fieldsToUpdate(live, desired, previous);
  if (fields.length > 0 && isStarted(task)) {
    // Only what the properties changed is refused (unless this is the rollback of the update that
    // started the task: a started task keeps the values it has, and the rollback goes on). A live
    // value that differs from an unchanged declared one stays, so a tag-only update still works.
    const asked = changedInProperties(fields, desired, previous);
    const drifted = fields.filter((field) => !asked.includes(field));
    if (drifted.length > 0) ctx.log({ taskId: id, note: `started task: live ${drifted.join(', ')} differ from the unchanged declared values; left as they are` });
    if (asked.length > 0) await startedTaskGuard(probe, ctx.log)(task, `change ${asked.join(', ')}`);
    fields = [];
  }
  // A value IoT Wireless cannot unset is refused in a forward update, kept during a rollback.
  if (fields.length > 0) fields = await withoutUnclearableRemovals(id, fields, desired, live, probe, ctx.log);
  if (fields.length > 0) {
    const request = updateFuotaTaskRequest(id, fields, desired);
    await call(ctx, 'UpdateFuotaTask', () => ctx.client.send(new UpdateFuotaTaskCommand(request)));
    ctx.log({ operation: 'UpdateFuotaTask', taskId: id, fields });
  }
  return { PhysicalResourceId: id, Data: attributes(task), ...pollingStart(ctx.now()) };
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
  // isComplete waits until the task is gone (deletion may be asynchronous: Delete_Waiting).
  return { PhysicalResourceId: id, ...pollingStart(ctx.now()) };
}

/**
 * A deleted task may linger in `Delete_Waiting` (the IoT Wireless FUOTA status page: a task deleted
 * in any other state shows it, and never leaves it). Until it is gone its devices or groups may
 * still be held, so deleting them (or giving them to another task) right after could fail: the
 * Delete completes only once GetFuotaTask answers 404. While the polling budget lasts it is polled
 * again; once the budget is spent, a task still in `Delete_Waiting` completes with a warning (the
 * deletion was accepted and cannot be undone, and failing the stack's Delete would not hurry it),
 * while a task in any other status fails: the service did not take the delete.
 */
async function deletionFinished(event: ProviderEvent, ctx: FuotaLifecycleContext): Promise<IsCompleteResponse> {
  const id = event.PhysicalResourceId!;
  let status: string | undefined;
  try {
    status = (await getTask(id, ctx)).Status;
  } catch (error) {
    if (isNotFound(error)) return { IsComplete: true };
    if (error instanceof ServiceCallError && error.transient) return pollAgain(event, ctx.now(), error.message);
    throw error;
  }
  ctx.log({ taskId: id, waitingForDeletion: status });
  const pending = `DeleteFuotaTask: task ${id} is still ${status ?? 'reported'} (not yet gone)`;
  if (status === 'Delete_Waiting' && pollingBudgetSpent(event, ctx.now())) {
    ctx.log({ taskId: id, warning: 'the task is still Delete_Waiting after the polling budget; the Delete completes, the task goes when IoT Wireless finishes' });
    return { IsComplete: true };
  }
  return pollAgain(event, ctx.now(), pending);
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
 * first, since a task holds devices or groups but never both. Before each call (and each page of
 * the lists) the invocation's deadline is checked; once it has passed, the rest is left to the next
 * isComplete.
 */
async function convergeAssociations(
  task: GetFuotaTaskResponse, desired: FuotaTaskSpec, previous: FuotaTaskSpec | undefined, guard: StartedTaskGuard, ctx: FuotaLifecycleContext,
) {
  const id = task.Id!;
  const devices = setDifference(desired.wirelessDeviceIds, await liveWirelessDevices(id, ctx));
  const groups = setDifference(desired.multicastGroupIds, await liveMulticastGroups(id, ctx));
  const changes = [...devices.add, ...devices.remove, ...groups.add, ...groups.remove];
  if (changes.length === 0) return;
  if (isStarted(task)) {
    // A started task's live associations can drift from an unchanged declared list (a device
    // deleted, a session ended): that is no change asked for, and it cannot be undone anyway.
    const declaredUnchanged = previous !== undefined && sameIds(previous.wirelessDeviceIds, desired.wirelessDeviceIds)
      && sameIds(previous.multicastGroupIds, desired.multicastGroupIds);
    if (declaredUnchanged) {
      ctx.log({ taskId: id, note: `started task: live associations differ from the unchanged declared list (${someOf(changes)}); left as they are` });
      return;
    }
    await guard(task, `change its devices or multicast groups (${someOf(changes)})`);
    return;
  }

  // Removals first: a task holds devices or groups, never both.
  for (const target of devices.remove) await changeMembership(ctx, id, 'DisassociateWirelessDeviceFromFuotaTask', { WirelessDeviceId: target });
  for (const target of groups.remove) await changeMembership(ctx, id, 'DisassociateMulticastGroupFromFuotaTask', { MulticastGroupId: target });
  for (const target of devices.add) await changeMembership(ctx, id, 'AssociateWirelessDeviceWithFuotaTask', { WirelessDeviceId: target });
  for (const target of groups.add) await changeMembership(ctx, id, 'AssociateMulticastGroupWithFuotaTask', { MulticastGroupId: target });
}

type MembershipOperation =
  'DisassociateWirelessDeviceFromFuotaTask' | 'DisassociateMulticastGroupFromFuotaTask' | 'AssociateWirelessDeviceWithFuotaTask' | 'AssociateMulticastGroupWithFuotaTask';

const MEMBERSHIP_COMMANDS: { readonly [operation in MembershipOperation]: new (input: any) => any } = {
  DisassociateWirelessDeviceFromFuotaTask: DisassociateWirelessDeviceFromFuotaTaskCommand,
  DisassociateMulticastGroupFromFuotaTask: DisassociateMulticastGroupFromFuotaTaskCommand,
  AssociateWirelessDeviceWithFuotaTask: AssociateWirelessDeviceWithFuotaTaskCommand,
  AssociateMulticastGroupWithFuotaTask: AssociateMulticastGroupWithFuotaTaskCommand,
};

/** One device or group (dis)associated, the deadline checked first. */
async function changeMembership(
  ctx: FuotaLifecycleContext, id: string, operation: MembershipOperation, member: { WirelessDeviceId: string } | { MulticastGroupId: string },
): Promise<void> {
  checkTime(ctx, operation);
  const Command = MEMBERSHIP_COMMANDS[operation];
  await call(ctx, operation, () => ctx.client.send(new Command({ Id: id, ...member })));
  const target = 'WirelessDeviceId' in member ? { wirelessDeviceId: member.WirelessDeviceId } : { multicastGroupId: member.MulticastGroupId };
  ctx.log({ operation, taskId: id, ...target });
}

/**
 * Start the task when asked and not yet started. A task cannot be un-started or rescheduled: a
 * request to do so is refused (except while the stack rolls back, see {@link startedTaskGuard}).
 * Leaving the start out is accepted (and logged) so the rollback of an update that started a task
 * still completes; so is a start delay that the previous properties had too, or that they had no
 * start to compare with: the task has started, as asked. A different delay, or a delay replacing a
 * fixed time, is a change; a fixed time is compared with the live start time, to the second.
 */
async function convergeStart(
  task: GetFuotaTaskResponse, desired: FuotaTaskSpec, previous: FuotaTaskSpec | undefined, guard: StartedTaskGuard, ctx: FuotaLifecycleContext,
) {
  const id = task.Id!;
  const start = desired.start;
  if (isStarted(task)) {
    const liveStart = task.LoRaWAN?.StartTime;
    if (!start) {
      ctx.log({ taskId: id, note: 'the task has started and cannot be un-started; start left as it is' });
    } else if ('time' in start) {
      // The service may keep fewer digits than it was sent: the same second is the same start.
      if (liveStart && wholeSeconds(start.time) !== wholeSeconds(liveStart)) {
        await guard(task, `reschedule its start from ${liveStart.toISOString()} to ${start.time.toISOString()}`, new Error(
          `FuotaTask ${id} was already started for ${liveStart.toISOString()} and IoT Wireless cannot reschedule it to ` +
          `${start.time.toISOString()}. Create a new FuotaTask (a new construct id) for a new schedule.`,
        ));
      }
    } else if (previous?.start && !sameStart(previous.start, start)) {
      await guard(task, `change its start to ${describeStart(start)} (it was ${describeStart(previous.start)}; started for ${liveStart?.toISOString() ?? 'an unreported time'})`);
    } else {
      ctx.log({ taskId: id, note: `the task has already started (at ${liveStart?.toISOString()}); the start delay applies only to a task not yet started` });
    }
    return;
  }
  if (!start) return;
  const startTime = fuotaStartTime(start, new Date(ctx.now()));
  checkTime(ctx, 'StartFuotaTask');
  // A retried start whose first answer was lost meets "already started": the start happened.
  const outcome = await startFuotaTaskOnce(ctx.client, id, startTime, (operation, send) => call(ctx, operation, send));
  ctx.log(outcome === 'started'
    ? { operation: 'StartFuotaTask', taskId: id, startTime: startTime.toISOString() }
    : { operation: 'StartFuotaTask', taskId: id, note: 'a retried start found the task already started' });
}


/** Ids listed in a message: a few, so the CloudFormation response stays under its 4 KB. */
const MAX_IDS_SHOWN = 10;

function someOf(ids: readonly string[]): string {
  const shown = ids.slice(0, MAX_IDS_SHOWN).join(', ');
  return ids.length > MAX_IDS_SHOWN ? `${shown} and ${ids.length - MAX_IDS_SHOWN} more` : shown;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  const difference = setDifference(a, b);
  return difference.add.length === 0 && difference.remove.length === 0;
}

function sameStart(a: FuotaTaskStartSpec, b: FuotaTaskStartSpec): boolean {
  if ('delaySeconds' in a) return 'delaySeconds' in b && a.delaySeconds === b.delaySeconds;
  return 'time' in b && wholeSeconds(a.time) === wholeSeconds(b.time);
}

function describeStart(start: FuotaTaskStartSpec): string {
  return 'delaySeconds' in start ? `${start.delaySeconds} seconds after deployment` : start.time.toISOString();
}

function wholeSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/**
 * Thrown when this invocation's deadline has come before the next list page, association or start:
 * isComplete then asks to be called again rather than risk being cut off mid-way. Every step is
 * idempotent and the next call diffs the live state again, so nothing done is repeated.
 */
class OutOfTime extends Error {
  constructor(public readonly next: string) {
    super(`no time left in this invocation for ${next}; the next isComplete goes on from the live state`);
    this.name = 'OutOfTime';
  }
}

function checkTime(ctx: FuotaLifecycleContext, next: string): void {
  if (ctx.now() >= ctx.deadline) throw new OutOfTime(next);
}

async function getTask(id: string, ctx: FuotaLifecycleContext): Promise<GetFuotaTaskResponse> {
  return call(ctx, 'GetFuotaTask', () => ctx.client.send(new GetFuotaTaskCommand({ Id: id })));
}

async function liveWirelessDevices(id: string, ctx: FuotaLifecycleContext): Promise<string[]> {
  return everyPage(ctx, 'ListWirelessDevices', async (token) => {
    const page = await ctx.client.send(new ListWirelessDevicesCommand({ FuotaTaskId: id, NextToken: token }));
    return { ids: (page.WirelessDeviceList ?? []).map((device) => device.Id!), next: page.NextToken };
  });
}

async function liveMulticastGroups(id: string, ctx: FuotaLifecycleContext): Promise<string[]> {
  return everyPage(ctx, 'ListMulticastGroupsByFuotaTask', async (token) => {
    const page = await ctx.client.send(new ListMulticastGroupsByFuotaTaskCommand({ Id: id, NextToken: token }));
    return { ids: (page.MulticastGroupList ?? []).map((group) => group.Id!), next: page.NextToken };
  });
}

/** The ids of every page of a list operation, the deadline checked before each page. */
async function everyPage(
  ctx: FuotaLifecycleContext, operation: string, page: (token: string | undefined) => Promise<{ ids: string[]; next?: string }>,
): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    checkTime(ctx, operation);
    const answer = await call(ctx, operation, () => page(token));
    ids.push(...answer.ids);
    token = answer.next || undefined;
  } while (token);
  return ids;
}

function attributes(task: GetFuotaTaskResponse): FuotaTaskAttributes {
  return { Arn: task.Arn!, Id: task.Id! };
}

function call<T>(ctx: FuotaLifecycleContext, operation: string, send: () => Promise<T>): Promise<T> {
  return callService(operation, send, ctx);
}
