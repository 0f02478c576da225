import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { FIRMWARE_KEY_NAG_REASON } from '../shared/firmware-read-grant';
import { ACKNOWLEDGED_RULES, acknowledgeNagFindings } from '../shared/nag';

const ROLE_ID = 'CdkIotOtaTasksFirmwareUpdateRole';

/**
 * Acknowledges, once, the finding the read grant's via-S3 `kms:Decrypt` statement raises on the
 * shared role's policy. Called after a grant, so the policy resource exists for cdk-nag 2's metadata.
 */
export function acknowledgeFirmwareRoleFindings(role: iam.Role): void {
  if (!role.node.tryFindChild('DefaultPolicy') || role.node.metadata.some((entry) => entry.type === ACKNOWLEDGED_RULES)) return;
  acknowledgeNagFindings(role, [{ id: 'AwsSolutions-IAM5', reason: FIRMWARE_KEY_NAG_REASON }]);
}

/**
 * The stack's shared FirmwareUpdateRole, created by the first FuotaTask that needs it, so tasks
 * cost one resource each. IoT Wireless assumes it to read the images; each task adds read access
 * to its own image only.
 *
 * The trust policy names `iotwireless.amazonaws.com` alone. Whether IoT Wireless sends
 * `aws:SourceAccount` when it assumes a FUOTA role is not documented, so the confused-deputy
 * condition uses `StringEqualsIfExists`: it refuses calls made for another account when the key is
 * present, and cannot lock the service out when it is not.
 */
export function sharedFirmwareUpdateRole(scope: Construct): iam.Role {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(ROLE_ID) as iam.Role | undefined;
  return existing ?? new iam.Role(stack, ROLE_ID, {
    assumedBy: new iam.ServicePrincipal('iotwireless.amazonaws.com').withConditions({
      StringEqualsIfExists: { 'aws:SourceAccount': stack.account },
    }),
    description: 'Lets AWS IoT Wireless read the firmware images of this stack\'s FUOTA tasks',
  });
}
