import type { GetFuotaTaskResponse } from '@aws-sdk/client-iot-wireless';
import { LiveFuotaTaskFields } from './live-task';
import { cannotRemoveError, unclearableRemovals, UpdatableField } from './requests';
import { FuotaTaskSpec } from './task-spec';
import { isRollingBack } from '../../shared/cloudformation-stack-status';
import { ServiceCallError } from '../../shared/service-call';
import { StackRollbackProbe } from '../../shared/stack-rollback';

/**
 * What a rollback may leave as it is. CloudFormation's rollback Update sends the old properties
 * back; where IoT Wireless cannot go back (a started task, a number it cannot unset), refusing
 * would leave the stack in UPDATE_ROLLBACK_FAILED, recoverable only with
 * `continue-update-rollback --resources-to-skip`. So these are refused in a forward update, and
 * logged and left during a rollback.
 */

type Log = (entry: Record<string, unknown>) => void;

/**
 * Decides what happens to a change a started task cannot take: it is refused (the task accepts no
 * changes after StartFuotaTask), unless CloudFormation is rolling the stack back. A rollback of the
 * update that started the task swaps the old properties back in; refusing it would leave the stack
 * in UPDATE_ROLLBACK_FAILED. Then the change is logged and skipped, and the task stays as it is.
 * The stack status is asked at most once per invocation, and only when a started task would change.
 */
export type StartedTaskGuard = (task: GetFuotaTaskResponse, change: string, refusal?: Error) => Promise<void>;

export function startedTaskGuard(probe: StackRollbackProbe, log: Log): StartedTaskGuard {
  return async (task, change, refusal = startedTaskError(task, change)) => {
    let status: string;
    try {
      status = await probe.stackStatus();
    } catch (error) {
      if (error instanceof ServiceCallError && error.transient) throw error;
      throw new Error(`${refusal.message} (Whether the stack is rolling back could not be checked: ${(error as Error).message})`);
    }
    if (!isRollingBack(status)) throw refusal;
    log({
      taskId: task.Id,
      stackStatus: status,
      warning: `the stack is rolling back, but FuotaTask ${task.Id} has started (status ${task.Status}) and cannot be reverted: ` +
        `it cannot ${change}. The task is left as it is and this rollback goes on.`,
    });
  };
}

function startedTaskError(task: GetFuotaTaskResponse, change: string): Error {
  return new Error(
    `FuotaTask ${task.Id} has started (status ${task.Status}) and IoT Wireless accepts no changes after ` +
    `StartFuotaTask, so it cannot ${change}. Create a new FuotaTask (give it a new construct id) for the new campaign.`,
  );
}

/**
 * `fields` without the removals UpdateFuotaTask cannot express (redundancyPercent,
 * fragmentSizeBytes, fragmentIntervalMs, rfRegion: no "unset", no published default) when they
 * may be left as they are.
 *
 * Such a removal reaches here when the previous properties set the field and its value is live.
 * In a rollback that is CloudFormation undoing an update that added the field (or added the value
 * the service already had, its default): the value stays on the task and the log says so. In a
 * forward update the user took the field out: that is refused with a message saying what to set
 * instead, since keeping the old value silently would leave the template saying something the
 * task does not do. When the stack's status cannot be read, the value stays too (and is logged):
 * a kept value does no harm, a refused rollback needs someone to skip the resource by hand.
 */
export async function withoutUnclearableRemovals(
  id: string, fields: UpdatableField[], desired: FuotaTaskSpec, live: LiveFuotaTaskFields, probe: StackRollbackProbe, log: Log,
): Promise<UpdatableField[]> {
  const unclearable = unclearableRemovals(fields, desired);
  if (unclearable.length === 0) return fields;
  const verdict = await probe.verdict();
  if (verdict.rollingBack === false) throw cannotRemoveError(id, unclearable);
  const kept = unclearable.map((field) => `${field} ${JSON.stringify(live[field])}`).join(', ');
  log({
    taskId: id,
    ...(verdict.rollingBack === undefined ? { stackStatusUnknown: verdict.unknownBecause } : { stackStatus: verdict.stackStatus }),
    warning: verdict.rollingBack
      ? `the stack is rolling back to properties without ${unclearable.join(', ')}, which IoT Wireless cannot unset: FuotaTask ${id} keeps ${kept}.`
      : `the properties leave out ${unclearable.join(', ')}, which IoT Wireless cannot unset, and whether the stack is rolling back ` +
        `could not be checked: FuotaTask ${id} keeps ${kept} rather than risk refusing a rollback.`,
  });
  return fields.filter((field) => !unclearable.includes(field));
}
