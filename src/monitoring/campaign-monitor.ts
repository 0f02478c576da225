import * as crypto from 'crypto';
import { Arn, Aws, CfnResource, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { CampaignMonitorFunction } from './campaign-monitor-function';
import { providerOptionsFingerprint } from '../shared/handler-provider';
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

  private constructor(stack: Stack, id: string, createdBy: string, props: CampaignMonitorProps) {
    super(stack, id);
    this.createdBy = createdBy;
    this.fingerprint = fingerprint(stack, props);
    this.interval = checkInterval(createdBy, props.interval ?? DEFAULT_INTERVAL);
    const options = props.functionOptions ?? {};

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

    this.function = new CampaignMonitorFunction(this, 'Function', {
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
      description: Lazy.string({ produce: () => `Campaign monitor of this stack's firmware tasks (revision ${tasksRevision(stack)}); disabled by the monitor once every task has finished, enabled again by the next deployment that changes a task` }),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    acknowledgeNagFindings(this, [
      { id: 'AwsSolutions-IAM5', reason: 'The monitor reads tasks whose ids the services assign at deploy time, so it may read this account and region\'s FuotaTask/* and ota-task/* ARNs (read-only actions); ListWirelessDevices supports no resource ARN and is limited by aws:RequestedRegion.' },
      { id: 'AwsSolutions-IAM4', reason: 'AWSLambdaVPCAccessExecutionRole is what Lambda needs for network interfaces when the monitor runs in a VPC.' },
      { id: 'AwsSolutions-L1', reason: 'The monitor runs on Node.js 22, the runtime it is bundled and tested for.' },
    ]);
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

/** A short digest of every task resource of the stack as synthesized (properties included). */
function tasksRevision(stack: Stack): string {
  const tasks = stack.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && TASK_RESOURCE_TYPES.includes(c.cfnResourceType))
    .map((resource) => [resource.node.path, stack.resolve((resource as unknown as { cfnProperties: unknown }).cfnProperties)]);
  return crypto.createHash('sha256').update(JSON.stringify(tasks)).digest('hex').slice(0, 12);
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
