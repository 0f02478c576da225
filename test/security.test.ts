// Security gates on an app with every construct and the main option combinations: cdk-nag's
// AwsSolutions rules and the AWS Control Tower rules of cdk-validator-cfnguard (the plugin is run
// directly: on this aws-cdk-lib a failing plugin at synth only sets process.exitCode).
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Aspects, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag-v2';
import {
  CampaignMonitor,
  FirmwareImage, FuotaTask, FuotaTaskStart, OtaFailureType, OtaJobDocument, OtaTask, OtaTaskConfiguration, OtaType, RfRegion,
} from '../src';

const FIRMWARE = path.join(__dirname, '..', 'example', 'firmware', 'sensor-v2.bin');
const JOB = path.join(__dirname, 'ota', 'fixtures', 'job.json');

/** Every construct, both image sources, both document sources, own and shared roles, provider options. */
function everything(app: App): Stack[] {
  const env = { account: '123456789012', region: 'eu-west-1' };
  const shared = new Stack(app, 'Shared', { env });
  const images = secureBucket(shared, 'Images', new kms.Key(shared, 'ImagesKey', { enableKeyRotation: true }));
  const ownRole = new iam.Role(shared, 'OwnFirmwareRole', { assumedBy: new iam.ServicePrincipal('iotwireless.amazonaws.com') });
  const devices = new FuotaTask(shared, 'Devices', {
    firmware: FirmwareImage.fromAsset(FIRMWARE),
    rfRegion: RfRegion.EU868,
    wirelessDeviceIds: ['d1', 'd2'],
    start: FuotaTaskStart.afterDeployment(Duration.hours(1)),
  });
  new FuotaTask(shared, 'Groups', {
    firmware: FirmwareImage.fromBucket(images, 'fw/v2.bin'),
    firmwareUpdateRole: ownRole,
    multicastGroupIds: ['g1'],
    fragmentSizeBytes: 100,
    removalPolicy: RemovalPolicy.RETAIN,
    outputs: false,
  });
  const config = new OtaTaskConfiguration(shared, 'Config', {
    pushConfig: { abortCriteria: [{ failureType: OtaFailureType.ALL, minNumberOfExecutedThings: 5, thresholdPercentage: 50 }] },
  });
  new OtaTask(shared, 'FromFile', { jobDocument: OtaJobDocument.fromAsset(JOB), otaType: OtaType.ONE_TIME, targets: ['arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/t1'], taskConfiguration: config });
  new OtaTask(shared, 'FromJson', { jobDocument: OtaJobDocument.fromJson({ v: 1 }), otaType: OtaType.CONTINUOUS, otaTargetQueryString: 'a=b' });
  new OtaTask(shared, 'FromBucket', {
    jobDocument: OtaJobDocument.fromBucket(secureBucket(shared, 'Documents'), 'job.json'), otaType: OtaType.ONE_TIME, targets: ['arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/t2'],
  });

  const placed = new Stack(app, 'InVpc', { env });
  const vpc = new ec2.Vpc(placed, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const placedLogKey = new kms.Key(placed, 'LogKey', { enableKeyRotation: true });
  new FuotaTask(placed, 'Task', {
    firmware: FirmwareImage.fromAsset(FIRMWARE),
    providerOptions: {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      logEncryptionKey: placedLogKey,
      functionNamePrefix: 'sec-',
    },
  });
  // The campaign monitor, with and without its function options.
  devices.addFailureAlarm('Failures');
  CampaignMonitor.of(placed, {
    functionOptions: { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, logEncryptionKey: placedLogKey },
  });
  NagSuppressions.addResourceSuppressions(vpc, [{ id: 'AwsSolutions-VPC7', reason: 'Test fixture (the user\'s VPC): flow logs are the VPC owner\'s choice, not the library\'s.' }], true);
  return [shared, placed];
}

/** What a careful user would write for their own buckets. */
function secureBucket(scope: Stack, id: string, key?: kms.IKey): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryptionKey: key,
    encryption: key ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
  });
  NagSuppressions.addResourceSuppressions(bucket, [{ id: 'AwsSolutions-S1', reason: 'Test fixture (the user\'s bucket): access logging is the bucket owner\'s choice.' }]);
  return bucket;
}

test('AwsSolutions: no finding is left unacknowledged', () => {
  const app = new App();
  const stacks = everything(app);
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();
  const findings = stacks.flatMap((stack) => [
    ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-')),
    ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-')),
  ]);
  expect(findings.map((f) => `${f.id}: ${String(f.entry.data).split('\n')[0]}`)).toEqual([]);
});

/**
 * Control Tower findings accepted on purpose, each with its reason, in this one place. The Guard
 * rules have no per-resource suppression, so users who run the same rules see these too; the
 * README lists them. `on` matches logical ids: the library's resources, or this test's stand-ins
 * for the user's own resources (buckets, keys, VPC), which are not the library's to secure.
 */
const ACKNOWLEDGED: { rule: string; on: RegExp; reason: string }[] = [
  { rule: 'cloudwatch_log_group_encrypted_check', on: /^CdkIotOtaTasks((Fuota|Ota)Provider|CampaignMonitor)Logs/, reason: 'Provider and monitor logs hold operations, task ids and counts only, encrypted by CloudWatch Logs; providerOptions.logEncryptionKey (functionOptions for the monitor) sets a KMS key (the InVpc stack shows it passes then).' },
  { rule: 'lambda_inside_vpc_check', on: /^CdkIotOtaTasks((Fuota|Ota)Provider|CampaignMonitor)/, reason: 'The handlers and the monitor only call public AWS APIs; providerOptions.vpc (functionOptions for the monitor) places them in a VPC (the InVpc stack shows it passes then).' },
  { rule: 'step_functions_state_machine_logging_enabled_check', on: /^CdkIotOtaTasks(Fuota|Ota)Providerwaiterstatemachine/, reason: 'The Provider framework\'s waiter only polls isComplete; the handlers log every step.' },
  { rule: 'step_functions_state_machine_tracing_enabled_check', on: /^CdkIotOtaTasks(Fuota|Ota)Providerwaiterstatemachine/, reason: 'Tracing the waiter that only polls isComplete adds cost without insight.' },
  { rule: 's3_bucket_default_encryption_kms_check', on: /^CdkIotOtaTasksJobDocuments/, reason: 'SSE-S3 on purpose: IoT Managed Integrations reads documents with its own principal through the bucket policy, and whether it can use a KMS key is not documented.' },
  { rule: 's3_bucket_logging_enabled_check', on: /^CdkIotOtaTasksJobDocuments/, reason: 'Only the handler writes small job documents; CloudTrail records the reads; access logs would add a second bucket without insight.' },
  { rule: 's3_event_notifications_enabled_check', on: /^CdkIotOtaTasksJobDocuments/, reason: 'Nothing consumes events of this bucket: the handler writes and removes each document itself.' },
  { rule: 's3_bucket_object_lock_enabled_check', on: /^CdkIotOtaTasksJobDocuments/, reason: 'Documents are removed with their tasks; object lock would keep them past that.' },
  { rule: 'cloudwatch_alarm_action_check', on: /^DevicesFailures/, reason: 'A task\'s alarm is returned to the user, who adds its actions (an SNS topic, a pipeline): the library cannot know where to send it.' },
  { rule: 's3_bucket_default_encryption_kms_check', on: /^(Images|Documents)/, reason: 'Test stand-in for the user\'s bucket.' },
  { rule: 's3_bucket_versioning_enabled_check', on: /^(Images|Documents)/, reason: 'Test stand-in for the user\'s bucket.' },
  { rule: 's3_bucket_logging_enabled_check', on: /^(Images|Documents)/, reason: 'Test stand-in for the user\'s bucket.' },
  { rule: 's3_event_notifications_enabled_check', on: /^(Images|Documents)/, reason: 'Test stand-in for the user\'s bucket.' },
  { rule: 's3_lifecycle_policy_check', on: /^(Images|Documents)/, reason: 'Test stand-in for the user\'s bucket.' },
  { rule: 's3_bucket_object_lock_enabled_check', on: /^(Images|Documents)/, reason: 'Test stand-in for the user\'s bucket.' },
  { rule: 'kms_create_grant_aws_service_check', on: /^(ImagesKey|LogKey)/, reason: 'Test stand-in for the user\'s KMS key.' },
  { rule: 'subnet_auto_assign_public_ip_disabled_check', on: /^VpcPublicSubnet/, reason: 'Test stand-in for the user\'s VPC.' },
];

test('Control Tower rules (cfn-guard): every violation is acknowledged, every acknowledgement is used', () => {
  const app = new App();
  const stacks = everything(app);
  const assembly = app.synth();
  const validator = new CfnGuardValidator({ controlTowerRulesEnabled: true });
  const report = validator.validate({ templatePaths: stacks.map((stack) => path.join(assembly.directory, stack.templateFile)) });
  const findings = report.violations.flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, resource: r.resourceLogicalId })));
  const unacknowledged = findings.filter((f) => !ACKNOWLEDGED.some((a) => a.rule === f.rule && a.on.test(f.resource)));
  expect(unacknowledged.map((f) => `${f.rule}: ${f.resource}`)).toEqual([]);
  const unused = ACKNOWLEDGED.filter((a) => !findings.some((f) => a.rule === f.rule && a.on.test(f.resource)));
  expect(unused.map((a) => `${a.rule} on ${a.on}`)).toEqual([]);
  expect(findings.length).toBeGreaterThan(0);
});
