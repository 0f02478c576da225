import { Arn, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { ROLLOUT_EVENT_SOURCE } from './rollout-metrics';
import { CONTROLLER_TAG_KEYS, ROLLOUT_TAGS } from './rollout-tags';
import { CampaignMonitor } from '../monitoring/campaign-monitor';
import { waveRecordStatements } from '../ota/wave-record-policy';

const GRANTED = new WeakSet<CampaignMonitor>();

/**
 * What the campaign monitor needs to control the stack's rollouts: one fixed set of statements,
 * added once per stack whatever the number of rollouts or waves. It may start and tag only FUOTA
 * tasks that carry the stack's rollout tag (the Service Authorization Reference lists
 * `aws:ResourceTag` for StartFuotaTask and TagResource on FuotaTask), tag them only with the
 * controller's own keys, and publish only events of the library's source to the default bus.
 * ASSUMED safe either way: were the tag condition not evaluated as documented, the controller is
 * denied and no wave starts; it never widens what the role may do.
 */
export function grantRolloutControl(monitor: CampaignMonitor): void {
  if (GRANTED.has(monitor)) return;
  GRANTED.add(monitor);
  const stack = Stack.of(monitor);
  const fuotaTasks = Arn.format({ service: 'iotwireless', resource: 'FuotaTask', resourceName: '*' }, stack);
  const ownWaves = { [`aws:ResourceTag/${ROLLOUT_TAGS.stack}`]: Aws.STACK_NAME };
  const add = (statement: iam.PolicyStatementProps) => monitor.function.addToRolePolicy(new iam.PolicyStatement(statement));
  add({ sid: 'StartOwnRolloutWaves', actions: ['iotwireless:StartFuotaTask'], resources: [fuotaTasks], conditions: { StringEquals: ownWaves } });
  add({
    sid: 'RecordRolloutGates',
    actions: ['iotwireless:TagResource'],
    resources: [fuotaTasks],
    conditions: { 'StringEquals': ownWaves, 'ForAllValues:StringEquals': { 'aws:TagKeys': [...CONTROLLER_TAG_KEYS] } },
  });
  add({ sid: 'ReadRolloutWaveTags', actions: ['iotwireless:ListTagsForResource'], resources: [fuotaTasks] });
  add({ sid: 'ReadOwnStackStatus', actions: ['cloudformation:DescribeStacks'], resources: [Aws.STACK_ID] });
  add({
    sid: 'PublishRolloutEvents',
    actions: ['events:PutEvents'],
    resources: [Arn.format({ service: 'events', resource: 'event-bus', resourceName: 'default' }, stack)],
    conditions: { StringEquals: { 'events:source': ROLLOUT_EVENT_SOURCE } },
  });
}

const GRANTED_OTA = new WeakSet<CampaignMonitor>();

/**
 * What the controller needs besides, for the stack's OTA rollouts, once per stack: create OTA
 * tasks only with the stack's rollout tag in the request (CreateOtaTask has no resource type; the
 * Service Authorization Reference lists `aws:RequestTag` for it, and tagging on create needs
 * TagResource, granted on OTA task ARNs only), and read and write the wave records under their prefix of the library bucket.
 * ASSUMED safe either way, as above: an unevaluated condition denies, it never widens.
 */
export function grantOtaRolloutControl(scope: IConstruct, recordBucket: s3.IBucket): void {
  const monitor = CampaignMonitor.of(scope);
  if (GRANTED_OTA.has(monitor)) return;
  GRANTED_OTA.add(monitor);
  const add = (statement: iam.PolicyStatementProps) => monitor.function.addToRolePolicy(new iam.PolicyStatement(statement));
  const ownStackTag = { [`aws:RequestTag/${ROLLOUT_TAGS.stack}`]: Aws.STACK_NAME };
  add({
    sid: 'CreateOwnOtaRolloutWaves',
    actions: ['iotmanagedintegrations:CreateOtaTask'],
    resources: ['*'],
    conditions: { StringEquals: { ...ownStackTag, 'aws:RequestedRegion': Aws.REGION } },
  });
  // Tagging on create is authorized on the task being created, so only OTA task ARNs are needed.
  add({
    sid: 'TagOwnOtaRolloutWavesOnCreate',
    actions: ['iotmanagedintegrations:TagResource'],
    resources: [Arn.format({ service: 'iotmanagedintegrations', resource: 'ota-task', resourceName: '*' }, Stack.of(monitor))],
    conditions: { StringEquals: ownStackTag },
  });
  for (const statement of waveRecordStatements('OtaRolloutWaveRecords', recordBucket, ['s3:GetObject', 's3:PutObject'])) monitor.function.addToRolePolicy(statement);
}
