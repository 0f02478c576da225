import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { CAMPAIGN_DIMENSIONS, CAMPAIGN_METRICS, CAMPAIGN_NAMESPACE, CampaignTaskType } from './campaign-metrics';

/** The task a metric describes: its type dimension and its id (a token until deployment). */
export interface MetricTask {
  readonly taskType: CampaignTaskType;
  readonly taskId: string;
}

/**
 * One campaign metric of `task`. The monitor publishes a datapoint per task per run, so the
 * period defaults to the stack's monitor interval, and the statistic to Maximum (a count at a
 * moment, not a sum over datapoints).
 */
export function campaignMetric(
  task: MetricTask, metricName: string, props: cloudwatch.MetricOptions = {}, extraDimensions: Record<string, string> = {}, period?: Duration,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: CAMPAIGN_NAMESPACE,
    metricName,
    statistic: cloudwatch.Stats.MAXIMUM,
    period,
    ...props,
    dimensionsMap: {
      [CAMPAIGN_DIMENSIONS.taskType]: task.taskType, [CAMPAIGN_DIMENSIONS.taskId]: task.taskId, ...extraDimensions, ...props.dimensionsMap,
    },
  });
}

/** Succeeded and failed as a share of the targets, 0 to 100: how far the campaign got. */
export function progressExpression(task: MetricTask, props: cloudwatch.MetricOptions = {}, period?: Duration): cloudwatch.MathExpression {
  const metric = (name: string) => campaignMetric(task, name, props, {}, period);
  return new cloudwatch.MathExpression({
    expression: 'IF(targets > 0, 100 * (succeeded + failed) / targets, 0)',
    usingMetrics: {
      targets: metric(CAMPAIGN_METRICS.targets),
      succeeded: metric(CAMPAIGN_METRICS.succeeded),
      failed: metric(CAMPAIGN_METRICS.failed),
    },
    label: props.label ?? 'Progress (%)',
    period: props.period ?? period,
  });
}

/** A task's metrics must be read in its own stack's account and region (where its monitor publishes). */
export function checkSameStack(scope: IConstruct, task: IConstruct, field: string): void {
  if (Stack.of(scope) !== Stack.of(task)) {
    throw new Error(`${scope.node.path}: ${field} ${task.node.path} belongs to stack ${Stack.of(task).stackName}, not ${Stack.of(scope).stackName}: each stack's campaign monitor publishes the metrics of its own tasks, so watch a task in its own stack`);
  }
}
