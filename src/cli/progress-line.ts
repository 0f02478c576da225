import { TargetStatus, TaskProgress } from '../monitoring/task-progress';

const BAR_WIDTH = 20;

/**
 * One terminal line for a task: a bar of finished targets (succeeded and failed), the counts, the
 * service's status and the failure reasons, e.g.
 * `FuotaTask 4f2a…  [##########..........]  50%  8 ok  2 failed  10 pending  In_FuotaSession  (MissingFrag 2)`.
 */
export function progressLine(progress: TaskProgress, label: string): string {
  const done = progress.succeeded + progress.failed;
  const share = progress.targets > 0 ? done / progress.targets : 0;
  const filled = Math.round(share * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const unit = progress.granularity === 'group' ? 'groups' : 'targets';
  const reasons = Object.entries(progress.failuresByReason).map(([reason, count]) => `${reason} ${count}`).join(', ');
  return [
    `${progress.taskType} ${label}`.padEnd(40),
    bar,
    `${Math.floor(share * 100)}%`.padStart(4),
    `${progress.succeeded} ok`,
    `${progress.failed} failed`,
    `${progress.pending} pending`,
    `of ${progress.targets} ${unit}`,
    progress.status,
    reasons ? `(${reasons})` : '',
  ].filter((part) => part !== '').join('  ');
}

/** Failed targets first, then pending, then succeeded: what an operator looks for first. */
const OUTCOME_ORDER: readonly TargetStatus['outcome'][] = ['failed', 'pending', 'succeeded'];

/**
 * The lines under a task for `status --targets`: one per target, `    <id>  <status>`, at most
 * `limit` of them, then `    … and N more`.
 */
export function targetLines(targets: readonly TargetStatus[], limit: number): string[] {
  const ordered = OUTCOME_ORDER.flatMap((outcome) => targets.filter((target) => target.outcome === outcome));
  const shown = ordered.slice(0, limit);
  const width = Math.max(0, ...shown.map((target) => target.targetId.length));
  const lines = shown.map((target) => `    ${target.targetId.padEnd(width)}  ${target.status}`);
  if (ordered.length > limit) lines.push(`    … and ${ordered.length - limit} more (--targets-limit)`);
  return lines;
}

/** Tasks whose failed share is above `failAbove` (ratio): what makes `status --fail-above` exit 1. */
export function tasksFailingAbove(tasks: readonly TaskProgress[], failAbove: number): TaskProgress[] {
  return tasks.filter((task) => task.targets > 0 && task.failed / task.targets > failAbove);
}
