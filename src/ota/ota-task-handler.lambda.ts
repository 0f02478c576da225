import type { Context } from 'aws-lambda';
import { ManagedIntegrationsClient } from './handler/managed-integrations-client';
import { CloudFormationStackStatus } from '../shared/cloudformation-stack-status';
import { HANDLER_PHASE_ENV, HandlerPhase } from '../shared/handler-phase';
import { ProviderEvent } from '../shared/provider-events';
import { JobDocumentStore } from './handler/job-document-store';
import { OtaLifecycleContext, isComplete, onEvent } from './handler/lifecycle';

const region = process.env.AWS_REGION!;
const client = new ManagedIntegrationsClient({ region });
const documents = new JobDocumentStore({ region });
/** Asked only when a removed description or task configuration is live, to tell a stack rollback from an update. */
const stacks = new CloudFormationStackStatus({ region });

/** Time kept back from the Lambda timeout to report a failure instead of being cut off. */
const SAFETY_MARGIN_MS = 10_000;

/**
 * One bundle serves both provider phases and both resource types (tasks and task configurations);
 * the function's environment says which phase it is. Logs never include the event (it holds the
 * pre-signed ResponseURL) or credentials.
 */
export async function handler(event: ProviderEvent, context: Context) {
  const phase = process.env[HANDLER_PHASE_ENV] as HandlerPhase;
  const ctx: OtaLifecycleContext = {
    client,
    documents,
    stacks,
    deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
    now: Date.now,
    log: (entry) => console.log(JSON.stringify({
      phase, requestType: event.RequestType, resourceType: event.ResourceType, logicalId: event.LogicalResourceId, ...entry,
    })),
  };
  return phase === 'isComplete' ? isComplete(event, ctx) : onEvent(event, ctx);
}
