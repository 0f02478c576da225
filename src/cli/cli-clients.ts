// What both commands read a deployed stack with: the region they work in, the service clients,
// and the one way a stack's tasks and rollout waves are listed and read (the campaign monitor's).
import { boundedMap } from '../monitoring/handler/bounded-map';
import { listStackTasks, StackResourceReader } from '../monitoring/handler/stack-tasks';
import { ReadOptions, serviceCaller } from '../monitoring/status/read-options';
import { readStackTask, TaskClients, TaskRead } from '../monitoring/status/read-stack-task';
import { resolveOtaWaves } from '../rollout/handler/ota-wave-reads';
import type { RecordObjects } from '../rollout/handler/ota-wave-record';

/** `--region`, else AWS_REGION, else AWS_DEFAULT_REGION. */
export function commandRegion(option: string | undefined): string {
  const region = option ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('no region: pass --region or set AWS_REGION');
  return region;
}

/** The service clients, and S3 for the records of OTA rollout waves. */
export interface StackClients extends TaskClients {
  /** @default none: a stack with an OtaRollout cannot be read */
  readonly records?: RecordObjects;
}

/**
 * Every task of the stack read (5 at once), its OTA rollout waves through their records: the
 * created ones as their tasks, those not created yet as they are. `only` keeps some tasks.
 */
export async function readStackTasks(
  stacks: StackResourceReader, stackId: string, clients: StackClients, options: ReadOptions = {}, only: (read: TaskRead) => boolean = () => true,
): Promise<TaskRead[]> {
  const call = serviceCaller();
  const listed = await listStackTasks(stacks, stackId, call);
  const { tasks, unstarted, errors } = await resolveOtaWaves(listed, clients.records, call);
  const reads = await boundedMap(tasks, 5, (task) => readStackTask(task, clients, options));
  return [...reads, ...unstarted, ...errors].filter(only);
}
