import { App, Duration, RemovalPolicies, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { OtaFailureType, OtaPushConfig, OtaTaskConfiguration, OtaTaskConfigurationProps } from '../../src';

const CONFIG_TYPE = 'Custom::IoTManagedIntegrationsOtaTaskConfiguration';

function newStack(region = 'eu-west-1'): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '123456789012', region } });
}

function config(props: OtaTaskConfigurationProps = {}, stack = newStack()) {
  return new OtaTaskConfiguration(stack, 'Config', props);
}

test('sends every prop in the service shape, numbers as strings', () => {
  const stack = newStack();
  const c = config({
    otaTaskConfigurationName: 'cautious',
    description: 'Slow rollout abort on failures',
    pushConfig: {
      abortCriteria: [{ failureType: OtaFailureType.FAILED, minNumberOfExecutedThings: 10, thresholdPercentage: 20.5 }],
      rollout: { baseRatePerMinute: 5, incrementFactor: 2, rateIncreaseCriteria: { numberOfSucceededThings: 10 }, maximumPerMinute: 100 },
      inProgressTimeout: Duration.hours(2),
    },
  }, stack);
  Template.fromStack(stack).hasResourceProperties(CONFIG_TYPE, {
    Name: 'cautious',
    Description: 'Slow rollout abort on failures',
    PushConfig: {
      AbortConfig: { AbortConfigCriteriaList: [{ Action: 'CANCEL', FailureType: 'FAILED', MinNumberOfExecutedThings: '10', ThresholdPercentage: '20.5' }] },
      RolloutConfig: {
        ExponentialRolloutRate: { BaseRatePerMinute: '5', IncrementFactor: '2', RateIncreaseCriteria: { numberOfSucceededThings: '10' } },
        MaximumPerMinute: '100',
      },
      TimeoutConfig: { InProgressTimeoutInMinutes: '120' },
    },
    ServiceTimeout: '1500',
  });
  expect(stack.resolve(c.otaTaskConfigurationId)).toEqual({ Ref: expect.stringMatching(/^Config/) });
});

test('no props: an empty configuration, nothing sent empty', () => {
  const stack = newStack();
  config({}, stack);
  const [resource] = Object.values(Template.fromStack(stack).findResources(CONFIG_TYPE));
  expect(Object.keys(resource.Properties).sort()).toEqual(['ServiceTimeout', 'ServiceToken']);
});

test('only a maximum rate: no exponential rate is sent', () => {
  const stack = newStack();
  config({ pushConfig: { rollout: { maximumPerMinute: 50 } } }, stack);
  Template.fromStack(stack).hasResourceProperties(CONFIG_TYPE, {
    PushConfig: { RolloutConfig: { MaximumPerMinute: '50', ExponentialRolloutRate: Match.absent() } },
  });
});

test('shares the stack provider with OTA tasks', () => {
  const stack = newStack();
  new OtaTaskConfiguration(stack, 'A');
  new OtaTaskConfiguration(stack, 'B');
  const template = Template.fromStack(stack);
  const tokens = Object.values(template.findResources(CONFIG_TYPE)).map((r) => JSON.stringify(r.Properties.ServiceToken));
  expect(new Set(tokens).size).toBe(1);
  expect(tokens[0]).toContain('CdkIotOtaTasksOtaProvider');
});

test('DESTROY by default, left to CloudFormation\'s own default', () => {
  const stack = newStack();
  config({}, stack);
  Template.fromStack(stack).hasResource(CONFIG_TYPE, { DeletionPolicy: Match.absent(), UpdateReplacePolicy: Match.absent() });
});

test('RETAIN is honoured, SNAPSHOT refused', () => {
  const stack = newStack();
  config({ removalPolicy: RemovalPolicy.RETAIN }, stack);
  Template.fromStack(stack).hasResource(CONFIG_TYPE, { DeletionPolicy: 'Retain' });
  expect(() => config({ removalPolicy: RemovalPolicy.SNAPSHOT }))
    .toThrow('Stack/Config: removalPolicy SNAPSHOT is not supported by OTA task configurations: use DESTROY or RETAIN');
});

test('applyRemovalPolicy() sets the configuration resource\'s policies, as the prop does; SNAPSHOT is refused', () => {
  const stack = newStack();
  const c = config({}, stack);
  c.applyRemovalPolicy(RemovalPolicy.RETAIN);
  Template.fromStack(stack).hasResource(CONFIG_TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  const other = newStack();
  config({ removalPolicy: RemovalPolicy.RETAIN }, other).applyRemovalPolicy(RemovalPolicy.DESTROY);
  Template.fromStack(other).hasResource(CONFIG_TYPE, { DeletionPolicy: Match.absent(), UpdateReplacePolicy: Match.absent() });
  expect(() => c.applyRemovalPolicy(RemovalPolicy.SNAPSHOT))
    .toThrow('Stack/Config: removalPolicy SNAPSHOT is not supported by OTA task configurations: use DESTROY or RETAIN');
});

test('RemovalPolicies.of() reaches the configuration resource', () => {
  const stack = newStack();
  RemovalPolicies.of(config({}, stack)).retain();
  Template.fromStack(stack).hasResource(CONFIG_TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
});

test('a region without Managed Integrations fails synth', () => {
  expect(() => config({}, newStack('us-west-2'))).toThrow('Stack/Config: IoT Managed Integrations is not available in us-west-2');
});

const abort = (over: Partial<{ minNumberOfExecutedThings: number; thresholdPercentage: number }>): OtaPushConfig => ({
  abortCriteria: [{ failureType: OtaFailureType.ALL, minNumberOfExecutedThings: 1, thresholdPercentage: 50, ...over }],
});

const cases: [string, OtaTaskConfigurationProps, string | undefined][] = [
  ['name 128', { otaTaskConfigurationName: 'n'.repeat(128) }, undefined],
  ['name 129', { otaTaskConfigurationName: 'n'.repeat(129) }, 'otaTaskConfigurationName must be 1 to 128 characters long, got 129 characters'],
  // Patterns in words, never the model's regular expressions.
  ['name empty', { otaTaskConfigurationName: '' }, 'otaTaskConfigurationName must be letters (A-Z, a-z), digits, spaces, - and _ only (not . or any other punctuation), 1 to 128 characters, got ""'],
  ['name pattern', { otaTaskConfigurationName: 'a.b' }, 'otaTaskConfigurationName must be letters (A-Z, a-z), digits, spaces, - and _ only (not . or any other punctuation), 1 to 128 characters, got "a.b"'],
  ['description pattern', { description: 'no, commas' }, 'description must be letters (A-Z, a-z), digits, spaces, - and _ only (not . or any other punctuation), 1 to 256 characters, got "no, commas"'],
  ['executed things 0', { pushConfig: abort({ minNumberOfExecutedThings: 0 }) }, 'pushConfig.abortCriteria[].minNumberOfExecutedThings must be an integer from 1 to 100, got 0'],
  ['executed things 1', { pushConfig: abort({ minNumberOfExecutedThings: 1 }) }, undefined],
  ['executed things 100', { pushConfig: abort({ minNumberOfExecutedThings: 100 }) }, undefined],
  ['executed things 101', { pushConfig: abort({ minNumberOfExecutedThings: 101 }) }, 'pushConfig.abortCriteria[].minNumberOfExecutedThings must be an integer from 1 to 100, got 101'],
  ['threshold 100', { pushConfig: abort({ thresholdPercentage: 100 }) }, undefined],
  ['threshold 100.1', { pushConfig: abort({ thresholdPercentage: 100.1 }) }, 'pushConfig.abortCriteria[].thresholdPercentage must be a number of at most 100, got 100.1'],
  ['base rate 0', { pushConfig: { rollout: { baseRatePerMinute: 0 } } }, 'pushConfig.rollout.baseRatePerMinute must be an integer from 1 to 100, got 0'],
  ['base rate 100', { pushConfig: { rollout: { baseRatePerMinute: 100 } } }, undefined],
  ['base rate 101', { pushConfig: { rollout: { baseRatePerMinute: 101 } } }, 'pushConfig.rollout.baseRatePerMinute must be an integer from 1 to 100, got 101'],
  ['factor 1.09', { pushConfig: { rollout: { incrementFactor: 1.09 } } }, 'pushConfig.rollout.incrementFactor must be a number from 1.1 to 5, got 1.09'],
  ['factor 1.1', { pushConfig: { rollout: { incrementFactor: 1.1 } } }, undefined],
  ['factor 5', { pushConfig: { rollout: { incrementFactor: 5 } } }, undefined],
  ['factor 5.1', { pushConfig: { rollout: { incrementFactor: 5.1 } } }, 'pushConfig.rollout.incrementFactor must be a number from 1.1 to 5, got 5.1'],
  ['notified 101', { pushConfig: { rollout: { rateIncreaseCriteria: { numberOfNotifiedThings: 101 } } } }, 'pushConfig.rollout.rateIncreaseCriteria.numberOfNotifiedThings must be an integer from 1 to 100, got 101'],
  ['succeeded 0', { pushConfig: { rollout: { rateIncreaseCriteria: { numberOfSucceededThings: 0 } } } }, 'pushConfig.rollout.rateIncreaseCriteria.numberOfSucceededThings must be an integer from 1 to 100, got 0'],
  ['maximum 0', { pushConfig: { rollout: { maximumPerMinute: 0 } } }, 'pushConfig.rollout.maximumPerMinute must be an integer of at least 1, got 0'],
  ['timeout 1 minute', { pushConfig: { inProgressTimeout: Duration.minutes(1) } }, undefined],
  ['timeout 7 days', { pushConfig: { inProgressTimeout: Duration.days(7) } }, undefined],
  ['timeout 7 days + 1 minute', { pushConfig: { inProgressTimeout: Duration.minutes(10081) } }, 'pushConfig.inProgressTimeout (minutes) must be an integer from 1 to 10080, got 10081'],
  ['timeout 30 seconds', { pushConfig: { inProgressTimeout: Duration.seconds(30) } }, 'pushConfig.inProgressTimeout must be whole minutes, got 30 seconds'],
];

test.each(cases)('%s', (_label, props, error) => {
  const make = () => config(props);
  if (error === undefined) expect(make).not.toThrow();
  else expect(make).toThrow(`Stack/Config: ${error}`);
});

test('fromOtaTaskConfigurationId checks the id form', () => {
  const stack = newStack();
  expect(OtaTaskConfiguration.fromOtaTaskConfigurationId(stack, 'Existing', 'abc123').otaTaskConfigurationId).toBe('abc123');
  expect(() => OtaTaskConfiguration.fromOtaTaskConfigurationId(stack, 'Bad', 'abc-123'))
    .toThrow('Stack/Bad: otaTaskConfigurationId must be letters (A-Z, a-z) and digits only, 1 to 64 characters, got "abc-123"');
});
