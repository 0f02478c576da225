import { CfnResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { BundledFunction, FunctionBundle } from './bundled-function';
import { HANDLER_PHASE_ENV, HandlerPhase } from './handler-phase';
import { NagAcknowledgement } from './nag';
import { POLL_INTERVAL_SECONDS, POLLING_BUDGET_SECONDS, WAITER_TOTAL_TIMEOUT_SECONDS } from './polling-budget';
import { TaskProviderOptions } from './task-provider-options';


/** onEvent makes one service call (with retries) per request. */
const ON_EVENT_TIMEOUT = Duration.minutes(2);
/**
 * One isComplete invocation: it stops starting calls 10 s before this and asks to be polled again,
 * so a long list of devices is worked through over several polls.
 */
const IS_COMPLETE_TIMEOUT = Duration.minutes(1);
const QUERY_INTERVAL = Duration.seconds(POLL_INTERVAL_SECONDS);
/** The waiter's count-based limit, set beyond the handlers' own time budget (polling-budget.ts). */
const TOTAL_TIMEOUT = Duration.seconds(WAITER_TOTAL_TIMEOUT_SECONDS);

/**
 * How long CloudFormation waits for a task resource: onEvent, then isComplete polls until the
 * handlers' budget is spent, one more interval and one more isComplete call, which then completes or
 * fails (polling-budget.ts), and 90 s for what the timeouts leave out (Lambda inits, CloudFormation's
 * delivery, Step Functions latency, the framework's response retries), so the provider, not
 * CloudFormation, reports the failure, with the task's real Id. That is 25 minutes, below
 * CloudFormation's default hour.
 */
export const TASK_SERVICE_TIMEOUT = Duration.seconds(
  ON_EVENT_TIMEOUT.toSeconds() + POLLING_BUDGET_SECONDS + POLL_INTERVAL_SECONDS + IS_COMPLETE_TIMEOUT.toSeconds() + 90,
);

/**
 * The parts every task provider has: one role and one log group shared by an onEvent and an
 * isComplete function built from the same bundle, behind CDK's Provider framework. Returns the role
 * so the caller adds its service permissions once. `shortName` names the functions when the user
 * gives a prefix (e.g. `fuota` gives `<prefix>fuota-on-event`).
 */
export function buildHandlerProvider(
  scope: Construct, service: string, shortName: string, bundle: FunctionBundle, options: TaskProviderOptions = {},
): { role: iam.Role; serviceToken: string } {
  checkProviderOptions(scope, options);
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    retention: options.logRetention ?? logs.RetentionDays.ONE_YEAR,
    encryptionKey: options.logEncryptionKey,
  });
  const role = new iam.Role(scope, 'HandlerRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Calls the ${service} APIs for the custom resources of this stack (cdk-iot-ota-tasks)`,
  });
  logGroup.grantWrite(role);
  const network = { vpc: options.vpc, vpcSubnets: options.vpcSubnets, securityGroups: options.securityGroups };
  if (options.vpc) {
    // The managed policy Lambda needs for its network interfaces in a VPC.
    role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
  }
  const name = (suffix: string) => (options.functionNamePrefix === undefined ? undefined : `${options.functionNamePrefix}${shortName}-${suffix}`);

  const handler = (phase: HandlerPhase, timeout: Duration) => new BundledFunction(scope, phase === 'onEvent' ? 'OnEvent' : 'IsComplete', bundle, {
    description: `${service} custom resource ${phase} handler (cdk-iot-ota-tasks)`,
    functionName: name(phase === 'onEvent' ? 'on-event' : 'is-complete'),
    runtime: options.runtime ?? lambda.Runtime.NODEJS_22_X,
    role,
    logGroup,
    timeout,
    memorySize: 256,
    environment: { [HANDLER_PHASE_ENV]: phase },
    ...network,
  });

  const provider = new cr.Provider(scope, 'Provider', {
    onEventHandler: handler('onEvent', ON_EVENT_TIMEOUT),
    isCompleteHandler: handler('isComplete', IS_COMPLETE_TIMEOUT),
    queryInterval: QUERY_INTERVAL,
    totalTimeout: TOTAL_TIMEOUT,
    logGroup,
    providerFunctionName: name('provider'),
    ...network,
  });
  // Every task's ServiceToken names this function, so its logical id is the provider's own short,
  // stack-unique id rather than the 51-character path-derived one: ~24 bytes less per task. It must
  // never change once published: CloudFormation documents a custom resource's ServiceToken as not
  // updatable.
  const entrypoint = provider.node.findChild('framework-onEvent').node.defaultChild as CfnResource;
  entrypoint.overrideLogicalId(scope.node.id);
  if (options.permissionsBoundary) iam.PermissionsBoundary.of(scope).apply(options.permissionsBoundary);
  return { role, serviceToken: provider.serviceToken };
}

/**
 * Refuses options no handler function could run with; `field` names them as the user gave them
 * (`providerOptions` of a task, `functionOptions` of the campaign monitor).
 */
export function checkProviderOptions(scope: Construct, options: TaskProviderOptions, field = 'providerOptions'): void {
  const where = `${scope.node.path}: ${field}`;
  if (options.runtime && options.runtime.family !== lambda.RuntimeFamily.NODEJS) {
    throw new Error(`${where}.runtime must be a Node.js runtime (the handlers are JavaScript bundles), got ${options.runtime.name}`);
  }
  const prefix = options.functionNamePrefix;
  if (prefix !== undefined && !Token.isUnresolved(prefix) && !/^[A-Za-z0-9_-]{1,40}$/.test(prefix)) {
    throw new Error(`${where}.functionNamePrefix must be 1 to 40 letters, digits, "-" or "_" (function names are at most 64 characters), got ${JSON.stringify(prefix)}`);
  }
  if ((options.vpcSubnets || options.securityGroups) && !options.vpc) {
    throw new Error(`${where}: vpcSubnets and securityGroups need vpc`);
  }
}

/**
 * A comparable form of provider options: constructs by their path, everything else as CloudFormation
 * would see it. Two tasks agree on the provider when these are equal.
 */
export function providerOptionsFingerprint(scope: Construct, options: TaskProviderOptions | undefined): string {
  const plain = JSON.stringify(options ?? {}, (_key, value) => {
    if (value && typeof value === 'object' && 'node' in value && (value as Construct).node?.path) return `construct:${(value as Construct).node.path}`;
    if (value instanceof lambda.Runtime) return `runtime:${value.name}`;
    return value;
  });
  return JSON.stringify(Stack.of(scope).resolve(JSON.parse(plain)));
}

/** cdk-nag findings on the Provider framework's own resources, the same for every provider. */
export const PROVIDER_FRAMEWORK_ACKNOWLEDGEMENTS: NagAcknowledgement[] = [
  { id: 'AwsSolutions-IAM4', reason: 'The CDK Provider framework\'s own functions and the handlers use AWS\'s Lambda execution-role managed policies for their logs (AWSLambdaBasicExecutionRole, or AWSLambdaVPCAccessExecutionRole when placed in a VPC).' },
  { id: 'AwsSolutions-L1', reason: 'The handlers run on Node.js 22, the runtime they are bundled and tested for; the Provider framework picks its own runtime.' },
  { id: 'AwsSolutions-SF1', reason: 'The Provider framework\'s waiter state machine only polls isComplete; its failures are reported to CloudFormation and logged by the handler functions.' },
  { id: 'AwsSolutions-SF2', reason: 'X-Ray tracing of the Provider framework\'s waiter state machine adds cost without insight: it only polls the isComplete handler.' },
];

/**
 * Remembers with which options a stack's provider was made, so a later task that asks for other
 * options fails synth instead of silently getting the first task's.
 */
export class ProviderOptionsRecord {
  private readonly fingerprint: string;

  constructor(private readonly provider: Construct, private readonly createdBy: string, options: TaskProviderOptions | undefined) {
    this.fingerprint = providerOptionsFingerprint(provider, options);
  }

  /** Accepts no options (use the provider as it is) or the same options; refuses others. */
  public check(user: Construct, options: TaskProviderOptions | undefined): void {
    if (options === undefined || providerOptionsFingerprint(this.provider, options) === this.fingerprint) return;
    throw new Error(
      `${user.node.path}: providerOptions differ from those of ${this.createdBy}, which created this stack's provider ` +
      `(${this.provider.node.path}). The tasks of a stack share one provider: give the same providerOptions to every task, ` +
      'or set them on the first one only.',
    );
  }
}
