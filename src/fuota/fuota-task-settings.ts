import * as iam from 'aws-cdk-lib/aws-iam';
import { RfRegion } from './rf-region';
import { FirmwareImage } from '../shared/firmware-image';
import { TaskOptions } from '../shared/task-resource-options';

/**
 * What a FUOTA task sends and how: shared by a `FuotaTask` and every wave of a `FuotaRollout`.
 */
export interface FuotaTaskSettings extends TaskOptions {
  /**
   * The firmware image to send: a local file (`FirmwareImage.fromAsset`) or an object in your
   * bucket (`FirmwareImage.fromBucket`). IoT Wireless accepts images of at most 1 MB.
   */
  readonly firmware: FirmwareImage;

  /**
   * The RF region of the devices or multicast groups the task updates.
   * @default - none sent; IoT Wireless uses its own default
   */
  readonly rfRegion?: RfRegion;

  /**
   * The task's name (0 to 256 characters).
   * @default - no name
   */
  readonly fuotaTaskName?: string;

  /**
   * The task's description (0 to 2048 characters).
   * @default - no description
   */
  readonly description?: string;

  /**
   * Extra encoded fragments to send, as a percentage of the image's fragments (0 to 100).
   * @default - the service's default
   */
  readonly redundancyPercent?: number;

  /**
   * The size of each fragment in bytes (at least 1). IoT Wireless uses it for multicast groups only.
   * @default - the service's default
   */
  readonly fragmentSizeBytes?: number;

  /**
   * The interval between fragments in milliseconds, rounded by the service to whole seconds (at
   * least 1). With participating gateways it must not exceed their transmission interval.
   * @default - the service's default
   */
  readonly fragmentIntervalMs?: number;

  /**
   * The FUOTA file descriptor, base64-encoded (at most 332 characters).
   * @default - no descriptor
   */
  readonly descriptor?: string;

  /**
   * The role IoT Wireless assumes to read the image. It is granted read access to the image and
   * must trust `iotwireless.amazonaws.com`.
   * @default - the stack's shared FirmwareUpdateRole, created on first use
   */
  readonly firmwareUpdateRole?: iam.IRole;
}
