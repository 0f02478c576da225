import * as fs from 'fs';
import { Annotations, CustomResource, ITaggable, Lazy, RemovalPolicy, Stack, TagManager, TagType, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeFirmwareRoleFindings, sharedFirmwareUpdateRole } from './firmware-update-role';
import { FuotaTaskProvider } from './fuota-task-provider';
import {
  FUOTA_FIRMWARE_MAX_BYTES,
  FUOTA_MIN_START_DELAY_SECONDS,
  FUOTA_MIN_START_LEAD_MINUTES,
  FUOTA_TASK_MAX_TAGS,
  FUOTA_TASK_RULES,
  IOT_WIRELESS_LORAWAN_REGIONS,
} from './fuota-task-rules';
import { FuotaTaskSettings } from './fuota-task-settings';
import { FuotaTaskStart } from './fuota-task-start';
import { FUOTA_TASK_RESOURCE_TYPE, FuotaTaskResourceProperties } from './fuota-task.types';
import { CAMPAIGN_TASK_TYPES } from '../monitoring/campaign-metrics';
import { CampaignTaskBase, ICampaignTask } from '../monitoring/campaign-task-base';
import { importedCampaignTask } from '../monitoring/imported-campaign-task';
import { assertRule, FieldRule } from '../shared/constraints';
import { FirmwareImageConfig } from '../shared/firmware-image';
import { grantFirmwareRead } from '../shared/firmware-read-grant';
import { propChecker } from '../shared/prop-checker';
import { numberProperty } from '../shared/property-values';
import { validatedTaskTags } from '../shared/tag-rules';
import { applyTaskRemovalPolicy, newTaskResource, refuseSnapshot } from '../shared/task-resource';

/** What error messages call FUOTA tasks. */
const FUOTA_TASKS = 'FUOTA tasks';

/** A LoRaWAN FUOTA task of AWS IoT Wireless. */
export interface IFuotaTask extends ICampaignTask {
  /**
   * The ARN of the task.
   * @attribute
   */
  readonly fuotaTaskArn: string;

  /**
   * The id of the task.
   * @attribute
   */
  readonly fuotaTaskId: string;
}

/** Properties of a `FuotaTask`. */
export interface FuotaTaskProps extends FuotaTaskSettings {
  /**
   * Wireless devices to update. A task takes devices or multicast groups, never both.
   * @default - no devices
   */
  readonly wirelessDeviceIds?: string[];

  /**
   * Multicast groups to update. A task takes devices or multicast groups, never both.
   * @default - no multicast groups
   */
  readonly multicastGroupIds?: string[];

  /**
   * When to start the task. Once started, IoT Wireless accepts no changes to it and takes no more
   * devices or groups, so a start needs `wirelessDeviceIds` or `multicastGroupIds`.
   * @default - the task is created but not started
   */
  readonly start?: FuotaTaskStart;
}

/**
 * A LoRaWAN firmware-update-over-the-air task of AWS IoT Wireless, with its image in S3, a
 * least-privilege FirmwareUpdateRole, its devices or multicast groups, and optionally started.
 *
 * @example
 * new FuotaTask(this, 'SensorFirmwareV2', {
 *   firmware: FirmwareImage.fromAsset(path.join(__dirname, 'firmware/v2.bin')),
 *   rfRegion: RfRegion.EU868,
 *   wirelessDeviceIds: ['1ffd32c8-8130-4194-96df-622f072a315f'],
 *   start: FuotaTaskStart.afterDeployment(Duration.hours(1)),
 * });
 */
export class FuotaTask extends CampaignTaskBase implements IFuotaTask, ITaggable {
  /**
   * Refers to an existing FUOTA task by ARN.
   * @param arn `arn:<partition>:iotwireless:<region>:<account>:FuotaTask/<id>`
   */
  public static fromFuotaTaskArn(scope: Construct, id: string, arn: string): IFuotaTask {
    return importedCampaignTask(scope, id, arn, CAMPAIGN_TASK_TYPES.fuota, (taskId) => ({ fuotaTaskArn: arn, fuotaTaskId: taskId }));
  }

  public readonly fuotaTaskArn: string;
  public readonly fuotaTaskId: string;

  /** The role IoT Wireless assumes to read the firmware image. */
  public readonly firmwareUpdateRole: iam.IRole;

  /** Tags applied to the task (through `Tags.of()` or directly). */
  public readonly tags: TagManager;

  public readonly campaignTaskType: string = CAMPAIGN_TASK_TYPES.fuota;
  protected readonly monitoredHere = true;
  public get campaignTaskId(): string {
    return this.fuotaTaskId;
  }

  /** The custom resource; `node.defaultChild` of this construct. */
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: FuotaTaskProps) {
    super(scope, id);
    validateProps(this, props);
    refuseSnapshot(this, props.removalPolicy, FUOTA_TASKS);

    const image = props.firmware.bind(this);
    checkImageSize(this, image);
    const sharedRole = props.firmwareUpdateRole ? undefined : sharedFirmwareUpdateRole(this);
    this.firmwareUpdateRole = props.firmwareUpdateRole ?? sharedRole!;
    grantFirmwareRead(this.firmwareUpdateRole, image);
    if (sharedRole) acknowledgeFirmwareRoleFindings(sharedRole);
    assertRule(this.node.path, FUOTA_TASK_RULES.firmwareUpdateImage, image.s3Uri);

    const provider = FuotaTaskProvider.getOrCreate(this, props.providerOptions);
    provider.allowPassRole(this.firmwareUpdateRole);
    // The library's own role takes the provider's boundary; a role the user passes is the user's.
    if (sharedRole) provider.applyPermissionsBoundary(sharedRole);

    this.tags = validatedTaskTags(this, TagType.KEY_VALUE, FUOTA_TASK_RESOURCE_TYPE,
      { what: 'a FUOTA task', max: FUOTA_TASK_MAX_TAGS, key: FUOTA_TASK_RULES.tagKey, value: FUOTA_TASK_RULES.tagValue });

    const properties: FuotaTaskResourceProperties = {
      FirmwareUpdateImage: image.s3Uri,
      FirmwareUpdateRole: this.firmwareUpdateRole.roleArn,
      Name: props.fuotaTaskName,
      Description: props.description,
      RfRegion: props.rfRegion,
      RedundancyPercent: numberProperty(props.redundancyPercent),
      FragmentSizeBytes: numberProperty(props.fragmentSizeBytes),
      FragmentIntervalMS: numberProperty(props.fragmentIntervalMs),
      Descriptor: props.descriptor,
      WirelessDeviceIds: props.wirelessDeviceIds,
      MulticastGroupIds: props.multicastGroupIds,
      StartDelaySeconds: props.start?.delay ? numberProperty(props.start.delay.toSeconds()) : undefined,
      StartTime: props.start?.time?.toISOString(),
      Tags: Lazy.any({ produce: () => this.tags.renderTags() }) as any,
    };

    this.resource = newTaskResource(this, {
      serviceToken: provider.serviceToken,
      resourceType: FUOTA_TASK_RESOURCE_TYPE,
      properties,
      removalPolicy: props.removalPolicy,
      outputs: props.outputs ?? true,
    });
    this.fuotaTaskId = this.resource.ref;
    this.fuotaTaskArn = this.resource.getAttString('Arn');
    warnOnRegionWithoutLoRaWAN(this);
  }

  /**
   * Sets the task's DeletionPolicy and UpdateReplacePolicy (as the `removalPolicy` prop does).
   * SNAPSHOT is refused: there is nothing to snapshot.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    applyTaskRemovalPolicy(this, this.resource, policy, FUOTA_TASKS);
  }
}

function validateProps(task: FuotaTask, props: FuotaTaskProps): void {
  const path = task.node.path;
  const check = propChecker(path);
  const R = FUOTA_TASK_RULES;
  check(R.name, props.fuotaTaskName);
  check(R.description, props.description);
  check(R.rfRegion, props.rfRegion);
  check(R.redundancyPercent, props.redundancyPercent);
  check(R.fragmentSizeBytes, props.fragmentSizeBytes);
  check(R.fragmentIntervalMs, props.fragmentIntervalMs);
  check(R.descriptor, props.descriptor);
  checkIdList(path, R.wirelessDeviceId, props.wirelessDeviceIds);
  checkIdList(path, R.multicastGroupId, props.multicastGroupIds);

  if ((props.wirelessDeviceIds?.length ?? 0) > 0 && (props.multicastGroupIds?.length ?? 0) > 0) {
    throw new Error(`${path}: wirelessDeviceIds and multicastGroupIds cannot both be set: IoT Wireless takes devices or multicast groups in a FUOTA task, never both`);
  }
  if (props.fragmentSizeBytes !== undefined && (props.wirelessDeviceIds?.length ?? 0) > 0) {
    Annotations.of(task).addWarningV2('cdk-iot-ota-tasks:fragmentSizeBytesWithDevices',
      'fragmentSizeBytes applies only to FUOTA tasks with multicast groups; IoT Wireless ignores it for individual devices');
  }
  checkStart(path, props);
}

function checkIdList(path: string, rule: FieldRule, ids: string[] | undefined): void {
  if (ids === undefined || Token.isUnresolved(ids)) return;
  const seen = new Set<string>();
  for (const id of ids) {
    if (Token.isUnresolved(id)) continue;
    assertRule(path, rule, id);
    if (seen.has(id)) {
      throw new Error(`${path}: ${rule.field} lists ${JSON.stringify(id)} twice`);
    }
    seen.add(id);
  }
}

function checkStart(path: string, props: FuotaTaskProps): void {
  const start = props.start;
  if (!start) return;
  if (start.delay) {
    const seconds = start.delay.toSeconds();
    if (!Token.isUnresolved(seconds) && seconds < FUOTA_MIN_START_DELAY_SECONDS) {
      throw new Error(`${path}: start FuotaTaskStart.afterDeployment must be at least 31 minutes (IoT Wireless needs the start 30 minutes ahead), got ${start.delay.toHumanString()}`);
    }
  }
  if (start.time && Number.isNaN(start.time.getTime())) {
    throw new Error(`${path}: start FuotaTaskStart.at needs a valid date, got an invalid Date`);
  }
  // A date already past can never become valid; one in the near future is left to the handler's
  // "30 minutes ahead" check at deployment, so a pipeline that synthesizes early does not break.
  if (start.time && start.time.getTime() <= Date.now()) {
    throw new Error(`${path}: start FuotaTaskStart.at(${start.time.toISOString()}) is already in the past at synth (${new Date().toISOString()}); IoT Wireless needs the start at least ${FUOTA_MIN_START_LEAD_MINUTES} minutes after the deployment: give a later date, or use FuotaTaskStart.afterDeployment`);
  }

  // IoT Wireless takes no devices or groups once a task has started: started empty, it never updates anything.
  // Lists that are tokens are checked by the handler.
  const devices = props.wirelessDeviceIds;
  const groups = props.multicastGroupIds;
  const known = (ids: string[] | undefined) => ids === undefined || !Token.isUnresolved(ids);
  if (known(devices) && known(groups) && (devices?.length ?? 0) === 0 && (groups?.length ?? 0) === 0) {
    throw new Error(`${path}: start needs wirelessDeviceIds or multicastGroupIds: IoT Wireless takes none once a task has started, so a task started empty could never update a device`);
  }
}

function checkImageSize(task: FuotaTask, image: FirmwareImageConfig): void {
  if (!image.localPath) return;
  const size = fs.statSync(image.localPath).size;
  if (size > FUOTA_FIRMWARE_MAX_BYTES) {
    throw new Error(`${task.node.path}: firmware ${JSON.stringify(image.localPath)} is ${size} bytes; IoT Wireless accepts images of at most ${FUOTA_FIRMWARE_MAX_BYTES} bytes (1 MB): use a delta image`);
  }
}

function warnOnRegionWithoutLoRaWAN(task: FuotaTask): void {
  const region = Stack.of(task).region;
  if (Token.isUnresolved(region) || IOT_WIRELESS_LORAWAN_REGIONS.includes(region)) return;
  Annotations.of(task).addWarningV2('cdk-iot-ota-tasks:region',
    `Region ${region} had no AWS IoT Core for LoRaWAN endpoint when this library was released ` +
    `(known: ${IOT_WIRELESS_LORAWAN_REGIONS.join(', ')}); deployment fails unless the service has since arrived there.`);
}
