// How far one OTA task of AWS IoT Managed Integrations got: one GetOtaTask, whose
// TaskProcessingDetails counts the task's things per execution status (model 2025-03-03). A thing
// that failed, timed out, was rejected, removed or canceled did not take the firmware: each is a
// failure whose reason is the execution status it stands for (OtaTaskExecutionStatus), so the
// FailedByReason metric names the same values ListOtaTaskExecutions reports per thing.
//
// Asked for its targets (the `status --targets` view), the reader also lists the task's
// executions, 1,000 things a page (the model's MaxResults maximum): one thing per execution with
// its status. Things of a ONE_TIME task not yet queued have no execution yet, so are not listed.
import { GetOtaTaskResponse, ManagedIntegrationsClient, OtaTaskExecutionSummaries } from '../../ota/handler/managed-integrations-client';
import { isNotFound } from '../../shared/service-call';
import { CAMPAIGN_TASK_TYPES, OTA_FINISHED_STATUSES } from '../campaign-metrics';
import { TargetStatus, TaskProgress } from '../task-progress';
import { allPages } from './pages';
import { countsOf, deletedTask, ProgressCounts } from './progress-counts';
import { ReadOptions, ServiceCaller, serviceCaller } from './read-options';

/** The model's page size maximum (`MaxResults`, 1..1000). */
const EXECUTIONS_PAGE_SIZE = 1000;

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
    // A ONE_TIME task starts when created (a scheduled start is later): the rollout gate's timeout counts from here.
    ...(task.CreatedAt !== undefined ? { startTime: new Date(task.CreatedAt * 1000).toISOString() } : {}),
    ...(options?.withTargets ? { targetStatuses: await listExecutions(client, taskId, call) } : {}),
  };
}

/** Each thing's execution status, all pages; none once the task is gone. */
async function listExecutions(client: ManagedIntegrationsClient, taskId: string, call: ServiceCaller): Promise<TargetStatus[]> {
  try {
    const executions = await allPages('ListOtaTaskExecutions', call, async (token) => {
      const page = await client.listOtaTaskExecutions({ Identifier: taskId, MaxResults: EXECUTIONS_PAGE_SIZE, NextToken: token });
      return { items: page.ExecutionSummaries, nextToken: page.NextToken };
    });
    return executions.map(executionTarget);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

function executionTarget(execution: OtaTaskExecutionSummaries): TargetStatus {
  const status = execution.TaskExecutionSummary?.Status ?? 'QUEUED';
  const outcome = status === 'SUCCEEDED' ? 'succeeded' : status === 'QUEUED' || status === 'IN_PROGRESS' ? 'pending' : 'failed';
  return { targetId: execution.ManagedThingId ?? '?', status, outcome };
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
