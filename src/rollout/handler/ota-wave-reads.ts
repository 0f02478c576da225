// The one step that turns a stack's OTA rollout waves into what the status reader and the
// controller read, shared by the monitor, `status` and `approve`: each wave's record is read; a
// wave whose task the controller created is read as that task, one not created yet is a wave
// with no progress of its own.
import { readWaveRecord, RecordObjects, recordStarted } from './ota-wave-record';
import type { WaveRead } from './wave-snapshots';
import { CAMPAIGN_TASK_TYPES } from '../../monitoring/campaign-metrics';
import type { StackTask } from '../../monitoring/handler/stack-tasks';
import type { ServiceCaller } from '../../monitoring/status/read-options';

/** The status of an OTA wave whose task does not exist yet, as `status` and the controller show it. */
export const NOT_CREATED_STATUS = 'NOT_CREATED';

export interface ResolvedWaves {
  /** The tasks to read: every task that is no OTA wave, and the created tasks of OTA waves. */
  readonly tasks: StackTask[];
  /** OTA waves whose task has not been created: never finished, nothing to read. */
  readonly unstarted: WaveRead[];
  /** OTA waves whose record could not be read. */
  readonly errors: { readonly task: StackTask; readonly error: string }[];
}

export async function resolveOtaWaves(listed: readonly StackTask[], records: RecordObjects | undefined, call: ServiceCaller): Promise<ResolvedWaves> {
  const tasks: StackTask[] = [];
  const unstarted: WaveRead[] = [];
  const errors: ResolvedWaves['errors'] = [];
  for (const task of listed) {
    if (!task.otaWave) {
      tasks.push(task);
      continue;
    }
    const location = task.otaWave.location;
    try {
      if (!records) throw new Error('an OTA rollout wave, and no S3 access to read its record with');
      const record = await call('GetObject', () => readWaveRecord(records, location));
      if (!record) throw new Error(`its record s3://${location.bucket}/${location.key} is missing; change any property of the wave (its description, say) and deploy to write it again`);
      const resolved: StackTask = { ...task, taskId: record.taskId ?? task.taskId, otaWave: { location, record } };
      if (record.taskId) {
        tasks.push(resolved);
      } else {
        const targets = record.request.Target?.length ?? 0;
        unstarted.push({
          task: resolved,
          progress: {
            taskType: CAMPAIGN_TASK_TYPES.ota,
            taskId: task.taskId,
            status: recordStarted(record) ? 'CREATING' : NOT_CREATED_STATUS,
            finished: false,
            running: false,
            targets,
            succeeded: 0,
            failed: 0,
            pending: targets,
            failuresByReason: {},
            granularity: 'device',
          },
        });
      }
    } catch (error) {
      errors.push({ task, error: (error as Error).message });
    }
  }
  return { tasks, unstarted, errors };
}
