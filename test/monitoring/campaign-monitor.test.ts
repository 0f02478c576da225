import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CampaignDashboard, CampaignMonitor, FirmwareImage, FuotaTask, OtaJobDocument, OtaTask, OtaType } from '../../src';
import { CAMPAIGN_DIMENSIONS, CAMPAIGN_METRICS, CAMPAIGN_NAMESPACE, CAMPAIGN_TASK_TYPES } from '../../src/monitoring/campaign-metrics';

const env = { account: '123456789012', region: 'eu-west-1' };
const DEVICE = '1ffd32c8-8130-4194-96df-622f072a315f';
const THING = 'arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/hub0001';

function stackWithTasks(count = 1, name = 'Campaigns') {
  const app = new App();
  const stack = new Stack(app, name, { env });
  const images = s3.Bucket.fromBucketName(stack, 'Images', 'images');
  const tasks = Array.from({ length: count }, (_, i) => new FuotaTask(stack, `Task${i}`, {
    firmware: FirmwareImage.fromBucket(images, `v${i}.bin`), wirelessDeviceIds: [DEVICE], outputs: false,
  }));
  return { app, stack, tasks };
}

function resourceCount(stack: Stack): number {
  return Object.keys(Template.fromStack(stack).toJSON().Resources).length;
}

describe('public names', () => {
  test('namespace, dimensions and metric names are the documented ones', () => {
    expect(CAMPAIGN_NAMESPACE).toBe('CdkIotOtaTasks');
    expect(CAMPAIGN_DIMENSIONS).toEqual({ taskType: 'TaskType', taskId: 'TaskId', reason: 'Reason' });
    expect(CAMPAIGN_TASK_TYPES).toEqual({ fuota: 'FuotaTask', ota: 'OtaTask' });
    expect(Object.values(CAMPAIGN_METRICS)).toEqual(['Targets', 'Succeeded', 'Failed', 'Pending', 'FailureRatio', 'Running', 'FailedByReason']);
  });
});

describe('the monitor', () => {
  test('does not exist until a metric, an alarm or a dashboard asks for it', () => {
    const { stack } = stackWithTasks();
    Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', 0);
  });

  test('one per stack, 6 resources, none per task', () => {
    const added = (count: number) => {
      const plain = stackWithTasks(count);
      const watched = stackWithTasks(count);
      watched.tasks.forEach((task) => task.metricFailed());
      return resourceCount(watched.stack) - resourceCount(plain.stack);
    };
    expect(added(1)).toBe(6);
    expect(added(10)).toBe(6);
  });

  test('runs every 5 minutes by default under a fixed rule name the function may disable', () => {
    const { stack, tasks } = stackWithTasks();
    tasks[0].metricSucceeded();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', { Name: 'Campaigns-campaign-monitor', ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Environment: { Variables: Match.objectLike({ STACK_ID: { Ref: 'AWS::StackId' }, SCHEDULE_RULE_NAME: 'Campaigns-campaign-monitor' }) },
    });
  });

  test('reads only: its own stack, the account and region\'s tasks, device statuses in its region; disables only its own rule', () => {
    const { stack, tasks } = stackWithTasks();
    tasks[0].metricSucceeded();
    const statements = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('CampaignMonitor') } });
    const [policy] = Object.values(statements) as any[];
    const bySid = Object.fromEntries(policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Sid).map((s: any) => [s.Sid, s]));
    expect(bySid.ListOwnStackTasks).toMatchObject({ Action: 'cloudformation:ListStackResources', Resource: { Ref: 'AWS::StackId' } });
    expect(bySid.ReadTaskProgress.Action).toEqual(['iotwireless:GetFuotaTask', 'iotwireless:ListMulticastGroupsByFuotaTask', 'iotmanagedintegrations:GetOtaTask', 'iotmanagedintegrations:ListOtaTaskExecutions']);
    expect(JSON.stringify(bySid.ReadTaskProgress.Resource)).toContain(':FuotaTask/*');
    expect(JSON.stringify(bySid.ReadTaskProgress.Resource)).toContain(':ota-task/*');
    expect(bySid.ReadDeviceStatuses).toMatchObject({ Action: 'iotwireless:ListWirelessDevices', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } } });
    expect(JSON.stringify(bySid.PauseOwnSchedule)).toContain(':rule/Campaigns-campaign-monitor');
    expect(bySid.PauseOwnSchedule.Action).toBe('events:DisableRule');
    const actions = policy.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat());
    expect(actions.filter((a: string) => !/^(cloudformation:List|iotwireless:(Get|List)|iotmanagedintegrations:(Get|List)|events:DisableRule|logs:)/.test(a))).toEqual([]);
  });

  test('the schedule\'s description changes when a task changes, so that deployment enables it again', () => {
    const revision = (description: string) => {
      const { stack, tasks } = stackWithTasks();
      new FuotaTask(stack, 'Changing', { firmware: FirmwareImage.fromBucket(s3.Bucket.fromBucketName(stack, 'B', 'bucket-b'), 'x.bin'), wirelessDeviceIds: [DEVICE], description, outputs: false });
      tasks[0].metricSucceeded();
      const rules = Template.fromStack(stack).findResources('AWS::Events::Rule');
      return (Object.values(rules)[0] as any).Properties.Description as string;
    };
    expect(revision('one')).toBe(revision('one'));
    expect(revision('one')).not.toBe(revision('two'));
  });

  test.each([[Duration.seconds(30), '30 seconds'], [Duration.seconds(90), '90 seconds'], [Duration.seconds(0), '0 seconds']])('an interval of %s is refused', (interval, shown) => {
    const { stack } = stackWithTasks();
    expect(() => CampaignMonitor.of(stack, { interval })).toThrow(`Campaigns: interval must be a whole number of minutes, at least 1 (an EventBridge rate schedule), got ${shown}`);
  });

  test('a second monitor setting for the same stack is refused, the same one accepted', () => {
    const { stack, tasks } = stackWithTasks();
    CampaignMonitor.of(stack, { interval: Duration.minutes(1) });
    expect(() => CampaignMonitor.of(tasks[0], { interval: Duration.minutes(1) })).not.toThrow();
    expect(() => CampaignMonitor.of(tasks[0], { interval: Duration.minutes(10) })).toThrow(/Campaigns\/Task0: the stack's campaign monitor was already made by Campaigns with other settings/);
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });
});

describe('metrics', () => {
  test('a task\'s metric names its type and id, at the monitor interval, Maximum', () => {
    const { stack, tasks } = stackWithTasks();
    CampaignMonitor.of(stack, { interval: Duration.minutes(10) });
    const metric = tasks[0].metricSucceeded();
    expect(metric.namespace).toBe('CdkIotOtaTasks');
    expect(metric.metricName).toBe('Succeeded');
    expect(metric.statistic).toBe('Maximum');
    expect(metric.period.toMinutes()).toBe(10);
    expect(stack.resolve(metric.dimensions)).toEqual({ TaskType: 'FuotaTask', TaskId: { Ref: Match.anyValue() }.Ref ? stack.resolve(tasks[0].fuotaTaskId) : undefined });
    expect(stack.resolve(tasks[0].metricFailedByReason('MissingFrag').dimensions)).toEqual({ TaskType: 'FuotaTask', TaskId: stack.resolve(tasks[0].fuotaTaskId), Reason: 'MissingFrag' });
  });

  test.each([
    ['metricTargets', 'Targets'], ['metricFailed', 'Failed'], ['metricPending', 'Pending'], ['metricFailureRatio', 'FailureRatio'], ['metricRunning', 'Running'],
  ] as const)('%s is %s', (method, name) => {
    const { tasks } = stackWithTasks();
    expect(tasks[0][method]().metricName).toBe(name);
  });

  test('an OTA task\'s metrics carry TaskType OtaTask', () => {
    const { stack } = stackWithTasks();
    const task = new OtaTask(stack, 'Hub', { jobDocument: OtaJobDocument.fromJson({ v: 1 }), otaType: OtaType.ONE_TIME, targets: [THING] });
    expect(stack.resolve(task.metricPending().dimensions)).toEqual({ TaskType: 'OtaTask', TaskId: stack.resolve(task.otaTaskId) });
  });

  test('progress is (succeeded + failed) / targets in percent', () => {
    const { tasks } = stackWithTasks();
    const progress = tasks[0].metricProgress();
    expect(progress.expression).toBe('IF(targets > 0, 100 * (succeeded + failed) / targets, 0)');
    expect(Object.keys(progress.usingMetrics).sort()).toEqual(['failed', 'succeeded', 'targets']);
  });

  test('an imported task\'s metrics make no monitor in the importing stack', () => {
    const { stack } = stackWithTasks();
    const imported = FuotaTask.fromFuotaTaskArn(stack, 'Existing', 'arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/0d2c8a6e-1f3b-4a5c-9e7d-2b4f6a8c0e1d');
    expect(imported.metricSucceeded().dimensions).toEqual({ TaskType: 'FuotaTask', TaskId: '0d2c8a6e-1f3b-4a5c-9e7d-2b4f6a8c0e1d' });
    Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', 0);
  });
});

describe('alarms', () => {
  test('the failure alarm: FailureRatio above 5 %, a missing datapoint is no breach', () => {
    const { stack, tasks } = stackWithTasks();
    tasks[0].addFailureAlarm('Failures');
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CdkIotOtaTasks',
      MetricName: 'FailureRatio',
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      Period: 300,
      Statistic: 'Maximum',
    });
  });

  test.each([-0.1, 1, 5, Number.NaN])('a failure threshold of %s is refused', (threshold) => {
    const { tasks } = stackWithTasks();
    expect(() => tasks[0].addFailureAlarm('Failures', { threshold })).toThrow(`Campaigns/Task0/Failures: threshold must be a failure ratio from 0 up to but not including 1 (0.05 is 5 %), got ${threshold}`);
  });

  test('the stalled alarm: running with no target done for every period of the duration', () => {
    const { stack, tasks } = stackWithTasks();
    tasks[0].addStalledAlarm('Stalled', { duration: Duration.hours(2) });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      EvaluationPeriods: 24,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(running >= 1 AND DIFF(succeeded + failed) <= 0, 1, 0)' })]),
    });
  });

  test.each([[Duration.minutes(4), '4 minutes'], [Duration.hours(25), '1500 minutes']])('a stalled duration of %s is refused', (duration, shown) => {
    const { tasks } = stackWithTasks();
    expect(() => tasks[0].addStalledAlarm('Stalled', { duration })).toThrow(`Campaigns/Task0/Stalled: duration must be at least the monitor interval (5 minutes) and at most one day, got ${shown}`);
  });
});

describe('dashboard', () => {
  test('a row per task: progress, stacked counts, failures by reason, and the alarms made before it', () => {
    const { stack, tasks } = stackWithTasks(2);
    tasks[0].addFailureAlarm('Failures');
    new CampaignDashboard(stack, 'Dashboard', { tasks, dashboardName: 'firmware' });
    const [dashboard] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard')) as any[];
    const body = JSON.stringify(stack.resolve(dashboard.Properties.DashboardBody));
    expect(body).toContain('Campaigns/Task0: progress (%)');
    expect(body).toContain('Campaigns/Task1: targets');
    expect(body).toContain('MetricName=\\\\\\"FailedByReason\\\\\\"');
    expect(body).toContain('Campaigns/Task0: alarms');
    expect(body).not.toContain('Campaigns/Task1: alarms');
    expect(dashboard.Properties.DashboardName).toBe('firmware');
  });

  test('no tasks, or a task of another stack, are refused', () => {
    const { stack } = stackWithTasks();
    const other = stackWithTasks(1, 'Other');
    expect(() => new CampaignDashboard(stack, 'Empty', { tasks: [] })).toThrow('Campaigns/Empty: tasks or rollouts must name at least one task or rollout, got none');
    const app = stack.node.root as App;
    const foreign = new Stack(app, 'Foreign', { env });
    const task = new FuotaTask(foreign, 'T', { firmware: FirmwareImage.fromBucket(s3.Bucket.fromBucketName(foreign, 'I', 'bucket-i'), 'x.bin'), wirelessDeviceIds: [DEVICE] });
    expect(() => new CampaignDashboard(stack, 'Mixed', { tasks: [task] })).toThrow(/Campaigns\/Mixed: tasks\[0\] Foreign\/T belongs to stack Foreign, not Campaigns/);
    expect(other.tasks.length).toBe(1);
  });

  test('metrics are cloudwatch metrics users can graph themselves', () => {
    const { tasks } = stackWithTasks();
    expect(tasks[0].metricSucceeded()).toBeInstanceOf(cloudwatch.Metric);
  });
});

describe('added tasks', () => {
  const IMPORTED_ID = '0d2c8a6e-1f3b-4a5c-9e7d-2b4f6a8c0e1d';
  const fuotaArn = (id: string, account = '123456789012', region = 'eu-west-1') => `arn:aws:iotwireless:${region}:${account}:FuotaTask/${id}`;

  function ruleOf(stack: Stack) {
    return (Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0] as any).Properties;
  }

  test('an imported task goes in the schedule\'s input, once however often it is added', () => {
    const { stack } = stackWithTasks();
    const fuota = FuotaTask.fromFuotaTaskArn(stack, 'Existing', fuotaArn(IMPORTED_ID));
    const ota = OtaTask.fromOtaTaskArn(stack, 'ExistingOta', 'arn:aws:iotmanagedintegrations:eu-west-1:123456789012:ota-task/otatask7');
    const monitor = CampaignMonitor.of(stack);
    monitor.addTask(fuota);
    monitor.addTask(fuota);
    monitor.addTask(FuotaTask.fromFuotaTaskArn(stack, 'SameAgain', fuotaArn(IMPORTED_ID)));
    monitor.addTask(ota);
    const [target] = ruleOf(stack).Targets;
    expect(JSON.parse(target.Input)).toEqual({
      addedTasks: [{ taskType: 'FuotaTask', taskId: IMPORTED_ID }, { taskType: 'OtaTask', taskId: 'otatask7' }],
    });
    expect(fuota.campaignTaskType).toBe('FuotaTask');
    expect(ota.campaignTaskId).toBe('otatask7');
  });

  test('without added tasks the function gets the scheduled event: no Input', () => {
    const { stack, tasks } = stackWithTasks();
    tasks[0].metricFailed();
    expect(ruleOf(stack).Targets[0].Input).toBeUndefined();
  });

  test('adding a task of the stack itself changes nothing: the monitor finds it in the stack', () => {
    const { stack, tasks } = stackWithTasks(2);
    const monitor = CampaignMonitor.of(stack);
    const before = ruleOf(stack);
    tasks.forEach((task) => monitor.addTask(task));
    expect(ruleOf(stack)).toEqual(before);
  });

  test('a task of another stack of the app is added by its id, as a cross-stack reference', () => {
    const { stack } = stackWithTasks();
    const owner = new Stack(stack.node.root as App, 'Owner', { env });
    const task = new FuotaTask(owner, 'T', { firmware: FirmwareImage.fromBucket(s3.Bucket.fromBucketName(owner, 'I', 'bucket-i'), 'x.bin'), wirelessDeviceIds: [DEVICE] });
    CampaignMonitor.of(stack).addTask(task);
    expect(JSON.stringify(ruleOf(stack).Targets[0].Input)).toContain('Fn::ImportValue');
  });

  test('adding a task changes the schedule\'s description, so the deployment enables it again', () => {
    const description = (add: boolean) => {
      const { stack } = stackWithTasks();
      const monitor = CampaignMonitor.of(stack);
      if (add) monitor.addTask(FuotaTask.fromFuotaTaskArn(stack, 'Existing', fuotaArn(IMPORTED_ID)));
      return ruleOf(stack).Description as string;
    };
    expect(description(false)).not.toBe(description(true));
    expect(description(true)).toBe(description(true));
  });

  test('the monitor stays the same size with 0 or 100 stack tasks and some added ones', () => {
    const monitorOf = (count: number) => {
      const { stack } = stackWithTasks(count);
      const monitor = CampaignMonitor.of(stack);
      monitor.addTask(FuotaTask.fromFuotaTaskArn(stack, 'Existing', fuotaArn(IMPORTED_ID)));
      const template = Template.fromStack(stack).toJSON();
      const own = Object.entries(template.Resources).filter(([id]) => id.startsWith('CdkIotOtaTasksCampaignMonitor'));
      const fn = own.find(([, r]: any) => r.Type === 'AWS::Lambda::Function')![1] as any;
      const policy = own.find(([, r]: any) => r.Type === 'AWS::IAM::Policy')![1] as any;
      const rule = own.find(([, r]: any) => r.Type === 'AWS::Events::Rule')![1] as any;
      return {
        resources: own.length,
        environment: fn.Properties.Environment,
        policy: policy.Properties.PolicyDocument,
        input: rule.Properties.Targets[0].Input,
      };
    };
    expect(monitorOf(100)).toEqual(monitorOf(0));
  });

  test('at most 20 added tasks: the 21st is refused', () => {
    const { stack } = stackWithTasks();
    const monitor = CampaignMonitor.of(stack);
    const id = (i: number) => `0d2c8a6e-1f3b-4a5c-9e7d-${String(i).padStart(12, '0')}`;
    for (let i = 0; i < 20; i++) monitor.addTask(FuotaTask.fromFuotaTaskArn(stack, `Existing${i}`, fuotaArn(id(i))));
    monitor.addTask(FuotaTask.fromFuotaTaskArn(stack, 'Again', fuotaArn(id(3))));
    expect(() => monitor.addTask(FuotaTask.fromFuotaTaskArn(stack, 'Existing20', fuotaArn(id(20))))).toThrow(
      'Campaigns/CdkIotOtaTasksCampaignMonitor: addTask Campaigns/Existing20 would be added task 21; a monitor reads at most 20 (their ids travel in its schedule\'s input, which EventBridge caps at 8,192 characters)');
    expect(ruleOf(stack).Targets[0].Input.length).toBeLessThan(8192);
  });

  test('20 FUOTA ids of the model\'s longest still fit EventBridge\'s 8,192-character Input', () => {
    const { stack } = stackWithTasks();
    const monitor = CampaignMonitor.of(stack);
    for (let i = 0; i < 20; i++) monitor.addTask(FuotaTask.fromFuotaTaskArn(stack, `Long${i}`, fuotaArn(`${String(i).padStart(2, '0')}${'a'.repeat(254)}`)));
    expect(ruleOf(stack).Targets[0].Input.length).toBeLessThanOrEqual(8192);
  });

  test.each([
    ['account', fuotaArn(IMPORTED_ID, '210987654321'), 'account 210987654321 must be this stack\'s account, 123456789012: the monitor\'s role reads only FuotaTask/* and ota-task/* of its own account and region'],
    ['region', fuotaArn(IMPORTED_ID, '123456789012', 'us-east-1'), 'region us-east-1 must be this stack\'s region, eu-west-1'],
  ])('a task of another %s is refused', (_what, arn, message) => {
    const { stack } = stackWithTasks();
    expect(() => CampaignMonitor.of(stack).addTask(FuotaTask.fromFuotaTaskArn(stack, 'Foreign', arn))).toThrow(`Campaigns/CdkIotOtaTasksCampaignMonitor: addTask Campaigns/Foreign: ${message}`);
  });

  test('an ARN that is a token, or an env-agnostic stack, is let through for the handler to read', () => {
    const app = new App();
    const agnostic = new Stack(app, 'Agnostic');
    CampaignMonitor.of(agnostic).addTask(FuotaTask.fromFuotaTaskArn(agnostic, 'Existing', fuotaArn(IMPORTED_ID, '210987654321', 'us-east-1')));
    const { stack } = stackWithTasks();
    const arn = new CfnParameter(stack, 'TaskArn').valueAsString;
    expect(() => CampaignMonitor.of(stack).addTask(FuotaTask.fromFuotaTaskArn(stack, 'FromParameter', arn))).not.toThrow();
    expect(JSON.stringify(ruleOf(stack).Targets[0].Input)).toContain('TaskArn');
  });

  test('a task id the handler could not read is refused', () => {
    const { stack } = stackWithTasks();
    const task = FuotaTask.fromFuotaTaskArn(stack, 'Odd', fuotaArn('has space'));
    expect(() => CampaignMonitor.of(stack).addTask(task)).toThrow(
      'Campaigns/CdkIotOtaTasksCampaignMonitor: addTask Campaigns/Odd: campaignTaskId "has space" must be a task id: 1 to 256 letters, digits, "-" or "_", starting with a letter or digit');
  });
});

describe('function options', () => {
  test('are checked like a task provider\'s options, named as given', () => {
    const { stack } = stackWithTasks();
    expect(() => CampaignMonitor.of(stack, { functionOptions: { functionNamePrefix: 'has space' } })).toThrow(
      'Campaigns/CdkIotOtaTasksCampaignMonitor: functionOptions.functionNamePrefix must be 1 to 40 letters, digits, "-" or "_" (function names are at most 64 characters), got "has space"');
  });
});
