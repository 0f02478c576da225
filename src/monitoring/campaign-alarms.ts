import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { CampaignFailureAlarmOptions, CampaignStalledAlarmOptions } from './campaign-alarm-options';
import { CAMPAIGN_METRICS } from './campaign-metrics';
import { campaignMetric, MetricTask } from './task-metrics';

/** FailureRatio above the threshold; no datapoint (a finished task publishes none) is not a breach. */
export function failureAlarm(
  scope: Construct, id: string, task: MetricTask, interval: Duration, options: CampaignFailureAlarmOptions,
): cloudwatch.Alarm {
  const threshold = options.threshold ?? 0.05;
  if (!Token.isUnresolved(threshold) && !(threshold >= 0 && threshold < 1)) {
    throw new Error(`${scope.node.path}/${id}: threshold must be a failure ratio from 0 up to but not including 1 (0.05 is 5 %), got ${threshold}`);
  }
  return new cloudwatch.Alarm(scope, id, {
    metric: campaignMetric(task, CAMPAIGN_METRICS.failureRatio, {}, {}, interval),
    threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmName: options.alarmName,
    alarmDescription: options.alarmDescription ?? `More than ${+(threshold * 100).toFixed(2)} % of the targets of ${scope.node.path} failed (cdk-iot-ota-tasks campaign monitor)`,
  });
}

const ONE_DAY_SECONDS = 86_400;

/**
 * Running and the number of finished targets unchanged between consecutive monitor runs, in every
 * period of `duration`. DIFF compares each datapoint with the one before, so a run that moved one
 * target clears it.
 */
export function stalledAlarm(
  scope: Construct, id: string, task: MetricTask, interval: Duration, options: CampaignStalledAlarmOptions,
): cloudwatch.Alarm {
  const duration = options.duration ?? Duration.hours(1);
  const seconds = duration.toSeconds();
  if (!Token.isUnresolved(seconds) && (seconds < interval.toSeconds() || seconds > ONE_DAY_SECONDS)) {
    throw new Error(`${scope.node.path}/${id}: duration must be at least the monitor interval (${interval.toMinutes()} minutes) and at most one day, got ${seconds / 60} minutes`);
  }
  const metric = (name: string) => campaignMetric(task, name, {}, {}, interval);
  const stalled = new cloudwatch.MathExpression({
    expression: 'IF(running >= 1 AND DIFF(succeeded + failed) <= 0, 1, 0)',
    usingMetrics: {
      running: metric(CAMPAIGN_METRICS.running), succeeded: metric(CAMPAIGN_METRICS.succeeded), failed: metric(CAMPAIGN_METRICS.failed),
    },
    period: interval,
    label: 'Stalled',
  });
  return new cloudwatch.Alarm(scope, id, {
    metric: stalled,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: Math.max(1, Math.floor(seconds / interval.toSeconds())),
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmName: options.alarmName,
    alarmDescription: options.alarmDescription ?? `${scope.node.path} is running but no target succeeded or failed for ${duration.toHumanString()} (cdk-iot-ota-tasks campaign monitor)`,
  });
}
