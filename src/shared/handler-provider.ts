import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { HANDLER_PHASE_ENV, HandlerPhase } from './handler-phase';
import { NagAcknowledgement } from './nag';


/** How long a user handler invocation may run; onEvent makes one service call, isComplete several. */
const ON_EVENT_TIMEOUT = Duration.minutes(2);
const IS_COMPLETE_TIMEOUT = Duration.minutes(5);
/** How long the provider keeps polling isComplete before it gives up. */
const TOTAL_TIMEOUT = Duration.minutes(10);

/**
 * How long CloudFormation waits for a task resource: longer than onEvent plus every isComplete
 * poll, so the provider always answers first, and far below CloudFormation's default hour.
 */
export const TASK_SERVICE_TIMEOUT = Duration.minutes(15);

/** Makes one of the projen-generated handler functions (they differ only in their bundle). */
export type HandlerFunctionFactory = (scope: Construct, id: string, props: lambda.FunctionOptions) => lambda.Function;

/**
 * The parts every task provider has: one role and one log group shared by an onEvent and an
 * isComplete function built from the same bundle, behind CDK's Provider framework. Returns the role
 * so the caller adds its service permissions once.
 */
export function buildHandlerProvider(
  scope: Construct, service: string, makeFunction: HandlerFunctionFactory,
): { role: iam.Role; serviceToken: string } {
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
  const role = new iam.Role(scope, 'HandlerRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Calls the ${service} APIs for the custom resources of this stack (cdk-iot-ota-tasks)`,
  });
  logGroup.grantWrite(role);

  const handler = (phase: HandlerPhase, timeout: Duration) => makeFunction(scope, phase === 'onEvent' ? 'OnEvent' : 'IsComplete', {
    description: `${service} custom resource ${phase} handler (cdk-iot-ota-tasks)`,
    role,
    logGroup,
    timeout,
    memorySize: 256,
    environment: { [HANDLER_PHASE_ENV]: phase },
  });

  const provider = new cr.Provider(scope, 'Provider', {
    onEventHandler: handler('onEvent', ON_EVENT_TIMEOUT),
    isCompleteHandler: handler('isComplete', IS_COMPLETE_TIMEOUT),
    queryInterval: Duration.seconds(10),
    totalTimeout: TOTAL_TIMEOUT,
    logGroup,
  });
  return { role, serviceToken: provider.serviceToken };
}

/** cdk-nag findings on the Provider framework's own resources, the same for every provider. */
export const PROVIDER_FRAMEWORK_ACKNOWLEDGEMENTS: NagAcknowledgement[] = [
  { id: 'AwsSolutions-IAM4', reason: 'The CDK Provider framework\'s own functions use the AWSLambdaBasicExecutionRole managed policy for their logs.' },
  { id: 'AwsSolutions-L1', reason: 'The handlers run on Node.js 22, the runtime they are bundled and tested for; the Provider framework picks its own runtime.' },
  { id: 'AwsSolutions-SF1', reason: 'The Provider framework\'s waiter state machine only polls isComplete; its failures are reported to CloudFormation and logged by the handler functions.' },
  { id: 'AwsSolutions-SF2', reason: 'X-Ray tracing of the Provider framework\'s waiter state machine adds cost without insight: it only polls the isComplete handler.' },
];
