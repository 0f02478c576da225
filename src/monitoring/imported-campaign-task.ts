import { Construct } from 'constructs';
import { CAMPAIGN_TASK_TYPES, CampaignTaskType } from './campaign-metrics';
import { CampaignTaskBase } from './campaign-task-base';
import { TaskArnFormat, taskIdFromArn } from '../shared/task-resource';

/** How each service's task ARNs look. */
const TASK_ARN_FORMATS: { readonly [type in CampaignTaskType]: TaskArnFormat } = {
  [CAMPAIGN_TASK_TYPES.fuota]: { service: 'iotwireless', resource: 'FuotaTask', form: 'a FUOTA task ARN (arn:<partition>:iotwireless:<region>:<account>:FuotaTask/<id>)' },
  [CAMPAIGN_TASK_TYPES.ota]: { service: 'iotmanagedintegrations', resource: 'ota-task', form: 'an OTA task ARN (arn:aws:iotmanagedintegrations:<region>:<account>:ota-task/<id>)' },
};

/**
 * A task that exists outside the app, referred to by ARN (`fromFuotaTaskArn`, `fromOtaTaskArn`): its
 * campaign metrics and alarms work, a `CampaignMonitor` can be told to watch it, nothing else
 * changes it. `fields` gives the service's own attributes of it (its ARN and id) from its id.
 */
export function importedCampaignTask<F extends object>(
  scope: Construct, id: string, arn: string, taskType: CampaignTaskType, fields: (taskId: string) => F,
): CampaignTaskBase & F {
  const taskId = taskIdFromArn(scope, id, arn, TASK_ARN_FORMATS[taskType]);
  class Import extends CampaignTaskBase {
    public readonly campaignTaskId = taskId;
    public readonly campaignTaskType = taskType;
    protected readonly monitoredHere = false;
  }
  return Object.assign(new Import(scope, id, { environmentFromArn: arn }), fields(taskId));
}
