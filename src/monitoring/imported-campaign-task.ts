import { Construct } from 'constructs';
import { CampaignTaskType } from './campaign-metrics';
import { CampaignTaskBase } from './campaign-task-base';
import { TaskArnFormat, taskIdFromArn } from '../shared/task-resource';

/** How one service's task ARNs look, and the campaign task type they are. */
export interface CampaignTaskArnFormat extends TaskArnFormat {
  readonly taskType: CampaignTaskType;
}

/**
 * A task that exists outside the app, referred to by ARN (`fromFuotaTaskArn`, `fromOtaTaskArn`): its
 * campaign metrics and alarms work, a `CampaignMonitor` can be told to watch it, nothing else
 * changes it. `fields` gives the service's own attributes of it (its ARN and id) from its id.
 */
export function importedCampaignTask<F extends object>(
  scope: Construct, id: string, arn: string, format: CampaignTaskArnFormat, fields: (taskId: string) => F,
): CampaignTaskBase & F {
  const taskId = taskIdFromArn(scope, id, arn, format);
  class Import extends CampaignTaskBase {
    public readonly campaignTaskId = taskId;
    public readonly campaignTaskType = format.taskType;
    protected readonly monitoredHere = false;
  }
  return Object.assign(new Import(scope, id, { environmentFromArn: arn }), fields(taskId));
}
