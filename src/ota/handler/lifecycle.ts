import { JobDocumentStore } from './job-document-store';
import { ManagedIntegrationsClient } from './managed-integrations-client';
import {
  configurationReplacementReasons, jobDocumentKey, jobDocumentLocation, replacementConfigurationName, replacementReasons, s3UrlOf,
  unclearableRemovals,
} from './ota-requests';
import { OtaTaskConfigurationSpec, parseOtaTaskConfigurationProperties, parseOtaTaskProperties } from './ota-specs';
import { keepOrRefuseRemovals } from './rollback';
import { isWaveComplete, onWaveEvent } from './rollout-wave-lifecycle';
import { otaTaskGone } from './task-gone';
import { convergeTaskTags } from './task-tags';
import { clientToken } from '../../shared/client-token';
import { HandlerInvocationContext } from '../../shared/handler-invocation';
import { pollAgain, pollingStart } from '../../shared/polling-budget';
import { previousProperties } from '../../shared/previous-properties';
import { IsCompleteResponse, OnEventResponse, ProviderEvent } from '../../shared/provider-events';
import { providerInputViolation } from '../../shared/provider-input';
import { callService, isNotFound, outcomeUnknown, ServiceCallError } from '../../shared/service-call';
import { StackRollbackProbe } from '../../shared/stack-rollback';
import { OTA_ROLLOUT_WAVE_RESOURCE_TYPE, OTA_TASK_CONFIGURATION_RESOURCE_TYPE } from '../ota-task.types';

/** What one invocation works with; tests pass a client pointed at a loopback server. */
export interface OtaLifecycleContext extends HandlerInvocationContext {
  readonly client: ManagedIntegrationsClient;
  readonly documents: JobDocumentStore;
}

/**
 * onEvent for both resource types. A task's create, and any change the service cannot make in
 * place, creates a task and returns its Id at once (the old one, if any, is then deleted by
 * CloudFormation's cleanup); tags are applied in isComplete, so a failure there still reports the
 * real Id and the rollback removes the task.
 */
export async function onEvent(event: ProviderEvent, ctx: OtaLifecycleContext): Promise<OnEventResponse> {
  if (event.ResourceType === OTA_TASK_CONFIGURATION_RESOURCE_TYPE) return onConfigurationEvent(event, ctx);
  if (event.ResourceType === OTA_ROLLOUT_WAVE_RESOURCE_TYPE) return onWaveEvent(event, ctx);
  switch (event.RequestType) {
    case 'Create': return createTask(event, ctx);
    case 'Update': return updateTask(event, ctx);
    case 'Delete': return deleteTask(event, ctx);
  }
}

/**
 * isComplete: converge the task's tags (Create and Update), or wait until an asynchronous delete
 * has finished so that a configuration the task used can be deleted next.
 */
export async function isComplete(event: ProviderEvent, ctx: OtaLifecycleContext): Promise<IsCompleteResponse> {
  if (event.ResourceType === OTA_TASK_CONFIGURATION_RESOURCE_TYPE) return { IsComplete: true };
  if (event.ResourceType === OTA_ROLLOUT_WAVE_RESOURCE_TYPE) return isWaveComplete(event, ctx);
  const id = event.PhysicalResourceId!;
  try {
    if (event.RequestType === 'Delete') {
      return await otaTaskGone(id, ctx) ? { IsComplete: true } : pollAgain(event, ctx.now(), `DeleteOtaTask: task ${id} is still being deleted`);
    }
    const desired = parseOtaTaskProperties(event.ResourceProperties);
    // After a replacement the new task has none of the old keys; untagging them is harmless.
    const previous = event.RequestType === 'Update' ? previousProperties(event, parseOtaTaskProperties, ctx.log) : undefined;
    const arn = typeof event.Data?.Arn === 'string' ? event.Data.Arn
      : (await call(ctx, 'GetOtaTask', () => ctx.client.getOtaTask({ Identifier: id }))).TaskArn!;
    await convergeTaskTags(arn, id, previous?.tags ?? {}, desired.tags, ctx);
    return { IsComplete: true };
  } catch (error) {
    if (error instanceof ServiceCallError && error.transient) {
      ctx.log({ taskId: id, retryLater: error.message });
      // Polled again while the provider's budget lasts, then failed with this error (polling-budget.ts).
      return pollAgain(event, ctx.now(), error.message);
    }
    throw error;
  }
}

async function createTask(event: ProviderEvent, ctx: OtaLifecycleContext): Promise<OnEventResponse> {
  const spec = parseOtaTaskProperties(event.ResourceProperties);
  // Checked before anything exists: the framework starts its waiter after this answer, and an
  // input it refuses would leave the new task behind, unknown to CloudFormation (provider-input.ts).
  const tooLarge = providerInputViolation(`OtaTask ${event.LogicalResourceId}`, event.ResourceProperties);
  if (tooLarge) throw new Error(tooLarge);
  const token = clientToken(event);
  const document = spec.document;
  const stored = document.kind === 'stored' ? { bucket: document.bucket, key: jobDocumentKey(token, document.content), content: document.content } : undefined;
  if (stored) {
    try {
      await call(ctx, 'PutObject', () => ctx.documents.put(stored.bucket, stored.key, stored.content));
    } catch (error) {
      // The write may have happened although its answer was an error: leave nothing behind.
      await ctx.documents.delete(stored.bucket, stored.key).catch(() => undefined);
      throw error;
    }
    ctx.log({ operation: 'PutObject', key: stored.key });
  }
  const s3Url = stored ? s3UrlOf(stored.bucket, stored.key) : (document as { s3Url: string }).s3Url;
  try {
    const created = await call(ctx, 'CreateOtaTask', () => ctx.client.createOtaTask({ ...spec.fields, S3Url: s3Url, ClientToken: token }));
    ctx.log({ operation: 'CreateOtaTask', taskId: created.TaskId });
    return { PhysicalResourceId: created.TaskId, Data: { Arn: created.TaskArn, Id: created.TaskId }, ...pollingStart(ctx.now()) };
  } catch (error) {
    // Refused: no task exists, so the document it would have used must not stay behind either.
    // Unknown outcome (no answer, or a 5xx, on the last attempt): the task may exist and read its
    // document at any time, so the document stays (a stray object at worst, never a live task
    // without its document).
    if (stored && !outcomeUnknown(error)) await ctx.documents.delete(stored.bucket, stored.key).catch(() => undefined);
    if (stored && outcomeUnknown(error)) ctx.log({ operation: 'CreateOtaTask', key: stored.key, kept: 'the create may have happened; the document stays' });
    throw error;
  }
}

/**
 * UpdateOtaTask can change only Description and TaskConfigurationId; anything else the properties
 * change needs a new task. Which of the two is decided from the old and new properties (what
 * CloudFormation asks for); the live task only spares work already done (ota-requests.ts), so
 * the rollback of a failed update or replacement converges on the task that is there. A removed
 * Description or TaskConfigurationId is neither (rollback.ts).
 */
async function updateTask(event: ProviderEvent, ctx: OtaLifecycleContext): Promise<OnEventResponse> {
  const id = event.PhysicalResourceId!;
  const desired = parseOtaTaskProperties(event.ResourceProperties);
  const previous = previousProperties(event, parseOtaTaskProperties, ctx.log);
  const live = await call(ctx, 'GetOtaTask', () => ctx.client.getOtaTask({ Identifier: id }));
  const reasons = replacementReasons(live, desired, previous);
  if (reasons.length > 0) {
    ctx.log({ taskId: id, replacing: reasons });
    return createTask(event, ctx);
  }
  await keepOrRefuseRemovals({ name: `OtaTask ${id}`, taskId: id, renew: 'give the OtaTask a new construct id to create a new task' }, unclearableRemovals(live, desired, previous), live, new StackRollbackProbe(event.StackId, ctx), ctx.log);
  const change: { Description?: string; TaskConfigurationId?: string } = {};
  // A field the properties leave out stays as it is: neither can be cleared in place.
  if (desired.fields.Description !== undefined && desired.fields.Description !== live.Description) change.Description = desired.fields.Description;
  if (desired.fields.TaskConfigurationId !== undefined && desired.fields.TaskConfigurationId !== live.TaskConfigurationId) {
    change.TaskConfigurationId = desired.fields.TaskConfigurationId;
  }
  if (Object.keys(change).length > 0) {
    await call(ctx, 'UpdateOtaTask', () => ctx.client.updateOtaTask({ Identifier: id, ...change }));
    ctx.log({ operation: 'UpdateOtaTask', taskId: id, fields: Object.keys(change) });
  }
  return { PhysicalResourceId: id, Data: { Arn: live.TaskArn, Id: id }, ...pollingStart(ctx.now()) };
}

/**
 * Deletes the task, then the document the library stored for it. A task already gone is success;
 * `LimitExceededException` (410) is reported as the service words it.
 *
 * The task goes first so that a refused delete (which a user may answer by keeping the resource)
 * never leaves a live task without its document. The price: a Delete cut off between the two, whose
 * retry finds the task already gone, cannot learn where the document was and leaves it in the
 * library's bucket (a stray object, no task).
 */
async function deleteTask(event: ProviderEvent, ctx: OtaLifecycleContext): Promise<OnEventResponse> {
  const id = event.PhysicalResourceId!;
  let s3Url: string | undefined;
  try {
    s3Url = (await call(ctx, 'GetOtaTask', () => ctx.client.getOtaTask({ Identifier: id }))).S3Url;
    await call(ctx, 'DeleteOtaTask', () => ctx.client.deleteOtaTask({ Identifier: id }));
    ctx.log({ operation: 'DeleteOtaTask', taskId: id });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    ctx.log({ operation: 'DeleteOtaTask', taskId: id, result: 'already gone' });
  }
  const stored = s3Url && jobDocumentLocation(s3Url, event.ResourceProperties.JobDocumentBucket);
  if (stored) {
    // Best effort: the task is gone, and a leftover document (e.g. after the stack stopped storing
    // documents and lost the delete permission) must not fail the deletion.
    try {
      await call(ctx, 'DeleteObject', () => ctx.documents.delete(stored.bucket, stored.key));
      ctx.log({ operation: 'DeleteObject', key: stored.key });
    } catch (error) {
      ctx.log({ operation: 'DeleteObject', key: stored.key, leftBehind: (error as Error).message });
    }
  }
  // isComplete polls until the asynchronous delete has finished.
  return { PhysicalResourceId: id, ...pollingStart(ctx.now()) };
}

/**
 * Task configurations have no update API: any change creates a new configuration (tasks that use
 * it are then updated to the new id by CloudFormation) and the old one is deleted in cleanup.
 */
async function onConfigurationEvent(event: ProviderEvent, ctx: OtaLifecycleContext): Promise<OnEventResponse> {
  if (event.RequestType === 'Delete') {
    const id = event.PhysicalResourceId!;
    try {
      await call(ctx, 'DeleteOtaTaskConfiguration', () => ctx.client.deleteOtaTaskConfiguration({ Identifier: id }));
      ctx.log({ operation: 'DeleteOtaTaskConfiguration', configurationId: id });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      ctx.log({ operation: 'DeleteOtaTaskConfiguration', configurationId: id, result: 'already gone' });
    }
    return { PhysicalResourceId: id };
  }
  const spec = parseOtaTaskConfigurationProperties(event.ResourceProperties);
  if (event.RequestType === 'Update') {
    const id = event.PhysicalResourceId!;
    const live = await call(ctx, 'GetOtaTaskConfiguration', () => ctx.client.getOtaTaskConfiguration({ Identifier: id }));
    const previous = previousProperties<OtaTaskConfigurationSpec>(event, parseOtaTaskConfigurationProperties, ctx.log);
    const reasons = configurationReplacementReasons(live, spec, previous);
    if (reasons.length === 0) return { PhysicalResourceId: id, Data: { Id: id } };
    ctx.log({ configurationId: id, replacing: reasons });
  }
  const token = clientToken(event);
  // A replacement exists beside the old configuration until cleanup: it gets a name of its own.
  const name = event.RequestType === 'Update' && spec.Name !== undefined ? replacementConfigurationName(spec.Name, token) : spec.Name;
  const created = await call(ctx, 'CreateOtaTaskConfiguration', () => ctx.client.createOtaTaskConfiguration({ ...spec, Name: name, ClientToken: token }));
  ctx.log({ operation: 'CreateOtaTaskConfiguration', configurationId: created.TaskConfigurationId, name });
  return { PhysicalResourceId: created.TaskConfigurationId, Data: { Id: created.TaskConfigurationId } };
}

function call<T>(ctx: OtaLifecycleContext, operation: string, send: () => Promise<T>): Promise<T> {
  return callService(operation, send, ctx);
}
