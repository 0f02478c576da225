// The OTA task and task configuration the handler tests describe. The task: a one-time push to two
// managed things, in the fields that CloudFormation's properties and CreateOtaTask's body spell
// alike (each test adds its own job document, schedule, retries and tags). The configuration: in
// both of its forms, as CloudFormation delivers it and as the API takes it.

/** A managed thing's ARN in the tests' account and region: `thing1`, `thing2`… */
export const thing = (n: number) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/thing${n}`;

export const OTA_TASK_FIELDS = {
  OtaType: 'ONE_TIME',
  Protocol: 'HTTP',
  OtaMechanism: 'PUSH',
  Target: [thing(1), thing(2)],
  TaskConfigurationId: 'config1',
  Description: 'Firmware 2',
} as const;

/** A task configuration as CloudFormation delivers it: every scalar a string. */
export const OTA_CONFIGURATION_PROPS = {
  Name: 'Slow rollout',
  Description: 'Ten a minute',
  PushConfig: {
    AbortConfig: {
      AbortConfigCriteriaList: [{ Action: 'CANCEL', FailureType: 'FAILED', MinNumberOfExecutedThings: '10', ThresholdPercentage: '20.5' }],
    },
    RolloutConfig: {
      ExponentialRolloutRate: {
        BaseRatePerMinute: '5',
        IncrementFactor: '1.5',
        RateIncreaseCriteria: { numberOfNotifiedThings: '10', numberOfSucceededThings: '5' },
      },
      MaximumPerMinute: '50',
    },
    TimeoutConfig: { InProgressTimeoutInMinutes: '120' },
  },
} as const;

/** `OTA_CONFIGURATION_PROPS` as CreateOtaTaskConfiguration takes it: the model's numbers. */
export const OTA_CONFIGURATION_FIELDS = {
  Name: 'Slow rollout',
  Description: 'Ten a minute',
  PushConfig: {
    AbortConfig: {
      AbortConfigCriteriaList: [{ Action: 'CANCEL', FailureType: 'FAILED', MinNumberOfExecutedThings: 10, ThresholdPercentage: 20.5 }],
    },
    RolloutConfig: {
      ExponentialRolloutRate: {
        BaseRatePerMinute: 5,
        IncrementFactor: 1.5,
        RateIncreaseCriteria: { numberOfNotifiedThings: 10, numberOfSucceededThings: 5 },
      },
      MaximumPerMinute: 50,
    },
    TimeoutConfig: { InProgressTimeoutInMinutes: 120 },
  },
} as const;
