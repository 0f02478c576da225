import type { Context } from 'aws-lambda';
import { CloudFormationStackStatus } from '../shared/cloudformation-stack-status';
import { handlerInvocation } from '../shared/handler-invocation';
import { iotWirelessClient } from './handler/iot-wireless-client';
import { FuotaLifecycleContext, isComplete, onEvent } from './handler/lifecycle';
import { ProviderEvent } from '../shared/provider-events';

// Retries are done by callService, which knows this invocation's deadline; calls are bounded in time.
const client = iotWirelessClient();
/** Asked only when a started task would change or a value it cannot unset would be removed, to tell a stack rollback from an update. */
const stacks = new CloudFormationStackStatus({ region: process.env.AWS_REGION! });

/**
 * One bundle serves both provider phases; the function's environment says which it is.
 */
export async function handler(event: ProviderEvent, context: Context) {
  const { phase, ctx } = handlerInvocation(event, context, stacks);
  const lifecycle: FuotaLifecycleContext = { ...ctx, client };
  return phase === 'isComplete' ? isComplete(event, lifecycle) : onEvent(event, lifecycle);
}
