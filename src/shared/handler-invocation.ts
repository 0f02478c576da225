// What both providers' handler bundles do the same way for each invocation: which phase it serves,
// when it must stop calling services (the Lambda's remaining time less a margin to report a
// failure instead of being cut off), its clock, and a log line that names the request, never the
// event (it holds the pre-signed ResponseURL) or credentials.
import type { Context } from 'aws-lambda';
import { HANDLER_PHASE_ENV, HandlerPhase } from './handler-phase';
import { ProviderEvent } from './provider-events';
import { StackRollbackContext } from './stack-rollback';

/** Time kept back from the Lambda timeout to report a failure instead of being cut off. */
const SAFETY_MARGIN_MS = 10_000;

/** What a lifecycle works with besides its service clients; tests pass a fixed clock and a log sink. */
export interface HandlerInvocationContext extends StackRollbackContext {
  readonly log: (entry: Record<string, unknown>) => void;
}

/** The invocation's phase and its context but for the service clients. */
export function handlerInvocation(
  event: ProviderEvent, context: Pick<Context, 'getRemainingTimeInMillis'>, stacks: StackRollbackContext['stacks'],
): { phase: HandlerPhase; ctx: HandlerInvocationContext } {
  const phase = process.env[HANDLER_PHASE_ENV] as HandlerPhase;
  return {
    phase,
    ctx: {
      stacks,
      deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
      now: Date.now,
      log: (entry) => console.log(JSON.stringify({
        phase, requestType: event.RequestType, resourceType: event.ResourceType, logicalId: event.LogicalResourceId, ...entry,
      })),
    },
  };
}
