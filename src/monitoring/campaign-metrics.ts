// The public names of the campaign metrics: the CloudWatch namespace, the metric names and their
// dimensions, chosen once and documented in the README ("Watching a campaign"). Renaming any of
// them is a breaking change (users' alarms and dashboards outside the library read them), so a
// test pins every value. Shared by the constructs (metric…() methods) and the monitor handler.

/** The CloudWatch namespace every campaign metric is published in. */
export const CAMPAIGN_NAMESPACE = 'CdkIotOtaTasks';

/** Dimension names. Every metric has `TaskType` and `TaskId`; `FailedByReason` adds `Reason`. */
export const CAMPAIGN_DIMENSIONS = {
  taskType: 'TaskType',
  taskId: 'TaskId',
  reason: 'Reason',
} as const;

/** Values of the `TaskType` dimension. */
export const CAMPAIGN_TASK_TYPES = {
  fuota: 'FuotaTask',
  ota: 'OtaTask',
} as const;

export type CampaignTaskType = typeof CAMPAIGN_TASK_TYPES[keyof typeof CAMPAIGN_TASK_TYPES];

/** Metric names, one datapoint per task per monitor run while the task is not finished. */
export const CAMPAIGN_METRICS = {
  /** Devices (FUOTA) or things (OTA) the task targets. Count. */
  targets: 'Targets',
  /** Targets that took the firmware. Count. */
  succeeded: 'Succeeded',
  /** Targets that failed, for any reason. Count. */
  failed: 'Failed',
  /** Targets not yet done (FUOTA `Initial`; OTA queued or in progress). Count. */
  pending: 'Pending',
  /** Failed / Targets, 0 to 1 (0 while there are no targets). None. */
  failureRatio: 'FailureRatio',
  /** 1 while the task is started and not finished, else 0. None. */
  running: 'Running',
  /** Failed targets of one reason (the `Reason` dimension: a FuotaDeviceStatus or an OTA execution status). Count. */
  failedByReason: 'FailedByReason',
} as const;

/** FUOTA task statuses after which nothing changes (GetFuotaTask `Status`). */
export const FUOTA_FINISHED_STATUSES: readonly string[] = ['FuotaDone', 'Delete_Waiting'];
/** OTA task statuses after which nothing changes (GetOtaTask `Status`). */
export const OTA_FINISHED_STATUSES: readonly string[] = ['COMPLETED', 'CANCELED', 'DELETION_IN_PROGRESS'];
