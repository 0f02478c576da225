// cdk-nag AwsSolutions (2.x, then 3.x below) on the example app: every finding on the library's own resources is
// acknowledged by the library itself (cdk-nag metadata with a reason), so users' scans stay clean.
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks as AwsSolutionsChecksV3 } from 'cdk-nag';
import { AwsSolutionsChecks } from 'cdk-nag-v2';
import { ExampleStack } from '../example/example-stack';
import { RolloutStack } from '../example/rollout-stack';
import { FirmwareImage, FuotaTask } from '../src';

function scan() {
  const app = new App();
  const stack = new ExampleStack(app, 'FuotaExample', { env: { account: '123456789012', region: 'eu-west-1' } });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();
  const annotations = Annotations.fromStack(stack);
  const findings = [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-')),
  ];
  return { stack, findings };
}

test('the example app has no unacknowledged AwsSolutions findings', () => {
  const { findings } = scan();
  expect(findings.map((f) => `${f.id}: ${String(f.entry.data).split('\n')[0]}`)).toEqual([]);
});

test('nor has the rollout example (the monitor\'s controller statements included)', () => {
  const app = new App();
  const stack = new RolloutStack(app, 'RolloutExample', { env: { account: '123456789012', region: 'eu-west-1' } });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();
  const annotations = Annotations.fromStack(stack);
  const findings = [...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')), ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-'))];
  expect(findings.map((f) => `${f.id}: ${String(f.entry.data).split('\n')[0]}`)).toEqual([]);
});

test('acknowledgements sit on the library resources, each with a reason', () => {
  const { stack } = scan();
  const resources = Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, any>);
  const acknowledged = resources.filter(([, r]) => r.Metadata?.cdk_nag);
  expect(acknowledged.length).toBeGreaterThan(0);
  for (const [logicalId, resource] of acknowledged) {
    expect(logicalId).toMatch(/^CdkIotOtaTasks(FuotaProvider|OtaProvider|JobDocuments|FirmwareUpdateRole)/);
    for (const rule of resource.Metadata.cdk_nag.rules_to_suppress) {
      expect(rule.reason.length).toBeGreaterThan(40);
    }
  }
});

test('without the acknowledgements the same scan would report findings', () => {
  const app = new App();
  const stack = new ExampleStack(app, 'FuotaExample', { env: { account: '123456789012', region: 'eu-west-1' } });
  for (const child of stack.node.findAll()) {
    const resource = child as { cfnOptions?: { metadata?: Record<string, unknown> } };
    if (resource.cfnOptions?.metadata?.cdk_nag) delete resource.cfnOptions.metadata.cdk_nag;
  }
  Aspects.of(app).add(new AwsSolutionsChecks());
  app.synth();
  expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-IAM5')).length).toBeGreaterThan(0);
});

// cdk-nag 3 reads aws-cdk-lib's acknowledgement metadata (`aws:cdk:acknowledged-rules`) instead of
// `cdk_nag`, and wants each finding of IAM4/IAM5 acknowledged by its full id. The library writes
// both; here cdk-nag 3 runs against the floor aws-cdk-lib (the latest-peers check runs it on the
// newest). `validateScope` is cdk-nag 3's entry point for a direct scan of a built app.
describe('cdk-nag 3', () => {
  function scanV3(build: (app: App) => void, options: { ignoreAcknowledgements?: boolean } = {}) {
    const app = new App();
    build(app);
    const checks = new AwsSolutionsChecksV3(app);
    app.synth();
    if (options.ignoreAcknowledgements) (checks as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
    return checks.validateScope(app).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} on ${r.constructPath}`));
  }
  const example = (app: App) => new ExampleStack(app, 'FuotaExample', { env: { account: '123456789012', region: 'eu-west-1' } });
  const inVpc = (app: App) => {
    const stack = new Stack(app, 'InVpc', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-0123456789abcdef0'] });
    new FuotaTask(stack, 'Task', {
      firmware: FirmwareImage.fromBucket(s3.Bucket.fromBucketName(stack, 'Images', 'images'), 'v2.bin'),
      wirelessDeviceIds: ['1ffd32c8-8130-4194-96df-622f072a315f'],
      providerOptions: { vpc, permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'boundary') },
    });
  };

  const monitored = (app: App) => {
    const stack = example(app);
    for (const task of stack.node.findAll().filter((c): c is FuotaTask => c instanceof FuotaTask)) task.addStalledAlarm('Stalled');
  };

  const rollout = (app: App) => new RolloutStack(app, 'RolloutExample', { env: { account: '123456789012', region: 'eu-west-1' } });

  test.each([['the example app', example], ['a provider placed in a VPC', inVpc], ['a stack with a campaign monitor', monitored], ['a stack with rollouts', rollout]])('%s has no findings on the library\'s resources', (_name, build) => {
    expect(scanV3(build)).toEqual([]);
  });

  test('the same scan without the acknowledgements reports the wildcard findings by their full ids', () => {
    const findings = scanV3(example, { ignoreAcknowledgements: true });
    expect(findings).toEqual(expect.arrayContaining([
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:iotwireless:<AWS::Region>:<AWS::AccountId>:FuotaTask\/\*\] on FuotaExample\/CdkIotOtaTasksFuotaProvider\/HandlerRole\/DefaultPolicy\/Resource$/),
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<CdkIotOtaTasksJobDocuments[0-9A-F]{8}\.Arn>\/ota-job-documents\/\*\] on /),
      expect.stringMatching(/^AwsSolutions-S1 on FuotaExample\/CdkIotOtaTasksJobDocuments\/Resource$/),
    ]));
  });

  test('each acknowledgement carries its reason', () => {
    const app = new App();
    const stack = example(app);
    app.synth();
    const entries = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'));
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        expect(id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
        expect(reason.length).toBeGreaterThan(40);
      }
    }
  });
});
