import type {
  CreateOtaTaskConfigurationRequest,
  CreateOtaTaskRequest,
  OtaTaskSchedulingConfig,
  PushConfig,
  RetryConfigCriteria,
  TagsMap,
} from './managed-integrations-client';
import { show } from '../../shared/constraints';
import { PropertyReader } from '../../shared/property-parsing';
import {
  OTA_JOB_DOCUMENT_MAX_BYTES,
  OTA_TASK_CONFIGURATION_RULES,
  OTA_TASK_MAX_TAGS,
  OTA_TASK_MAX_TARGETS,
  OTA_TASK_RULES,
} from '../ota-task-rules';
import { OtaTaskConfigurationResourceProperties, OtaTaskResourceProperties } from '../ota-task.types';
import { scheduleOrderViolation, scheduleTimeViolation } from '../schedule-times';

/** Where a task's job document comes from. */
export type JobDocumentSource =
  | { readonly kind: 'stored'; readonly content: string; readonly bucket: string }
  | { readonly kind: 'url'; readonly s3Url: string };

/** An OTA task as the handler works with it: converted, checked, in the service's JSON shape. */
export interface OtaTaskSpec {
  readonly document: JobDocumentSource;
  /** Everything CreateOtaTask takes except the S3 URL, the client token and the tags. */
  readonly fields: Omit<CreateOtaTaskRequest, 'S3Url' | 'ClientToken' | 'Tags'>;
  readonly tags: TagsMap;
}

/** Converts a task's string-valued properties, checking each against the model's rules. */
export function parseOtaTaskProperties(raw: unknown): OtaTaskSpec {
  const read: PropertyReader = new PropertyReader('Invalid OtaTask properties');
  const props = read.object(raw, 'properties') as Record<keyof OtaTaskResourceProperties, unknown> | undefined;
  if (!props) read.fail('expected an object');
  const R = OTA_TASK_RULES;

  const otaType = read.requiredString(props.OtaType, R.otaType) as CreateOtaTaskRequest['OtaType'];
  const targets = read.list(props.Target, 'targets').map((target): string => {
    if (typeof target !== 'string' || target.trim() === '') read.fail(`targets must be non-empty strings, got ${show(target)}`);
    return read.checked(target, R.target);
  });
  const query = read.string(props.OtaTargetQueryString, R.otaTargetQueryString);
  if (targets.length > OTA_TASK_MAX_TARGETS) read.fail(`targets takes at most ${OTA_TASK_MAX_TARGETS} managed things, got ${targets.length}`);
  if (new Set(targets).size !== targets.length) read.fail('targets lists a managed thing twice');
  if (otaType === 'ONE_TIME' && (targets.length === 0 || query !== undefined)) {
    read.fail('a ONE_TIME task takes targets (1 or more) and no otaTargetQueryString');
  }
  if (otaType === 'CONTINUOUS' && (query === undefined || query.trim() === '' || targets.length > 0)) {
    read.fail('a CONTINUOUS task takes a non-empty otaTargetQueryString and no targets');
  }

  return {
    document: documentSource(read, props),
    fields: {
      OtaType: otaType,
      Target: targets.length > 0 ? targets : undefined,
      OtaTargetQueryString: query,
      Description: read.string(props.Description, R.description),
      Protocol: read.string(props.Protocol, R.protocol) as CreateOtaTaskRequest['Protocol'],
      OtaMechanism: read.string(props.OtaMechanism, R.otaMechanism) as CreateOtaTaskRequest['OtaMechanism'],
      TaskConfigurationId: read.string(props.TaskConfigurationId, R.taskConfigurationId),
      OtaSchedulingConfig: scheduling(read, props.OtaSchedulingConfig),
      OtaTaskExecutionRetryConfig: retry(read, props.OtaTaskExecutionRetryConfig),
    },
    tags: tags(read, props.Tags),
  };
}

function documentSource(read: PropertyReader, props: Record<keyof OtaTaskResourceProperties, unknown>): JobDocumentSource {
  if (props.JobDocument !== undefined) {
    if (typeof props.JobDocument !== 'string') read.fail(`JobDocument must be JSON text, got ${show(props.JobDocument)}`);
    const size = Buffer.byteLength(props.JobDocument);
    if (size > OTA_JOB_DOCUMENT_MAX_BYTES) read.fail(`the job document is ${size} bytes; documents stored by the library may be at most ${OTA_JOB_DOCUMENT_MAX_BYTES} bytes`);
    try {
      JSON.parse(props.JobDocument);
    } catch (error) {
      read.fail(`the job document is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof props.JobDocumentBucket !== 'string' || props.JobDocumentBucket === '') read.fail('JobDocumentBucket is required with JobDocument');
    return { kind: 'stored', content: props.JobDocument, bucket: props.JobDocumentBucket };
  }
  const s3Url = read.requiredString(props.S3Url, OTA_TASK_RULES.s3Url);
  if (!/^s3:\/\/[^/]+\/.+/.test(s3Url)) read.fail(`jobDocument must be an s3://bucket/key URL, got ${show(s3Url)}`);
  return { kind: 'url', s3Url };
}

function scheduling(read: PropertyReader, value: unknown): OtaTaskSchedulingConfig | undefined {
  const config = read.object(value, 'scheduling');
  if (!config) return undefined;
  const R = OTA_TASK_RULES;
  const time = (raw: unknown, rule: typeof R.startTime) => {
    const text = read.string(raw, rule);
    const violation = text === undefined ? undefined : scheduleTimeViolation(rule.field, text);
    if (violation) read.fail(violation);
    return text;
  };
  const startTime = time(config.StartTime, R.startTime);
  const endTime = time(config.EndTime, R.endTime);
  const order = scheduleOrderViolation(startTime, endTime);
  if (order) read.fail(order);
  return {
    StartTime: startTime,
    EndTime: endTime,
    EndBehavior: read.string(config.EndBehavior, R.endBehavior) as OtaTaskSchedulingConfig['EndBehavior'],
    MaintenanceWindows: config.MaintenanceWindows === undefined ? undefined
      : read.list(config.MaintenanceWindows, 'scheduling.maintenanceWindows').map((item) => {
        const window = read.object(item, 'scheduling.maintenanceWindows[]')!;
        return {
          StartTime: read.string(window.StartTime, R.maintenanceWindowStartTime),
          DurationInMinutes: read.number(window.DurationInMinutes, R.maintenanceWindowDuration),
        };
      }),
  };
}

function retry(read: PropertyReader, value: unknown): CreateOtaTaskRequest['OtaTaskExecutionRetryConfig'] {
  const config = read.object(value, 'retryCriteria');
  if (!config) return undefined;
  const criteria: RetryConfigCriteria[] = read.list(config.RetryConfigCriteria, 'retryCriteria').map((item) => {
    const c = read.object(item, 'retryCriteria[]')!;
    return {
      FailureType: read.string(c.FailureType, OTA_TASK_RULES.retryFailureType) as RetryConfigCriteria['FailureType'],
      MinNumberOfRetries: read.number(c.MinNumberOfRetries, OTA_TASK_RULES.minNumberOfRetries),
    };
  });
  return { RetryConfigCriteria: criteria };
}

function tags(read: PropertyReader, value: unknown): TagsMap {
  const map = read.object(value, 'Tags') ?? {};
  const entries = Object.entries(map);
  if (entries.length > OTA_TASK_MAX_TAGS) read.fail(`at most ${OTA_TASK_MAX_TAGS} tags are allowed, got ${entries.length}`);
  for (const [key, text] of entries) {
    read.requiredString(key, OTA_TASK_RULES.tagKey);
    read.requiredString(text, OTA_TASK_RULES.tagValue);
  }
  return map as TagsMap;
}

/** An OTA task configuration as the handler works with it. */
export type OtaTaskConfigurationSpec = Omit<CreateOtaTaskConfigurationRequest, 'ClientToken'>;

/** Converts a configuration's string-valued properties, checking each against the model's rules. */
export function parseOtaTaskConfigurationProperties(raw: unknown): OtaTaskConfigurationSpec {
  const read: PropertyReader = new PropertyReader('Invalid OtaTaskConfiguration properties');
  const props = read.object(raw, 'properties') as Record<keyof OtaTaskConfigurationResourceProperties, unknown> | undefined;
  if (!props) read.fail('expected an object');
  const R = OTA_TASK_CONFIGURATION_RULES;
  return {
    Name: read.string(props.Name, R.name),
    Description: read.string(props.Description, R.description),
    PushConfig: pushConfig(read, props.PushConfig),
  };
}

function pushConfig(read: PropertyReader, value: unknown): PushConfig | undefined {
  const push = read.object(value, 'pushConfig');
  if (!push) return undefined;
  const R = OTA_TASK_CONFIGURATION_RULES;
  const abort = read.object(push.AbortConfig, 'pushConfig.abortCriteria');
  const rollout = read.object(push.RolloutConfig, 'pushConfig.rollout');
  const rate = read.object(rollout?.ExponentialRolloutRate, 'pushConfig.rollout');
  const increase = read.object(rate?.RateIncreaseCriteria, 'pushConfig.rollout.rateIncreaseCriteria');
  const timeout = read.object(push.TimeoutConfig, 'pushConfig.inProgressTimeout');
  return {
    AbortConfig: abort && {
      AbortConfigCriteriaList: read.list(abort.AbortConfigCriteriaList, 'pushConfig.abortCriteria').map((item) => {
        const c = read.object(item, 'pushConfig.abortCriteria[]')!;
        if (c.Action !== 'CANCEL') read.fail(`pushConfig.abortCriteria[].action must be CANCEL, got ${show(c.Action)}`);
        return {
          Action: 'CANCEL' as const,
          FailureType: read.requiredString(c.FailureType, R.abortFailureType) as 'FAILED',
          MinNumberOfExecutedThings: read.number(c.MinNumberOfExecutedThings, R.minNumberOfExecutedThings),
          ThresholdPercentage: read.number(c.ThresholdPercentage, R.thresholdPercentage),
        };
      }),
    },
    RolloutConfig: rollout && {
      ExponentialRolloutRate: rate && {
        BaseRatePerMinute: read.number(rate.BaseRatePerMinute, R.baseRatePerMinute),
        IncrementFactor: read.number(rate.IncrementFactor, R.incrementFactor),
        RateIncreaseCriteria: increase && {
          numberOfNotifiedThings: read.number(increase.numberOfNotifiedThings, R.numberOfNotifiedThings),
          numberOfSucceededThings: read.number(increase.numberOfSucceededThings, R.numberOfSucceededThings),
        },
      },
      MaximumPerMinute: read.number(rollout.MaximumPerMinute, R.maximumPerMinute),
    },
    TimeoutConfig: timeout && { InProgressTimeoutInMinutes: read.number(timeout.InProgressTimeoutInMinutes, R.inProgressTimeoutMinutes) },
  };
}
