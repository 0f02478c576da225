import { Arn, ArnFormat, CfnOutput, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkStackOutputQuota, OUTPUTS_OWNER } from './outputs-quota';

/**
 * The id in a task ARN of the given service and resource type, checked when the ARN is concrete.
 * `form` is what the error shows as the expected shape.
 */
export function taskIdFromArn(
  scope: Construct, id: string, arn: string, expected: { service: string; resource: string; form: string },
): string {
  const components = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
  const matches = components.service === expected.service && components.resource === expected.resource && Boolean(components.resourceName);
  if (!Token.isUnresolved(arn) && !matches) {
    throw new Error(`${scope.node.path}/${id}: expected ${expected.form}, got ${JSON.stringify(arn)}`);
  }
  return components.resourceName!;
}

/**
 * The ARN and Id outputs of a task, and the stack-wide check that the outputs stay within
 * CloudFormation's limit (which names the tasks that could turn theirs off).
 */
export function addTaskOutputs(task: Construct, enabled: boolean, outputs: { prefix: string; what: string; arn: string; id: string }): void {
  if (enabled) {
    (task as any)[OUTPUTS_OWNER] = true;
    new CfnOutput(task, `${outputs.prefix}Arn`, { value: outputs.arn, description: `ARN of ${outputs.what} ${task.node.path}` });
    new CfnOutput(task, `${outputs.prefix}Id`, { value: outputs.id, description: `Id of ${outputs.what} ${task.node.path}` });
  }
  checkStackOutputQuota(task, 'Set `outputs: false` on tasks whose ARN and id you do not need as outputs');
}

/** Custom resources here can be deleted or kept; there is nothing to snapshot. */
export function refuseSnapshot(scope: Construct, policy: RemovalPolicy | undefined, what: string): void {
  if (policy === RemovalPolicy.SNAPSHOT) {
    throw new Error(`${scope.node.path}: removalPolicy SNAPSHOT is not supported by ${what}: use DESTROY or RETAIN`);
  }
}
