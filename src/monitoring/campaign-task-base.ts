import { Duration, IResource, Resource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CampaignFailureAlarmOptions, CampaignStalledAlarmOptions } from './campaign-alarm-options';
import { failureAlarm, stalledAlarm } from './campaign-alarms';
import { CAMPAIGN_DIMENSIONS, CAMPAIGN_METRICS, CampaignTaskType } from './campaign-metrics';
import { CampaignMonitor } from './campaign-monitor';
import { campaignMetric, MetricTask, progressExpression } from './task-metrics';

/** Period of an imported task's metrics: the monitor's default interval. */
const DEFAULT_PERIOD = Duration.minutes(5);

/** A FUOTA or OTA task whose campaign can be watched: its campaign metrics and alarms. */
export interface ICampaignTask extends IResource {
  /**
   * The task's service, as the `TaskType` dimension of its metrics names it: `FuotaTask` or
   * `OtaTask`. A `CampaignMonitor` reads an added task with this service's API.
   */
  readonly campaignTaskType: string;
  /** The task's id, as the `TaskId` dimension of its metrics names it. */
  readonly campaignTaskId: string;
  /** Devices (FUOTA) or things (OTA) the task targets (metric `Targets`). */
  metricTargets(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Targets that took the firmware (metric `Succeeded`). */
  metricSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Targets that failed, for any reason (metric `Failed`). */
  metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Targets not yet done (metric `Pending`). */
  metricPending(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Failed targets as a share of all targets, 0 to 1 (metric `FailureRatio`). */
  metricFailureRatio(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** 1 while the task is started and not finished, else 0 (metric `Running`). */
  metricRunning(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Targets that failed for one reason (metric `FailedByReason`, dimension `Reason`). */
  metricFailedByReason(reason: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Succeeded and failed targets as a percentage of all targets, 0 to 100. */
  metricProgress(props?: cloudwatch.MetricOptions): cloudwatch.MathExpression;
  /** An alarm when more than `threshold` of the targets failed. */
  addFailureAlarm(id: string, options?: CampaignFailureAlarmOptions): cloudwatch.Alarm;
  /** An alarm when the task is running but made no progress for `duration`. */
  addStalledAlarm(id: string, options?: CampaignStalledAlarmOptions): cloudwatch.Alarm;
}

/**
 * What FUOTA and OTA tasks share for watching a campaign: the campaign metrics and alarms. A task of
 * this app makes its stack's `CampaignMonitor` on first use, which then publishes the metrics; an
 * imported task's metrics are the ones the monitor of the stack that owns it publishes.
 */
export abstract class CampaignTaskBase extends Resource implements ICampaignTask {
  /** The task's id, as the `TaskId` dimension of its metrics names it. */
  public abstract readonly campaignTaskId: string;
  /** The task's service, as the `TaskType` dimension of its metrics names it: `FuotaTask` or `OtaTask`. */
  public abstract readonly campaignTaskType: string;
  /** Whether this stack's monitor publishes this task's metrics (false for an imported task). */
  protected abstract readonly monitoredHere: boolean;

  /**
   * Devices (FUOTA) or things (OTA) the task targets (metric `Targets`).
   * @default - Maximum over the monitor interval
   */
  public metricTargets(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.campaignMetric(CAMPAIGN_METRICS.targets, props);
  }

  /**
   * Targets that took the firmware (metric `Succeeded`).
   * @default - Maximum over the monitor interval
   */
  public metricSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.campaignMetric(CAMPAIGN_METRICS.succeeded, props);
  }

  /**
   * Targets that failed, for any reason (metric `Failed`).
   * @default - Maximum over the monitor interval
   */
  public metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.campaignMetric(CAMPAIGN_METRICS.failed, props);
  }

  /**
   * Targets not yet done (metric `Pending`).
   * @default - Maximum over the monitor interval
   */
  public metricPending(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.campaignMetric(CAMPAIGN_METRICS.pending, props);
  }

  /**
   * Failed targets as a share of all targets, 0 to 1 (metric `FailureRatio`).
   * @default - Maximum over the monitor interval
   */
  public metricFailureRatio(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.campaignMetric(CAMPAIGN_METRICS.failureRatio, props);
  }

  /**
   * 1 while the task is started and not finished, else 0 (metric `Running`).
   * @default - Maximum over the monitor interval
   */
  public metricRunning(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.campaignMetric(CAMPAIGN_METRICS.running, props);
  }

  /**
   * Targets that failed for one reason (metric `FailedByReason`, dimension `Reason`): a FUOTA device
   * status such as `MissingFrag`, or an OTA execution status such as `TIMED_OUT`.
   * @default - Maximum over the monitor interval
   */
  public metricFailedByReason(reason: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.campaignMetric(CAMPAIGN_METRICS.failedByReason, props, { [CAMPAIGN_DIMENSIONS.reason]: reason });
  }

  /**
   * How far the campaign got: succeeded and failed targets as a percentage of all targets, 0 to 100.
   * @default - Maximum of each metric over the monitor interval
   */
  public metricProgress(props?: cloudwatch.MetricOptions): cloudwatch.MathExpression {
    return progressExpression(this.metricTask, props, this.metricPeriod());
  }

  /**
   * An alarm when more than `threshold` of the targets failed (default 5 %). A finished task
   * publishes no more datapoints, which is not a breach: the alarm keeps the state it ended in.
   */
  public addFailureAlarm(id: string, options: CampaignFailureAlarmOptions = {}): cloudwatch.Alarm {
    return failureAlarm(this, id, this.metricTask, this.metricPeriod(), options);
  }

  /** An alarm when the task is running but no target succeeded or failed for `duration` (default 1 hour). */
  public addStalledAlarm(id: string, options: CampaignStalledAlarmOptions = {}): cloudwatch.Alarm {
    return stalledAlarm(this, id, this.metricTask, this.metricPeriod(), options);
  }

  private get metricTask(): MetricTask {
    return { taskType: this.campaignTaskType as CampaignTaskType, taskId: this.campaignTaskId };
  }

  private campaignMetric(metricName: string, props?: cloudwatch.MetricOptions, dimensions?: Record<string, string>): cloudwatch.Metric {
    return campaignMetric(this.metricTask, metricName, props, dimensions, this.metricPeriod());
  }

  /** The monitor interval (making this stack's monitor when the task is this app's). */
  private metricPeriod(): Duration {
    return this.monitoredHere ? CampaignMonitor.of(this).interval : DEFAULT_PERIOD;
  }
}
