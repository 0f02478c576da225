import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iotwireless from 'aws-cdk-lib/aws-iotwireless';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { measureRollouts, rolloutSection } from '../../bench/rollout';
import { CampaignDashboard, CampaignMonitor, FirmwareImage, FuotaRollout, FuotaRolloutProps, FuotaTaskStart, FuotaWave } from '../../src';
import { FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE } from '../../src/fuota/fuota-task.types';
import { ROLLOUT_DIMENSIONS, ROLLOUT_EVENT_SOURCE, ROLLOUT_EVENT_TYPES, ROLLOUT_METRICS } from '../../src/rollout/rollout-metrics';
import { ROLLOUT_TAGS } from '../../src/rollout/rollout-tags';

const env = { account: '123456789012', region: 'eu-west-1' };
const device = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const devices = (from: number, count: number) => Array.from({ length: count }, (_, i) => device(from + i));

function rollout(props: Partial<FuotaRolloutProps> = {}, id = 'Firmware') {
  const app = new App();
  const stack = new Stack(app, 'Fleet', { env });
  const images = s3.Bucket.fromBucketName(stack, 'Images', 'images');
  const made = new FuotaRollout(stack, id, {
    firmware: FirmwareImage.fromBucket(images, 'v2.bin'),
    outputs: false,
    waves: [FuotaWave.ofDevices(devices(1, 5)), FuotaWave.ofDevices(devices(10, 50)), FuotaWave.ofDevices(devices(100, 200))],
    ...props,
  });
  return { stack, rollout: made, template: () => Template.fromStack(stack) };
}

function tagsOf(template: Template, logicalIdPrefix: string): Record<string, string> {
  const [, resource] = Object.entries(template.findResources(FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE)).find(([id]) => id.startsWith(logicalIdPrefix))!;
  return Object.fromEntries((resource.Properties.Tags as { Key: string; Value: unknown }[]).map((t) => [t.Key, typeof t.Value === 'string' ? t.Value : JSON.stringify(t.Value)]));
}

describe('public names', () => {
  test('rollout metric, dimension and event names are the documented ones', () => {
    expect(ROLLOUT_DIMENSIONS).toEqual({ stack: 'StackName', rollout: 'Rollout' });
    expect(Object.values(ROLLOUT_METRICS)).toEqual(['RolloutWaves', 'RolloutWavesStarted', 'RolloutHalted', 'RolloutAwaitingApproval']);
    expect(ROLLOUT_EVENT_SOURCE).toBe('cdk-iot-ota-tasks');
    expect(ROLLOUT_EVENT_TYPES).toEqual({ waveStarted: 'Rollout Wave Started', halted: 'Rollout Halted' });
  });
});

describe('FuotaRollout', () => {
  test('one wave resource per wave, none started but the first when a start is given, each tagged with its place and gate', () => {
    const { template } = rollout({
      start: FuotaTaskStart.afterDeployment(Duration.hours(1)),
      gate: { minSuccessPercent: 95, soakTime: Duration.hours(2) },
      waves: [
        FuotaWave.ofDevices(devices(1, 5)),
        FuotaWave.ofDevices(devices(10, 50), { gate: { maxFailures: 1 } }),
        FuotaWave.ofDevices(devices(100, 200), { requireApproval: true, gate: { advanceAtPercent: 80, timeout: Duration.days(2) } }),
      ],
    });
    const t = template();
    t.resourceCountIs(FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE, 3);
    t.resourceCountIs('Custom::IoTWirelessFuotaTask', 0);
    t.hasResourceProperties(FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE, { WirelessDeviceIds: devices(1, 5), StartDelaySeconds: '3600' });
    t.hasResourceProperties(FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE, { WirelessDeviceIds: devices(10, 50), StartDelaySeconds: Match.absent() });
    expect(tagsOf(t, 'FirmwareWave1')).toEqual({
      [ROLLOUT_TAGS.stack]: JSON.stringify({ Ref: 'AWS::StackName' }), [ROLLOUT_TAGS.rollout]: 'Firmware', [ROLLOUT_TAGS.wave]: '1/3',
    });
    expect(tagsOf(t, 'FirmwareWave2')[ROLLOUT_TAGS.gate]).toBe('min-success=95 max-failures=1 max-failure-percent=5 advance-at=100 soak=7200');
    expect(tagsOf(t, 'FirmwareWave3')).toMatchObject({
      [ROLLOUT_TAGS.wave]: '3/3',
      [ROLLOUT_TAGS.approval]: 'required',
      [ROLLOUT_TAGS.gate]: 'min-success=95 max-failure-percent=5 advance-at=80 soak=7200 timeout=172800',
    });
  });

  test('defaults: 90 % success, halt above 10 % failed, judged when all reported; the monitor exists and its schedule goes first on deletion', () => {
    const { template } = rollout();
    const t = template();
    expect(tagsOf(t, 'FirmwareWave2')[ROLLOUT_TAGS.gate]).toBe('min-success=90 max-failure-percent=10 advance-at=100 soak=0');
    const rule = Object.values(t.findResources('AWS::Events::Rule'))[0];
    const waves = Object.keys(t.findResources(FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE));
    expect(rule.DependsOn).toEqual(expect.arrayContaining(waves));
  });

  test('the controller may start and tag only the stack\'s waves, with a fixed policy whatever the number of waves', () => {
    const policyOf = (waves: number) => {
      const { stack } = rollout({ waves: Array.from({ length: waves }, (_, i) => FuotaWave.ofDevices([device(i + 1)])) });
      const monitor = CampaignMonitor.of(stack);
      const t = Template.fromStack(stack);
      const policies = t.findResources('AWS::IAM::Policy');
      const [, policy] = Object.entries(policies).find(([, p]) => JSON.stringify(p.Properties.Roles).includes(stack.getLogicalId(monitor.node.findChild('Role').node.defaultChild as any)))!;
      return policy.Properties.PolicyDocument.Statement as any[];
    };
    const two = policyOf(2);
    expect(JSON.stringify(policyOf(20))).toBe(JSON.stringify(two));
    const sid = (name: string) => two.find((s) => s.Sid === name);
    expect(sid('StartOwnRolloutWaves')).toMatchObject({
      Action: 'iotwireless:StartFuotaTask',
      Condition: { StringEquals: { [`aws:ResourceTag/${ROLLOUT_TAGS.stack}`]: { Ref: 'AWS::StackName' } } },
    });
    expect(sid('RecordRolloutGates').Condition['ForAllValues:StringEquals']['aws:TagKeys']).toEqual([ROLLOUT_TAGS.gatePassed, ROLLOUT_TAGS.halted]);
    expect(sid('PublishRolloutEvents')).toMatchObject({ Action: 'events:PutEvents', Condition: { StringEquals: { 'events:source': 'cdk-iot-ota-tasks' } } });
    expect(sid('ReadOwnStackStatus')).toMatchObject({ Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } });
  });

  test('one more wave is one more resource, and the benchmark reports it so', () => {
    const wavesOf = (n: number) => Array.from({ length: n }, (_, i) => FuotaWave.ofDevices([device(i + 1)]));
    const count = (n: number) => Object.keys(rollout({ waves: wavesOf(n) }).template().toJSON().Resources).length;
    expect(count(20) - count(2)).toBe(18);
    const figures = measureRollouts();
    expect(figures.perWave).toMatchObject({ resources: 1, iamPolicyBytes: 0 });
    expect(rolloutSection(figures).join('\n')).toContain('Per extra wave: **1 resource**');
  });

  test('metrics and the halted alarm use the rollout\'s dimensions', () => {
    const { rollout: r, template } = rollout({ rolloutName: 'sensor-v2' });
    r.addHaltedAlarm('Halted');
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RolloutHalted',
      Namespace: 'CdkIotOtaTasks',
      Threshold: 1,
      Dimensions: [{ Name: 'Rollout', Value: 'sensor-v2' }, { Name: 'StackName', Value: 'Fleet' }],
    });
    expect(r.metricWavesStarted().metricName).toBe('RolloutWavesStarted');
    expect(r.waves[0].metricFailed().metricName).toBe('Failed');
  });

  test('a wave may name its devices by token (a device created in the stack), the handler checks them at deployment', () => {
    const app = new App();
    const stack = new Stack(app, 'Fleet', { env });
    const made = new iotwireless.CfnWirelessDevice(stack, 'Sensor', { type: 'LoRaWAN', destinationName: 'uplinks' });
    new FuotaRollout(stack, 'Firmware', {
      firmware: FirmwareImage.fromBucket(s3.Bucket.fromBucketName(stack, 'Images', 'images'), 'v2.bin'),
      waves: [FuotaWave.ofDevices([made.ref]), FuotaWave.ofDevices(devices(10, 5))],
    });
    const waves = Object.values(Template.fromStack(stack).findResources(FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE));
    expect(JSON.stringify(waves[0].Properties)).toContain(JSON.stringify({ Ref: stack.getLogicalId(made) }));
  });

  test('the same device token in two waves is refused like the same id', () => {
    const app = new App();
    const stack = new Stack(app, 'Fleet', { env });
    const made = new iotwireless.CfnWirelessDevice(stack, 'Sensor', { type: 'LoRaWAN', destinationName: 'uplinks' });
    expect(() => new FuotaRollout(stack, 'Firmware', {
      firmware: FirmwareImage.fromBucket(s3.Bucket.fromBucketName(stack, 'Images', 'images'), 'v2.bin'),
      waves: [FuotaWave.ofDevices([made.ref]), FuotaWave.ofDevices([made.ref])],
    })).toThrow(/^Fleet\/Firmware: waves\[1\] lists device ".*", which waves\[0\] lists too/);
  });

  describe('refuses at synth', () => {
    test.each<[string, Partial<FuotaRolloutProps>, string]>([
      ['no waves', { waves: [] }, 'Fleet/Firmware: waves must hold 1 to 20 waves, got 0'],
      ['too many waves', { waves: Array.from({ length: 21 }, (_, i) => FuotaWave.ofDevices([device(i + 1)])) }, 'waves must hold 1 to 20 waves, got 21'],
      ['an empty wave', { waves: [FuotaWave.ofDevices([device(1)]), FuotaWave.ofMulticastGroups([])] }, 'Fleet/Firmware: waves[1] has no multicast groups: every wave needs at least one'],
      ['a device in two waves', { waves: [FuotaWave.ofDevices([device(1)]), FuotaWave.ofDevices([device(2), device(1)])] },
        `Fleet/Firmware: waves[1] lists device "${device(1)}", which waves[0] lists too: a device belongs to one wave only`],
      ['a gate on the first wave', { waves: [FuotaWave.ofDevices([device(1)], { gate: { soakTime: Duration.hours(1) } })] }, 'waves[0].gate is not allowed: the first wave has no wave before it'],
      ['a success share over 100', { gate: { minSuccessPercent: 101 } }, 'Fleet/Firmware: waves[1]: gate.minSuccessPercent must be a percentage from 0 to 100, got 101'],
      ['advance at 0 %', { gate: { advanceAtPercent: 0 } }, 'gate.advanceAtPercent must be a percentage from 1 to 100, got 0'],
      ['a fractional failure count', { gate: { maxFailures: 1.5 } }, 'gate.maxFailures must be a whole number of devices, 0 or more, got 1.5'],
      ['a timeout under the monitor interval', { gate: { timeout: Duration.minutes(2) } }, 'gate.timeout must be whole seconds from the monitor interval (5 minutes'],
      ['a soak over 30 days', { gate: { soakTime: Duration.days(31) } }, 'gate.soakTime must be whole seconds from 0 to 30 days, got 2678400 seconds'],
      ['a bad name', { rolloutName: 'sensor v2!' }, 'rolloutName must be 1 to 64 letters, digits'],
      ['a start and an approval on the first wave', { start: FuotaTaskStart.afterDeployment(Duration.hours(1)), waves: [FuotaWave.ofDevices([device(1)], { requireApproval: true })] },
        'start and waves[0].requireApproval contradict each other'],
    ])('%s', (_name, props, message) => {
      expect(() => rollout(props)).toThrow(message);
    });

    test('two rollouts of one name in a stack', () => {
      const { stack } = rollout({ rolloutName: 'v2' });
      const images = s3.Bucket.fromBucketName(stack, 'More', 'images');
      expect(() => new FuotaRollout(stack, 'Other', { firmware: FirmwareImage.fromBucket(images, 'v2.bin'), rolloutName: 'v2', waves: [FuotaWave.ofDevices([device(900)])] }))
        .toThrow('Fleet/Other: rolloutName "v2" is already used by Fleet/Firmware; a rollout\'s name is unique in its stack');
    });

    test('a wave\'s device ids are checked like a FuotaTask\'s, naming the wave', () => {
      expect(() => rollout({ waves: [FuotaWave.ofDevices(['x'.repeat(257)])] })).toThrow(/^Fleet\/Firmware\/Wave1: wirelessDeviceIds .* at most 256 characters/);
    });
  });
});

describe('CampaignDashboard with rollouts', () => {
  test('a rollout row (waves started, halted, awaiting approval, its alarm), then a row per wave', () => {
    const { stack, rollout: r } = rollout();
    r.addHaltedAlarm('Halted');
    new CampaignDashboard(stack, 'Board', { rollouts: [r] });
    const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('Fleet/Firmware (rollout Firmware): waves started');
    expect(body).toContain('RolloutHalted');
    expect(body).toContain('RolloutAwaitingApproval');
    expect(body).toContain('Fleet/Firmware (rollout Firmware): alarms');
    for (const n of [1, 2, 3]) expect(body).toContain(`Fleet/Firmware/Wave${n}: progress (%)`);
  });

  test('a dashboard with neither tasks nor rollouts is refused', () => {
    const { stack } = rollout();
    expect(() => new CampaignDashboard(stack, 'Board', {})).toThrow('Fleet/Board: tasks or rollouts must name at least one task or rollout, got none');
  });
});
