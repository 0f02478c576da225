import { Construct } from 'constructs';
import { CampaignTaskBase } from './campaign-task-base';

/**
 * A task that exists outside the app, referred to by ARN (`fromFuotaTaskArn`, `fromOtaTaskArn`): its
 * campaign metrics and alarms work, a `CampaignMonitor` can be told to watch it, nothing else
 * changes it. `fields` are the service's own attributes of it (its ARN and id).
 */
export function importedCampaignTask<F extends object>(
  scope: Construct, id: string, arn: string, taskType: string, taskId: string, fields: F,
): CampaignTaskBase & F {
  class Import extends CampaignTaskBase {
    public readonly campaignTaskId = taskId;
    public readonly campaignTaskType = taskType;
    protected readonly monitoredHere = false;
  }
  return Object.assign(new Import(scope, id, { environmentFromArn: arn }), fields);
}
