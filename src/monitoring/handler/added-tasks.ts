// The tasks added with `CampaignMonitor.addTask`, read from the event the schedule sends (the rule
// target's Input; see ../monitor-input.ts), and merged with the tasks found in the stack.
import type { StackTask } from './stack-tasks';
import { CAMPAIGN_TASK_TYPES, CampaignTaskType } from '../campaign-metrics';
import { AddedTask, MAX_ADDED_TASKS, TASK_ID } from '../monitor-input';

/** What an added task is called in the monitor's log lines, where a stack task gives its logical id. */
export const ADDED_TASK_LABEL = '(added with addTask)';

const TASK_TYPES: readonly string[] = Object.values(CAMPAIGN_TASK_TYPES);

/**
 * The added tasks of an event. A scheduled event without Input (no task added) has none; an Input
 * the construct would not have written fails the tick loudly rather than reading less than asked.
 */
export function addedTasksOf(event: unknown): AddedTask[] {
  const added = (event as { addedTasks?: unknown } | null | undefined)?.addedTasks;
  if (added === undefined) return [];
  if (!Array.isArray(added) || added.length > MAX_ADDED_TASKS) {
    throw new Error(`campaign monitor: the event's addedTasks must be a list of at most ${MAX_ADDED_TASKS} tasks, got ${JSON.stringify(added)?.slice(0, 200)}`);
  }
  return added.map((task: { taskType?: unknown; taskId?: unknown } | null, i) => {
    if (!task || !TASK_TYPES.includes(task.taskType as string) || typeof task.taskId !== 'string' || !TASK_ID.test(task.taskId)) {
      throw new Error(`campaign monitor: the event's addedTasks[${i}] must be {"taskType": "FuotaTask" or "OtaTask", "taskId": a task id}, got ${JSON.stringify(task)?.slice(0, 300)}`);
    }
    return { taskType: task.taskType as CampaignTaskType, taskId: task.taskId };
  });
}

/** The stack's tasks, then the added ones it does not already hold (each task is read once). */
export function withAddedTasks(stackTasks: readonly StackTask[], added: readonly AddedTask[]): StackTask[] {
  const tasks = [...stackTasks];
  const seen = new Set(tasks.map(key));
  for (const task of added) {
    if (seen.has(key(task))) continue;
    seen.add(key(task));
    // Never a rollout wave: the controller starts only waves its own stack lists.
    tasks.push({ ...task, logicalId: ADDED_TASK_LABEL, rolloutWave: false });
  }
  return tasks;
}

function key(task: AddedTask): string {
  return `${task.taskType}|${task.taskId}`;
}
