// The OTA property parsers at the model's bounds: min-1, min, max, max+1 for every bounded field,
// with values as CloudFormation sends them (strings).
import { OTA_CONFIGURATION_FIELDS, OTA_CONFIGURATION_PROPS, thing } from './ota-fixtures';
import { parseOtaTaskConfigurationProperties, parseOtaTaskProperties } from '../../../src/ota/handler/ota-specs';


const MINIMAL = { S3Url: 's3://b/k.json', OtaType: 'ONE_TIME', Target: [thing(1)] };

function task(changes: Record<string, unknown>) {
  return parseOtaTaskProperties({ ...MINIMAL, ...changes });
}

function configuration(changes: Record<string, unknown>) {
  return parseOtaTaskConfigurationProperties(changes);
}

const text = (length: number, char = 'a') => char.repeat(length);
const DESCRIPTION_CHARACTERS = 'letters (A-Z, a-z), digits, spaces, - and _ only (not . or any other punctuation)';
const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v']));
const targets = (count: number) => Array.from({ length: count }, (_, i) => thing(i + 1));
/** An s3:// URL exactly `length` characters long. */
const s3Url = (length: number) => `s3://b/${text(length - 's3://b/'.length)}`;

type Case = [string, unknown, boolean];

describe('parseOtaTaskProperties', () => {
  test('converts every string-valued property into the model types', () => {
    expect(parseOtaTaskProperties({
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:f',
      JobDocument: '{"v":1}',
      JobDocumentBucket: 'bucket',
      OtaType: 'ONE_TIME',
      Protocol: 'HTTP',
      OtaMechanism: 'PUSH',
      Target: [thing(1)],
      TaskConfigurationId: 'config1',
      Description: 'Firmware 2',
      OtaSchedulingConfig: { EndBehavior: 'CANCEL', StartTime: '2027-01-15T02:00', EndTime: '2027-01-16T02:00:00Z', MaintenanceWindows: [{ DurationInMinutes: '60', StartTime: 'w' }] },
      OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'TIMED_OUT', MinNumberOfRetries: '3' }] },
      Tags: { team: 'firmware' },
    })).toStrictEqual({
      document: { kind: 'stored', content: '{"v":1}', bucket: 'bucket' },
      fields: {
        OtaType: 'ONE_TIME',
        Target: [thing(1)],
        OtaTargetQueryString: undefined,
        Description: 'Firmware 2',
        Protocol: 'HTTP',
        OtaMechanism: 'PUSH',
        TaskConfigurationId: 'config1',
        OtaSchedulingConfig: { StartTime: '2027-01-15T02:00', EndTime: '2027-01-16T02:00:00Z', EndBehavior: 'CANCEL', MaintenanceWindows: [{ StartTime: 'w', DurationInMinutes: 60 }] },
        OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'TIMED_OUT', MinNumberOfRetries: 3 }] },
      },
      tags: { team: 'firmware' },
    });
  });

  test('a user URL is kept as the document source', () => {
    expect(task({}).document).toStrictEqual({ kind: 'url', s3Url: 's3://b/k.json' });
  });

  test('a CONTINUOUS task keeps its query and has no Target', () => {
    expect(task({ OtaType: 'CONTINUOUS', Target: undefined, OtaTargetQueryString: 'q' }).fields)
      .toMatchObject({ OtaType: 'CONTINUOUS', Target: undefined, OtaTargetQueryString: 'q' });
  });

  test.each<[string, string, string | undefined]>([
    // Empty breaks the pattern (one or more characters) as well as the length: the whole rule is said.
    ['0 characters', '', `description must be ${DESCRIPTION_CHARACTERS}, 1 to 256 characters, got ""`],
    ['1 character', 'a', undefined],
    ['256 characters', text(256), undefined],
    ['257 characters', text(257), 'description must be 1 to 256 characters long, got 257 characters'],
  ])('Description of %s (OtaDescription 1..256)', (_label, value, error) => {
    const parse = () => task({ Description: value });
    if (error === undefined) expect(parse().fields.Description).toBe(value);
    else expect(parse).toThrow(`Invalid OtaTask properties: ${error}`);
  });

  test.each(['Firmware 2', 'a_b-c', 'ABC 123'])('Description %j matches the pattern', (value) => {
    expect(task({ Description: value }).fields.Description).toBe(value);
  });

  // The rule in words, never the model's regular expression.
  test.each(['v2.0', 'a!', 'é', 'a\nb'])('Description %j breaks the pattern', (value) => {
    expect(() => task({ Description: value }))
      .toThrow(`Invalid OtaTask properties: description must be ${DESCRIPTION_CHARACTERS}, 1 to 256 characters, got ${JSON.stringify(value)}`);
  });

  test.each<Case>([
    ['0 characters', '', false],
    ['1 character', 'a', true],
    ['64 characters', text(64), true],
    ['65 characters', text(65), false],
  ])('TaskConfigurationId of %s (1..64)', (_label, value, valid) => {
    const parse = () => task({ TaskConfigurationId: value });
    if (valid) expect(parse().fields.TaskConfigurationId).toBe(value);
    else expect(parse).toThrow('Invalid OtaTask properties: taskConfiguration must be 1 to 64 characters long');
  });

  test('TaskConfigurationId is alphanumeric', () => {
    expect(() => task({ TaskConfigurationId: 'config_1' }))
      .toThrow('Invalid OtaTask properties: taskConfiguration must be letters (A-Z, a-z) and digits only, 1 to 64 characters, got "config_1"');
  });

  test.each<Case>([
    ['0 characters', '', false],
    ['8 characters (the shortest s3://b/k)', 's3://b/k', true],
    ['1000 characters', s3Url(1000), true],
    ['1001 characters', s3Url(1001), false],
  ])('S3Url of %s (S3Url 1..1000)', (_label, value, valid) => {
    const parse = () => task({ S3Url: value });
    if (valid) expect(parse().document).toStrictEqual({ kind: 'url', s3Url: value });
    else expect(parse).toThrow(/Invalid OtaTask properties: jobDocument must be (1 to 1000 characters long|an s3)/);
  });

  test.each(['s3://bucket', 's3://bucket/', 'https://bucket/key', 'bucket/key'])('S3Url %j is not an s3://bucket/key URL', (value) => {
    expect(() => task({ S3Url: value })).toThrow('jobDocument must be an s3://bucket/key URL');
  });

  test.each<Case>([
    ['0 targets', 0, false],
    ['1 target', 1, true],
    ['100 targets', 100, true],
    ['101 targets', 101, false],
  ])('a ONE_TIME task with %s (1..100)', (_label, count, valid) => {
    const parse = () => task({ Target: targets(count as number) });
    if (valid) expect(parse().fields.Target).toHaveLength(count as number);
    else expect(parse).toThrow(/Invalid OtaTask properties: (a ONE_TIME task takes targets|targets takes at most 100)/);
  });

  test.each([[''], ['  '], [3]])('target %j is refused', (target) => {
    expect(() => task({ Target: [target] })).toThrow('targets must be non-empty strings');
  });

  // Targets that were tokens at synth: the model's ManagedThingArn form, said in words.
  const NOT_A_THING = 'targets must be a managed-thing ARN (arn:aws:iotmanagedintegrations:<region>:<account>:managed-thing/<id>, the id made of letters, digits, :, _ and -), 32 to 1011 characters, got';
  test.each<[string, string, boolean]>([
    ['a managed-thing ARN', thing(1), true],
    ['an id with : _ and -', 'arn:aws:iotmanagedintegrations:ca-central-1:123456789012:managed-thing/a:b_c-d', true],
    ['a bare managed-thing id', 'thing1', false],
    ['a thing name', 'kitchen-hub', false],
    ['an ARN of another resource type', 'arn:aws:iotmanagedintegrations:eu-west-1:123456789012:ota-task/abc123', false],
    ['an ARN of another service', 'arn:aws:iot:eu-west-1:123456789012:thing/hub1', false],
    ['an ARN without an id', 'arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/', false],
    ['an id with a dot', 'arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/hub.1', false],
    ['an ARN of 1011 characters', `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/${text(1011 - 68)}`, true],
  ])('target: %s', (_label, target, valid) => {
    const parse = () => task({ Target: [target] });
    if (valid) expect(parse().fields.Target).toEqual([target]);
    else expect(parse).toThrow(`Invalid OtaTask properties: ${NOT_A_THING} ${JSON.stringify(target)}`);
  });

  test('a target ARN of 1012 characters is refused by its length', () => {
    const target = `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/${text(1012 - 68)}`;
    expect(() => task({ Target: [target] })).toThrow('Invalid OtaTask properties: targets must be 32 to 1011 characters long, got 1012 characters');
  });

  test.each<Case>([
    ['"0"', '0', false],
    ['"1"', '1', true],
    ['"1430"', '1430', true],
    ['"1431"', '1431', false],
  ])('DurationInMinutes %s (1..1430)', (_label, value, valid) => {
    const parse = () => task({ OtaSchedulingConfig: { MaintenanceWindows: [{ DurationInMinutes: value, StartTime: 'w' }] } });
    if (valid) expect(parse().fields.OtaSchedulingConfig!.MaintenanceWindows![0].DurationInMinutes).toBe(Number(value));
    else expect(parse).toThrow('scheduling.maintenanceWindows[].duration (minutes) must be an integer from 1 to 1430');
  });

  test.each<Case>([
    ['"-1"', '-1', false],
    ['"0"', '0', true],
    ['"10"', '10', true],
    ['"11"', '11', false],
  ])('MinNumberOfRetries %s (0..10)', (_label, value, valid) => {
    const parse = () => task({ OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'FAILED', MinNumberOfRetries: value }] } });
    if (valid) expect(parse().fields.OtaTaskExecutionRetryConfig!.RetryConfigCriteria![0].MinNumberOfRetries).toBe(Number(value));
    else expect(parse).toThrow('retryCriteria[].minNumberOfRetries must be an integer from 0 to 10');
  });

  test.each(['2.5', 'three', '', '0x3'])('MinNumberOfRetries %j is not an integer', (value) => {
    expect(() => task({ OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ MinNumberOfRetries: value }] } }))
      .toThrow('retryCriteria[].minNumberOfRetries must be an integer');
  });

  test.each<Case>([
    ['0 tags', 0, true],
    ['1 tag', 1, true],
    ['50 tags', 50, true],
    ['51 tags', 51, false],
  ])('%s (TagsMap up to 50; none is no map)', (_label, count, valid) => {
    const parse = () => task({ Tags: tags(count as number) });
    if (valid) expect(Object.keys(parse().tags)).toHaveLength(count as number);
    else expect(parse).toThrow('Invalid OtaTask properties: at most 50 tags are allowed, got 51');
  });

  test.each<Case>([
    ['0 characters', '', false],
    ['1 character', 'k', true],
    ['128 characters', text(128), true],
    ['129 characters', text(129), false],
  ])('a tag key of %s (1..128)', (_label, key, valid) => {
    const parse = () => task({ Tags: { [key as string]: 'v' } });
    if (valid) expect(parse().tags).toEqual({ [key as string]: 'v' });
    else expect(parse).toThrow('tag key must be 1 to 128 characters long');
  });

  test.each<Case>([
    ['0 characters', '', true],
    ['256 characters', text(256), true],
    ['257 characters', text(257), false],
  ])('a tag value of %s (0..256)', (_label, value, valid) => {
    const parse = () => task({ Tags: { k: value } });
    if (valid) expect(parse().tags).toEqual({ k: value });
    else expect(parse).toThrow('tag value must be at most 256 characters long');
  });

  test.each([
    ['OtaType', { OtaType: 'one_time' }, 'otaType must be one of ONE_TIME, CONTINUOUS'],
    ['Protocol', { Protocol: 'MQTT' }, 'protocol must be one of HTTP'],
    ['OtaMechanism', { OtaMechanism: 'PULL' }, 'otaMechanism must be one of PUSH'],
    ['EndBehavior', { OtaSchedulingConfig: { EndBehavior: 'cancel' } }, 'scheduling.endBehavior must be one of STOP_ROLLOUT, CANCEL, FORCE_CANCEL'],
    ['FailureType', { OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'REJECTED' }] } }, 'retryCriteria[].failureType must be one of FAILED, TIMED_OUT, ALL'],
  ])('%s outside its enum is refused', (_label, changes, message) => {
    expect(() => task(changes)).toThrow(message);
  });

  test.each([
    ['properties that are not an object', 'x', 'Invalid OtaTask properties: properties must be an object'],
    ['Target that is not a list', { ...MINIMAL, Target: thing(1) }, 'targets must be a list'],
    ['OtaSchedulingConfig that is a list', { ...MINIMAL, OtaSchedulingConfig: [] }, 'scheduling must be an object'],
    ['JobDocument that is not text', { ...MINIMAL, JobDocument: { v: 1 }, JobDocumentBucket: 'b' }, 'JobDocument must be JSON text'],
    ['JobDocument that is not JSON', { ...MINIMAL, JobDocument: '{', JobDocumentBucket: 'b' }, 'the job document is not valid JSON'],
    ['JobDocument with an empty bucket', { ...MINIMAL, JobDocument: '{}', JobDocumentBucket: '' }, 'JobDocumentBucket is required with JobDocument'],
  ])('%s is refused', (_label, raw, message) => {
    expect(() => parseOtaTaskProperties(raw)).toThrow(message);
  });
});

describe('parseOtaTaskConfigurationProperties', () => {
  const abort = (criteria: Record<string, unknown>) =>
    configuration({ PushConfig: { AbortConfig: { AbortConfigCriteriaList: [{ Action: 'CANCEL', FailureType: 'FAILED', ...criteria }] } } })
      .PushConfig!.AbortConfig!.AbortConfigCriteriaList![0];
  const rate = (values: Record<string, unknown>) =>
    configuration({ PushConfig: { RolloutConfig: { ExponentialRolloutRate: values } } }).PushConfig!.RolloutConfig!.ExponentialRolloutRate!;
  const increase = (values: Record<string, unknown>) => rate({ RateIncreaseCriteria: values }).RateIncreaseCriteria!;

  test('converts every string-valued property into the model types', () => {
    const props = { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:f', ...OTA_CONFIGURATION_PROPS };
    expect(parseOtaTaskConfigurationProperties(props)).toStrictEqual(OTA_CONFIGURATION_FIELDS);
  });

  test('an empty configuration stays empty', () => {
    expect(configuration({})).toStrictEqual({ Name: undefined, Description: undefined, PushConfig: undefined });
  });

  test.each<Case>([
    ['0 characters', '', false],
    ['1 character', 'a', true],
    ['128 characters', text(128), true],
    ['129 characters', text(129), false],
  ])('Name of %s (OtaTaskConfigurationName 1..128)', (_label, value, valid) => {
    const parse = () => configuration({ Name: value });
    if (valid) expect(parse().Name).toBe(value);
    else expect(parse).toThrow(/^Invalid OtaTaskConfiguration properties: otaTaskConfigurationName must be .*1 to 128 characters/);
  });

  test('Name takes letters, digits, spaces, - and _', () => {
    expect(configuration({ Name: 'Slow-roll_out 1' }).Name).toBe('Slow-roll_out 1');
    expect(() => configuration({ Name: 'Slow.rollout' }))
      .toThrow(`Invalid OtaTaskConfiguration properties: otaTaskConfigurationName must be ${DESCRIPTION_CHARACTERS}, 1 to 128 characters, got "Slow.rollout"`);
  });

  test.each<Case>([
    ['0 characters', '', false],
    ['1 character', 'a', true],
    ['256 characters', text(256), true],
    ['257 characters', text(257), false],
  ])('Description of %s (OtaDescription 1..256)', (_label, value, valid) => {
    const parse = () => configuration({ Description: value });
    if (valid) expect(parse().Description).toBe(value);
    else expect(parse).toThrow(/^Invalid OtaTaskConfiguration properties: description must be .*1 to 256 characters/);
  });

  test.each<Case>([
    ['"0"', '0', false],
    ['"1"', '1', true],
    ['"100"', '100', true],
    ['"101"', '101', false],
  ])('MinNumberOfExecutedThings %s (1..100)', (_label, value, valid) => {
    if (valid) expect(abort({ MinNumberOfExecutedThings: value }).MinNumberOfExecutedThings).toBe(Number(value));
    else expect(() => abort({ MinNumberOfExecutedThings: value })).toThrow('pushConfig.abortCriteria[].minNumberOfExecutedThings must be an integer from 1 to 100');
  });

  test.each<Case>([
    ['"0"', '0', true],
    ['"20.5"', '20.5', true],
    ['"100"', '100', true],
    ['"100.01"', '100.01', false],
  ])('ThresholdPercentage %s (a double, at most 100)', (_label, value, valid) => {
    if (valid) expect(abort({ ThresholdPercentage: value }).ThresholdPercentage).toBe(Number(value));
    else expect(() => abort({ ThresholdPercentage: value })).toThrow('pushConfig.abortCriteria[].thresholdPercentage must be a number of at most 100, got 100.01');
  });

  test.each(['abc', '', 'NaN', 'Infinity'])('ThresholdPercentage %j is not a number', (value) => {
    expect(() => abort({ ThresholdPercentage: value })).toThrow('thresholdPercentage must be a number of at most 100');
  });

  test('Action must be CANCEL and FailureType is required', () => {
    expect(() => abort({ Action: 'cancel' })).toThrow('pushConfig.abortCriteria[].action must be CANCEL, got "cancel"');
    expect(() => abort({ FailureType: undefined })).toThrow('pushConfig.abortCriteria[].failureType is required');
    expect(() => abort({ FailureType: 'SUCCEEDED' })).toThrow('must be one of FAILED, REJECTED, TIMED_OUT, ALL');
  });

  test.each<Case>([
    ['"0"', '0', false],
    ['"1"', '1', true],
    ['"100"', '100', true],
    ['"101"', '101', false],
  ])('BaseRatePerMinute %s (1..100)', (_label, value, valid) => {
    if (valid) expect(rate({ BaseRatePerMinute: value }).BaseRatePerMinute).toBe(Number(value));
    else expect(() => rate({ BaseRatePerMinute: value })).toThrow('pushConfig.rollout.baseRatePerMinute must be an integer from 1 to 100');
  });

  test.each<Case>([
    ['"1.09"', '1.09', false],
    ['"1.1"', '1.1', true],
    ['"5"', '5', true],
    ['"5.01"', '5.01', false],
  ])('IncrementFactor %s (a double, 1.1..5)', (_label, value, valid) => {
    if (valid) expect(rate({ IncrementFactor: value }).IncrementFactor).toBe(Number(value));
    else expect(() => rate({ IncrementFactor: value })).toThrow('pushConfig.rollout.incrementFactor must be a number from 1.1 to 5');
  });

  test.each<Case>([
    ['"0"', '0', false],
    ['"1"', '1', true],
    ['"100"', '100', true],
    ['"101"', '101', false],
  ])('numberOfNotifiedThings %s (1..100, lower-case as in the model)', (_label, value, valid) => {
    if (valid) expect(increase({ numberOfNotifiedThings: value })).toEqual({ numberOfNotifiedThings: Number(value) });
    else expect(() => increase({ numberOfNotifiedThings: value })).toThrow('rateIncreaseCriteria.numberOfNotifiedThings must be an integer from 1 to 100');
  });

  test.each<Case>([
    ['"0"', '0', false],
    ['"1"', '1', true],
    ['"100"', '100', true],
    ['"101"', '101', false],
  ])('numberOfSucceededThings %s (1..100)', (_label, value, valid) => {
    if (valid) expect(increase({ numberOfSucceededThings: value })).toEqual({ numberOfSucceededThings: Number(value) });
    else expect(() => increase({ numberOfSucceededThings: value })).toThrow('rateIncreaseCriteria.numberOfSucceededThings must be an integer from 1 to 100');
  });

  test.each<Case>([
    ['"0"', '0', false],
    ['"1"', '1', true],
    ['"2147483647" (int32 max)', '2147483647', true],
    ['"2147483648"', '2147483648', false],
  ])('MaximumPerMinute %s (1.., an int32)', (_label, value, valid) => {
    const parse = () => configuration({ PushConfig: { RolloutConfig: { MaximumPerMinute: value } } }).PushConfig!.RolloutConfig!;
    if (valid) expect(parse()).toEqual({ MaximumPerMinute: Number(value) });
    else expect(parse).toThrow('pushConfig.rollout.maximumPerMinute must be an integer of at least 1');
  });

  test.each<Case>([
    ['"0"', '0', false],
    ['"1"', '1', true],
    ['"10080"', '10080', true],
    ['"10081"', '10081', false],
  ])('InProgressTimeoutInMinutes %s (1..10080)', (_label, value, valid) => {
    const parse = () => configuration({ PushConfig: { TimeoutConfig: { InProgressTimeoutInMinutes: value } } }).PushConfig!.TimeoutConfig;
    if (valid) expect(parse()).toEqual({ InProgressTimeoutInMinutes: Number(value) });
    else expect(parse).toThrow('pushConfig.inProgressTimeout (minutes) must be an integer from 1 to 10080');
  });
});

describe('scheduling times and document size (checked in the handler too)', () => {
  const base = { JobDocument: '{}', JobDocumentBucket: 'b', OtaType: 'CONTINUOUS', OtaTargetQueryString: 'q' };

  test.each(['2027-01-15T02:00', '2027-01-15T02:00:30', '2027-01-15T02:00:30.5Z', '2027-01-15T02:00+01:00'])('accepts %s', (time) => {
    const scheduling = (config: object) => parseOtaTaskProperties({ ...base, OtaSchedulingConfig: config }).fields.OtaSchedulingConfig;
    expect(scheduling({ StartTime: time })).toMatchObject({ StartTime: time });
    expect(scheduling({ EndTime: time })).toMatchObject({ EndTime: time });
  });

  // Times that were tokens at synth are ordered here, before any call.
  test.each<[string, string, boolean]>([
    ['2027-01-15T02:00', '2027-01-15T01:59', false],
    ['2027-01-15T02:00', '2027-01-15T02:00', false],
    ['2027-01-15T02:00', '2027-01-15T02:01', true],
    ['2027-01-15T02:00:30', '2027-01-15T02:00:29.5', false],
    // Both with a zone: compared as instants (01:30Z is 02:30+01:00, so 02:00+01:00 is before it).
    ['2027-01-15T01:30Z', '2027-01-15T02:00+01:00', false],
    ['2027-01-15T01:30Z', '2027-01-15T03:00+01:00', true],
    // One with a zone, one without: how the service reads the latter is undocumented, so not compared.
    ['2027-01-15T02:00Z', '2027-01-14T02:00', true],
  ])('startTime %s, endTime %s', (start, end, valid) => {
    const parse = () => parseOtaTaskProperties({ ...base, OtaSchedulingConfig: { StartTime: start, EndTime: end } });
    if (valid) expect(parse().fields.OtaSchedulingConfig).toMatchObject({ StartTime: start, EndTime: end });
    else expect(parse).toThrow(`Invalid OtaTask properties: scheduling.endTime must be later than scheduling.startTime, got startTime "${start}" and endTime "${end}"`);
  });

  test.each(['2027-01-15 02:00', '2027-13-01T00:00', 'tomorrow', '2027-01-15T24:00'])('refuses %s', (time) => {
    expect(() => parseOtaTaskProperties({ ...base, OtaSchedulingConfig: { StartTime: time } }))
      .toThrow(`scheduling.startTime must be a date-time such as 2027-01-15T02:00 (seconds and a zone optional), got "${time}"`);
  });

  test('a stored document of at most 64 KB', () => {
    const document = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - 10) });
    expect(() => parseOtaTaskProperties({ ...base, JobDocument: document(64 * 1024) })).not.toThrow();
    expect(() => parseOtaTaskProperties({ ...base, JobDocument: document(64 * 1024 + 1) }))
      .toThrow('the job document is 65537 bytes; documents stored by the library may be at most 65536 bytes');
  });
});
