import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { FuotaTaskHandlerFunction } from './fuota-task-handler-function';
import {
  buildHandlerProvider,
  PROVIDER_FRAMEWORK_ACKNOWLEDGEMENTS,
  ProviderOptionsRecord,
  TASK_SERVICE_TIMEOUT,
} from '../shared/handler-provider';
import { acknowledgeNagFindings } from '../shared/nag';
import { TaskProviderOptions } from '../shared/task-provider-options';

const PROVIDER_ID = 'CdkIotOtaTasksFuotaProvider';

/**
 * The stack's single provider for `Custom::IoTWirelessFuotaTask`: one handler role, one policy,
 * the same Lambda functions, whatever the number of tasks. Only `iam:PassRole` grows, by one ARN
 * per distinct firmware role.
 */
export class FuotaTaskProvider extends Construct {
  /** How long CloudFormation waits for one task resource. */
  public static readonly SERVICE_TIMEOUT = TASK_SERVICE_TIMEOUT;

  /** The stack's provider, created on first use. */
  public static getOrCreate(scope: Construct, options?: TaskProviderOptions): FuotaTaskProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID) as FuotaTaskProvider | undefined;
    if (!existing) return new FuotaTaskProvider(stack, PROVIDER_ID, scope.node.path, options);
    existing.options.check(scope, options);
    return existing;
  }

  public readonly serviceToken: string;
  private readonly handlerRole: iam.Role;
  private readonly passableRoles = new Set<string>();
  private passRoleStatement?: iam.PolicyStatement;

  private readonly options: ProviderOptionsRecord;

  private constructor(scope: Construct, id: string, createdBy: string, options: TaskProviderOptions | undefined) {
    super(scope, id);
    this.options = new ProviderOptionsRecord(this, createdBy, options);

    const { role, serviceToken } = buildHandlerProvider(this, 'IoT Wireless FUOTA', 'fuota',
      (handlerScope, handlerId, props) => new FuotaTaskHandlerFunction(handlerScope, handlerId, props), options);
    this.serviceToken = serviceToken;

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
    // Only to tell a rollback from an ordinary update when a started task would have to change
    // (a started task cannot be reverted, so a rollback leaves it as it is).
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadOwnStackStatus',
      actions: ['cloudformation:DescribeStacks'],
      resources: [Aws.STACK_ID],
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
      ...PROVIDER_FRAMEWORK_ACKNOWLEDGEMENTS,
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
