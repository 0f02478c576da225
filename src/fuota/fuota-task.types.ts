/**
 * The properties of a `Custom::IoTWirelessFuotaTask` resource, exactly as the handler receives them.
 *
 * CloudFormation delivers every custom-resource property as a string (numbers and booleans too),
 * so every leaf here is a string; the construct renders numbers as strings itself, and the handler
 * converts and re-checks each one before it calls the service. Both sides import this interface, so
 * renaming a field breaks the compile rather than a deployment.
 */
export interface FuotaTaskResourceProperties {
  /** `s3://bucket/key` of the firmware image. */
  readonly FirmwareUpdateImage: string;
  /** ARN of the role IoT Wireless assumes to read the image. */
  readonly FirmwareUpdateRole: string;
  readonly Name?: string;
  readonly Description?: string;
  readonly RfRegion?: string;
  readonly RedundancyPercent?: string;
  readonly FragmentSizeBytes?: string;
  readonly FragmentIntervalMS?: string;
  readonly Descriptor?: string;
  readonly WirelessDeviceIds?: string[];
  readonly MulticastGroupIds?: string[];
  /** Start the task this many seconds after the handler runs. */
  readonly StartDelaySeconds?: string;
  /** Start the task at this instant (ISO 8601). */
  readonly StartTime?: string;
  readonly Tags?: FuotaTaskTag[];
}

export interface FuotaTaskTag {
  readonly Key: string;
  readonly Value: string;
}

/** What the handler returns to CloudFormation: only these, so a response never nears 4 KB. */
export type FuotaTaskAttributes = {
  readonly Arn: string;
  readonly Id: string;
};

export const FUOTA_TASK_RESOURCE_TYPE = 'Custom::IoTWirelessFuotaTask';
/**
 * A wave of a `FuotaRollout`: the same resource to the FUOTA handler, a different type so the
 * campaign monitor finds the waves it controls in ListStackResources without reading every task's tags.
 */
export const FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE = 'Custom::IoTWirelessFuotaRolloutWave';
