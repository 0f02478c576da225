// What the monitor's schedule hands its function as the event: the tasks added with
// `CampaignMonitor.addTask` (imported ones, or another stack's), which ListStackResources on the
// monitor's own stack cannot find. The stack's own tasks never go in here, so the event stays the
// same size however many tasks the stack has; added tasks are capped so it stays within the 8,192
// characters EventBridge allows a target's Input. Shared by the construct, which writes it, and the
// handler, which reads it.
import { CampaignTaskType } from './campaign-metrics';

/** Added tasks a monitor reads at most: 20 FUOTA ids of 256 characters still fit in 8,192. */
export const MAX_ADDED_TASKS = 20;

/**
 * A task id either service may give: FUOTA ids are UUIDs (the model allows 0..256 characters),
 * OTA ids `^[A-Za-z0-9]+$` up to 200. Neither holds a `:`, so a CDK provider's failure marker is none.
 */
export const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,255}$/;

/** One task added to a monitor: what the handler needs to read it in its own account and region. */
export interface AddedTask {
  readonly taskType: CampaignTaskType;
  readonly taskId: string;
}

/** The rule target's Input, present only when tasks were added. */
export interface MonitorInput {
  readonly addedTasks: readonly AddedTask[];
}
