import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { StackTaskProvider } from '../shared/stack-task-provider';
import { TaskProviderOptions } from '../shared/task-provider-options';

const PROVIDER_ID = 'CdkIotOtaTasksFuotaProvider';

/**
 * The stack's single provider for `Custom::IoTWirelessFuotaTask`: one handler role, one policy,
 * the same Lambda functions, whatever the number of tasks. Only `iam:PassRole` grows, by one ARN
 * per distinct firmware role.
 */
export class FuotaTaskProvider extends StackTaskProvider {
  /** The stack's provider, created on first use. */
  public static getOrCreate(scope: Construct, options?: TaskProviderOptions): FuotaTaskProvider {
    return FuotaTaskProvider.findOrCreate(scope, PROVIDER_ID, options,
      (stack, createdBy) => new FuotaTaskProvider(stack, PROVIDER_ID, createdBy, options));
  }

  private readonly passableRoles = new Set<string>();
  private passRoleStatement?: iam.PolicyStatement;

  private constructor(scope: Construct, id: string, createdBy: string, options: TaskProviderOptions | undefined) {
    super(scope, id, createdBy, { service: 'IoT Wireless FUOTA', shortName: 'fuota', bundle: 'fuota/fuota-task-handler.lambda' }, options);

    const arn = (resource: string) => `arn:${Aws.PARTITION}:iotwireless:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
    this.handlerRole.addToPolicy(new iam.PolicyStatement({
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
    this.handlerRole.addToPolicy(new iam.PolicyStatement({
      sid: 'FuotaTaskAssociations',
      actions: [
        'iotwireless:AssociateWirelessDeviceWithFuotaTask',
        'iotwireless:DisassociateWirelessDeviceFromFuotaTask',
        'iotwireless:AssociateMulticastGroupWithFuotaTask',
        'iotwireless:DisassociateMulticastGroupFromFuotaTask',
      ],
      resources: [arn('FuotaTask/*'), arn('WirelessDevice/*'), arn('MulticastGroup/*')],
    }));
    // A started task would have to change, or a value the API cannot unset would be removed: a
    // rollback leaves either as it is, an update is refused.
    this.allowReadingOwnStackStatus();
    this.allowInStackRegion('FuotaTaskCreateAndDeviceList', ['iotwireless:CreateFuotaTask', 'iotwireless:ListWirelessDevices']);
    this.acknowledgeWildcards('FUOTA task, device and group ids are assigned by the service at create time, so the handler is scoped to this account and region\'s FuotaTask/*, WirelessDevice/* and MulticastGroup/* ARNs; CreateFuotaTask and ListWirelessDevices support no resource ARN and are limited by aws:RequestedRegion.');
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
