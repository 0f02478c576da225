import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Duration, Lazy, RemovalPolicies, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  OtaEndBehavior,
  OtaJobDocument,
  OtaMechanism,
  OtaProtocol,
  OtaRetryFailureType,
  OtaTask,
  OtaTaskConfiguration,
  OtaTaskProps,
  OtaType,
} from '../../src';

const JOB = path.join(__dirname, 'fixtures', 'job.json');
const TASK_TYPE = 'Custom::IoTManagedIntegrationsOtaTask';
const THING = 'arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/abc123';

function newStack(region: string | null = 'eu-west-1', context?: Record<string, unknown>): Stack {
  return new Stack(new App({ context }), 'Stack', { env: region ? { account: '123456789012', region } : undefined });
}

function task(stack: Stack, props: Partial<OtaTaskProps> = {}, id = 'Task'): OtaTask {
  return new OtaTask(stack, id, {
    jobDocument: OtaJobDocument.fromAsset(JOB),
    otaType: OtaType.ONE_TIME,
    targets: [THING],
    ...props,
  });
}

describe('task resource', () => {
  test('sends every prop in the service shape, numbers as strings', () => {
    const stack = newStack();
    const config = OtaTaskConfiguration.fromOtaTaskConfigurationId(stack, 'Config', 'cfg123');
    task(stack, {
      description: 'Hub firmware 3_1',
      protocol: OtaProtocol.HTTP,
      otaMechanism: OtaMechanism.PUSH,
      scheduling: {
        startTime: '2027-01-15T02:00',
        endTime: '2027-01-16T02:00:00Z',
        endBehavior: OtaEndBehavior.STOP_ROLLOUT,
        maintenanceWindows: [{ startTime: 'cron(0 2 * * ? *)', duration: Duration.hours(2) }],
      },
      retryCriteria: [{ failureType: OtaRetryFailureType.ALL, minNumberOfRetries: 3 }],
      taskConfiguration: config,
    });
    Template.fromStack(stack).hasResourceProperties(TASK_TYPE, {
      JobDocument: Match.stringLikeRegexp('"firmwareVersion": "3.1.0"'),
      JobDocumentBucket: { Ref: Match.stringLikeRegexp('^CdkIotOtaTasksJobDocuments') },
      OtaType: 'ONE_TIME',
      Target: [THING],
      Description: 'Hub firmware 3_1',
      Protocol: 'HTTP',
      OtaMechanism: 'PUSH',
      TaskConfigurationId: 'cfg123',
      OtaSchedulingConfig: {
        StartTime: '2027-01-15T02:00',
        EndTime: '2027-01-16T02:00:00Z',
        EndBehavior: 'STOP_ROLLOUT',
        MaintenanceWindows: [{ StartTime: 'cron(0 2 * * ? *)', DurationInMinutes: '120' }],
      },
      OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: '3' }] },
    });
  });

  test('a CONTINUOUS task sends its query and no targets', () => {
    const stack = newStack();
    task(stack, { otaType: OtaType.CONTINUOUS, targets: undefined, otaTargetQueryString: 'attributes.owner=team-a' });
    Template.fromStack(stack).hasResourceProperties(TASK_TYPE, {
      OtaType: 'CONTINUOUS', OtaTargetQueryString: 'attributes.owner=team-a', Target: Match.absent(),
    });
  });

  test('attributes: Id is the physical id, Arn comes from the handler', () => {
    const stack = newStack();
    const t = task(stack);
    expect(stack.resolve(t.otaTaskId)).toEqual({ Ref: expect.stringMatching(/^Task/) });
    expect(stack.resolve(t.otaTaskArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Task/), 'Arn'] });
  });

  test('a configuration in the stack is referenced by its id', () => {
    const stack = newStack();
    const config = new OtaTaskConfiguration(stack, 'Config');
    task(stack, { taskConfiguration: config });
    Template.fromStack(stack).hasResourceProperties(TASK_TYPE, { TaskConfigurationId: { Ref: Match.stringLikeRegexp('^Config') } });
  });

  test('outputs on by default, off with outputs: false', () => {
    const on = newStack();
    task(on);
    expect(Object.keys(Template.fromStack(on).findOutputs('*'))).toHaveLength(2);
    const off = newStack();
    task(off, { outputs: false });
    expect(Template.fromStack(off).findOutputs('*')).toEqual({});
  });

  test('DESTROY by default, left to CloudFormation\'s own default', () => {
    const stack = newStack();
    task(stack);
    Template.fromStack(stack).hasResource(TASK_TYPE, { DeletionPolicy: Match.absent(), UpdateReplacePolicy: Match.absent() });
  });

  test('RETAIN keeps the task; SNAPSHOT is refused', () => {
    const stack = newStack();
    task(stack, { removalPolicy: RemovalPolicy.RETAIN });
    Template.fromStack(stack).hasResource(TASK_TYPE, { DeletionPolicy: 'Retain' });
    expect(() => task(newStack(), { removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow('Stack/Task: removalPolicy SNAPSHOT is not supported by OTA tasks: use DESTROY or RETAIN');
  });

  test('applyRemovalPolicy() sets the task resource\'s policies, as the prop does; SNAPSHOT is refused', () => {
    const stack = newStack();
    const t = task(stack);
    t.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Template.fromStack(stack).hasResource(TASK_TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const other = newStack();
    task(other, { removalPolicy: RemovalPolicy.RETAIN }).applyRemovalPolicy(RemovalPolicy.DESTROY);
    Template.fromStack(other).hasResource(TASK_TYPE, { DeletionPolicy: Match.absent(), UpdateReplacePolicy: Match.absent() });
    expect(() => t.applyRemovalPolicy(RemovalPolicy.SNAPSHOT))
      .toThrow('Stack/Task: removalPolicy SNAPSHOT is not supported by OTA tasks: use DESTROY or RETAIN');
  });

  test('RemovalPolicies.of() reaches the task resource', () => {
    const stack = newStack();
    RemovalPolicies.of(task(stack)).retain();
    Template.fromStack(stack).hasResource(TASK_TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('job document', () => {
  test('fromAsset sends the file content for the library bucket', () => {
    const stack = newStack();
    task(stack);
    const [resource] = Object.values(Template.fromStack(stack).findResources(TASK_TYPE));
    expect(JSON.parse(resource.Properties.JobDocument)).toEqual(JSON.parse(fs.readFileSync(JOB, 'utf8')));
    expect(resource.Properties.S3Url).toBeUndefined();
  });

  test('fromJson keeps tokens, resolved at deployment', () => {
    const stack = newStack();
    const firmware = new s3.Bucket(stack, 'Firmware');
    task(stack, { jobDocument: OtaJobDocument.fromJson({ url: firmware.s3UrlForObject('hub.bin'), version: 3 }) });
    const [resource] = Object.values(Template.fromStack(stack).findResources(TASK_TYPE));
    expect(JSON.stringify(resource.Properties.JobDocument)).toContain('"Ref":"Firmware');
    expect(JSON.stringify(resource.Properties.JobDocument)).toContain('\\"version\\":3');
  });

  // JSON.stringify (and CDK's toJsonString) would drop these, or write null or {}, without a word.
  const NO_JSON = 'which JSON cannot carry';
  const cyclic: Record<string, unknown> = { name: 'hub' };
  cyclic.self = cyclic;
  test.each<[string, Record<string, any>, string]>([
    ['an undefined member', { files: [{ url: 's3://b/k', size: undefined }] }, `$.files[0].size is undefined, ${NO_JSON} (it would be left out): leave it out yourself, or use null`],
    ['NaN', { files: [{ size: NaN }] }, `$.files[0].size is NaN, ${NO_JSON} (it would be written as null): use a finite number or null`],
    ['Infinity', { timeout: Infinity }, `$.timeout is Infinity, ${NO_JSON} (it would be written as null): use a finite number or null`],
    ['-Infinity', { limits: { low: -Infinity } }, `$.limits.low is -Infinity, ${NO_JSON} (it would be written as null): use a finite number or null`],
    ['an undefined array element', { steps: ['a', undefined] }, `$.steps[1] is undefined, ${NO_JSON} (it would be left out): leave it out yourself, or use null`],
    // eslint-disable-next-line no-sparse-arrays
    ['a hole in an array', { steps: ['a', , 'c'] }, `$.steps[1] is a hole in the array, ${NO_JSON} (it would be left out): use null`],
    ['a function', { onDone: () => 1 }, `$.onDone is a function, ${NO_JSON}`],
    ['a symbol', { kind: Symbol('hub') }, `$.kind is a symbol, ${NO_JSON}`],
    ['a bigint', { size: BigInt(10) }, `$.size is the bigint 10n, ${NO_JSON}: use a number or a string`],
    ['a Map', { files: new Map([['a', 1]]) }, `$.files is a Map, not a plain object or array, ${NO_JSON} as it is: convert it to a plain object, array or string`],
    ['an invalid Date', { at: new Date('never') }, `$.at is an invalid Date, ${NO_JSON}`],
    ['a key that is not an identifier', { 'content-type': undefined }, `$["content-type"] is undefined, ${NO_JSON}`],
    ['a symbol key', { [Symbol('hidden')]: 1 }, `$ has a symbol key, ${NO_JSON} (it would be left out)`],
    ['a cycle', { hub: cyclic }, '$.hub.self refers back to an object that contains it, and JSON cannot carry a cycle'],
  ])('fromJson refuses %s, naming its JSON path', (_label, document, error) => {
    expect(() => task(newStack(), { jobDocument: OtaJobDocument.fromJson(document) })).toThrow(`Stack/Task: jobDocument ${error}`);
  });

  test('fromJson keeps what JSON carries, tokens of every kind included', () => {
    const stack = newStack();
    const firmware = new s3.Bucket(stack, 'Firmware');
    const size = new CfnParameter(stack, 'Size', { type: 'Number' }).valueAsNumber;
    const document = {
      url: firmware.s3UrlForObject('hub.bin'),
      size,
      chunks: Lazy.number({ produce: () => 4 }),
      names: Token.asList(Lazy.list({ produce: () => ['a'] })),
      at: new Date('2027-01-15T02:00:00Z'),
      nothing: null,
      flags: [true, false, 0, -1.5, 'x', { deep: [[]] }],
      headers: { 'content-type': 'application/json' },
    };
    expect(() => task(stack, { jobDocument: OtaJobDocument.fromJson(document) })).not.toThrow();
    const rendered = JSON.stringify(Object.values(Template.fromStack(stack).findResources(TASK_TYPE))[0].Properties.JobDocument);
    expect(rendered).toContain('"Ref":"Size"');
    expect(rendered).toContain('\\"chunks\\":4');
    expect(rendered).toContain('\\"at\\":\\"2027-01-15T02:00:00.000Z\\"');
  });

  test('a document under 64 KB that would not fit an update\'s Step Functions input twice, escaped, fails synth', () => {
    // 32,000 quotes: 64,010 bytes of JSON text (under 64 KB), 128 KB once escaped into the event, 256 KB as old and new.
    const quoted = newStack();
    task(quoted, { jobDocument: OtaJobDocument.fromJson({ pad: '"'.repeat(32_000) }) });
    expect(() => Template.fromStack(quoted)).toThrow(
      /Stack\/Task: an update would hand the Provider framework a Step Functions input of about \d+ bytes .* more than the 262144 bytes StartExecution accepts/);
    // The same size without characters to escape fits.
    const plain = newStack();
    task(plain, { jobDocument: OtaJobDocument.fromJson({ pad: 'x'.repeat(60_000) }) });
    expect(() => Template.fromStack(plain)).not.toThrow();
  });

  test('fromJson documents over 64 KB are refused at synth', () => {
    expect(() => task(newStack(), { jobDocument: OtaJobDocument.fromJson({ pad: 'x'.repeat(64 * 1024) }) }))
      .toThrow(/^Stack\/Task: jobDocument is 655\d\d bytes as JSON; documents stored by the library may be at most 65536 bytes/);
    expect(() => task(newStack(), { jobDocument: OtaJobDocument.fromJson({ pad: 'x'.repeat(60 * 1024) }) })).not.toThrow();
  });

  test('a changed document changes the resource properties, so CloudFormation sends an update', () => {
    const render = (version: string) => {
      const stack = newStack();
      task(stack, { jobDocument: OtaJobDocument.fromJson({ version }) });
      return Object.values(Template.fromStack(stack).findResources(TASK_TYPE))[0].Properties.JobDocument;
    };
    expect(render('3.1.0')).not.toEqual(render('3.1.1'));
  });

  test('the library bucket: TLS only, SSE-S3, no public access, retained, one read grant for the service however many tasks', () => {
    const stack = newStack();
    for (let i = 0; i < 5; i++) task(stack, {}, `Task${i}`);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      },
    });
    const statements = Object.values(template.findResources('AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'iotmanagedintegrations.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^CdkIotOtaTasksJobDocuments/), 'Arn'] }, '/ota-job-documents/*']] },
        Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '123456789012' } },
      },
    ]);
  });

  test('fromBucket in the app: the bucket policy lets the service read that key only', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Docs');
    task(stack, { jobDocument: OtaJobDocument.fromBucket(bucket, 'ota/job.json') });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(TASK_TYPE, {
      S3Url: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^Docs') }, '/ota/job.json']] },
      JobDocument: Match.absent(),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { Service: 'iotmanagedintegrations.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Docs'), 'Arn'] }, '/ota/job.json']] },
        })],
      },
    });
    template.resourceCountIs('AWS::S3::Bucket', 1);
  });

  test('fromBucket with an imported bucket warns with the statement to add', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Docs', 'my-docs');
    task(stack, { jobDocument: OtaJobDocument.fromBucket(bucket, 'ota/job.json') });
    Annotations.fromStack(stack).hasWarning('/Stack/Task', Match.stringLikeRegexp(
      'imported.*Add this statement.*iotmanagedintegrations.amazonaws.com.*arn:.*:s3:::my-docs/ota/job.json',
    ));
  });

  test.each([
    [OtaJobDocument.fromAsset('/nonexistent/job.json'), 'Stack/Task: jobDocument file "/nonexistent/job.json" does not exist or is not a file'],
    [OtaJobDocument.fromAsset(path.join(__dirname, 'fixtures', 'broken.json')), 'is not valid JSON'],
    [OtaJobDocument.fromBucket(s3.Bucket.fromBucketName(newStack(), 'B', 'docs-bucket'), '/job.json'), 'jobDocument key must be a non-empty S3 object key'],
  ])('a bad document is refused (%#)', (jobDocument, error) => {
    expect(() => task(newStack(), { jobDocument })).toThrow(error);
  });
});

describe('validation at synth', () => {
  const NOT_A_THING = 'targets must be a managed-thing ARN (arn:aws:iotmanagedintegrations:<region>:<account>:managed-thing/<id>, the id made of letters, digits, :, _ and -), 32 to 1011 characters, got';
  const END_BEFORE_START = 'scheduling.endTime must be later than scheduling.startTime, got startTime';
  const cases: [Partial<OtaTaskProps>, string | undefined][] = [
    [{ description: 'd'.repeat(256) }, undefined],
    [{ description: 'd'.repeat(257) }, 'description must be 1 to 256 characters long, got 257 characters'],
    // The rule in words (which characters, and that . is not one), never the model's regular expression.
    [{ description: '' }, 'description must be letters (A-Z, a-z), digits, spaces, - and _ only (not . or any other punctuation), 1 to 256 characters, got ""'],
    [{ description: 'Hub firmware 3.1' }, 'description must be letters (A-Z, a-z), digits, spaces, - and _ only (not . or any other punctuation), 1 to 256 characters, got "Hub firmware 3.1"'],
    [{ description: 'Hub firmware 3-1_b' }, undefined],
    [{ targets: Array.from({ length: 100 }, (_, i) => `${THING}${i}`) }, undefined],
    [{ targets: Array.from({ length: 101 }, (_, i) => `${THING}${i}`) }, 'targets takes at most 100 managed things at a time, got 101'],
    [{ targets: [THING, THING] }, `targets lists "${THING}" twice`],
    [{ targets: [] }, 'a ONE_TIME OTA task needs targets (1 to 100 managed-thing ARNs)'],
    // The model's ManagedThingArn form: what is plainly not a managed-thing ARN is refused.
    [{ targets: ['abc123'] }, `${NOT_A_THING} "abc123"`],
    [{ targets: [THING, 'kitchen-hub'] }, `${NOT_A_THING} "kitchen-hub"`],
    [{ targets: ['arn:aws:iot:eu-west-1:123456789012:thing/hub1'] }, `${NOT_A_THING} "arn:aws:iot:eu-west-1:123456789012:thing/hub1"`],
    [{ targets: ['arn:aws:iotmanagedintegrations:eu-west-1:123456789012:ota-task/abc123'] },
      `${NOT_A_THING} "arn:aws:iotmanagedintegrations:eu-west-1:123456789012:ota-task/abc123"`],
    [{ targets: ['arn:aws:iotmanagedintegrations:ca-central-1:123456789012:managed-thing/a:b_c-1'] }, undefined],
    [{ otaTargetQueryString: 'a=b' }, 'otaTargetQueryString is for CONTINUOUS OTA tasks'],
    [{ otaType: OtaType.CONTINUOUS }, 'a CONTINUOUS OTA task needs otaTargetQueryString'],
    [{ otaType: OtaType.CONTINUOUS, otaTargetQueryString: 'a=b' }, 'targets are for ONE_TIME OTA tasks'],
    [{ otaType: OtaType.CONTINUOUS, targets: undefined, otaTargetQueryString: ' ' }, 'otaTargetQueryString must not be empty'],
    [{ scheduling: { startTime: '2027-01-15 02:00' } }, 'scheduling.startTime must be a date-time such as 2027-01-15T02:00'],
    [{ scheduling: { endTime: '2027-13-01T00:00' } }, 'scheduling.endTime must be a date-time'],
    [{ scheduling: { startTime: '2027-01-15T02:00', endTime: '2027-01-15T01:59' } }, `${END_BEFORE_START} "2027-01-15T02:00" and endTime "2027-01-15T01:59"`],
    [{ scheduling: { startTime: '2027-01-15T02:00', endTime: '2027-01-15T02:00' } }, `${END_BEFORE_START} "2027-01-15T02:00" and endTime "2027-01-15T02:00"`],
    [{ scheduling: { startTime: '2027-01-15T02:00', endTime: '2027-01-15T02:01' } }, undefined],
    [{ scheduling: { startTime: '2027-01-15T02:00Z', endTime: '2027-01-15T02:30+01:00' } }, `${END_BEFORE_START} "2027-01-15T02:00Z" and endTime "2027-01-15T02:30+01:00"`],
    [{ scheduling: { startTime: '2027-01-15T02:00Z', endTime: '2027-01-15T03:30+01:00' } }, undefined],
    // Only one with a zone: the service's reading of the other is undocumented, so it is not compared.
    [{ scheduling: { startTime: '2027-01-15T02:00Z', endTime: '2027-01-14T02:00' } }, undefined],
    [{ scheduling: { endTime: '2027-01-14T02:00' } }, undefined],
    [{ scheduling: { maintenanceWindows: [{ startTime: 'x', duration: Duration.minutes(1) }] } }, undefined],
    [{ scheduling: { maintenanceWindows: [{ startTime: 'x', duration: Duration.minutes(1430) }] } }, undefined],
    [{ scheduling: { maintenanceWindows: [{ startTime: 'x', duration: Duration.minutes(1431) }] } }, 'scheduling.maintenanceWindows[].duration (minutes) must be an integer from 1 to 1430, got 1431'],
    [{ scheduling: { maintenanceWindows: [{ startTime: 'x', duration: Duration.seconds(90) }] } }, 'scheduling.maintenanceWindows[].duration must be whole minutes, got 1 minute 30 seconds'],
    [{ scheduling: { maintenanceWindows: [{ startTime: '', duration: Duration.minutes(5) }] } }, 'scheduling.maintenanceWindows[].startTime must not be empty'],
    [{ retryCriteria: [{ minNumberOfRetries: 0 }] }, undefined],
    [{ retryCriteria: [{ minNumberOfRetries: 10 }] }, undefined],
    [{ retryCriteria: [{ minNumberOfRetries: 11 }] }, 'retryCriteria[].minNumberOfRetries must be an integer from 0 to 10, got 11'],
    [{ retryCriteria: [{ minNumberOfRetries: -1 }] }, 'retryCriteria[].minNumberOfRetries must be an integer from 0 to 10, got -1'],
  ];
  test.each(cases.map(([props, error]) => [Object.keys(props).join(', '), error ?? 'accepted', props, error] as const))('%s: %s', (_fields, _expected, props, error) => {
    const make = () => task(newStack(), props);
    if (error === undefined) expect(make).not.toThrow();
    else expect(make).toThrow(`Stack/Task: ${error}`);
  });

  test('targets and times that are tokens are left to the handler', () => {
    const stack = newStack();
    const things = new CfnParameter(stack, 'Things', { type: 'CommaDelimitedList' }).valueAsList;
    const start = new CfnParameter(stack, 'Start').valueAsString;
    expect(() => task(stack, { targets: things, scheduling: { startTime: start, endTime: '2020-01-01T00:00' } })).not.toThrow();
    const thing = new CfnParameter(stack, 'Thing').valueAsString;
    expect(() => task(stack, { targets: [thing, THING] }, 'Other')).not.toThrow();
    Template.fromStack(stack).hasResourceProperties(TASK_TYPE, { Target: { Ref: 'Things' }, OtaSchedulingConfig: { StartTime: { Ref: 'Start' } } });
  });

  test('no tags means no Tags property (the model wants 1 to 50)', () => {
    const stack = newStack();
    task(stack);
    Template.fromStack(stack).hasResourceProperties(TASK_TYPE, { Tags: Match.absent() });
  });

  test('at most 50 tags, checked after aspects ran', () => {
    const stack = newStack();
    const t = task(stack);
    for (let i = 0; i < 51; i++) Tags.of(t).add(`k${i}`, 'v');
    expect(() => Template.fromStack(stack)).toThrow(/an OTA task takes at most 50 tags, got 51/);
  });

  test('Tags.of reaches the task as a map', () => {
    const stack = newStack();
    const t = task(stack);
    Tags.of(t).add('campaign', 'hub-3');
    Template.fromStack(stack).hasResourceProperties(TASK_TYPE, { Tags: { campaign: 'hub-3' } });
  });
});

describe('regions', () => {
  test.each(['eu-west-1', 'ca-central-1'])('%s is supported', (region) => {
    expect(() => task(newStack(region))).not.toThrow();
  });

  test('another concrete region fails synth and names the escape hatch', () => {
    expect(() => task(newStack('us-east-1'))).toThrow(
      'Stack/Task: IoT Managed Integrations is not available in us-east-1 (it runs in ca-central-1, eu-west-1). ' +
      'If the service has since arrived in us-east-1, allow it with the context value "cdk-iot-ota-tasks:managedIntegrationsRegions": ["us-east-1"]',
    );
  });

  test.each([[['us-east-1']], ['us-east-1,us-west-2'], ['["us-east-1"]']])('the escape hatch allows a region (%p)', (value) => {
    expect(() => task(newStack('us-east-1', { 'cdk-iot-ota-tasks:managedIntegrationsRegions': value }))).not.toThrow();
  });

  test('an environment-agnostic stack warns', () => {
    const stack = newStack(null);
    task(stack);
    Annotations.fromStack(stack).hasWarning('/Stack/Task', Match.stringLikeRegexp('IoT Managed Integrations runs only in ca-central-1, eu-west-1'));
  });
});

describe('provider', () => {
  function figures(tasks: number) {
    const stack = newStack();
    for (let i = 0; i < tasks; i++) task(stack, { outputs: false }, `Task${i}`);
    const template = Template.fromStack(stack);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument);
    return { lambdas: Object.keys(template.findResources('AWS::Lambda::Function')).length, policyBytes: JSON.stringify(policies).length };
  }

  test('one provider per stack: 100 tasks cost the same Lambdas and policy bytes as one', () => {
    expect(figures(100)).toEqual(figures(1));
  });

  test('handler policy: task actions on ota-task ARNs of this partition, account and region; the rest on * limited to the region', () => {
    const stack = newStack();
    task(stack);
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp('^CdkIotOtaTasksOtaProviderHandlerRole') },
    }))[0].Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(expect.objectContaining({
      Sid: 'OtaTasks',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iotmanagedintegrations:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':ota-task/*']] },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Sid: 'OtaTaskCreateAndConfigurations',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
    }));
    expect(statements).toContainEqual({
      Sid: 'OtaJobDocuments',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:DeleteObject'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^CdkIotOtaTasksJobDocuments/), 'Arn'] }, '/ota-job-documents/*']] },
    });
    expect(statements.some((s: any) => [s.Action].flat().includes('iam:PassRole'))).toBe(false);
  });

  test('no document writes are granted when every document is in a bucket of yours', () => {
    const stack = newStack();
    task(stack, { jobDocument: OtaJobDocument.fromBucket(new s3.Bucket(stack, 'Docs'), 'job.json') });
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((s: any) => s.Sid === 'OtaJobDocuments')).toEqual([]);
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 1);
  });
});

describe('import', () => {
  test('fromOtaTaskArn', () => {
    const imported = OtaTask.fromOtaTaskArn(newStack(), 'Existing', 'arn:aws:iotmanagedintegrations:eu-west-1:123456789012:ota-task/abc123');
    expect(imported.otaTaskId).toBe('abc123');
    expect(imported.env.region).toBe('eu-west-1');
    expect(() => OtaTask.fromOtaTaskArn(newStack(), 'Bad', THING)).toThrow('Stack/Bad: expected an OTA task ARN');
  });

  // CDK's own Arn.split message names neither the construct nor the ARN form wanted.
  test.each(['not-an-arn', '', 'arn:aws:iotmanagedintegrations', 'ota-task/abc123'])('fromOtaTaskArn(%j) gets the library\'s message', (arn) => {
    expect(() => OtaTask.fromOtaTaskArn(newStack(), 'Existing', arn))
      .toThrow(`Stack/Existing: expected an OTA task ARN (arn:aws:iotmanagedintegrations:<region>:<account>:ota-task/<id>), got ${JSON.stringify(arn)}`);
  });
});
