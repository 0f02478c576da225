import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { measureRollouts } from '../../bench/rollout';
import { CampaignMonitor, OtaJobDocument, OtaRollout, OtaRolloutProps, OtaWave } from '../../src';
import { OTA_ROLLOUT_WAVE_RESOURCE_TYPE, OTA_TASK_RESOURCE_TYPE } from '../../src/ota/ota-task.types';
import { ROLLOUT_TAGS } from '../../src/rollout/rollout-tags';

const env = { account: '123456789012', region: 'eu-west-1' };
const thing = (i: number) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/hub${i}`;
const things = (from: number, count: number) => Array.from({ length: count }, (_, i) => thing(from + i));

function rollout(props: Partial<OtaRolloutProps> = {}, stackEnv = env) {
  const app = new App();
  const stack = new Stack(app, 'Hubs', { env: stackEnv });
  const made = new OtaRollout(stack, 'Firmware', {
    jobDocument: OtaJobDocument.fromJson({ version: '3.0.0' }),
    waves: [OtaWave.ofThings(things(1, 2)), OtaWave.ofThings(things(10, 20)), OtaWave.ofThings(things(100, 100))],
    ...props,
  });
  return { stack, rollout: made, template: () => Template.fromStack(stack) };
}

function policyStatements(stack: Stack, roleOf: (t: Template) => string): any[] {
  const t = Template.fromStack(stack);
  const role = roleOf(t);
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('OtaRollout', () => {
  test('one wave resource per wave, no OTA task at deployment; each wave carries its request, its record bucket and its rollout tags', () => {
    const { template } = rollout({
      gate: { minSuccessPercent: 95 },
      description: 'hub v3',
      waves: [OtaWave.ofThings(things(1, 2)), OtaWave.ofThings(things(10, 20), { requireApproval: true, gate: { soakTime: Duration.hours(6) } })],
    });
    const t = template();
    t.resourceCountIs(OTA_ROLLOUT_WAVE_RESOURCE_TYPE, 2);
    t.resourceCountIs(OTA_TASK_RESOURCE_TYPE, 0);
    t.hasResourceProperties(OTA_ROLLOUT_WAVE_RESOURCE_TYPE, {
      OtaType: 'ONE_TIME',
      Target: things(10, 20),
      Description: 'hub v3',
      JobDocument: '{"version":"3.0.0"}',
      WaveRecordBucket: { Ref: Match.stringLikeRegexp('^CdkIotOtaTasksJobDocuments') },
      Tags: Match.objectLike({
        [ROLLOUT_TAGS.stack]: { Ref: 'AWS::StackName' },
        [ROLLOUT_TAGS.rollout]: 'Firmware',
        [ROLLOUT_TAGS.wave]: '2/2',
        [ROLLOUT_TAGS.gate]: 'min-success=95 max-failure-percent=5 advance-at=100 soak=21600',
        [ROLLOUT_TAGS.approval]: 'required',
      }),
    });
    // No outputs: a wave has no task id until the controller creates it.
    expect(Object.keys(t.toJSON().Outputs ?? {})).toEqual([]);
  });

  test('the controller may create only tasks tagged with the stack, read and write only the wave records; fixed whatever the number of waves', () => {
    const monitorRole = (stack: Stack) => (t: Template) => {
      void t;
      return stack.getLogicalId(CampaignMonitor.of(stack).node.findChild('Role').node.defaultChild as any);
    };
    const statementsOf = (waves: number) => {
      const { stack } = rollout({ waves: Array.from({ length: waves }, (_, i) => OtaWave.ofThings([thing(i + 1)])) });
      return policyStatements(stack, monitorRole(stack));
    };
    const two = statementsOf(2);
    expect(JSON.stringify(statementsOf(20))).toBe(JSON.stringify(two));
    const sid = (name: string) => two.find((s) => s.Sid === name);
    expect(sid('CreateOwnOtaRolloutWaves')).toMatchObject({
      Action: 'iotmanagedintegrations:CreateOtaTask',
      Resource: '*',
      Condition: { StringEquals: { [`aws:RequestTag/${ROLLOUT_TAGS.stack}`]: { Ref: 'AWS::StackName' }, 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
    });
    // Tag-on-create: OTA task ARNs of the stack's account and region only, with the stack's tag.
    expect(sid('TagOwnOtaRolloutWavesOnCreate')).toMatchObject({
      Action: 'iotmanagedintegrations:TagResource',
      Condition: { StringEquals: { [`aws:RequestTag/${ROLLOUT_TAGS.stack}`]: { Ref: 'AWS::StackName' } } },
    });
    expect(JSON.stringify(sid('TagOwnOtaRolloutWavesOnCreate').Resource)).toContain(':iotmanagedintegrations:eu-west-1:123456789012:ota-task/*"');
    expect(sid('OtaRolloutWaveRecords')).toMatchObject({ Action: ['s3:GetObject', 's3:PutObject'] });
    expect(JSON.stringify(sid('OtaRolloutWaveRecords').Resource)).toContain('/ota-rollout-waves/*');
    // Listing the records' prefix only, so a missing record reads as 404, not AccessDenied.
    expect(sid('OtaRolloutWaveRecordsList')).toMatchObject({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': 'ota-rollout-waves/*' } } });
    // Nothing that deletes or updates tasks: that is the provider's, at deployment.
    expect(JSON.stringify(two)).not.toMatch(/DeleteOtaTask|UpdateOtaTask|s3:DeleteObject/);
  });

  test('the provider keeps the records and may look a wave\'s task up by its tags', () => {
    const { stack } = rollout();
    const t = Template.fromStack(stack);
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);
    expect(statements.find((s) => s.Sid === 'OtaRolloutWaveRecords' && JSON.stringify(s.Action).includes('DeleteObject'))).toBeDefined();
    expect(statements.find((s) => s.Sid === 'OtaRolloutWaveRecordsList')).toMatchObject({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': 'ota-rollout-waves/*' } } });
    expect(statements.find((s) => s.Sid === 'FindOtaRolloutWaveTasks')).toMatchObject({ Action: 'iotmanagedintegrations:ListOtaTasks', Resource: '*' });
  });

  test('one more wave is one more resource and 0 IAM bytes, and the benchmark reports it so', () => {
    expect(measureRollouts().ota.perWave).toMatchObject({ resources: 1, iamPolicyBytes: 0 });
  });

  test('metrics and alarm come from the shared rollout base', () => {
    const { rollout: r, template } = rollout({ rolloutName: 'hubs-v3' });
    r.addHaltedAlarm('Halted');
    template().hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RolloutHalted', Dimensions: [{ Name: 'Rollout', Value: 'hubs-v3' }, { Name: 'StackName', Value: 'Hubs' }] });
    expect(r.waveCount).toBe(3);
  });

  describe('refuses at synth', () => {
    test.each<[string, Partial<OtaRolloutProps>, string]>([
      ['no waves', { waves: [] }, 'Hubs/Firmware: waves must hold 1 to 20 waves, got 0'],
      ['an empty wave', { waves: [OtaWave.ofThings([thing(1)]), OtaWave.ofThings([])] }, 'Hubs/Firmware: waves[1] has no managed things: every wave needs at least one'],
      ['a thing in two waves', { waves: [OtaWave.ofThings([thing(1)]), OtaWave.ofThings([thing(2), thing(1)])] },
        `Hubs/Firmware: waves[1] lists managed thing "${thing(1)}", which waves[0] lists too: a managed thing belongs to one wave only`],
      ['a gate on the first wave', { waves: [OtaWave.ofThings([thing(1)], { gate: { minSuccessPercent: 50 } })] }, 'waves[0].gate is not allowed'],
      ['more than 100 things in a wave', { waves: [OtaWave.ofThings(things(1, 101))] }, 'Hubs/Firmware/Wave1: targets takes at most 100 managed things at a time, got 101'],
      ['a target that is no managed-thing ARN', { waves: [OtaWave.ofThings(['hub1'])] },
        'Hubs/Firmware/Wave1: targets must be a managed-thing ARN (arn:aws:iotmanagedintegrations:<region>:<account>:managed-thing/<id>, the id made of letters, digits, :, _ and -), 32 to 1011 characters, got "hub1"'],
      ['a success share over 100', { gate: { minSuccessPercent: 101 } }, 'Hubs/Firmware: waves[1]: gate.minSuccessPercent must be a percentage from 0 to 100, got 101'],
    ])('%s', (_name, props, message) => {
      expect(() => rollout(props)).toThrow(message);
    });

    test('a region Managed Integrations is not offered in', () => {
      expect(() => rollout({}, { account: '123456789012', region: 'us-west-2' })).toThrow(/Managed Integrations/);
    });
  });
});
