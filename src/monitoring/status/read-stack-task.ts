import { IoTWirelessClient } from '@aws-sdk/client-iot-wireless';
import { readFuotaTaskProgress } from './fuota-progress';
import { readOtaTaskProgress } from './ota-progress';
import { ReadOptions } from './read-options';
import { ManagedIntegrationsClient } from '../../ota/handler/managed-integrations-client';
import { CAMPAIGN_TASK_TYPES } from '../campaign-metrics';
import type { StackTask } from '../handler/stack-tasks';
import { TaskProgress } from '../task-progress';

/** The two service clients a stack's tasks are read with. */
export interface TaskClients {
  readonly wireless: IoTWirelessClient;
  readonly managedIntegrations: ManagedIntegrationsClient;
}

export type TaskRead = { readonly task: StackTask; readonly progress: TaskProgress } | { readonly task: StackTask; readonly error: string };

/** One task's progress, or why it could not be read: one task's failure does not hide the others. */
export async function readStackTask(task: StackTask, clients: TaskClients, options: ReadOptions): Promise<TaskRead> {
  try {
    const progress = task.taskType === CAMPAIGN_TASK_TYPES.fuota
      ? await readFuotaTaskProgress(clients.wireless, task.taskId, options)
      : await readOtaTaskProgress(clients.managedIntegrations, task.taskId, options);
    return { task, progress };
  } catch (error) {
    return { task, error: (error as Error).message };
  }
}
