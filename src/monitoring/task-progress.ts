import { CampaignTaskType } from './campaign-metrics';

/** One target of a task and where it is, for the `status --targets` view. */
export interface TargetStatus {
  /** The FUOTA wireless device id, or the OTA execution's ManagedThingId. */
  readonly targetId: string;
  /** The service's value verbatim: a FuotaDeviceStatus (`Initial`, `MissingFrag`…) or an OTA execution status (`QUEUED`…). */
  readonly status: string;
  readonly outcome: 'succeeded' | 'failed' | 'pending';
}

/**
 * How far one task got, as the one status reader (src/monitoring/status) reports it to both the
 * campaign monitor (which publishes it as metrics) and the `status` command (which prints it).
 */
export interface TaskProgress {
  readonly taskType: CampaignTaskType;
  readonly taskId: string;
  /** The service's task status, verbatim (e.g. `In_FuotaSession`, `IN_PROGRESS`); `DELETED` when the task is gone. */
  readonly status: string;
  /** Nothing will change any more: finished, canceled or deleted. */
  readonly finished: boolean;
  /** Started and not finished. */
  readonly running: boolean;
  readonly targets: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly pending: number;
  /** Failed targets per reason (FuotaDeviceStatus or OTA execution status), only reasons with a count > 0. */
  readonly failuresByReason: Readonly<Record<string, number>>;
  /**
   * `device` when each target's outcome is known; `group` for FUOTA tasks of multicast groups when
   * the devices' FUOTA status is not knowable (see the README's assumption): then `targets` counts
   * groups and only the task status says how it ended.
   */
  readonly granularity: 'device' | 'group';
  /** When the task's session starts or started (ISO 8601), once it has been started: FUOTA `LoRaWAN.StartTime`, OTA `CreatedAt`. */
  readonly startTime?: string;
  /** The task's ARN, as the service reported it (absent for a deleted task). */
  readonly arn?: string;
  /**
   * Each target's status, only when the read was asked for them (`ReadOptions.withTargets`): the
   * FUOTA devices the counts were made from, or the OTA task's executions. None for a task of
   * multicast groups (see `granularity`) or a deleted one.
   */
  readonly targetStatuses?: readonly TargetStatus[];
}
