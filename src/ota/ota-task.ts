import { Annotations, CustomResource, Duration, ITaggable, Lazy, RemovalPolicy, Stack, TagManager, TagType, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { jobDocumentBucket, jobDocumentReadStatement } from './job-document-bucket';
import { checkManagedIntegrationsRegion } from './managed-integrations-region';
import { OtaEndBehavior, OtaType } from './ota-enums';
import { OtaTaskProvider } from './ota-task-provider';
import { OTA_TASK_MAX_TAGS, OTA_TASK_MAX_TARGETS, OTA_TASK_RULES } from './ota-task-rules';
import { OtaTaskSettings } from './ota-task-settings';
import { OTA_TASK_RESOURCE_TYPE, OtaTaskResourceProperties } from './ota-task.types';
import { scheduleOrderViolation, scheduleTimeViolation } from './schedule-times';
import { CAMPAIGN_TASK_TYPES } from '../monitoring/campaign-metrics';
import { CampaignTaskBase, ICampaignTask } from '../monitoring/campaign-task-base';
import { importedCampaignTask } from '../monitoring/imported-campaign-task';
import { assertRule } from '../shared/constraints';
import { propChecker } from '../shared/prop-checker';
import { numberProperty } from '../shared/property-values';
import { providerInputViolation } from '../shared/provider-input';
import { validatedTaskTags } from '../shared/tag-rules';
import { applyTaskRemovalPolicy, newTaskResource, refuseSnapshot } from '../shared/task-resource';
import { TaskOptions } from '../shared/task-resource-options';

/** What error messages call OTA tasks. */
const OTA_TASKS = 'OTA tasks';

/** An OTA task of AWS IoT Managed Integrations. */
export interface IOtaTask extends ICampaignTask {
  /**
   * The ARN of the task.
   * @attribute
   */
  readonly otaTaskArn: string;

  /**
   * The id of the task.
   * @attribute
   */
  readonly otaTaskId: string;
}

/** A recurring window in which the rollout may run. */
export interface OtaMaintenanceWindow {
  /** When the window starts, in the form the service documents. */
  readonly startTime: string;
  /** How long the window lasts (1 to 1430 whole minutes). */
  readonly duration: Duration;
}

/** When the task runs. */
export interface OtaSchedulingConfig {
  /**
   * When the rollout starts: a date-time such as `2027-01-15T02:00` (seconds and a zone are optional).
   * @default - as soon as the task is created
   */
  readonly startTime?: string;
  /**
   * When the rollout ends, in the same form as `startTime` and later than it.
   * @default - no end
   */
  readonly endTime?: string;
  /**
   * What happens to a rollout still running at `endTime`.
   * @default - the service's default
   */
  readonly endBehavior?: OtaEndBehavior;
  /**
   * Windows in which the rollout may run.
   * @default - no maintenance windows
   */
  readonly maintenanceWindows?: OtaMaintenanceWindow[];
}

/** Properties of an `OtaTask`. */
export interface OtaTaskProps extends OtaTaskSettings, TaskOptions {
  /** A fixed list of targets (`ONE_TIME`) or a continually evaluated query (`CONTINUOUS`). */
  readonly otaType: OtaType;
  /**
   * Managed-thing ARNs to update (1 to 100), for `ONE_TIME` tasks.
   * @default - none; required for `ONE_TIME`
   */
  readonly targets?: string[];
  /**
   * A query selecting the managed things to update (e.g. `attributes.owner=team-a`), for `CONTINUOUS` tasks.
   * @default - none; required for `CONTINUOUS`
   */
  readonly otaTargetQueryString?: string;
  /**
   * When the task runs.
   * @default - at once, with no end
   */
  readonly scheduling?: OtaSchedulingConfig;
}

/**
 * An over-the-air update task of AWS IoT Managed Integrations, with its job document in S3 readable
 * by the service. Only the description and the task configuration change in place; any other
 * change creates a new task and deletes the old one.
 *
 * @example
 * new OtaTask(this, 'HubFirmware', {
 *   jobDocument: OtaJobDocument.fromAsset(path.join(__dirname, 'ota/job.json')),
 *   otaType: OtaType.ONE_TIME,
 *   targets: ['arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/abc123'],
 * });
 */
export class OtaTask extends CampaignTaskBase implements IOtaTask, ITaggable {
  /**
   * Refers to an existing OTA task by ARN.
   * @param arn `arn:aws:iotmanagedintegrations:<region>:<account>:ota-task/<id>`
   */
  public static fromOtaTaskArn(scope: Construct, id: string, arn: string): IOtaTask {
    return importedCampaignTask(scope, id, arn, CAMPAIGN_TASK_TYPES.ota, (taskId) => ({ otaTaskArn: arn, otaTaskId: taskId }));
  }

  public readonly otaTaskArn: string;
  public readonly otaTaskId: string;

  /** Tags applied to the task (through `Tags.of()` or directly). */
  public readonly tags: TagManager;

  public readonly campaignTaskType: string = CAMPAIGN_TASK_TYPES.ota;
  protected readonly monitoredHere = true;
  public get campaignTaskId(): string {
    return this.otaTaskId;
  }

  /** The custom resource; `node.defaultChild` of this construct. */
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: OtaTaskProps) {
    super(scope, id);
    checkManagedIntegrationsRegion(this);
    validateProps(this.node.path, props);
    refuseSnapshot(this, props.removalPolicy, OTA_TASKS);

    const provider = OtaTaskProvider.getOrCreate(this, props.providerOptions);
    const document = props.jobDocument.bind(this);
    let location: Pick<OtaTaskResourceProperties, 'JobDocument' | 'JobDocumentBucket' | 'S3Url'>;
    if (document.content !== undefined) {
      const bucket = jobDocumentBucket(this);
      provider.allowJobDocumentWrites(bucket);
      location = { JobDocument: document.content, JobDocumentBucket: bucket.bucketName };
    } else {
      const { bucket, objectKey } = document as Required<typeof document>;
      const statement = jobDocumentReadStatement(bucket.arnForObjects(objectKey), Stack.of(this).account);
      if (!bucket.addToResourcePolicy(statement).statementAdded) {
        Annotations.of(this).addWarningV2('cdk-iot-ota-tasks:importedJobDocumentBucket',
          `The job document's bucket is imported, so its policy cannot be changed here. Add this statement to it, or IoT Managed Integrations cannot read the document: ${JSON.stringify(Stack.of(this).resolve(statement.toStatementJson()))}`);
      }
      location = { S3Url: bucket.s3UrlForObject(objectKey) };
      assertRule(this.node.path, OTA_TASK_RULES.s3Url, location.S3Url);
    }

    this.tags = validatedTaskTags(this, TagType.MAP, OTA_TASK_RESOURCE_TYPE,
      { what: 'an OTA task', max: OTA_TASK_MAX_TAGS, key: OTA_TASK_RULES.tagKey, value: OTA_TASK_RULES.tagValue });

    const properties: OtaTaskResourceProperties = {
      ...location,
      OtaType: props.otaType,
      Protocol: props.protocol,
      OtaMechanism: props.otaMechanism,
      Target: props.targets,
      OtaTargetQueryString: props.otaTargetQueryString,
      TaskConfigurationId: props.taskConfiguration?.otaTaskConfigurationId,
      Description: props.description,
      OtaSchedulingConfig: props.scheduling && {
        StartTime: props.scheduling.startTime,
        EndTime: props.scheduling.endTime,
        EndBehavior: props.scheduling.endBehavior,
        MaintenanceWindows: props.scheduling.maintenanceWindows?.map((window) => ({
          StartTime: window.startTime,
          DurationInMinutes: numberProperty(window.duration.toMinutes())!,
        })),
      },
      OtaTaskExecutionRetryConfig: props.retryCriteria && {
        RetryConfigCriteria: props.retryCriteria.map((criteria) => ({
          FailureType: criteria.failureType,
          MinNumberOfRetries: numberProperty(criteria.minNumberOfRetries),
        })),
      },
      // The model wants 1 to 50 tags: no tags means no Tags property, never an empty map.
      Tags: Lazy.any({ produce: () => this.tags.renderTags() }) as any,
    };

    // The real bound on a stored document: both copies in an Update's Step Functions input.
    this.node.addValidation({
      validate: () => {
        const violation = providerInputViolation(this.node.path, Stack.of(this).resolve(properties));
        return violation ? [violation] : [];
      },
    });

    this.resource = newTaskResource(this, {
      serviceToken: provider.serviceToken,
      resourceType: OTA_TASK_RESOURCE_TYPE,
      properties,
      removalPolicy: props.removalPolicy,
      outputs: props.outputs ?? true,
    });
    this.otaTaskId = this.resource.ref;
    this.otaTaskArn = this.resource.getAttString('Arn');
  }

  /**
   * Sets the task's DeletionPolicy and UpdateReplacePolicy (as the `removalPolicy` prop does).
   * SNAPSHOT is refused: there is nothing to snapshot.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    applyTaskRemovalPolicy(this, this.resource, policy, OTA_TASKS);
  }
}

function validateProps(path: string, props: OtaTaskProps): void {
  const R = OTA_TASK_RULES;
  const check = propChecker(path);
  check(R.otaType, props.otaType);
  check(R.protocol, props.protocol);
  check(R.otaMechanism, props.otaMechanism);
  check(R.description, props.description);
  check(R.otaTargetQueryString, props.otaTargetQueryString);
  if (props.taskConfiguration) check(R.taskConfigurationId, props.taskConfiguration.otaTaskConfigurationId);

  checkTargeting(path, props);

  const scheduling = props.scheduling;
  const known = (value: string | undefined) => (value === undefined || Token.isUnresolved(value) ? undefined : value);
  const startTime = known(scheduling?.startTime);
  const endTime = known(scheduling?.endTime);
  const scheduleViolation = (startTime === undefined ? undefined : scheduleTimeViolation('scheduling.startTime', startTime))
    ?? (endTime === undefined ? undefined : scheduleTimeViolation('scheduling.endTime', endTime))
    ?? scheduleOrderViolation(startTime, endTime);
  if (scheduleViolation) throw new Error(`${path}: ${scheduleViolation}`);
  check(R.endBehavior, scheduling?.endBehavior);
  for (const window of scheduling?.maintenanceWindows ?? []) {
    check(R.maintenanceWindowStartTime, window.startTime);
    if (!Token.isUnresolved(window.startTime) && window.startTime.trim() === '') {
      throw new Error(`${path}: scheduling.maintenanceWindows[].startTime must not be empty`);
    }
    const seconds = window.duration.toSeconds();
    if (Token.isUnresolved(seconds)) continue;
    if (seconds % 60 !== 0) {
      throw new Error(`${path}: scheduling.maintenanceWindows[].duration must be whole minutes, got ${window.duration.toHumanString()}`);
    }
    check(R.maintenanceWindowDuration, seconds / 60);
  }
  for (const criteria of props.retryCriteria ?? []) {
    check(R.retryFailureType, criteria.failureType);
    check(R.minNumberOfRetries, criteria.minNumberOfRetries);
  }
}

/** ONE_TIME takes a list of targets, CONTINUOUS a query; the service's guide documents no mix. */
function checkTargeting(path: string, props: OtaTaskProps): void {
  const targets = props.targets;
  const hasTargets = targets !== undefined && (Token.isUnresolved(targets) || targets.length > 0);
  const hasQuery = props.otaTargetQueryString !== undefined;
  if (props.otaType === OtaType.ONE_TIME) {
    if (!hasTargets) throw new Error(`${path}: a ONE_TIME OTA task needs targets (1 to ${OTA_TASK_MAX_TARGETS} managed-thing ARNs)`);
    if (hasQuery) throw new Error(`${path}: otaTargetQueryString is for CONTINUOUS OTA tasks; a ONE_TIME task takes targets only`);
  }
  if (props.otaType === OtaType.CONTINUOUS) {
    if (!hasQuery) throw new Error(`${path}: a CONTINUOUS OTA task needs otaTargetQueryString`);
    if (hasTargets) throw new Error(`${path}: targets are for ONE_TIME OTA tasks; a CONTINUOUS task selects things with otaTargetQueryString`);
    if (!Token.isUnresolved(props.otaTargetQueryString) && props.otaTargetQueryString!.trim() === '') {
      throw new Error(`${path}: otaTargetQueryString must not be empty`);
    }
  }
  if (targets === undefined || Token.isUnresolved(targets)) return;
  if (targets.length > OTA_TASK_MAX_TARGETS) {
    throw new Error(`${path}: targets takes at most ${OTA_TASK_MAX_TARGETS} managed things at a time, got ${targets.length}`);
  }
  const seen = new Set<string>();
  for (const target of targets) {
    if (Token.isUnresolved(target)) continue;
    if (target.trim() === '') throw new Error(`${path}: targets must not contain an empty string`);
    assertRule(path, OTA_TASK_RULES.target, target);
    if (seen.has(target)) throw new Error(`${path}: targets lists ${JSON.stringify(target)} twice`);
    seen.add(target);
  }
}
