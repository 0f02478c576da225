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
