import type { GetOtaTaskResponse } from './managed-integrations-client';
import { IN_PLACE_FIELDS } from './ota-requests';
import { StackRollbackProbe } from '../../shared/stack-rollback';

/** Whose removal is refused, for the message: its name, its task, and how to start anew instead. */
export interface RemovalSubject {
  readonly name: string;
  readonly taskId: string;
  readonly renew: string;
}

/**
 * What happens to a removed `description` or `taskConfiguration` that the live task still has.
 * UpdateOtaTask cannot clear either, and a new task would push the campaign to its devices again,
 * so neither is an answer.
 *
 * A rollback Update whose old properties lack the field is CloudFormation undoing an in-place
 * update that added it: the value stays on the task and the log says so (refusing would leave the
 * stack in UPDATE_ROLLBACK_FAILED; replacing would restart a running campaign, and the cleanup
 * would delete the original). A forward update that removes it is refused with a message saying
 * what to do instead. The two events look the same, so the stack's status decides; when it cannot
 * be read, the value stays too (logged): a kept description does no harm, a refused rollback
 * needs someone to skip the resource by hand.
 */
export async function keepOrRefuseRemovals(
  subject: RemovalSubject, removals: readonly (typeof IN_PLACE_FIELDS)[number][], live: GetOtaTaskResponse, probe: StackRollbackProbe,
  log: (entry: Record<string, unknown>) => void,
): Promise<void> {
  if (removals.length === 0) return;
  const names = removals.map(([, prop]) => prop).join(' and ');
  const verdict = await probe.verdict();
  if (verdict.rollingBack === false) {
    throw new Error(
      `${subject.name}: cannot remove ${names}. UpdateOtaTask cannot clear ${removals.length > 1 ? 'them' : 'it'} ` +
      '(the service requires at least one character), and a new task would push the campaign to its devices again. ' +
      `Keep ${names} (any value), or ${subject.renew}.`,
    );
  }
  const kept = removals.map(([field, prop]) => `${prop} ${JSON.stringify(live[field])}`).join(', ');
  log({
    taskId: subject.taskId,
    ...(verdict.rollingBack === undefined ? { stackStatusUnknown: verdict.unknownBecause } : { stackStatus: verdict.stackStatus }),
    warning: verdict.rollingBack
      ? `the stack is rolling back to properties without ${names}, which UpdateOtaTask cannot clear: ${subject.name} keeps ${kept}.`
      : `the properties leave out ${names}, which UpdateOtaTask cannot clear, and whether the stack is rolling back ` +
        `could not be checked: ${subject.name} keeps ${kept} rather than risk refusing a rollback.`,
  });
}
