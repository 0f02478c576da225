import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, RemovalPolicies, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { FirmwareImage, FuotaTask, FuotaTaskProps, FuotaTaskStart, RfRegion } from '../../src';

const FIRMWARE = path.join(__dirname, '..', '..', 'example', 'firmware', 'sensor-v2.bin');
const TASK_TYPE = 'Custom::IoTWirelessFuotaTask';

function newStack(region = 'eu-west-1'): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '123456789012', region } });
}

function task(stack: Stack, props: Partial<FuotaTaskProps> = {}, id = 'Task'): FuotaTask {
  return new FuotaTask(stack, id, { firmware: FirmwareImage.fromAsset(FIRMWARE), ...props });
}

function tempFile(bytes: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuota-'));
  const file = path.join(dir, 'image.bin');
  fs.writeFileSync(file, Buffer.alloc(bytes));
  return file;
}

/** The via-S3 kms:Decrypt statement of an image whose key cannot be known (the asset bucket's key included). */
function VIA_S3_DECRYPT(bucketArn: { 'Fn::Join': unknown[] }, key?: string) {
  const [, [arn, partition, bucket]] = bucketArn['Fn::Join'] as [string, [string, unknown, string]];
  return {
    Action: 'kms:Decrypt',
    Effect: 'Allow',
    Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:eu-west-1:123456789012:key/*']] },
    Condition: {
      StringEquals: {
        'kms:ViaService': { 'Fn::Join': ['', ['s3.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
        'kms:EncryptionContext:aws:s3:arn': [
          { 'Fn::Join': ['', [arn, partition, key ? `${bucket}/${key}` : expect.stringMatching(new RegExp(`^${bucket}/[0-9a-f]{64}\\.bin$`))]] },
          bucketArn,
        ],
      },
    },
  };
}

describe('task resource', () => {
  test('sends every prop to the handler, numbers as strings', () => {
    const stack = newStack();
    task(stack, {
      rfRegion: RfRegion.AS923_1,
      fuotaTaskName: 'sensor-fw-v2',
      description: 'Sensor firmware 2.0',
      redundancyPercent: 20,
      fragmentSizeBytes: 232,
      fragmentIntervalMs: 1000,
      descriptor: 'AAAAAQ==',
      multicastGroupIds: ['group-1', 'group-2'],
      start: FuotaTaskStart.afterDeployment(Duration.hours(1)),
    });

    Template.fromStack(stack).hasResourceProperties(TASK_TYPE, {
      ServiceToken: Match.anyValue(),
      FirmwareUpdateImage: Match.stringLikeRegexp('^s3://cdk-hnb659fds-assets-123456789012-eu-west-1/[0-9a-f]{64}\\.bin$'),
      FirmwareUpdateRole: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CdkIotOtaTasksFirmwareUpdateRole'), 'Arn'] },
      RfRegion: 'AS923-1',
      Name: 'sensor-fw-v2',
      Description: 'Sensor firmware 2.0',
      RedundancyPercent: '20',
      FragmentSizeBytes: '232',
      FragmentIntervalMS: '1000',
      Descriptor: 'AAAAAQ==',
      MulticastGroupIds: ['group-1', 'group-2'],
      StartDelaySeconds: '3600',
    });
  });

  test('optional props are left out, not sent empty', () => {
    const stack = newStack();
    task(stack);
    const [resource] = Object.values(Template.fromStack(stack).findResources(TASK_TYPE));
    expect(Object.keys(resource.Properties).sort()).toEqual(['FirmwareUpdateImage', 'FirmwareUpdateRole', 'ServiceToken', 'ServiceTimeout'].sort());
  });

  test('a fixed start is sent as an ISO date-time, however near it is at synth', () => {
    const stack = newStack();
    const soon = new Date(Date.now() + 60_000);
    task(stack, { wirelessDeviceIds: ['d1'], start: FuotaTaskStart.at(soon) });
    Template.fromStack(stack).hasResourceProperties(TASK_TYPE, { StartTime: soon.toISOString() });
  });

  test('fromBucket sends the s3:// URI of the given key', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Images');
    task(stack, { firmware: FirmwareImage.fromBucket(bucket, 'fw/v2.bin') });
    Template.fromStack(stack).hasResourceProperties(TASK_TYPE, {
      FirmwareUpdateImage: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^Images') }, '/fw/v2.bin']] },
    });
  });

  test('attributes: Id is the physical id, Arn comes from the handler', () => {
    const stack = newStack();
    const t = task(stack);
    expect(stack.resolve(t.fuotaTaskId)).toEqual({ Ref: expect.stringMatching(/^Task/) });
    expect(stack.resolve(t.fuotaTaskArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Task/), 'Arn'] });
  });

  test('CloudFormation waits 25 minutes at most, longer than any handler runs', () => {
    const stack = newStack();
    task(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties(TASK_TYPE, { ServiceTimeout: '1500' });
    const timeouts = Object.values(template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('IoT Wireless FUOTA custom resource') },
    })).map((fn) => fn.Properties.Timeout);
    expect(timeouts).toHaveLength(2);
    for (const timeout of timeouts) expect(timeout).toBeLessThan(1500);
  });
});

describe('outputs', () => {
  test('on by default: the ARN and the id', () => {
    const stack = newStack();
    task(stack);
    const outputs = Template.fromStack(stack).findOutputs('*');
    expect(Object.values(outputs).map((o) => o.Value)).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^Task/), 'Arn'] },
      { Ref: expect.stringMatching(/^Task/) },
    ]);
  });

  test('off with outputs: false', () => {
    const stack = newStack();
    task(stack, { outputs: false });
    expect(Template.fromStack(stack).findOutputs('*')).toEqual({});
  });

  test('a stack over 200 outputs fails synth naming the tasks to turn off', () => {
    const stack = newStack();
    for (let i = 0; i < 101; i++) task(stack, {}, `Task${i}`);
    expect(() => Template.fromStack(stack)).toThrow(/declares 202 outputs; CloudFormation accepts at most 200\. Set `outputs: false` on tasks .*\(101 constructs have them on: Stack\/Task0, Stack\/Task1/);
  });

  test('100 tasks with outputs stay within the quota', () => {
    const stack = newStack();
    for (let i = 0; i < 100; i++) task(stack, {}, `Task${i}`);
    expect(Object.keys(Template.fromStack(stack).findOutputs('*'))).toHaveLength(200);
  });
});

describe('tags', () => {
  test('Tags.of reaches the task', () => {
    const stack = newStack();
    const t = task(stack);
    Tags.of(t).add('campaign', 'v2');
    Tags.of(stack).add('team', 'iot');
    Template.fromStack(stack).hasResourceProperties(TASK_TYPE, {
      Tags: Match.arrayWith([{ Key: 'campaign', Value: 'v2' }, { Key: 'team', Value: 'iot' }]),
    });
  });

  test('tags are checked against the service limits after aspects ran', () => {
    const stack = newStack();
    const t = task(stack);
    Tags.of(t).add('k', 'v'.repeat(257));
    expect(() => Template.fromStack(stack)).toThrow(/tag value must be at most 256 characters long/);
  });
});

describe('removal policy', () => {
  test('DESTROY by default, written as CloudFormation\'s own default: no policy attributes', () => {
    const stack = newStack();
    task(stack);
    Template.fromStack(stack).hasResource(TASK_TYPE, { DeletionPolicy: Match.absent(), UpdateReplacePolicy: Match.absent() });
  });

  test('an explicit DESTROY is the default too', () => {
    const stack = newStack();
    task(stack, { removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(stack).hasResource(TASK_TYPE, { DeletionPolicy: Match.absent(), UpdateReplacePolicy: Match.absent() });
  });

  test('RETAIN keeps the task: CloudFormation never calls Delete', () => {
    const stack = newStack();
    task(stack, { removalPolicy: RemovalPolicy.RETAIN });
    Template.fromStack(stack).hasResource(TASK_TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('SNAPSHOT is refused', () => {
    expect(() => task(newStack(), { removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow('Stack/Task: removalPolicy SNAPSHOT is not supported by FUOTA tasks: use DESTROY or RETAIN');
  });

  test('SNAPSHOT is refused before the task makes anything: no provider or role is left in the stack', () => {
    const stack = newStack();
    expect(() => task(stack, { removalPolicy: RemovalPolicy.SNAPSHOT, firmware: FirmwareImage.fromAsset(tempFile(1024 * 1024 + 1)) }))
      .toThrow('Stack/Task: removalPolicy SNAPSHOT is not supported by FUOTA tasks');
    expect(stack.node.children.map((child) => child.node.id)).toEqual(['Task']);
    expect(stack.node.findChild('Task').node.children).toEqual([]);
  });

  test('applyRemovalPolicy() sets the task resource\'s policies, as the prop does', () => {
    const stack = newStack();
    task(stack, {}, 'Kept').applyRemovalPolicy(RemovalPolicy.RETAIN);
    task(stack, { removalPolicy: RemovalPolicy.RETAIN }, 'Dropped').applyRemovalPolicy(RemovalPolicy.DESTROY);
    const template = Template.fromStack(stack);
    template.hasResource(TASK_TYPE, { Properties: { ServiceToken: Match.anyValue() }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(Object.keys(template.findResources(TASK_TYPE, { DeletionPolicy: 'Retain' }))).toEqual([expect.stringMatching(/^Kept/)]);
    expect(Object.keys(template.findResources(TASK_TYPE, { DeletionPolicy: Match.absent(), UpdateReplacePolicy: Match.absent() })))
      .toEqual([expect.stringMatching(/^Dropped/)]);
  });

  test('applyRemovalPolicy(SNAPSHOT) is refused with the prop\'s message', () => {
    expect(() => task(newStack()).applyRemovalPolicy(RemovalPolicy.SNAPSHOT))
      .toThrow('Stack/Task: removalPolicy SNAPSHOT is not supported by FUOTA tasks: use DESTROY or RETAIN');
  });

  test('RemovalPolicies.of() reaches the task resource', () => {
    const stack = newStack();
    RemovalPolicies.of(task(stack)).retain();
    Template.fromStack(stack).hasResource(TASK_TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('import', () => {
  test('fromFuotaTaskArn exposes the ARN and the id', () => {
    const stack = newStack();
    const imported = FuotaTask.fromFuotaTaskArn(stack, 'Existing', 'arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/abc-123');
    expect(imported.fuotaTaskArn).toBe('arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/abc-123');
    expect(imported.fuotaTaskId).toBe('abc-123');
    expect(imported.env).toEqual({ account: '123456789012', region: 'eu-west-1' });
  });

  test('fromFuotaTaskArn refuses an ARN of something else', () => {
    expect(() => FuotaTask.fromFuotaTaskArn(newStack(), 'Existing', 'arn:aws:iotwireless:eu-west-1:123456789012:WirelessDevice/abc'))
      .toThrow('Stack/Existing: expected a FUOTA task ARN');
  });

  // CDK's own Arn.split message names neither the construct nor the ARN form wanted.
  test.each(['not-an-arn', '', 'arn:aws:iotwireless', 'FuotaTask/abc-123'])('fromFuotaTaskArn(%j) gets the library\'s message', (arn) => {
    expect(() => FuotaTask.fromFuotaTaskArn(newStack(), 'Existing', arn))
      .toThrow(`Stack/Existing: expected a FUOTA task ARN (arn:<partition>:iotwireless:<region>:<account>:FuotaTask/<id>), got ${JSON.stringify(arn)}`);
  });
});

describe('firmware update role', () => {
  test('one shared role per stack, trusted by IoT Wireless with a confused-deputy condition that cannot lock it out', () => {
    const stack = newStack();
    task(stack, {}, 'A');
    task(stack, {}, 'B');
    const template = Template.fromStack(stack);
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'iotwireless.amazonaws.com' } })] } },
    });
    expect(Object.keys(roles)).toHaveLength(1);
    expect(Object.values(roles)[0].Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'iotwireless.amazonaws.com' },
      Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '123456789012' } },
    }]);
  });

  test('reads the asset object only, never the whole bootstrap bucket', () => {
    const stack = newStack();
    const t = task(stack);
    const policy = firstPolicyOf(stack, t.firmwareUpdateRole);
    const bucketArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::cdk-hnb659fds-assets-123456789012-eu-west-1']] };
    expect(policy.Statement).toEqual([
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, expect.stringMatching(/^:s3:::cdk-hnb659fds-assets-123456789012-eu-west-1\/[0-9a-f]{64}\.bin$/)]] },
      },
      {
        Action: ['s3:ListBucket', 's3:ListBucketVersions'],
        Effect: 'Allow',
        Resource: bucketArn,
        Condition: { StringEquals: { 's3:prefix': expect.stringMatching(/^[0-9a-f]{64}\.bin$/) } },
      },
      VIA_S3_DECRYPT(bucketArn),
    ]);
  });

  test('tasks sharing an image share its statements', () => {
    const stack = newStack();
    task(stack, {}, 'A');
    task(stack, {}, 'B');
    expect(firstPolicyOf(stack, (stack.node.findChild('A') as FuotaTask).firmwareUpdateRole).Statement).toHaveLength(3);
  });

  test('a KMS-encrypted bucket adds kms:Decrypt on its key', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Images', { encryptionKey: key });
    const t = task(stack, { firmware: FirmwareImage.fromBucket(bucket, 'fw/v2.bin') });
    expect(firstPolicyOf(stack, t.firmwareUpdateRole).Statement).toContainEqual(expect.objectContaining({
      Action: 'kms:Decrypt',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
    }));
  });

  test('a role of your own gets the same read grant and no shared role is made', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('iotwireless.amazonaws.com') });
    const t = task(stack, { firmwareUpdateRole: role });
    expect(t.firmwareUpdateRole).toBe(role);
    expect(stack.node.tryFindChild('CdkIotOtaTasksFirmwareUpdateRole')).toBeUndefined();
    expect(firstPolicyOf(stack, role).Statement.map((s: any) => s.Action)).toEqual(['s3:GetObject', ['s3:ListBucket', 's3:ListBucketVersions'], 'kms:Decrypt']);
  });

  test('an imported bucket without a key: kms:Decrypt through S3 for this object only, and a synth warning', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Images', 'my-firmware-images');
    const t = task(stack, { firmware: FirmwareImage.fromBucket(bucket, 'fw/v2.bin') });
    const bucketArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-firmware-images']] };
    expect(firstPolicyOf(stack, t.firmwareUpdateRole).Statement).toContainEqual(VIA_S3_DECRYPT(bucketArn, 'fw/v2.bin'));
    Annotations.fromStack(stack).hasWarning('/Stack/Task', Match.stringLikeRegexp(
      'The encryption of firmware image s3://my-firmware-images/fw/v2.bin cannot be known.*encryptionKey'));
  });

  test('an imported bucket with the image key passed: kms:Decrypt on that key only, no warning', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Images', 'my-firmware-images');
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const t = task(stack, { firmware: FirmwareImage.fromBucket(bucket, 'fw/v2.bin', { encryptionKey: key }) });
    const statements = firstPolicyOf(stack, t.firmwareUpdateRole).Statement.filter((s: any) => s.Action === 'kms:Decrypt');
    expect(statements).toEqual([{ Action: 'kms:Decrypt', Effect: 'Allow', Resource: 'arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab' }]);
    Annotations.fromStack(stack).hasNoWarning('/Stack/Task', Match.anyValue());
  });

  test('an asset image with the bootstrap key passed: kms:Decrypt on that key', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const t = task(stack, { firmware: FirmwareImage.fromAsset(FIRMWARE, { encryptionKey: key }) });
    expect(firstPolicyOf(stack, t.firmwareUpdateRole).Statement.filter((s: any) => s.Action === 'kms:Decrypt'))
      .toEqual([{ Action: 'kms:Decrypt', Effect: 'Allow', Resource: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' }]);
  });

  test('a bucket of the app without a key is known to need none: no kms statement, no warning', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Images');
    const t = task(stack, { firmware: FirmwareImage.fromBucket(bucket, 'fw/v2.bin') });
    expect(firstPolicyOf(stack, t.firmwareUpdateRole).Statement.map((s: any) => s.Action)).not.toContain('kms:Decrypt');
    Annotations.fromStack(stack).hasNoWarning('/Stack/Task', Match.anyValue());
  });
});

describe('provider', () => {
  function providerFigures(tasks: number) {
    const stack = newStack();
    for (let i = 0; i < tasks; i++) task(stack, { outputs: false }, `Task${i}`);
    const template = Template.fromStack(stack);
    const policies = template.findResources('AWS::IAM::Policy');
    return {
      lambdas: Object.keys(template.findResources('AWS::Lambda::Function')).length,
      policyBytes: JSON.stringify(Object.values(policies).map((p) => p.Properties.PolicyDocument)).length,
      policies: Object.keys(policies).length,
      tasks: Object.keys(template.findResources(TASK_TYPE)).length,
    };
  }

  test('one provider per stack: 300 tasks cost the same Lambdas and policy bytes as one', () => {
    const one = providerFigures(1);
    const many = providerFigures(300);
    expect(many.tasks).toBe(300);
    expect(many.lambdas).toBe(one.lambdas);
    expect(many.policies).toBe(one.policies);
    expect(many.policyBytes).toBe(one.policyBytes);
  });

  test('every task\'s ServiceToken names the framework\'s onEvent function by the provider\'s short logical id', () => {
    const stack = newStack();
    task(stack, {}, 'One');
    task(stack, {}, 'Two');
    const template = Template.fromStack(stack);
    const tokens = Object.values(template.findResources(TASK_TYPE)).map((r) => r.Properties.ServiceToken);
    expect(tokens).toEqual([
      { 'Fn::GetAtt': ['CdkIotOtaTasksFuotaProvider', 'Arn'] },
      { 'Fn::GetAtt': ['CdkIotOtaTasksFuotaProvider', 'Arn'] },
    ]);
    const entrypoint = template.findResources('AWS::Lambda::Function').CdkIotOtaTasksFuotaProvider;
    expect(entrypoint.Properties.Description).toMatch(/onEvent/);
  });

  test('handler policy: FUOTA actions scoped to partition, account and region; PassRole only for the firmware role, only to IoT Wireless', () => {
    const stack = newStack();
    task(stack);
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp('^CdkIotOtaTasksFuotaProviderHandlerRole') },
    }))[0].Properties.PolicyDocument.Statement;
    const taskArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iotwireless:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':FuotaTask/*']] };
    expect(statements).toContainEqual(expect.objectContaining({ Sid: 'FuotaTasks', Resource: taskArn }));
    expect(statements).toContainEqual(expect.objectContaining({
      Sid: 'FuotaTaskCreateAndDeviceList',
      Action: ['iotwireless:CreateFuotaTask', 'iotwireless:ListWirelessDevices'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
    }));
    expect(statements).toContainEqual({
      Sid: 'PassFirmwareUpdateRoles',
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CdkIotOtaTasksFirmwareUpdateRole/), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'iotwireless.amazonaws.com' } },
    });
    expect(statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('iotwireless:')) && s.Resource === '*' && !s.Condition)).toEqual([]);
  });

  test('PassRole grows by distinct role, not by task', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('iotwireless.amazonaws.com') });
    task(stack, {}, 'A');
    task(stack, {}, 'B');
    task(stack, { firmwareUpdateRole: role }, 'C');
    task(stack, { firmwareUpdateRole: role }, 'D');
    const pass = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => s.Sid === 'PassFirmwareUpdateRoles');
    expect(pass).toHaveLength(1);
    expect(pass[0].Resource).toHaveLength(2);
  });

  test('handlers run on Node.js 22 with an explicit log group', () => {
    const stack = newStack();
    task(stack);
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Description: Match.stringLikeRegexp('IoT Wireless FUOTA custom resource'),
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^CdkIotOtaTasksFuotaProviderLogs') } },
    }, 2);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });
});

describe('validation at synth', () => {
  const path_ = 'Stack/Task';
  test.each([
    ['redundancyPercent', -1, 'redundancyPercent must be an integer from 0 to 100, got -1'],
    ['redundancyPercent', 0, undefined],
    ['redundancyPercent', 100, undefined],
    ['redundancyPercent', 101, 'redundancyPercent must be an integer from 0 to 100, got 101'],
    ['redundancyPercent', 1.5, 'redundancyPercent must be an integer from 0 to 100, got 1.5'],
    ['fragmentSizeBytes', 0, 'fragmentSizeBytes must be an integer of at least 1, got 0'],
    ['fragmentSizeBytes', 1, undefined],
    ['fragmentIntervalMs', 0, 'fragmentIntervalMs must be an integer of at least 1, got 0'],
    ['fragmentIntervalMs', 1, undefined],
    ['fragmentIntervalMs', 2147483647, undefined],
    ['fragmentIntervalMs', 2147483648, 'fragmentIntervalMs must be an integer of at least 1, got 2147483648'],
    ['fuotaTaskName', 'n'.repeat(256), undefined],
    ['fuotaTaskName', 'n'.repeat(257), 'fuotaTaskName must be at most 256 characters long, got 257 characters'],
    ['description', 'd'.repeat(2048), undefined],
    ['description', 'd'.repeat(2049), 'description must be at most 2048 characters long, got 2049 characters'],
    ['descriptor', 'A'.repeat(332), undefined],
    ['descriptor', 'A'.repeat(336), 'descriptor must be at most 332 characters long, got 336 characters'],
    // The rule in words, not the model's regular expression.
    ['descriptor', 'AAAAAQ=', 'descriptor must be base64, at most 332 characters, got "AAAAAQ="'],
    ['descriptor', 'AAAAAQ==', undefined],
    ['descriptor', 'ab-_', 'descriptor must be base64, at most 332 characters, got "ab-_"'],
    ['rfRegion', 'EU869', 'rfRegion must be one of EU868, US915, AU915, AS923-1, AS923-2, AS923-3, AS923-4, EU433, CN470, CN779, RU864, KR920, IN865, got "EU869"'],
    ['wirelessDeviceIds', ['d'.repeat(256)], undefined],
    ['wirelessDeviceIds', ['d'.repeat(257)], 'wirelessDeviceIds must be at most 256 characters long, got 257 characters'],
    ['wirelessDeviceIds', ['a', 'a'], 'wirelessDeviceIds lists "a" twice'],
    ['multicastGroupIds', ['g'.repeat(257)], 'multicastGroupIds must be at most 256 characters long, got 257 characters'],
  ])('%s = %p', (field, value, error) => {
    const make = () => task(newStack(), { [field]: value } as Partial<FuotaTaskProps>);
    if (error === undefined) {
      expect(make).not.toThrow();
    } else {
      expect(make).toThrow(`${path_}: ${error}`);
    }
  });

  test('all 13 RF regions are accepted', () => {
    for (const region of Object.values(RfRegion)) {
      expect(() => task(newStack(), { rfRegion: region })).not.toThrow();
    }
    expect(Object.values(RfRegion)).toHaveLength(13);
  });

  test('devices and groups together are refused', () => {
    expect(() => task(newStack(), { wirelessDeviceIds: ['d'], multicastGroupIds: ['g'] }))
      .toThrow('Stack/Task: wirelessDeviceIds and multicastGroupIds cannot both be set');
  });

  test.each([
    [Duration.minutes(30), 'Stack/Task: start FuotaTaskStart.afterDeployment must be at least 31 minutes (IoT Wireless needs the start 30 minutes ahead), got 30 minutes'],
    [Duration.minutes(31), undefined],
  ])('afterDeployment(%s)', (delay, error) => {
    const make = () => task(newStack(), { wirelessDeviceIds: ['d1'], start: FuotaTaskStart.afterDeployment(delay) });
    if (error) expect(make).toThrow(error);
    else expect(make).not.toThrow();
  });

  test('an invalid start date is refused', () => {
    expect(() => task(newStack(), { wirelessDeviceIds: ['d1'], start: FuotaTaskStart.at(new Date('not a date')) }))
      .toThrow('Stack/Task: start FuotaTaskStart.at needs a valid date');
  });

  // Far from the clock on either side, so the verdict never depends on when the test runs; a date
  // in the near future is the handler's "30 minutes ahead" check (test/fuota/handler).
  const DAY = 24 * 60 * 60 * 1000;
  test.each([
    ['2000-01-01T00:00:00.000Z', () => new Date('2000-01-01T00:00:00Z'), true],
    ['a day ago', () => new Date(Date.now() - DAY), true],
    ['a minute ahead', () => new Date(Date.now() + 60_000), false],
    ['2100-01-01T00:00:00.000Z', () => new Date('2100-01-01T00:00:00Z'), false],
  ])('FuotaTaskStart.at(%s)', (_name, date, refused) => {
    const at = date();
    const make = () => task(newStack(), { wirelessDeviceIds: ['d1'], start: FuotaTaskStart.at(at) });
    if (refused) {
      // The synth time in the brackets is the clock's, so it is left out of the comparison.
      expect(make).toThrow(`Stack/Task: start FuotaTaskStart.at(${at.toISOString()}) is already in the past at synth (`);
      expect(make).toThrow(/\); IoT Wireless needs the start at least 30 minutes after the deployment: give a later date, or use FuotaTaskStart\.afterDeployment$/);
    } else {
      expect(make).not.toThrow();
    }
  });

  const EMPTY_START = 'Stack/Task: start needs wirelessDeviceIds or multicastGroupIds: IoT Wireless takes none once a task has started, so a task started empty could never update a device';
  test.each([
    ['no lists', {}, EMPTY_START],
    ['empty lists', { wirelessDeviceIds: [], multicastGroupIds: [] }, EMPTY_START],
    ['an empty device list', { wirelessDeviceIds: [] }, EMPTY_START],
    ['one device', { wirelessDeviceIds: ['d1'] }, undefined],
    ['one group', { multicastGroupIds: ['g1'] }, undefined],
  ])('a start with %s', (_name, lists: Partial<FuotaTaskProps>, error) => {
    for (const start of [FuotaTaskStart.afterDeployment(Duration.hours(1)), FuotaTaskStart.at(new Date('2100-01-01T00:00:00Z'))]) {
      const make = () => task(newStack(), { ...lists, start });
      if (error) expect(make).toThrow(error);
      else expect(make).not.toThrow();
    }
  });

  test('without a start, a task needs no devices or groups', () => {
    expect(() => task(newStack(), { wirelessDeviceIds: [] })).not.toThrow();
  });

  test('a start with device lists that are tokens is left to the handler', () => {
    const stack = newStack();
    const { CfnParameter } = jest.requireActual('aws-cdk-lib');
    const devices = new CfnParameter(stack, 'Devices', { type: 'CommaDelimitedList' }).valueAsList;
    expect(() => task(stack, { wirelessDeviceIds: devices, start: FuotaTaskStart.afterDeployment(Duration.hours(1)) })).not.toThrow();
    Template.fromStack(stack).hasResourceProperties(TASK_TYPE, { WirelessDeviceIds: { Ref: 'Devices' }, StartDelaySeconds: '3600' });
  });

  test('a missing firmware file is refused', () => {
    expect(() => task(newStack(), { firmware: FirmwareImage.fromAsset('/nonexistent/fw.bin') }))
      .toThrow('Stack/Task: firmware file "/nonexistent/fw.bin" does not exist');
  });

  test('a directory is refused', () => {
    expect(() => task(newStack(), { firmware: FirmwareImage.fromAsset(os.tmpdir()) }))
      .toThrow(`Stack/Task: firmware "${os.tmpdir()}" is a directory, not a file`);
  });

  test.each([
    [1024 * 1024, undefined],
    [1024 * 1024 + 1, 'bytes; IoT Wireless accepts images of at most 1048576 bytes (1 MB)'],
  ])('an image of %d bytes', (bytes, error) => {
    const file = tempFile(bytes);
    const make = () => task(newStack(), { firmware: FirmwareImage.fromAsset(file) });
    if (error) expect(make).toThrow(`Stack/Task: firmware ${JSON.stringify(file)} is ${bytes} ${error}`);
    else expect(make).not.toThrow();
  });

  test('a bucket key must be a plain object key', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Images');
    expect(() => task(stack, { firmware: FirmwareImage.fromBucket(bucket, '/fw.bin') }))
      .toThrow('Stack/Task: firmware key must be a non-empty S3 object key without a leading "/", got "/fw.bin"');
  });

  test('token values are left to the handler', () => {
    const stack = newStack();
    const { CfnParameter } = jest.requireActual('aws-cdk-lib');
    const percent = new CfnParameter(stack, 'Percent', { type: 'Number' }).valueAsNumber;
    const name = new CfnParameter(stack, 'Name').valueAsString;
    expect(() => task(stack, { redundancyPercent: percent, fuotaTaskName: name })).not.toThrow();
    Template.fromStack(stack).hasResourceProperties(TASK_TYPE, { RedundancyPercent: { Ref: 'Percent' }, Name: { Ref: 'Name' } });
  });
});

describe('warnings', () => {
  test('a region without LoRaWAN warns and still synthesizes', () => {
    const stack = newStack('ap-south-1');
    task(stack);
    Annotations.fromStack(stack).hasWarning('/Stack/Task', Match.stringLikeRegexp('Region ap-south-1 had no AWS IoT Core for LoRaWAN endpoint'));
  });

  test('a LoRaWAN region does not warn', () => {
    const stack = newStack('eu-west-1');
    task(stack);
    Annotations.fromStack(stack).hasNoWarning('/Stack/Task', Match.anyValue());
  });

  test('fragmentSizeBytes with devices warns that it only applies to multicast', () => {
    const stack = newStack();
    task(stack, { fragmentSizeBytes: 100, wirelessDeviceIds: ['d'] });
    Annotations.fromStack(stack).hasWarning('/Stack/Task', Match.stringLikeRegexp('fragmentSizeBytes applies only to FUOTA tasks with multicast groups'));
  });
});

function firstPolicyOf(stack: Stack, role: iam.IRole): { Statement: any[] } {
  const roleRef = stack.resolve(role.roleName);
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([roleRef]));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument;
}
