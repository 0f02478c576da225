import type { Context } from 'aws-lambda';
import { CloudFormationStackStatus } from '../shared/cloudformation-stack-status';
import { HANDLER_PHASE_ENV, HandlerPhase } from '../shared/handler-phase';
import { iotWirelessClient } from './handler/iot-wireless-client';
import { FuotaLifecycleContext, isComplete, onEvent } from './handler/lifecycle';
import { ProviderEvent } from '../shared/provider-events';

// Retries are done by callService, which knows this invocation's deadline; calls are bounded in time.
const client = iotWirelessClient();
/** Asked only when a started task would change or a value it cannot unset would be removed, to tell a stack rollback from an update. */
const stacks = new CloudFormationStackStatus({ region: process.env.AWS_REGION! });

/** Time kept back from the Lambda timeout to report a failure instead of being cut off. */
const SAFETY_MARGIN_MS = 10_000;

/**
 * One bundle serves both provider phases; the function's environment says which it is.
 * Logs name the phase, request type and logical id, never the event (it holds the pre-signed
 * ResponseURL) or credentials.
 */
export async function handler(event: ProviderEvent, context: Context) {
  const phase = process.env[HANDLER_PHASE_ENV] as HandlerPhase;
  const ctx: FuotaLifecycleContext = {
    client,
    stacks,
    deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
    now: Date.now,
    log: (entry) => console.log(JSON.stringify({ phase, requestType: event.RequestType, logicalId: event.LogicalResourceId, ...entry })),
  };
  return phase === 'isComplete' ? isComplete(event, ctx) : onEvent(event, ctx);
}
