import { FieldRule } from '../shared/constraints';

/** The characters of `OtaDescription` and `OtaTaskConfigurationName`, in words. */
const LETTERS_DIGITS_SPACES_DASHES = 'letters (A-Z, a-z), digits, spaces, - and _ only (not . or any other punctuation)';

const DESCRIPTION: FieldRule = {
  field: 'description',
  shape: 'OtaDescription',
  type: 'string',
  minLength: 1,
  maxLength: 256,
  pattern: '^[0-9A-Za-z_\\- ]+$',
  patternInWords: LETTERS_DIGITS_SPACES_DASHES,
};

/**
 * The IoT Managed Integrations constraints on OTA task fields, transcribed from the service model
 * (`com.amazonaws.iotmanagedintegrations`, API version 2025-03-03).
 * `test/ota/ota-task-rules.test.ts` compares every entry with the model.
 */
export const OTA_TASK_RULES = {
  description: DESCRIPTION,
  s3Url: { field: 'jobDocument', shape: 'S3Url', type: 'string', minLength: 1, maxLength: 1000 },
  taskConfigurationId: {
    field: 'taskConfiguration',
    shape: 'OtaTaskConfigurationId',
    type: 'string',
    minLength: 1,
    maxLength: 64,
    pattern: '^[a-zA-Z0-9]*$',
    patternInWords: 'letters (A-Z, a-z) and digits only',
  },
  otaType: { field: 'otaType', shape: 'OtaType', type: 'string', allowed: ['ONE_TIME', 'CONTINUOUS'] },
  protocol: { field: 'protocol', shape: 'OtaProtocol', type: 'string', allowed: ['HTTP'] },
  otaMechanism: { field: 'otaMechanism', shape: 'OtaMechanism', type: 'string', allowed: ['PUSH'] },
  // The model types Target as bare strings; the developer guide's targets are managed-thing ARNs,
  // whose form the model states as ManagedThingArn (what CreateManagedThing and GetManagedThing return).
  target: {
    field: 'targets',
    shape: 'ManagedThingArn',
    type: 'string',
    minLength: 32,
    maxLength: 1011,
    pattern: '^arn:aws:iotmanagedintegrations:[0-9a-zA-Z-]+:[0-9]+:managed-thing/([0-9a-zA-Z:_-])+$',
    patternInWords: 'a managed-thing ARN (arn:aws:iotmanagedintegrations:<region>:<account>:managed-thing/<id>, the id made of letters, digits, :, _ and -)',
  },
  otaTargetQueryString: { field: 'otaTargetQueryString', shape: 'OtaTargetQueryString', type: 'string' },
  endBehavior: {
    field: 'scheduling.endBehavior', shape: 'SchedulingConfigEndBehavior', type: 'string', allowed: ['STOP_ROLLOUT', 'CANCEL', 'FORCE_CANCEL'],
  },
  startTime: { field: 'scheduling.startTime', shape: 'ScheduleStartTime', type: 'string' },
  endTime: { field: 'scheduling.endTime', shape: 'EndTime', type: 'string' },
  maintenanceWindowStartTime: { field: 'scheduling.maintenanceWindows[].startTime', shape: 'StartTime', type: 'string' },
  maintenanceWindowDuration: {
    field: 'scheduling.maintenanceWindows[].duration (minutes)', shape: 'DurationInMinutes', type: 'integer', min: 1, max: 1430,
  },
  retryFailureType: {
    field: 'retryCriteria[].failureType', shape: 'RetryCriteriaFailureType', type: 'string', allowed: ['FAILED', 'TIMED_OUT', 'ALL'],
  },
  minNumberOfRetries: { field: 'retryCriteria[].minNumberOfRetries', shape: 'MinNumberOfRetries', type: 'integer', min: 0, max: 10 },
  tagKey: { field: 'tag key', shape: 'TagKey', type: 'string', minLength: 1, maxLength: 128 },
  tagValue: { field: 'tag value', shape: 'TagValue', type: 'string', maxLength: 256 },
} satisfies Record<string, FieldRule>;

/** Constraints of CreateOtaTaskConfiguration and its PushConfig. */
export const OTA_TASK_CONFIGURATION_RULES = {
  name: {
    field: 'otaTaskConfigurationName',
    shape: 'OtaTaskConfigurationName',
    type: 'string',
    minLength: 1,
    maxLength: 128,
    pattern: '^[A-Za-z0-9-_ ]+$',
    patternInWords: LETTERS_DIGITS_SPACES_DASHES,
  },
  description: DESCRIPTION,
  abortFailureType: {
    field: 'pushConfig.abortCriteria[].failureType', shape: 'AbortCriteriaFailureType', type: 'string', allowed: ['FAILED', 'REJECTED', 'TIMED_OUT', 'ALL'],
  },
  minNumberOfExecutedThings: {
    field: 'pushConfig.abortCriteria[].minNumberOfExecutedThings', shape: 'MinNumberOfExecutedThings', type: 'integer', min: 1, max: 100,
  },
  thresholdPercentage: { field: 'pushConfig.abortCriteria[].thresholdPercentage', shape: 'ThresholdPercentage', type: 'double', max: 100 },
  baseRatePerMinute: { field: 'pushConfig.rollout.baseRatePerMinute', shape: 'BaseRatePerMinute', type: 'integer', min: 1, max: 100 },
  incrementFactor: { field: 'pushConfig.rollout.incrementFactor', shape: 'IncrementFactor', type: 'double', min: 1.1, max: 5 },
  numberOfNotifiedThings: {
    field: 'pushConfig.rollout.rateIncreaseCriteria.numberOfNotifiedThings', shape: 'NumberOfNotifiedThings', type: 'integer', min: 1, max: 100,
  },
  numberOfSucceededThings: {
    field: 'pushConfig.rollout.rateIncreaseCriteria.numberOfSucceededThings', shape: 'NumberOfSucceededThings', type: 'integer', min: 1, max: 100,
  },
  maximumPerMinute: { field: 'pushConfig.rollout.maximumPerMinute', shape: 'MaximumPerMinute', type: 'integer', min: 1 },
  inProgressTimeoutMinutes: {
    field: 'pushConfig.inProgressTimeout (minutes)', shape: 'InProgressTimeoutInMinutes', type: 'integer', min: 1, max: 10080,
  },
} satisfies Record<string, FieldRule>;

/**
 * The form of the service's scheduling times, shown in its guide as `2024-10-23T17:00`: a date and
 * a time of day; seconds, fractions and a zone are accepted too. The model leaves these strings
 * unconstrained, so this is the library's own check (construct and handler alike).
 */
export const OTA_SCHEDULE_TIME_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d+)?)?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)?$';

/**
 * Job documents travel inside the custom resource's properties, which CloudFormation hands to
 * Lambda in an asynchronous invocation (256 KB in all): documents the library stores are kept well
 * below. Larger ones belong in a bucket of yours (`OtaJobDocument.fromBucket`).
 */
export const OTA_JOB_DOCUMENT_MAX_BYTES = 64 * 1024;

/** `TagsMap` is `@length(min: 1, max: 50)`: an empty map is left out rather than sent. */
export const OTA_TASK_MAX_TAGS = 50;

/** The developer guide: a ONE_TIME task takes "up to 100 targets at a time". */
export const OTA_TASK_MAX_TARGETS = 100;

/**
 * Regions where IoT Managed Integrations runs (its developer guide, when this was written). A stack
 * in another concrete region fails synth unless the region is added through the
 * `cdk-iot-ota-tasks:managedIntegrationsRegions` context value (for regions added later).
 */
export const MANAGED_INTEGRATIONS_REGIONS = ['ca-central-1', 'eu-west-1'];
export const MANAGED_INTEGRATIONS_REGIONS_CONTEXT = 'cdk-iot-ota-tasks:managedIntegrationsRegions';
