import { Arn, ArnComponents, ArnFormat, CfnOutput, CfnResource, CustomResource, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { TASK_SERVICE_TIMEOUT } from './handler-provider';
import { checkStackOutputQuota, OUTPUTS_OWNER } from './outputs-quota';

/** How one service's task ARNs look: `arn:<partition>:<service>:<region>:<account>:<resource>/<id>`. */
export interface TaskArnFormat {
  readonly service: string;
  readonly resource: string;
  /** What an error shows as the expected shape. */
  readonly form: string;
}

/** The id in a task ARN of the given format, checked when the ARN is concrete. */
export function taskIdFromArn(scope: Construct, id: string, arn: string, expected: TaskArnFormat): string {
  // Arn.split throws its own message, without the construct's path, on a string that is no ARN at all.
  let components: ArnComponents | undefined;
  try {
    components = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
  } catch {
    components = undefined;
  }
  const matches = components?.service === expected.service && components.resource === expected.resource && Boolean(components.resourceName);
  if (!Token.isUnresolved(arn) && !matches) {
    throw new Error(`${scope.node.path}/${id}: expected ${expected.form}, got ${JSON.stringify(arn)}`);
  }
  return components!.resourceName!;
}

/**
 * The ARN and Id outputs of a task, and the stack-wide check that the outputs stay within
 * CloudFormation's limit (which names the tasks that could turn theirs off).
 */
function addTaskOutputs(task: Construct, enabled: boolean, outputs: { arn: string; id: string }): void {
  if (enabled) {
    (task as any)[OUTPUTS_OWNER] = true;
    // Named <task id>Arn and <task id>Id, without descriptions: the logical id already says what the
    // output is, and every byte here repeats per task in a template CloudFormation caps at 1 MB.
    new CfnOutput(task, 'Arn', { value: outputs.arn });
    new CfnOutput(task, 'Id', { value: outputs.id });
  }
  checkStackOutputQuota(task, 'Set `outputs: false` on tasks whose ARN and id you do not need as outputs');
}

/** What a task's custom resource is made of. */
export interface TaskResourceDefinition {
  readonly serviceToken: string;
  readonly resourceType: string;
  readonly properties: object;
  /** Refused already when SNAPSHOT ({@link refuseSnapshot}, which the constructs call first). */
  readonly removalPolicy: RemovalPolicy | undefined;
  /** Whether to add the task's Arn and Id outputs ({@link addTaskOutputs}); undefined adds none and skips the quota check. */
  readonly outputs?: boolean;
}

/**
 * The custom resource of a task, which CloudFormation waits for as long as the providers need
 * (TASK_SERVICE_TIMEOUT), with its removal policy and, when asked, its outputs.
 */
export function newTaskResource(scope: Construct, definition: TaskResourceDefinition): CustomResource {
  const resource = new CustomResource(scope, 'Resource', {
    serviceToken: definition.serviceToken,
    resourceType: definition.resourceType,
    properties: definition.properties as Record<string, unknown>,
    serviceTimeout: TASK_SERVICE_TIMEOUT,
  });
  setTaskRemovalPolicy(resource, definition.removalPolicy ?? RemovalPolicy.DESTROY);
  if (definition.outputs !== undefined) {
    addTaskOutputs(scope, definition.outputs, { arn: resource.getAttString('Arn'), id: resource.ref });
  }
  return resource;
}

/**
 * Custom resources here can be deleted or kept; there is nothing to snapshot. The constructs call
 * this first, before they make anything, so SNAPSHOT is the error a user sees whatever else is wrong.
 */
export function refuseSnapshot(scope: Construct, policy: RemovalPolicy | undefined, kind: string): void {
  if (policy === RemovalPolicy.SNAPSHOT) {
    throw new Error(`${scope.node.path}: removalPolicy SNAPSHOT is not supported by ${kind}: use DESTROY or RETAIN`);
  }
}

/**
 * What a task's `applyRemovalPolicy()` does: SNAPSHOT is refused, any other policy set on its
 * custom resource. A task's default child is this CustomResource wrapper, not a CfnResource, so
 * `Resource.applyRemovalPolicy()` cannot reach it and each task construct delegates here.
 */
export function applyTaskRemovalPolicy(scope: Construct, resource: CustomResource, policy: RemovalPolicy, kind: string): void {
  refuseSnapshot(scope, policy, kind);
  setTaskRemovalPolicy(resource, policy);
}

/**
 * Sets the DeletionPolicy and UpdateReplacePolicy of a task's custom resource. DESTROY leaves both
 * attributes out of the template: Delete is CloudFormation's own default for both, so the behaviour
 * is the same and each task's template is smaller. Other policies are written out.
 */
function setTaskRemovalPolicy(resource: CustomResource, policy: RemovalPolicy): void {
  const cfn = resource.node.defaultChild as CfnResource;
  cfn.applyRemovalPolicy(policy);
  if (policy === RemovalPolicy.DESTROY) {
    cfn.cfnOptions.deletionPolicy = undefined;
    cfn.cfnOptions.updateReplacePolicy = undefined;
  }
}
