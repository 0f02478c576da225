import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { FirmwareImage, FuotaTask, OtaJobDocument, OtaTask, OtaType, TaskProviderOptions } from '../src';

const FIRMWARE = path.join(__dirname, '..', 'example', 'firmware', 'sensor-v2.bin');

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
}

function fuota(stack: Stack, id: string, providerOptions?: TaskProviderOptions) {
  return new FuotaTask(stack, id, { firmware: FirmwareImage.fromAsset(FIRMWARE), providerOptions });
}

function handlerFunctions(template: Template) {
  return Object.values(template.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp('custom resource (onEvent|isComplete) handler') },
  }));
}

test('handlers run on Node.js 22 by default', () => {
  const stack = newStack();
  fuota(stack, 'Task');
  const runtimes = handlerFunctions(Template.fromStack(stack)).map((fn) => fn.Properties.Runtime);
  expect(runtimes).toEqual(['nodejs22.x', 'nodejs22.x']);
});

test('another Node.js runtime can be chosen', () => {
  const stack = newStack();
  fuota(stack, 'Task', { runtime: lambda.Runtime.NODEJS_24_X });
  expect(handlerFunctions(Template.fromStack(stack)).map((fn) => fn.Properties.Runtime)).toEqual(['nodejs24.x', 'nodejs24.x']);
});

test('a runtime outside the Node.js family is refused', () => {
  expect(() => fuota(newStack(), 'Task', { runtime: lambda.Runtime.PYTHON_3_12 }))
    .toThrow('Stack/CdkIotOtaTasksFuotaProvider: providerOptions.runtime must be a Node.js runtime (the handlers are JavaScript bundles), got python3.12');
});

test('log retention and encryption', () => {
  const stack = newStack();
  const key = new kms.Key(stack, 'LogKey');
  fuota(stack, 'Task', { logRetention: logs.RetentionDays.ONE_MONTH, logEncryptionKey: key });
  Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', {
    RetentionInDays: 30,
    KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogKey'), 'Arn'] },
  });
});

test('VPC placement reaches the handlers and the Provider framework', () => {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  fuota(stack, 'Task', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
  const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
  expect(functions).toHaveLength(5);
  for (const fn of functions) expect(fn.Properties.VpcConfig?.SubnetIds).toHaveLength(2);
});

test('subnets without a VPC are refused', () => {
  expect(() => fuota(newStack(), 'Task', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }))
    .toThrow('providerOptions: vpcSubnets and securityGroups need vpc');
});

test('a permissions boundary reaches every role of the provider', () => {
  const stack = newStack();
  const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] });
  fuota(stack, 'Task', { permissionsBoundary: boundary });
  const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
  const providerRoles = Object.entries(roles).filter(([id]) => id.startsWith('CdkIotOtaTasksFuotaProvider'));
  expect(providerRoles.length).toBeGreaterThanOrEqual(5);
  for (const [, role] of providerRoles) expect(role.Properties.PermissionsBoundary).toEqual({ Ref: expect.stringMatching(/^Boundary/) });
});

test('PermissionsBoundary.of(stack) reaches the provider roles too', () => {
  const stack = newStack();
  fuota(stack, 'Task');
  iam.PermissionsBoundary.of(stack).apply(iam.ManagedPolicy.fromManagedPolicyName(stack, 'OrgBoundary', 'org-boundary'));
  const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'));
  for (const role of roles) expect(JSON.stringify(role.Properties.PermissionsBoundary)).toContain('policy/org-boundary');
});

test('function names take the prefix', () => {
  const stack = newStack();
  fuota(stack, 'Task', { functionNamePrefix: 'team-a-' });
  new OtaTask(stack, 'Ota', {
    jobDocument: OtaJobDocument.fromJson({ v: 1 }),
    otaType: OtaType.CONTINUOUS,
    otaTargetQueryString: 'a=b',
    providerOptions: { functionNamePrefix: 'team-a-' },
  });
  const names = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))
    .map((fn) => fn.Properties.FunctionName).filter(Boolean).sort();
  expect(names).toEqual([
    'team-a-fuota-is-complete', 'team-a-fuota-on-event', 'team-a-fuota-provider',
    'team-a-ota-is-complete', 'team-a-ota-on-event', 'team-a-ota-provider',
  ]);
});

test.each(['', 'x'.repeat(41), 'team a'])('a prefix %p is refused', (prefix) => {
  expect(() => fuota(newStack(), 'Task', { functionNamePrefix: prefix })).toThrow('providerOptions.functionNamePrefix must be 1 to 40 letters');
});

describe('tasks of a stack share one provider', () => {
  test('later tasks may leave the options out or repeat them', () => {
    const stack = newStack();
    const options = { logRetention: logs.RetentionDays.ONE_MONTH, runtime: lambda.Runtime.NODEJS_22_X };
    fuota(stack, 'A', options);
    fuota(stack, 'B');
    fuota(stack, 'C', { logRetention: logs.RetentionDays.ONE_MONTH, runtime: lambda.Runtime.NODEJS_22_X });
    expect(handlerFunctions(Template.fromStack(stack))).toHaveLength(2);
  });

  test('a later task asking for other options fails synth, naming both tasks', () => {
    const stack = newStack();
    fuota(stack, 'A', { logRetention: logs.RetentionDays.ONE_MONTH });
    expect(() => fuota(stack, 'B', { logRetention: logs.RetentionDays.ONE_WEEK })).toThrow(
      "Stack/B: providerOptions differ from those of Stack/A, which created this stack's provider (Stack/CdkIotOtaTasksFuotaProvider)",
    );
  });

  test('options after a provider was made with the defaults are refused too', () => {
    const stack = newStack();
    fuota(stack, 'A');
    expect(() => fuota(stack, 'B', { functionNamePrefix: 'x-' })).toThrow('Stack/B: providerOptions differ from those of Stack/A');
  });
});

describe('the permissions boundary reaches the library\'s FirmwareUpdateRole', () => {
  const firmwareRole = (template: Template) => Object.entries(template.findResources('AWS::IAM::Role'))
    .filter(([id]) => id.startsWith('CdkIotOtaTasksFirmwareUpdateRole')).map(([, role]) => role);

  test('when the task that makes the provider makes the role', () => {
    const stack = newStack();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] });
    fuota(stack, 'Task', { permissionsBoundary: boundary });
    const roles = firmwareRole(Template.fromStack(stack));
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties.PermissionsBoundary).toEqual({ Ref: expect.stringMatching(/^Boundary/) });
  });

  test('when a later task, without providerOptions, makes the role', () => {
    const stack = newStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'org-boundary');
    const own = new iam.Role(stack, 'OwnRole', { assumedBy: new iam.ServicePrincipal('iotwireless.amazonaws.com') });
    new FuotaTask(stack, 'First', { firmware: FirmwareImage.fromAsset(FIRMWARE), firmwareUpdateRole: own, providerOptions: { permissionsBoundary: boundary } });
    fuota(stack, 'Second');
    fuota(stack, 'Third');
    const template = Template.fromStack(stack);
    const roles = firmwareRole(template);
    expect(roles).toHaveLength(1);
    expect(JSON.stringify(roles[0].Properties.PermissionsBoundary)).toContain('policy/org-boundary');
    // A role the user passes is the user's: the library leaves its boundary alone.
    template.hasResource('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: Match.anyValue(), PermissionsBoundary: Match.absent(), Description: Match.absent() },
    });
  });
});
