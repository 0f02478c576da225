import type { Context } from 'aws-lambda';
import { ManagedIntegrationsClient } from './handler/managed-integrations-client';
import { CloudFormationStackStatus } from '../shared/cloudformation-stack-status';
import { handlerInvocation } from '../shared/handler-invocation';
import { ProviderEvent } from '../shared/provider-events';
import { JobDocumentStore } from './handler/job-document-store';
import { OtaLifecycleContext, isComplete, onEvent } from './handler/lifecycle';

const region = process.env.AWS_REGION!;
const client = new ManagedIntegrationsClient({ region });
const documents = new JobDocumentStore({ region });
/** Asked only when a removed description or task configuration is live, to tell a stack rollback from an update. */
const stacks = new CloudFormationStackStatus({ region });

/**
 * One bundle serves both provider phases and both resource types (tasks and task configurations);
 * the function's environment says which phase it is.
 */
export async function handler(event: ProviderEvent, context: Context) {
  const { phase, ctx } = handlerInvocation(event, context, stacks);
  const lifecycle: OtaLifecycleContext = { ...ctx, client, documents };
  return phase === 'isComplete' ? isComplete(event, lifecycle) : onEvent(event, lifecycle);
}
