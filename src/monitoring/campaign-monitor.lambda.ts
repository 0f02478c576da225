// The campaign monitor's Lambda entry point: one function per stack, invoked by its EventBridge
// schedule; each invocation is one tick (./handler/monitor.ts), which also runs the stack's rollouts
// (../rollout/handler/controller.ts). The construct sets STACK_ID (the
// stack's ARN) and SCHEDULE_RULE_NAME (the function's own rule), and, when tasks were added with
// addTask, the rule's Input that arrives here as the event (../monitor-input.ts); the endpoints
// follow the usual AWS_ENDPOINT_URL variables. Logs hold task ids, counts and service messages,
// never the event or credentials.
import type { Context } from 'aws-lambda';
import { addedTasksOf } from './handler/added-tasks';
import { EventBridge } from './handler/event-bridge';
import { runTick } from './handler/monitor';
import { iotWirelessClient } from '../fuota/handler/iot-wireless-client';
import { JobDocumentStore } from '../ota/handler/job-document-store';
import { ManagedIntegrationsClient } from '../ota/handler/managed-integrations-client';
import { CloudFormationStackStatus } from '../shared/cloudformation-stack-status';

const region = process.env.AWS_REGION!;
// The FUOTA handler's client: retries by callService, which knows this invocation's deadline, and
// timeouts that keep one hung connection from eating the whole invocation.
const wireless = iotWirelessClient();
const managedIntegrations = new ManagedIntegrationsClient({ region });
const stacks = new CloudFormationStackStatus({ region });
const eventBridge = new EventBridge({ region });
/** The records of OTA rollout waves, in the library bucket. */
const records = new JobDocumentStore({ region });

/** Time kept back from the Lambda timeout to log the summary instead of being cut off. */
const SAFETY_MARGIN_MS = 5_000;

export async function handler(event: unknown, context: Context): Promise<void> {
  await runTick({
    stackId: requiredEnv('STACK_ID'),
    scheduleRuleName: requiredEnv('SCHEDULE_RULE_NAME'),
    addedTasks: addedTasksOf(event),
    stacks,
    rule: eventBridge,
    // The rollout controller's events, to the default bus (at least once: a retried call sends its entries again).
    events: { put: async (events) => { await eventBridge.putEvents(events); } },
    wireless,
    managedIntegrations,
    records,
    deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
    now: Date.now,
    // Straight to stdout: Lambda's console.log prefixes each line with a timestamp and request id,
    // and CloudWatch Logs extracts EMF only from lines that are a JSON object and nothing else.
    writeLine: (line) => process.stdout.write(`${line}\n`),
  });
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`campaign monitor: the environment variable ${name} is not set (the construct sets it)`);
  return value;
}
