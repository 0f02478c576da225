import { FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE, FUOTA_TASK_RESOURCE_TYPE } from '../../fuota/fuota-task.types';
import { OTA_ROLLOUT_WAVE_RESOURCE_TYPE, OTA_TASK_RESOURCE_TYPE } from '../../ota/ota-task.types';
import { OtaWaveRecord, recordLocation, RecordLocation } from '../../rollout/handler/ota-wave-record';
import type { StackResourcePage, StackResourceSummary } from '../../shared/cloudformation-stack-status';
import { CAMPAIGN_TASK_TYPES, CampaignTaskType } from '../campaign-metrics';
import { TASK_ID } from '../monitor-input';
import type { ServiceCaller } from '../status/read-options';

/** A task of the monitored stack, as its custom resource names it. */
export interface StackTask {
  readonly taskType: CampaignTaskType;
  readonly taskId: string;
  readonly logicalId: string;
  /** A wave of a rollout, which the rollout controller may start. */
  readonly rolloutWave: boolean;
  /**
   * A wave of an OTA rollout: where its record is (the resource's physical id names it), and the
   * record once read (../../rollout/handler/ota-wave-reads.ts). Until then `taskId` is the
   * physical id; once the record names the wave's task, that task's id.
   */
  readonly otaWave?: { readonly location: RecordLocation; readonly record?: OtaWaveRecord };
}

/** Reads one page of ListStackResources (CloudFormationStackStatus does). */
export interface StackResourceReader {
  resources(stackId: string, nextToken?: string): Promise<StackResourcePage>;
}

const TASK_TYPES: Readonly<Record<string, CampaignTaskType>> = {
  [FUOTA_TASK_RESOURCE_TYPE]: CAMPAIGN_TASK_TYPES.fuota,
  [FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE]: CAMPAIGN_TASK_TYPES.fuota,
  [OTA_TASK_RESOURCE_TYPE]: CAMPAIGN_TASK_TYPES.ota,
};

/**
 * The stack's own tasks, found anew on every tick (so no list of ids grows in the function's
 * environment or its rule), all pages of ListStackResources.
 */
export async function listStackTasks(stacks: StackResourceReader, stackId: string, call: ServiceCaller): Promise<StackTask[]> {
  const tasks: StackTask[] = [];
  let token: string | undefined;
  do {
    const page = await call('ListStackResources', () => stacks.resources(stackId, token));
    tasks.push(...page.resources.flatMap((resource) => taskOf(resource) ?? []));
    token = page.nextToken;
  } while (token);
  return tasks;
}

/**
 * A task resource that exists: settled (`CREATE_COMPLETE`, `UPDATE_COMPLETE`, the rollbacks'
 * `*_COMPLETE`; not `DELETE_COMPLETE`) and with a physical id that is a task id. A failed create
 * leaves the CDK provider framework's marker (`AWSCDK::CustomResourceProviderFramework::
 * CREATE_FAILED`) or no id at all; neither service's ids hold a `:` (OTA: `^[A-Za-z0-9]+$`;
 * FUOTA: UUIDs), so an id with one is no task.
 */
export function taskOf(resource: StackResourceSummary): StackTask | undefined {
  if (resource.resourceType === OTA_ROLLOUT_WAVE_RESOURCE_TYPE) return otaWaveOf(resource);
  const taskType = TASK_TYPES[resource.resourceType];
  const id = resource.physicalResourceId;
  if (!taskType || !id || !TASK_ID.test(id)) return undefined;
  if (!resource.resourceStatus.endsWith('_COMPLETE') || resource.resourceStatus === 'DELETE_COMPLETE') return undefined;
  return { taskType, taskId: id, logicalId: resource.logicalResourceId, rolloutWave: resource.resourceType === FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE };
}

/** An OTA rollout wave that exists: settled, with a physical id that names its record. */
function otaWaveOf(resource: StackResourceSummary): StackTask | undefined {
  const id = resource.physicalResourceId;
  const location = id ? recordLocation(id) : undefined;
  if (!location || !resource.resourceStatus.endsWith('_COMPLETE') || resource.resourceStatus === 'DELETE_COMPLETE') return undefined;
  return { taskType: CAMPAIGN_TASK_TYPES.ota, taskId: id!, logicalId: resource.logicalResourceId, rolloutWave: true, otaWave: { location } };
}
