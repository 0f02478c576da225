// How far one OTA task of AWS IoT Managed Integrations got: one GetOtaTask, whose
// TaskProcessingDetails counts the task's things per execution status (model 2025-03-03). A thing
// that failed, timed out, was rejected, removed or canceled did not take the firmware: each is a
// failure whose reason is the execution status it stands for (OtaTaskExecutionStatus), so the
// FailedByReason metric names the same values ListOtaTaskExecutions reports per thing.
import { GetOtaTaskResponse, ManagedIntegrationsClient } from '../../ota/handler/managed-integrations-client';
import { isNotFound } from '../../shared/service-call';
import { CAMPAIGN_TASK_TYPES, OTA_FINISHED_STATUSES } from '../campaign-metrics';
import { TaskProgress } from '../task-progress';
import { countsOf, deletedTask, ProgressCounts } from './progress-counts';
import { ReadOptions, serviceCaller } from './read-options';

export async function readOtaTaskProgress(client: ManagedIntegrationsClient, taskId: string, options?: ReadOptions): Promise<TaskProgress> {
  const call = serviceCaller(options);
  let task: GetOtaTaskResponse;
  try {
    task = await call('GetOtaTask', () => client.getOtaTask({ Identifier: taskId }));
  } catch (error) {
    if (isNotFound(error)) return deletedTask(CAMPAIGN_TASK_TYPES.ota, taskId);
    throw error;
  }
  const status = task.Status ?? 'Unknown';
  return {
    taskType: CAMPAIGN_TASK_TYPES.ota,
    taskId,
    status,
    finished: OTA_FINISHED_STATUSES.includes(status),
    // SCHEDULED has not started; the finished statuses have stopped.
    running: status === 'IN_PROGRESS',
    ...otaCounts(task),
    granularity: 'device',
  };
}

function otaCounts(task: GetOtaTaskResponse): ProgressCounts {
  const d = task.TaskProcessingDetails ?? {};
  const counted = countsOf([
    { outcome: 'pending', count: d.numberOfQueuedThings ?? 0 },
    { outcome: 'pending', count: d.NumberOfInProgressThings ?? 0 },
    { outcome: 'succeeded', count: d.numberOfSucceededThings ?? 0 },
    { outcome: 'failed', reason: 'FAILED', count: d.NumberOfFailedThings ?? 0 },
    { outcome: 'failed', reason: 'TIMED_OUT', count: d.numberOfTimedOutThings ?? 0 },
    { outcome: 'failed', reason: 'REJECTED', count: d.numberOfRejectedThings ?? 0 },
    { outcome: 'failed', reason: 'REMOVED', count: d.numberOfRemovedThings ?? 0 },
    { outcome: 'failed', reason: 'CANCELED', count: d.NumberOfCanceledThings ?? 0 },
  ]);
  // A ONE_TIME task names its things up front; those not yet queued are pending too.
  const notYetQueued = Math.max(0, (task.Target?.length ?? 0) - counted.targets);
  return { ...counted, targets: counted.targets + notYetQueued, pending: counted.pending + notYetQueued };
}
