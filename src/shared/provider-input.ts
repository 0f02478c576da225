// Shared by constructs and handler bundles: it must import nothing, or the bundles would carry it.
/**
 * The Provider framework hands each request to its waiter state machine as one StartExecution
 * input: the whole CloudFormation event, JSON. Step Functions refuses an input over 256 KiB, and
 * the framework's onEvent has then already run: a Create would leave its task behind (answered with
 * the failed-create marker, whose Delete the framework skips). CloudFormation's asynchronous Lambda
 * invocation of the framework has the same 256 KB bound.
 */
export const STEP_FUNCTIONS_INPUT_MAX_BYTES = 256 * 1024;

/**
 * What an event carries besides the properties: the ids, the stack ARN, the pre-signed ResponseURL
 * (about 1.5 KB), Data and the polling stamp. Kept generous: it is only a margin.
 */
export const EVENT_ENVELOPE_RESERVE_BYTES = 8 * 1024;

/**
 * The waiter input of an Update that carries `properties` as both its old and its new properties
 * (the next update of a resource always carries what it has now as the old ones): each copy is
 * JSON-escaped into the event, so a job document's quotes and backslashes count twice per copy.
 */
export function updateEventBytes(properties: unknown): number {
  return 2 * Buffer.byteLength(JSON.stringify(properties) ?? '', 'utf8') + EVENT_ENVELOPE_RESERVE_BYTES;
}

/** The message when `properties` would not fit, or undefined. `subject` names the resource. */
export function providerInputViolation(subject: string, properties: unknown): string | undefined {
  const bytes = updateEventBytes(properties);
  if (bytes <= STEP_FUNCTIONS_INPUT_MAX_BYTES) return undefined;
  return `${subject}: an update would hand the Provider framework a Step Functions input of about ${bytes} bytes ` +
    `(the old and the new properties, each with the job document JSON-escaped), more than the ${STEP_FUNCTIONS_INPUT_MAX_BYTES} ` +
    'bytes StartExecution accepts: make the job document smaller (quotes and backslashes count double) or use OtaJobDocument.fromBucket';
}
