// The OTA task the handler tests describe: a one-time push to two managed things, in the fields
// that CloudFormation's properties and CreateOtaTask's body spell alike. Each test adds its own job
// document, schedule, retries and tags.

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
