// The campaign metrics as CloudWatch Embedded Metric Format documents, one JSON log line each.
//
// Why EMF rather than PutMetricData: CloudWatch Logs extracts the metrics from the function's own
// log group, so the monitor needs no cloudwatch:PutMetricData permission at all (not even one
// limited by a cloudwatch:namespace condition), makes no extra API call per tick, and costs the
// same per custom metric; the few hundred bytes of log per task and tick are the only addition.
//
// One document holds one value per dimension, so a task's metrics share one line with the
// dimensions [TaskType, TaskId], and each failure reason gets a line of its own with
// [TaskType, TaskId, Reason] (spec: docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/
// CloudWatch_Embedded_Metric_Format_Specification.html). Status and Granularity are plain members:
// searchable in Logs Insights, not metrics.
import { CAMPAIGN_DIMENSIONS, CAMPAIGN_METRICS, CAMPAIGN_NAMESPACE } from '../campaign-metrics';
import { TaskProgress } from '../task-progress';

/** The EMF documents for one task at `timestamp` (epoch milliseconds). */
export function embeddedMetricDocuments(progress: TaskProgress, timestamp: number): Record<string, unknown>[] {
  const dimensions = { [CAMPAIGN_DIMENSIONS.taskType]: progress.taskType, [CAMPAIGN_DIMENSIONS.taskId]: progress.taskId };
  const task = {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{
        Namespace: CAMPAIGN_NAMESPACE,
        Dimensions: [[CAMPAIGN_DIMENSIONS.taskType, CAMPAIGN_DIMENSIONS.taskId]],
        Metrics: [
          { Name: CAMPAIGN_METRICS.targets, Unit: 'Count' },
          { Name: CAMPAIGN_METRICS.succeeded, Unit: 'Count' },
          { Name: CAMPAIGN_METRICS.failed, Unit: 'Count' },
          { Name: CAMPAIGN_METRICS.pending, Unit: 'Count' },
          { Name: CAMPAIGN_METRICS.failureRatio, Unit: 'None' },
          { Name: CAMPAIGN_METRICS.running, Unit: 'None' },
        ],
      }],
    },
    ...dimensions,
    Status: progress.status,
    Granularity: progress.granularity,
    [CAMPAIGN_METRICS.targets]: progress.targets,
    [CAMPAIGN_METRICS.succeeded]: progress.succeeded,
    [CAMPAIGN_METRICS.failed]: progress.failed,
    [CAMPAIGN_METRICS.pending]: progress.pending,
    [CAMPAIGN_METRICS.failureRatio]: progress.targets > 0 ? progress.failed / progress.targets : 0,
    [CAMPAIGN_METRICS.running]: progress.running ? 1 : 0,
  };
  const reasons = Object.entries(progress.failuresByReason).sort(([a], [b]) => a.localeCompare(b)).map(([reason, count]) => ({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{
        Namespace: CAMPAIGN_NAMESPACE,
        Dimensions: [[CAMPAIGN_DIMENSIONS.taskType, CAMPAIGN_DIMENSIONS.taskId, CAMPAIGN_DIMENSIONS.reason]],
        Metrics: [{ Name: CAMPAIGN_METRICS.failedByReason, Unit: 'Count' }],
      }],
    },
    ...dimensions,
    [CAMPAIGN_DIMENSIONS.reason]: reason,
    [CAMPAIGN_METRICS.failedByReason]: count,
  }));
  return [task, ...reasons];
}
