import * as crypto from 'crypto';
import { Arn, Aws, CfnResource, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { CAMPAIGN_TASK_TYPES, CampaignTaskType } from './campaign-metrics';
import type { ICampaignTask } from './campaign-task-base';
import { AddedTask, MAX_ADDED_TASKS, MonitorInput, TASK_ID } from './monitor-input';
import { BundledFunction } from '../shared/bundled-function';
import { checkProviderOptions, providerOptionsFingerprint } from '../shared/handler-provider';
import { acknowledgeNagFindings } from '../shared/nag';
import { TaskProviderOptions } from '../shared/task-provider-options';

const MONITOR_ID = 'CdkIotOtaTasksCampaignMonitor';
const DEFAULT_INTERVAL = Duration.minutes(5);
/** The custom resource types whose tasks the monitor reads (the handler finds them with ListStackResources). */
const TASK_RESOURCE_TYPES = ['Custom::IoTWirelessFuotaTask', 'Custom::IoTManagedIntegrationsOtaTask'];

/** Settings of a stack's campaign monitor. */
export interface CampaignMonitorProps {
  /**
   * How often the monitor reads the stack's tasks and publishes their metrics: whole minutes, at
   * least 1. Alarms evaluate per interval, so a shorter one reacts sooner and costs more Lambda time
   * (the metrics cost the same).
   * @default Duration.minutes(5)
   */
  readonly interval?: Duration;
  /**
   * The monitor function's runtime, log group, VPC and permissions boundary, as for a task provider
   * (`functionNamePrefix` names it `<prefix>campaign-monitor`).
   * @default - Node.js 22, logs kept one year, not in a VPC, no boundary
   */
  readonly functionOptions?: TaskProviderOptions;
}

/**
 * The campaign monitor of a stack: one scheduled function that finds the stack's FUOTA and OTA tasks
 * itself (ListStackResources on its own stack), reads how far each got and publishes the campaign
 * metrics (namespace `CdkIotOtaTasks`) with the Embedded Metric Format in its log group. When every
 * task has finished it disables its own schedule; the next deployment that changes a task enables
 * it again. It is made on first use: by a task's `metric…()` or alarm method, a `CampaignDashboard`,
 * or `CampaignMonitor.of(scope)`. Whatever the number of tasks it is 6 resources per stack.
 *
 * Tasks it cannot find in its stack (imported with `FuotaTask.fromFuotaTaskArn` or
 * `OtaTask.fromOtaTaskArn`, or another stack's) it reads once added with `addTask`.
 */
export class CampaignMonitor extends Construct {
  /**
   * The campaign monitor of `scope`'s stack, made with `props` if the stack has none yet. Later
   * calls may leave `props` out; different ones fail synth, naming where the monitor was made.
   */
  public static of(scope: IConstruct, props?: CampaignMonitorProps): CampaignMonitor {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(MONITOR_ID) as CampaignMonitor | undefined;
    if (!existing) return new CampaignMonitor(stack, MONITOR_ID, scope.node.path, props ?? {});
    if (props && fingerprint(stack, props) !== existing.fingerprint) {
      throw new Error(`${scope.node.path}: the stack's campaign monitor was already made by ${existing.createdBy} with other settings; a stack has one monitor, so give the same settings or leave them out`);
    }
    return existing;
  }

  /** How often the monitor publishes: the natural period of the campaign metrics and alarms. */
  public readonly interval: Duration;
  /** The monitor function. */
  public readonly function: lambda.IFunction;
  /** The schedule that invokes it. */
  public readonly schedule: events.Rule;
  private readonly createdBy: string;
  private readonly fingerprint: string;
  /** Tasks added with addTask, by `<type>|<id>` (a token id by its token string). */
  private readonly addedTasks = new Map<string, AddedTask>();

  private constructor(stack: Stack, id: string, createdBy: string, props: CampaignMonitorProps) {
    super(stack, id);
    this.createdBy = createdBy;
    this.fingerprint = fingerprint(stack, props);
    this.interval = checkInterval(createdBy, props.interval ?? DEFAULT_INTERVAL);
    const options = props.functionOptions ?? {};
    checkProviderOptions(this, options, 'functionOptions');

    // The rule has a fixed name so the function may disable it by name without a reference cycle.
    const ruleName = scheduleRuleName(stack);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: options.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: options.logEncryptionKey,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Reads the campaign progress of this stack\'s FUOTA and OTA tasks (cdk-iot-ota-tasks)',
      permissionsBoundary: options.permissionsBoundary,
    });
    logGroup.grantWrite(role);
    if (options.vpc) role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
    grantReadCampaigns(role, ruleName);

    this.function = new BundledFunction(this, 'Function', 'monitoring/campaign-monitor.lambda', {
      description: 'Publishes the campaign progress of this stack\'s firmware tasks as CloudWatch metrics (cdk-iot-ota-tasks)',
      functionName: options.functionNamePrefix === undefined ? undefined : `${options.functionNamePrefix}campaign-monitor`,
      runtime: options.runtime ?? lambda.Runtime.NODEJS_22_X,
      role,
      logGroup,
      timeout: Duration.minutes(Math.min(this.interval.toMinutes(), 5)),
      memorySize: 256,
      environment: { STACK_ID: Aws.STACK_ID, SCHEDULE_RULE_NAME: ruleName },
      vpc: options.vpc,
      vpcSubnets: options.vpcSubnets,
      securityGroups: options.securityGroups,
    });

    this.schedule = new events.Rule(this, 'Schedule', {
      ruleName,
      schedule: events.Schedule.rate(this.interval),
      // Changes whenever a task of the stack changes, so that deployment's PutRule enables the
      // schedule again after the monitor disabled it once every task had finished.
      description: Lazy.string({ produce: () => `Campaign monitor of this stack's firmware tasks (revision ${tasksRevision(stack, this.addedTaskList())}); disabled by the monitor once every task has finished, enabled again by the next deployment that changes a task` }),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0, event: new AddedTasksInput(() => this.addedTaskList()) })],
    });

    acknowledgeNagFindings(this, [
      { id: 'AwsSolutions-IAM5', reason: 'The monitor reads tasks whose ids the services assign at deploy time, so it may read this account and region\'s FuotaTask/* and ota-task/* ARNs (read-only actions); ListWirelessDevices supports no resource ARN and is limited by aws:RequestedRegion.' },
      { id: 'AwsSolutions-IAM4', reason: 'AWSLambdaVPCAccessExecutionRole is what Lambda needs for network interfaces when the monitor runs in a VPC.' },
      { id: 'AwsSolutions-L1', reason: 'The monitor runs on Node.js 22, the runtime it is bundled and tested for.' },
    ]);
  }

  /**
   * Has the monitor read and publish `task` too, like the stack's own tasks: for a task it cannot
   * find in its stack, one imported with `FuotaTask.fromFuotaTaskArn` or `OtaTask.fromOtaTaskArn`
   * or one of another stack of this app. Its id goes in the schedule's input, so a monitor takes
   * at most 20 added tasks, all in its stack's account and region (its role reads no others). The
   * stack's own tasks need no call: the monitor finds them itself, and adding one changes nothing;
   * nor does adding a task twice. An added task that finished counts as finished like the others,
   * so once every task is done the schedule turns itself off.
   */
  public addTask(task: ICampaignTask): void {
    const stack = Stack.of(this);
    if (ownsTask(stack, task)) return;
    checkAddedTask(this.node.path, stack, task);
    const key = `${task.campaignTaskType}|${task.campaignTaskId}`;
    if (this.addedTasks.has(key)) return;
    if (this.addedTasks.size >= MAX_ADDED_TASKS) {
      throw new Error(`${this.node.path}: addTask ${task.node.path} would be added task ${MAX_ADDED_TASKS + 1}; a monitor reads at most ${MAX_ADDED_TASKS} (their ids travel in its schedule's input, which EventBridge caps at 8,192 characters): monitor the others from a stack that owns them or from another stack`);
    }
    this.addedTasks.set(key, { taskType: task.campaignTaskType as CampaignTaskType, taskId: task.campaignTaskId });
  }

  private addedTaskList(): AddedTask[] {
    return [...this.addedTasks.values()];
  }
}

/**
 * The schedule's input: `{ addedTasks }` once a task was added, else none (the function then gets
 * EventBridge's scheduled event). Lazy, since tasks are added after the rule is made.
 */
class AddedTasksInput extends events.RuleTargetInput {
  constructor(private readonly tasks: () => AddedTask[]) {
    super();
  }

  public bind(rule: events.IRuleRef): events.RuleTargetInputProperties {
    const stack = Stack.of(rule);
    return {
      input: Lazy.string({
        produce: () => {
          const addedTasks = this.tasks();
          if (addedTasks.length === 0) return undefined;
          const input: MonitorInput = { addedTasks };
          return stack.toJsonString(input);
        },
      }),
    };
  }
}

/** A task whose custom resource is in `stack`: ListStackResources finds it on every tick. */
function ownsTask(stack: Stack, task: ICampaignTask): boolean {
  return task.node.findAll().some((c) => CfnResource.isCfnResource(c) && TASK_RESOURCE_TYPES.includes(c.cfnResourceType) && Stack.of(c) === stack);
}

/** A task the monitor's function can read: a known service, a task id, its own account and region. */
function checkAddedTask(path: string, stack: Stack, task: ICampaignTask): void {
  const where = `${path}: addTask ${task.node.path}`;
  const types: readonly string[] = Object.values(CAMPAIGN_TASK_TYPES);
  if (!types.includes(task.campaignTaskType)) {
    throw new Error(`${where}: campaignTaskType ${JSON.stringify(task.campaignTaskType)} must be ${types.join(' or ')}`);
  }
  const id = task.campaignTaskId;
  if (!Token.isUnresolved(id) && !TASK_ID.test(id)) {
    throw new Error(`${where}: campaignTaskId ${JSON.stringify(id)} must be a task id: 1 to 256 letters, digits, "-" or "_", starting with a letter or digit`);
  }
  for (const [field, theirs, ours] of [['account', task.env.account, stack.account], ['region', task.env.region, stack.region]] as const) {
    if (Token.isUnresolved(theirs) || Token.isUnresolved(ours) || theirs === ours) continue;
    throw new Error(`${where}: ${field} ${theirs} must be this stack's ${field}, ${ours}: the monitor's role reads only FuotaTask/* and ota-task/* of its own account and region, so monitor this task from a stack in ${theirs}`);
  }
}

function checkInterval(path: string, interval: Duration): Duration {
  if (Token.isUnresolved(interval.toSeconds())) return interval;
  const seconds = interval.toSeconds();
  if (seconds < 60 || seconds % 60 !== 0) {
    throw new Error(`${path}: interval must be a whole number of minutes, at least 1 (an EventBridge rate schedule), got ${seconds} seconds`);
  }
  return interval;
}

/** `<stack name>-campaign-monitor`, cut to EventBridge's 64 characters with a hash when too long. */
function scheduleRuleName(stack: Stack): string {
  const suffix = '-campaign-monitor';
  const name = `${stack.stackName}${suffix}`;
  if (name.length <= 64) return name;
  const hash = crypto.createHash('sha256').update(stack.stackName).digest('hex').slice(0, 8);
  return `${stack.stackName.slice(0, 64 - suffix.length - 9)}-${hash}${suffix}`;
}

/** A short digest of every task resource of the stack as synthesized (properties included) and of the added tasks. */
function tasksRevision(stack: Stack, added: readonly AddedTask[]): string {
  const tasks = stack.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && TASK_RESOURCE_TYPES.includes(c.cfnResourceType))
    .map((resource) => [resource.node.path, stack.resolve((resource as unknown as { cfnProperties: unknown }).cfnProperties)]);
  // Without added tasks, the digest of stacks deployed before addTask existed stays the same.
  const digested = added.length === 0 ? tasks : [tasks, stack.resolve(added)];
  return crypto.createHash('sha256').update(JSON.stringify(digested)).digest('hex').slice(0, 12);
}

/** Read-only on the stack's own tasks where the services allow ARNs; its own stack and schedule. */
function grantReadCampaigns(role: iam.Role, ruleName: string): void {
  const arn = (service: string, resource: string) => Arn.format({ service, resource, resourceName: '*' }, Stack.of(role));
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'ListOwnStackTasks',
    actions: ['cloudformation:ListStackResources'],
    resources: [Aws.STACK_ID],
  }));
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'ReadTaskProgress',
    actions: ['iotwireless:GetFuotaTask', 'iotwireless:ListMulticastGroupsByFuotaTask', 'iotmanagedintegrations:GetOtaTask', 'iotmanagedintegrations:ListOtaTaskExecutions'],
    resources: [arn('iotwireless', 'FuotaTask'), arn('iotmanagedintegrations', 'ota-task')],
  }));
  // ListWirelessDevices supports no resource type (Service Authorization Reference).
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'ReadDeviceStatuses',
    actions: ['iotwireless:ListWirelessDevices'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:RequestedRegion': Aws.REGION } },
  }));
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'PauseOwnSchedule',
    actions: ['events:DisableRule'],
    resources: [Arn.format({ service: 'events', resource: 'rule', resourceName: ruleName }, Stack.of(role))],
  }));
}

function fingerprint(stack: Stack, props: CampaignMonitorProps): string {
  return `${props.interval?.toSeconds() ?? DEFAULT_INTERVAL.toSeconds()}|${providerOptionsFingerprint(stack, props.functionOptions)}`;
}
