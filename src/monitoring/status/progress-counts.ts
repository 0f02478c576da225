import { CampaignTaskType } from '../campaign-metrics';
import { TaskProgress } from '../task-progress';

/** The counting part of a {@link TaskProgress}. */
export type ProgressCounts = Pick<TaskProgress, 'targets' | 'succeeded' | 'failed' | 'pending' | 'failuresByReason'>;

/** One target's outcome; a failure names its reason. */
export type TargetOutcome =
  | { readonly outcome: 'succeeded' }
  | { readonly outcome: 'pending' }
  | { readonly outcome: 'failed'; readonly reason: string };

/** Counts outcomes of individual targets. */
export function tally(outcomes: readonly TargetOutcome[]): ProgressCounts {
  return countsOf(outcomes.map((o) => ({ ...o, count: 1 })));
}

/** Counts outcomes given as numbers of targets each (the OTA task's processing details). */
export function countsOf(outcomes: readonly (TargetOutcome & { readonly count: number })[]): ProgressCounts {
  const failuresByReason: Record<string, number> = {};
  let succeeded = 0;
  let failed = 0;
  let pending = 0;
  for (const o of outcomes) {
    if (o.count <= 0) continue;
    if (o.outcome === 'succeeded') {
      succeeded += o.count;
    } else if (o.outcome === 'pending') {
      pending += o.count;
    } else {
      failed += o.count;
      failuresByReason[o.reason] = (failuresByReason[o.reason] ?? 0) + o.count;
    }
  }
  return { targets: succeeded + failed + pending, succeeded, failed, pending, failuresByReason };
}

/** The status reported for a task the service no longer knows: deleted, so finished. */
export const DELETED_STATUS = 'DELETED';

/** A task deleted under the reader (ResourceNotFound, or a 404): nothing more to count. */
export function deletedTask(taskType: CampaignTaskType, taskId: string): TaskProgress {
  const nothing = { targets: 0, succeeded: 0, failed: 0, pending: 0, failuresByReason: {} };
  return { taskType, taskId, status: DELETED_STATUS, finished: true, running: false, ...nothing, granularity: 'device' };
}
