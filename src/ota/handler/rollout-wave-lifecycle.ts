// The custom resource of an OtaRollout wave. No task is created at deployment: a Managed
// Integrations OTA task starts the moment it exists, so the rollout controller creates it once
// the wave's gate passes. The resource keeps the wave's record instead (../../rollout/handler/
// ota-wave-record.ts): Create and Update write it, Delete deletes the task the controller
// created, then the record.
//
// CloudFormation and the controller do not fight: a wave not started yet takes any change (its
// record is rewritten, with a new client token when the request changed); a started wave takes
// only what UpdateOtaTask changes in place (description, task configuration) and refuses the
// rest, except while the stack rolls back (the old properties are then recorded, the task stays).
import type { OtaLifecycleContext } from './lifecycle';
import type { CreateOtaTaskRequest, GetOtaTaskResponse } from './managed-integrations-client';
import { IN_PLACE_FIELDS, jobDocumentKey, s3UrlOf } from './ota-requests';
import { OtaTaskSpec, parseOtaTaskProperties } from './ota-specs';
import { keepOrRefuseRemovals } from './rollback';
import { otaTaskGone } from './task-gone';
import { convergeTaskTags } from './task-tags';
import {
  OtaWaveRecord, readWaveRecord, recordLocation, RecordLocation, recordPhysicalId, recordStarted, rolloutTagsOf, WAVE_RECORD_FORMAT,
  writeWaveRecord,
} from '../../rollout/handler/ota-wave-record';
import { CONTROLLER_TAG_KEYS, ROLLOUT_TAGS } from '../../rollout/rollout-tags';
import { clientToken } from '../../shared/client-token';
import { isRollingBack } from '../../shared/cloudformation-stack-status';
import { pollAgain, pollingStart } from '../../shared/polling-budget';
import { IsCompleteResponse, OnEventResponse, ProviderEvent } from '../../shared/provider-events';
import { callService, isNotFound, ServiceCallError } from '../../shared/service-call';
import { StackRollbackProbe } from '../../shared/stack-rollback';

/** Fields a created OTA task cannot change (UpdateOtaTask takes only Description and TaskConfigurationId). */
const FIXED_AT_CREATION = ['Target', 'OtaType', 'Protocol', 'OtaMechanism', 'OtaSchedulingConfig', 'OtaTaskExecutionRetryConfig', 'S3Url'] as const;

/** What the controller and `approve` wrote into a record's tags: kept across every redeployment. */
const RECORDED_KEYS: readonly string[] = [...CONTROLLER_TAG_KEYS, ROLLOUT_TAGS.approved];

export async function onWaveEvent(event: ProviderEvent, ctx: OtaLifecycleContext): Promise<OnEventResponse> {
  switch (event.RequestType) {
    case 'Create': return writeWave(event, ctx, undefined);
    case 'Update': return updateWave(event, ctx);
    case 'Delete': return deleteWave(event, ctx);
  }
}

/** Delete: wait until the wave's task is gone, then remove its document and its record. */
export async function isWaveComplete(event: ProviderEvent, ctx: OtaLifecycleContext): Promise<IsCompleteResponse> {
  if (event.RequestType !== 'Delete') return { IsComplete: true };
  const location = recordLocation(event.PhysicalResourceId ?? '');
  if (!location) return { IsComplete: true };
  const taskId = typeof event.Data?.TaskId === 'string' ? event.Data.TaskId : undefined;
  try {
    if (taskId && !(await otaTaskGone(taskId, ctx))) return pollAgain(event, ctx.now(), `DeleteOtaTask: task ${taskId} is still being deleted`);
    const record = await call(ctx, 'GetObject', () => readWaveRecord(ctx.documents, location));
    const waiting = record && await createStillPossible(record, ctx);
    if (waiting) return pollAgain(event, ctx.now(), waiting);
    if (record?.document) await call(ctx, 'DeleteObject', () => ctx.documents.delete(record.document!.bucket, record.document!.key));
    await call(ctx, 'DeleteObject', () => ctx.documents.delete(location.bucket, location.key));
    ctx.log({ operation: 'DeleteObject', record: location.key, document: record?.document?.key });
    return { IsComplete: true };
  } catch (error) {
    if (error instanceof ServiceCallError && error.transient) return pollAgain(event, ctx.now(), error.message);
    throw error;
  }
}

/**
 * Writes the wave's record: a new one on Create (named by the request's client token), the same
 * one on Update, keeping what the controller and `approve` recorded. The job document is stored
 * first, so a record never names a document that is not there.
 */
async function writeWave(event: ProviderEvent, ctx: OtaLifecycleContext, existing: { location: RecordLocation; record?: OtaWaveRecord } | undefined) {
  const spec = parseOtaTaskProperties(event.ResourceProperties);
  const bucket = event.ResourceProperties.WaveRecordBucket;
  if (typeof bucket !== 'string' || bucket === '') throw new Error('Invalid OtaRollout wave properties: WaveRecordBucket must name the library bucket');
  const token = clientToken(event);
  const location = existing?.location ?? recordLocation(recordPhysicalId(bucket, token))!;
  const { request, document } = await storedRequest(spec, token, ctx);
  const recorded = Object.fromEntries(Object.entries(existing?.record?.tags ?? {}).filter(([key]) => RECORDED_KEYS.includes(key)));
  const tags = { ...rolloutTagsOf(spec.tags), ...recorded };
  const record: OtaWaveRecord = { format: WAVE_RECORD_FORMAT, request, clientToken: token, document, tags };
  await call(ctx, 'PutObject', () => writeWaveRecord(ctx.documents, location, record));
  ctx.log({ operation: 'PutObject', record: location.key, wave: record.tags[ROLLOUT_TAGS.wave], rollout: record.tags[ROLLOUT_TAGS.rollout] });
  const old = existing?.record?.document;
  if (old && old.key !== document?.key) {
    // Best effort: the wave no longer uses it, and a leftover must not fail the update.
    await call(ctx, 'DeleteObject', () => ctx.documents.delete(old.bucket, old.key)).catch((error) => ctx.log({ leftBehind: old.key, because: (error as Error).message }));
  }
  return { PhysicalResourceId: `${location.bucket}/${location.key}` };
}

/** The CreateOtaTask request of a wave, its library-stored job document written when it has one. */
async function storedRequest(spec: OtaTaskSpec, token: string, ctx: OtaLifecycleContext) {
  const tags = Object.keys(spec.tags).length > 0 ? spec.tags : undefined;
  if (spec.document.kind === 'url') return { request: { ...spec.fields, S3Url: spec.document.s3Url, Tags: tags } as Omit<CreateOtaTaskRequest, 'ClientToken'>, document: undefined };
  const document = { bucket: spec.document.bucket, key: jobDocumentKey(token, spec.document.content) };
  const content = spec.document.content;
  await call(ctx, 'PutObject', () => ctx.documents.put(document.bucket, document.key, content));
  return { request: { ...spec.fields, S3Url: s3UrlOf(document.bucket, document.key), Tags: tags } as Omit<CreateOtaTaskRequest, 'ClientToken'>, document };
}

async function updateWave(event: ProviderEvent, ctx: OtaLifecycleContext): Promise<OnEventResponse> {
  const location = recordLocation(event.PhysicalResourceId ?? '');
  // A resource whose create failed has no record: it gets one now, under a new name.
  if (!location) return writeWave(event, ctx, undefined);
  const stored = await call(ctx, 'GetObject', () => readWaveRecord(ctx.documents, location));
  const record = stored && await withCreatedTask(stored, event, ctx);
  if (!record || !recordStarted(record)) return writeWave(event, ctx, { location, record });

  // Started: compare what the task was created with against what is asked now.
  const spec = parseOtaTaskProperties(event.ResourceProperties);
  const asked = { ...spec.fields, S3Url: spec.document.kind === 'url' ? spec.document.s3Url : undefined };
  const storedSame = spec.document.kind === 'stored' && record.document !== undefined
    && jobDocumentKey(record.clientToken, spec.document.content) === record.document.key;
  const changed = FIXED_AT_CREATION.filter((field) => field === 'S3Url'
    ? !(storedSame || (asked.S3Url !== undefined && asked.S3Url === record.request.S3Url))
    : JSON.stringify(asked[field] ?? null) !== JSON.stringify(record.request[field] ?? null));
  const task = `OTA task ${record.taskId}`;
  if (changed.length > 0) {
    const refusal = new Error(
      `OtaRollout wave ${event.LogicalResourceId} (${record.tags[ROLLOUT_TAGS.rollout]} wave ${record.tags[ROLLOUT_TAGS.wave]}) has started: ` +
      `the rollout controller created ${task}, and IoT Managed Integrations accepts no change to a task's ${changed.join(', ')} after CreateOtaTask. ` +
      'Create a new rollout (give it a new construct id or rolloutName) for the new campaign.',
    );
    const status = await new StackRollbackProbe(event.StackId, ctx).stackStatus();
    if (!isRollingBack(status)) throw refusal;
    ctx.log({ stackStatus: status, warning: `${refusal.message} The stack is rolling back: the task is left as it is and this rollback goes on.` });
    return { PhysicalResourceId: event.PhysicalResourceId! };
  }
  // A removed description or task configuration cannot be cleared: refused, or kept in a rollback.
  const removals = IN_PLACE_FIELDS.filter(([field]) => spec.fields[field] === undefined && record.request[field] !== undefined);
  await keepOrRefuseRemovals({
    name: `OtaRollout wave ${event.LogicalResourceId} (${task})`,
    taskId: record.taskId!,
    renew: 'create a new rollout (give it a new construct id or rolloutName) for a new campaign',
  }, removals, record.request, new StackRollbackProbe(event.StackId, ctx), ctx.log);
  const change: { Description?: string; TaskConfigurationId?: string } = {};
  if (spec.fields.Description !== undefined && spec.fields.Description !== record.request.Description) change.Description = spec.fields.Description;
  if (spec.fields.TaskConfigurationId !== undefined && spec.fields.TaskConfigurationId !== record.request.TaskConfigurationId) {
    change.TaskConfigurationId = spec.fields.TaskConfigurationId;
  }
  if (Object.keys(change).length > 0) {
    await call(ctx, 'UpdateOtaTask', () => ctx.client.updateOtaTask({ Identifier: record.taskId!, ...change }));
    ctx.log({ operation: 'UpdateOtaTask', taskId: record.taskId, fields: Object.keys(change) });
  }
  await convergeWaveTags(record, spec.tags, ctx);
  const recorded = Object.fromEntries(Object.entries(record.tags).filter(([key]) => RECORDED_KEYS.includes(key)));
  const tags = Object.keys(spec.tags).length > 0 ? spec.tags : undefined;
  const updated: OtaWaveRecord = {
    ...record, request: { ...record.request, ...change, Tags: tags }, tags: { ...rolloutTagsOf(spec.tags), ...recorded },
  };
  await call(ctx, 'PutObject', () => writeWaveRecord(ctx.documents, location, updated));
  return { PhysicalResourceId: event.PhysicalResourceId! };
}

/** A started wave's task takes tag changes in place (TagResource and UntagResource on its ARN). */
async function convergeWaveTags(record: OtaWaveRecord, desired: Readonly<Record<string, string>>, ctx: OtaLifecycleContext) {
  const had = record.request.Tags ?? {};
  if (JSON.stringify(had) === JSON.stringify(desired)) return;
  if (!record.taskArn) throw new Error(`OtaRollout wave: OTA task ${record.taskId} has no ARN recorded, so its tags cannot change; deploy again after the controller's next run`);
  await convergeTaskTags(record.taskArn, record.taskId!, had, desired, ctx);
}

/**
 * How long a controller may still be inside CreateOtaTask after writing `creating`: its
 * function's longest run (5 minutes) and a minute of slack. A record marked for longer that names
 * no task, with no task of its tags, had its create never reach the service.
 */
const CREATE_IN_FLIGHT_MS = 6 * 60_000;

/** Whether the controller may still be inside the CreateOtaTask its record's `creating` mark began. */
function createMayBeInFlight(record: OtaWaveRecord, now: number): boolean {
  return record.creating !== undefined && now - Date.parse(record.creating) < CREATE_IN_FLIGHT_MS;
}

/**
 * The record with its task, when the controller marked a create and stopped before writing the
 * task down (found among the tasks by its tags); without the mark, when no task exists and none
 * can still be on its way (the wave then counts as not started, and the next tick decides anew).
 * A create that may still be on its way is refused: the update is tried again in a few minutes.
 */
async function withCreatedTask(record: OtaWaveRecord, event: ProviderEvent, ctx: OtaLifecycleContext): Promise<OtaWaveRecord> {
  if (record.taskId || !record.creating) return record;
  const found = await findCreatedTask(record, ctx);
  if (found) return { ...record, taskId: found.TaskId, taskArn: found.TaskArn };
  if (createMayBeInFlight(record, ctx.now())) {
    throw new Error(
      `OtaRollout wave ${event.LogicalResourceId} (${record.tags[ROLLOUT_TAGS.rollout]} wave ${record.tags[ROLLOUT_TAGS.wave]}): ` +
      `the rollout controller began creating its OTA task at ${record.creating} and may not have finished; deploy again in a few minutes.`,
    );
  }
  const { creating: _neverCreated, ...notStarted } = record;
  return notStarted;
}

/**
 * Deletes the task the controller created. A record that says a create was decided but names no
 * task (the controller stopped between CreateOtaTask and writing its answer down) is resolved by
 * looking for the task among those created since, by the wave's tags, so nothing is left behind;
 * while such a create may still be on its way, isComplete keeps looking (below).
 */
async function deleteWave(event: ProviderEvent, ctx: OtaLifecycleContext): Promise<OnEventResponse> {
  const physicalId = event.PhysicalResourceId!;
  const location = recordLocation(physicalId);
  if (!location) return { PhysicalResourceId: physicalId };
  const record = await call(ctx, 'GetObject', () => readWaveRecord(ctx.documents, location));
  const taskId = record?.taskId ?? (record?.creating ? (await findCreatedTask(record, ctx))?.TaskId : undefined);
  if (taskId) await deleteTask(taskId, ctx);
  return { PhysicalResourceId: physicalId, Data: taskId ? { TaskId: taskId } : undefined, ...pollingStart(ctx.now()) };
}

async function deleteTask(taskId: string, ctx: OtaLifecycleContext) {
  try {
    await call(ctx, 'DeleteOtaTask', () => ctx.client.deleteOtaTask({ Identifier: taskId }));
    ctx.log({ operation: 'DeleteOtaTask', taskId });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    ctx.log({ operation: 'DeleteOtaTask', taskId, result: 'already gone' });
  }
}

/**
 * A deleted wave whose record still says a create may be on its way (a controller tick that began
 * it before the stack's deletion stopped the schedule): looked for again on every poll, and
 * deleted if it appears, until no create can still be running. ASSUMED enough: a controller
 * cannot write a task id into a record deleted under it (it reads the record first, and S3 has no
 * conditional writes here to make that airtight), so the window is closed by waiting it out.
 */
async function createStillPossible(record: OtaWaveRecord, ctx: OtaLifecycleContext): Promise<string | undefined> {
  if (!record.creating) return undefined;
  const task = record.taskId ?? (await findCreatedTask(record, ctx))?.TaskId;
  if (task) {
    if (!(await otaTaskGone(task, ctx))) {
      await deleteTask(task, ctx);
      return `DeleteOtaTask: task ${task}, created while the wave was being deleted, is being deleted`;
    }
    return undefined;
  }
  return createMayBeInFlight(record, ctx.now())
    ? `the rollout controller began creating the wave's task at ${record.creating}: waiting until that create has surely ended`
    : undefined;
}

/** Slack for clocks: the service's CreatedAt against the controller's `creating` instant. */
const CLOCK_SLACK_MS = 5 * 60_000;

/** The wave's task among those created since the controller decided to create it, by its rollout tags. */
async function findCreatedTask(record: OtaWaveRecord, ctx: OtaLifecycleContext): Promise<{ TaskId: string; TaskArn?: string } | undefined> {
  const since = Date.parse(record.creating!) - CLOCK_SLACK_MS;
  // Every tag the create request carried (the rollout's three among them) must be on the task.
  const wanted = Object.entries({ ...record.request.Tags, ...rolloutTagsOf(record.tags) });
  let token: string | undefined;
  do {
    const page = await callService('ListOtaTasks', () => ctx.client.listOtaTasks({ NextToken: token, MaxResults: 1000 }), ctx);
    for (const summary of page.Tasks ?? []) {
      if (!summary.TaskId || (summary.CreatedAt !== undefined && summary.CreatedAt * 1000 < since)) continue;
      let task: GetOtaTaskResponse;
      try {
        task = await callService('GetOtaTask', () => ctx.client.getOtaTask({ Identifier: summary.TaskId! }), ctx);
      } catch (error) {
        if (isNotFound(error)) continue;
        throw error;
      }
      if (wanted.every(([key, value]) => task.Tags?.[key] === value)) {
        ctx.log({ foundTask: summary.TaskId, because: 'the record says its create was decided but names no task' });
        return { TaskId: summary.TaskId, TaskArn: task.TaskArn ?? summary.TaskArn };
      }
    }
    token = page.NextToken;
  } while (token);
  ctx.log({ note: 'the record says a create was decided, and no task with its tags exists: none was created' });
  return undefined;
}

function call<T>(ctx: OtaLifecycleContext, operation: string, send: () => Promise<T>): Promise<T> {
  return callService(operation, send, ctx);
}
