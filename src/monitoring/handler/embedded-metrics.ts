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

/** A metric of an EMF document: its value and unit. */
export interface EmfMetric {
  readonly value: number;
  readonly unit: 'Count' | 'None';
}

/**
 * One EMF document of the campaign namespace at `timestamp`: `dimensions` (names and values, one
 * dimension set), `metrics`, and plain members (searchable in Logs Insights, not metrics).
 */
export function emfDocument(
  timestamp: number, dimensions: Record<string, string>, metrics: Record<string, EmfMetric>, members: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{
        Namespace: CAMPAIGN_NAMESPACE,
        Dimensions: [Object.keys(dimensions)],
        Metrics: Object.entries(metrics).map(([name, metric]) => ({ Name: name, Unit: metric.unit })),
      }],
    },
    ...dimensions,
    ...members,
    ...Object.fromEntries(Object.entries(metrics).map(([name, metric]) => [name, metric.value])),
  };
}

/** A count (Unit `Count`). */
export const emfCount = (value: number): EmfMetric => ({ value, unit: 'Count' });
/** A ratio or a 0/1 flag (Unit `None`). */
export const emfPlain = (value: number): EmfMetric => ({ value, unit: 'None' });

/** The EMF documents for one task at `timestamp` (epoch milliseconds). */
export function embeddedMetricDocuments(progress: TaskProgress, timestamp: number): Record<string, unknown>[] {
  const dimensions = { [CAMPAIGN_DIMENSIONS.taskType]: progress.taskType, [CAMPAIGN_DIMENSIONS.taskId]: progress.taskId };
  const task = emfDocument(timestamp, dimensions, {
    [CAMPAIGN_METRICS.targets]: emfCount(progress.targets),
    [CAMPAIGN_METRICS.succeeded]: emfCount(progress.succeeded),
    [CAMPAIGN_METRICS.failed]: emfCount(progress.failed),
    [CAMPAIGN_METRICS.pending]: emfCount(progress.pending),
    [CAMPAIGN_METRICS.failureRatio]: emfPlain(progress.targets > 0 ? progress.failed / progress.targets : 0),
    [CAMPAIGN_METRICS.running]: emfPlain(progress.running ? 1 : 0),
  }, { Status: progress.status, Granularity: progress.granularity });
  const reasons = Object.entries(progress.failuresByReason).sort(([a], [b]) => a.localeCompare(b)).map(([reason, failed]) =>
    emfDocument(timestamp, { ...dimensions, [CAMPAIGN_DIMENSIONS.reason]: reason }, { [CAMPAIGN_METRICS.failedByReason]: emfCount(failed) }));
  return [task, ...reasons];
}
