/**
 * How an OTA task progresses on the virtual clock, by the seeded outcome model
 * (campaign-outcomes.ts). With S the rollout start (CreateOtaTask's time, or a later
 * `OtaSchedulingConfig.StartTime`) and D the model's duration:
 *   SCHEDULED (before S) → IN_PROGRESS (S to S + D) → COMPLETED (from S + D);
 * each target thing's execution is QUEUED, then IN_PROGRESS from S + its start offset, then its
 * outcome (SUCCEEDED or FAILED, TIMED_OUT, REJECTED, REMOVED, CANCELED) from S + its finishing time.
 * Assumptions, all UNCONFIRMED:
 * - The targets are the ONE_TIME task's `Target` entries; a managed-thing ARN's execution is
 *   listed under the ARN's last segment as ManagedThingId (an ARN does not fit the ManagedThingId
 *   pattern). A CONTINUOUS task has no concrete targets: it stays IN_PROGRESS with no executions.
 * - `TaskProcessingDetails` counts every target once by its execution status; `processingTargets`
 *   lists the targets still QUEUED or IN_PROGRESS, as given in `Target`.
 * - Each execution is ExecutionNumber 1, RetryAttempt 0: the retry config is not simulated.
 * - DeleteOtaTask's DELETION_IN_PROGRESS wins over the progress status while the task lingers.
 */
import { OtaExecutionOutcome, otaOutcomeModel, OtaOutcomeOptions, OutcomeModel, planOutcomes, TargetPlan } from './campaign-outcomes';
import { VirtualClock } from './clock';
import { epochSeconds } from './operation';
import { OtaTaskRecord, OtaTaskStatus } from './state';

export type OtaExecutionStatus = 'QUEUED' | 'IN_PROGRESS' | OtaExecutionOutcome;

/** One target's execution now, with the times of its transitions so far. */
export interface OtaExecution {
  readonly target: string;
  readonly managedThingId: string;
  readonly status: OtaExecutionStatus;
  readonly queuedAt: number;
  readonly startedAt?: number;
  readonly lastUpdatedAt: number;
}

/** TaskProcessingDetails, the model's member names (the casing mix is the model's). */
const COUNT_MEMBERS: { readonly [status in OtaExecutionStatus]: string } = {
  QUEUED: 'numberOfQueuedThings',
  IN_PROGRESS: 'NumberOfInProgressThings',
  SUCCEEDED: 'numberOfSucceededThings',
  FAILED: 'NumberOfFailedThings',
  TIMED_OUT: 'numberOfTimedOutThings',
  REJECTED: 'numberOfRejectedThings',
  REMOVED: 'numberOfRemovedThings',
  CANCELED: 'NumberOfCanceledThings',
};

export class OtaProgress {
  public readonly model: OutcomeModel<OtaExecutionOutcome>;

  constructor(private readonly clock: VirtualClock, options: OtaOutcomeOptions = {}) {
    this.model = otaOutcomeModel(options);
  }

  /** Fixes the rollout when CreateOtaTask is accepted. */
  public start(task: OtaTaskRecord): void {
    const scheduled = Date.parse(String((task.fields.OtaSchedulingConfig as { StartTime?: string } | undefined)?.StartTime));
    const startsAt = Number.isFinite(scheduled) && scheduled > this.clock.now() ? scheduled : this.clock.now();
    const targets = task.fields.OtaType === 'ONE_TIME' ? (task.fields.Target as string[] | undefined) ?? [] : [];
    task.rollout = { startsAt, plan: planOutcomes(this.model, task.id, targets, (target) => [managedThingId(target), target]) };
  }

  public status(task: OtaTaskRecord): OtaTaskStatus {
    if (task.status === 'DELETION_IN_PROGRESS' || task.status === 'CANCELED' || !task.rollout) return task.status;
    const elapsed = this.clock.now() - task.rollout.startsAt;
    if (elapsed < 0) return 'SCHEDULED';
    return task.fields.OtaType === 'ONE_TIME' && elapsed >= this.model.durationMs ? 'COMPLETED' : 'IN_PROGRESS';
  }

  public executions(task: OtaTaskRecord): OtaExecution[] {
    if (!task.rollout) return [];
    const { startsAt, plan } = task.rollout;
    return plan.map((entry) => this.execution(startsAt, entry));
  }

  public processingDetails(task: OtaTaskRecord): { [member: string]: number | string[] } {
    const executions = this.executions(task);
    const details: { [member: string]: number | string[] } = Object.fromEntries(Object.values(COUNT_MEMBERS).map((member) => [member, 0]));
    for (const execution of executions) (details[COUNT_MEMBERS[execution.status]] as number)++;
    details.processingTargets = executions.filter((execution) => execution.status === 'QUEUED' || execution.status === 'IN_PROGRESS')
      .map((execution) => execution.target);
    return details;
  }

  /** ListOtaTaskExecutions' `OtaTaskExecutionSummaries`, timestamps in epoch seconds (restJson1). */
  public summary(execution: OtaExecution): object {
    return {
      ManagedThingId: execution.managedThingId,
      TaskExecutionSummary: {
        ExecutionNumber: 1,
        RetryAttempt: 0,
        Status: execution.status,
        QueuedAt: epochSeconds(execution.queuedAt),
        ...(execution.startedAt !== undefined ? { StartedAt: epochSeconds(execution.startedAt) } : {}),
        LastUpdatedAt: epochSeconds(execution.lastUpdatedAt),
      },
    };
  }

  private execution(startsAt: number, entry: TargetPlan<OtaExecutionOutcome>): OtaExecution {
    const elapsed = this.clock.now() - startsAt;
    const base = { target: entry.targetId, managedThingId: managedThingId(entry.targetId), queuedAt: startsAt };
    if (elapsed < entry.startsAfterMs) return { ...base, status: 'QUEUED', lastUpdatedAt: startsAt };
    const startedAt = startsAt + entry.startsAfterMs;
    if (elapsed < entry.finishesAfterMs) return { ...base, status: 'IN_PROGRESS', startedAt, lastUpdatedAt: startedAt };
    return { ...base, status: entry.outcome, startedAt, lastUpdatedAt: startsAt + entry.finishesAfterMs };
  }
}

/** The managed thing id of a target: an ARN's last path segment, anything else as it is. */
export function managedThingId(target: string): string {
  return target.startsWith('arn:') ? target.slice(target.lastIndexOf('/') + 1) : target;
}
