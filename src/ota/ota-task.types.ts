/**
 * Properties of `Custom::IoTManagedIntegrationsOtaTask` and `…OtaTaskConfiguration`, as the handler
 * receives them: the service's own JSON member names, every leaf a string (CloudFormation delivers
 * numbers as strings; the handler converts and re-checks them). Shared by construct and handler.
 */
export interface OtaTaskResourceProperties {
  /** The job document's JSON text, for documents the library stores in its bucket. */
  readonly JobDocument?: string;
  /** The library's job-document bucket, set with `JobDocument`. */
  readonly JobDocumentBucket?: string;
  /** `s3://bucket/key` of a job document in the user's bucket. */
  readonly S3Url?: string;
  readonly OtaType: string;
  readonly Protocol?: string;
  readonly OtaMechanism?: string;
  readonly Target?: string[];
  readonly OtaTargetQueryString?: string;
  readonly TaskConfigurationId?: string;
  readonly Description?: string;
  readonly OtaSchedulingConfig?: {
    readonly EndBehavior?: string;
    readonly EndTime?: string;
    readonly StartTime?: string;
    readonly MaintenanceWindows?: { readonly DurationInMinutes: string; readonly StartTime: string }[];
  };
  readonly OtaTaskExecutionRetryConfig?: {
    readonly RetryConfigCriteria: { readonly FailureType?: string; readonly MinNumberOfRetries?: string }[];
  };
  readonly Tags?: { readonly [key: string]: string };
}

export interface OtaTaskConfigurationResourceProperties {
  readonly Name?: string;
  readonly Description?: string;
  readonly PushConfig?: {
    readonly AbortConfig?: {
      readonly AbortConfigCriteriaList: {
        readonly Action: string;
        readonly FailureType: string;
        readonly MinNumberOfExecutedThings: string;
        readonly ThresholdPercentage: string;
      }[];
    };
    readonly RolloutConfig?: {
      readonly ExponentialRolloutRate?: {
        readonly BaseRatePerMinute?: string;
        readonly IncrementFactor?: string;
        readonly RateIncreaseCriteria?: {
          readonly numberOfNotifiedThings?: string;
          readonly numberOfSucceededThings?: string;
        };
      };
      readonly MaximumPerMinute?: string;
    };
    readonly TimeoutConfig?: { readonly InProgressTimeoutInMinutes: string };
  };
}

export const OTA_TASK_RESOURCE_TYPE = 'Custom::IoTManagedIntegrationsOtaTask';
export const OTA_TASK_CONFIGURATION_RESOURCE_TYPE = 'Custom::IoTManagedIntegrationsOtaTaskConfiguration';

/** Job documents the library stores live under this prefix of its bucket; the service may read only it. */
export const OTA_JOB_DOCUMENT_PREFIX = 'ota-job-documents/';

/**
 * A wave of an `OtaRollout`. The handler creates no task for it: an OTA task starts when it is
 * created, so the rollout controller creates the wave's task once its gate passes. The handler
 * keeps the wave's resolved request in a record (./../rollout/handler/ota-wave-record.ts) and
 * deletes whatever task the controller created.
 */
export const OTA_ROLLOUT_WAVE_RESOURCE_TYPE = 'Custom::IoTManagedIntegrationsOtaRolloutWave';

/** Wave records live under this prefix of the library bucket: the service cannot read it. */
export const OTA_WAVE_RECORD_PREFIX = 'ota-rollout-waves/';

/** Properties of an OTA rollout wave: an OTA task's, plus where its record is kept. */
export interface OtaRolloutWaveResourceProperties extends OtaTaskResourceProperties {
  /** The library bucket, which holds the wave's record. */
  readonly WaveRecordBucket: string;
}
