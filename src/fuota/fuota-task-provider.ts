import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { FuotaTaskHandlerFunction } from './fuota-task-handler-function';
import { FUOTA_HANDLER_PHASE_ENV, FuotaHandlerPhase } from './fuota-task.types';
import { acknowledgeNagFindings } from '../shared/nag';

const PROVIDER_ID = 'CdkIotOtaTasksFuotaProvider';

/** How long a user handler invocation may run; onEvent makes one service call, isComplete several. */
const ON_EVENT_TIMEOUT = Duration.minutes(2);
const IS_COMPLETE_TIMEOUT = Duration.minutes(5);
/** How long the provider keeps polling isComplete before it gives up. */
const TOTAL_TIMEOUT = Duration.minutes(10);

/**
 * How long CloudFormation waits for a task resource: longer than onEvent plus every isComplete
 * poll, so the provider always answers first, and far below CloudFormation's default hour.
 */
export const FUOTA_TASK_SERVICE_TIMEOUT = Duration.minutes(15);

/**
 * The stack's single provider for `Custom::IoTWirelessFuotaTask`: one handler role, one policy,
 * the same Lambda functions, whatever the number of tasks. Only `iam:PassRole` grows, by one ARN
 * per distinct firmware role.
 */
export class FuotaTaskProvider extends Construct {
  /** The stack's provider, created on first use. */
  public static getOrCreate(scope: Construct): FuotaTaskProvider {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(PROVIDER_ID) as FuotaTaskProvider | undefined) ?? new FuotaTaskProvider(stack, PROVIDER_ID);
  }

  public readonly serviceToken: string;
  private readonly handlerRole: iam.Role;
  private readonly passableRoles = new Set<string>();
  private passRoleStatement?: iam.PolicyStatement;

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Calls the IoT Wireless FUOTA APIs for the Custom::IoTWirelessFuotaTask resources of this stack',
    });
    logGroup.grantWrite(role);

    const handler = (phase: FuotaHandlerPhase, timeout: Duration) => new FuotaTaskHandlerFunction(this, phase === 'onEvent' ? 'OnEvent' : 'IsComplete', {
      description: `FuotaTask custom resource ${phase} handler (cdk-iot-ota-tasks)`,
      role,
      logGroup,
      timeout,
      memorySize: 256,
      environment: { [FUOTA_HANDLER_PHASE_ENV]: phase },
    });

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler('onEvent', ON_EVENT_TIMEOUT),
      isCompleteHandler: handler('isComplete', IS_COMPLETE_TIMEOUT),
      queryInterval: Duration.seconds(10),
      totalTimeout: TOTAL_TIMEOUT,
      logGroup,
    });
    this.serviceToken = provider.serviceToken;

    const arn = (resource: string) => `arn:${Aws.PARTITION}:iotwireless:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'FuotaTasks',
      actions: [
        'iotwireless:GetFuotaTask',
        'iotwireless:UpdateFuotaTask',
        'iotwireless:DeleteFuotaTask',
        'iotwireless:StartFuotaTask',
        'iotwireless:ListMulticastGroupsByFuotaTask',
        'iotwireless:TagResource',
        'iotwireless:UntagResource',
      ],
      resources: [arn('FuotaTask/*')],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'FuotaTaskAssociations',
      actions: [
        'iotwireless:AssociateWirelessDeviceWithFuotaTask',
        'iotwireless:DisassociateWirelessDeviceFromFuotaTask',
        'iotwireless:AssociateMulticastGroupWithFuotaTask',
        'iotwireless:DisassociateMulticastGroupFromFuotaTask',
      ],
      resources: [arn('FuotaTask/*'), arn('WirelessDevice/*'), arn('MulticastGroup/*')],
    }));
    // These two support no resource type (Service Authorization Reference), so "*" is the only
    // resource that matches; the region condition keeps them to this stack's region.
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'FuotaTaskCreateAndDeviceList',
      actions: ['iotwireless:CreateFuotaTask', 'iotwireless:ListWirelessDevices'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': Aws.REGION } },
    }));
    this.handlerRole = role;

    acknowledgeNagFindings(this, [
      { id: 'AwsSolutions-IAM5', reason: 'FUOTA task, device and group ids are assigned by the service at create time, so the handler is scoped to this account and region\'s FuotaTask/*, WirelessDevice/* and MulticastGroup/* ARNs; CreateFuotaTask and ListWirelessDevices support no resource ARN and are limited by aws:RequestedRegion.' },
      { id: 'AwsSolutions-IAM4', reason: 'The CDK Provider framework\'s own functions use the AWSLambdaBasicExecutionRole managed policy for their logs.' },
      { id: 'AwsSolutions-L1', reason: 'The handlers run on Node.js 22, the runtime they are bundled and tested for; the Provider framework picks its own runtime.' },
      { id: 'AwsSolutions-SF1', reason: 'The Provider framework\'s waiter state machine only polls isComplete; its failures are reported to CloudFormation and logged by the handler functions.' },
      { id: 'AwsSolutions-SF2', reason: 'X-Ray tracing of the Provider framework\'s waiter state machine adds cost without insight: it only polls the isComplete handler.' },
    ]);
  }

  /**
   * Lets the handler pass `role` to IoT Wireless (and nothing else). The statement grows by one
   * ARN per distinct role, not per task.
   */
  public allowPassRole(role: iam.IRole): void {
    const key = JSON.stringify(Stack.of(this).resolve(role.roleArn));
    if (this.passableRoles.has(key)) return;
    this.passableRoles.add(key);
    if (this.passRoleStatement) {
      this.passRoleStatement.addResources(role.roleArn);
      return;
    }
    this.passRoleStatement = new iam.PolicyStatement({
      sid: 'PassFirmwareUpdateRoles',
      actions: ['iam:PassRole'],
      resources: [role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'iotwireless.amazonaws.com' } },
    });
    this.handlerRole.addToPolicy(this.passRoleStatement);
  }
}
