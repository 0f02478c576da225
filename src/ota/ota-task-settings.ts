import { OtaMechanism, OtaProtocol, OtaRetryFailureType } from './ota-enums';
import { OtaJobDocument } from './ota-job-document';
import { IOtaTaskConfiguration } from './ota-task-configuration';
import { TaskResourceOptions } from '../shared/task-resource-options';

/** Which failed executions are retried, and how often. */
export interface OtaRetryCriteria {
  /**
   * Which outcomes are retried.
   * @default - the service's default
   */
  readonly failureType?: OtaRetryFailureType;
  /**
   * How many retries at least (0 to 10).
   * @default - the service's default
   */
  readonly minNumberOfRetries?: number;
}

/**
 * What an OTA task sends and how: shared by an `OtaTask` and every wave of an `OtaRollout`.
 */
export interface OtaTaskSettings extends TaskResourceOptions {
  /** The OTA job document (JSON) the devices receive; it names the firmware to fetch. */
  readonly jobDocument: OtaJobDocument;
  /**
   * A description (1 to 256 letters, digits, spaces, `-` or `_`). Can change without replacing the
   * task; once set it cannot be removed (the service cannot clear it), only changed.
   * @default - no description
   */
  readonly description?: string;
  /**
   * The download protocol.
   * @default - the service's default
   */
  readonly protocol?: OtaProtocol;
  /**
   * How the update reaches devices.
   * @default - the service's default
   */
  readonly otaMechanism?: OtaMechanism;
  /**
   * Retry rules for failed executions.
   * @default - no retries
   */
  readonly retryCriteria?: OtaRetryCriteria[];
  /**
   * Rollout, abort and timeout settings (Managed Integrations' own rollout within a task). Can
   * change without replacing the task; once set it cannot be removed (the service cannot clear
   * it), only changed.
   * @default - the service's defaults
   */
  readonly taskConfiguration?: IOtaTaskConfiguration;
}
