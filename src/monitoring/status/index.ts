// The one status reader: the campaign monitor and the `status` command both ask it how far a task got.
export { readFuotaTaskProgress, FUOTA_FAILURE_STATUSES } from './fuota-progress';
export { readOtaTaskProgress } from './ota-progress';
export { DELETED_STATUS } from './progress-counts';
export type { ReadOptions } from './read-options';
export type { TargetStatus, TaskProgress } from '../task-progress';
