import type { OtaLifecycleContext } from './lifecycle';
import { callService, isNotFound } from '../../shared/service-call';

/**
 * Whether an OTA task is gone: DeleteOtaTask answers before the task is (DELETION_IN_PROGRESS),
 * so a Delete polls this until GetOtaTask answers not found.
 */
export async function otaTaskGone(id: string, ctx: OtaLifecycleContext): Promise<boolean> {
  try {
    const task = await callService('GetOtaTask', () => ctx.client.getOtaTask({ Identifier: id }), ctx);
    ctx.log({ taskId: id, waitingForDeletion: task.Status });
    return false;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}
