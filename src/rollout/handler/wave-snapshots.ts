// The waves of a stack's rollouts as the controller, `approve` and `status` see them: each wave
// task the status reader read, with its tags (FUOTA: ListTagsForResource, since GetFuotaTask
// reports none; OTA: the wave's record, ./ota-wave-reads.ts), grouped by rollout. One implementation, so the three never disagree about a rollout's state.
import { IoTWirelessClient, ListTagsForResourceCommand } from '@aws-sdk/client-iot-wireless';
import { NOT_STARTED_STATUS, WaveSnapshot } from './decide';
import { recordArn, recordStarted } from './ota-wave-record';
import type { StackTask } from '../../monitoring/handler/stack-tasks';
import type { ServiceCaller } from '../../monitoring/status/read-options';
import { TaskProgress } from '../../monitoring/task-progress';
import { parseWaveTag, ROLLOUT_TAGS } from '../rollout-tags';

/** A wave task the status reader read. */
export interface WaveRead {
  readonly task: StackTask;
  readonly progress: TaskProgress;
}

export interface WaveReadContext {
  /** The ARN of the stack, for the tasks' ARNs when the service did not report one (a deleted task). */
  readonly stackId?: string;
  readonly wireless: IoTWirelessClient;
  readonly call: ServiceCaller;
  readonly writeLine: (line: string) => void;
}

/** The stack's rollouts by name (sorted), and how many waves could not be read (ERROR lines written). */
export async function readRollouts(
  reads: readonly WaveRead[], ctx: WaveReadContext,
): Promise<{ rollouts: Map<string, WaveSnapshot[]>; failures: number }> {
  const rollouts = new Map<string, WaveSnapshot[]>();
  let failures = 0;
  for (const read of reads) {
    try {
      const snapshot = await waveSnapshot(read, ctx);
      if (!snapshot) continue;
      const rollout = snapshot.tags[ROLLOUT_TAGS.rollout];
      rollouts.set(rollout, [...rollouts.get(rollout) ?? [], snapshot]);
    } catch (error) {
      failures++;
      ctx.writeLine(JSON.stringify({ level: 'ERROR', rolloutWave: read.task.logicalId, taskId: read.task.taskId, error: (error as Error).message }));
    }
  }
  return { rollouts: new Map([...rollouts.entries()].sort(([a], [b]) => a.localeCompare(b))), failures };
}

/** The wave's tags read and checked; undefined (with a warning) for a wave task whose tags were edited away. */
async function waveSnapshot(read: WaveRead, ctx: WaveReadContext): Promise<WaveSnapshot | undefined> {
  const ota = read.task.otaWave;
  if (ota) {
    // An OTA wave's tags are its record's: they exist before its task does.
    const record = ota.record!;
    const position = parseWaveTag(record.tags[ROLLOUT_TAGS.wave]);
    if (!record.tags[ROLLOUT_TAGS.rollout] || !position) throw new Error(`the record s3://${ota.location.bucket}/${ota.location.key} lacks the ${ROLLOUT_TAGS.rollout} and ${ROLLOUT_TAGS.wave} tags`);
    const partition = ctx.stackId?.split(':')[1];
    return {
      ...position,
      taskId: read.task.taskId,
      taskArn: record.taskArn ?? recordArn(ota.location, partition),
      started: recordStarted(record),
      progress: read.progress,
      tags: record.tags,
      otaWave: ota,
    };
  }
  const taskArn = read.progress.arn ?? (ctx.stackId ? fuotaTaskArn(ctx.stackId, read.task.taskId) : undefined);
  if (!taskArn) throw new Error(`FUOTA task ${read.task.taskId} reported no ARN`);
  const answer = await ctx.call('ListTagsForResource', () => ctx.wireless.send(new ListTagsForResourceCommand({ ResourceArn: taskArn })));
  const tags = Object.fromEntries((answer.Tags ?? []).map((tag) => [tag.Key!, tag.Value ?? '']));
  const position = parseWaveTag(tags[ROLLOUT_TAGS.wave]);
  if (!tags[ROLLOUT_TAGS.rollout] || !position) {
    ctx.writeLine(JSON.stringify({ level: 'WARN', taskId: read.task.taskId, logicalId: read.task.logicalId, message: `a rollout wave without its ${ROLLOUT_TAGS.rollout} and ${ROLLOUT_TAGS.wave} tags is left alone; redeploy the stack to restore them` }));
    return undefined;
  }
  return { ...position, taskId: read.task.taskId, taskArn, started: read.progress.status !== NOT_STARTED_STATUS, progress: read.progress, tags };
}

/** The ARN of a FUOTA task of the stack's account and region (the partition from the stack's ARN). */
export function fuotaTaskArn(stackId: string, taskId: string): string {
  const [, partition, , region, account] = stackId.split(':');
  return `arn:${partition}:iotwireless:${region}:${account}:FuotaTask/${taskId}`;
}

