// Shared by constructs and handler bundles: it must import nothing, or the bundles would carry it.
/**
 * The time the Provider framework gives isComplete, and how a handler tells that it is about to run
 * out. The framework's waiter (a Step Functions Retry) calls isComplete once at once and then
 * totalTimeout / queryInterval more times, with the same event every time, and then answers
 * CloudFormation "Operation timed out", whatever the last isComplete saw. An isComplete that keeps
 * meeting a 5xx would ask to be polled again until that generic message ends the request. To put the
 * service's own words in the FAILED reason instead, onEvent stamps its answer with the time polling
 * starts (a top-level field: the framework merges onEvent's answer into the event it gives every
 * isComplete call, and builds the CloudFormation response from named fields only, so the stamp never
 * reaches CloudFormation), and isComplete fails with the last service error once the next poll
 * could fall after the budget.
 */

/** Seconds between two isComplete calls: the Provider's queryInterval. */
export const POLL_INTERVAL_SECONDS = 30;

/** The Provider's totalTimeout: the waiter retries isComplete totalTimeout / queryInterval times. */
export const POLLING_BUDGET_SECONDS = 600;

/** The top-level field of onEvent's answer that carries the stamp into the isComplete events. */
export interface PollingStart {
  /** When onEvent answered (ISO 8601): the earliest the waiter's first isComplete call can start. */
  readonly PollingStartedAt: string;
}

/** The stamp onEvent adds to its answer when isComplete will poll. */
export function pollingStart(now: number): PollingStart {
  return { PollingStartedAt: new Date(now).toISOString() };
}

/**
 * Whether the waiter may call isComplete no more after a call that ends at `now`. The waiter counts
 * calls, not time, but calls are at least a queryInterval apart, so its last call comes no earlier
 * than totalTimeout after onEvent answered: once the next poll would start past the budget, this may
 * be the last one. (When isComplete calls are slow, that is a poll or a few before the waiter's own
 * limit: the budget is the documented totalTimeout, not the count.) False when the event has no
 * stamp, e.g. a request started by an older handler: the waiter then ends it as before.
 */
export function pollingBudgetSpent(event: { readonly PollingStartedAt?: unknown }, now: number): boolean {
  const started = typeof event.PollingStartedAt === 'string' ? Date.parse(event.PollingStartedAt) : NaN;
  if (Number.isNaN(started)) return false;
  return now - started + POLL_INTERVAL_SECONDS * 1000 > POLLING_BUDGET_SECONDS * 1000;
}

/**
 * The error isComplete fails with when a transient failure (a 5xx, throttling, a lost connection)
 * lasted until the polling budget was spent: the operation and the service's last message first,
 * as every other failure reads, then how long it was retried.
 */
export class PollingBudgetSpentError extends Error {
  constructor(lastFailure: Error, event: { readonly PollingStartedAt?: unknown }, now: number) {
    const minutes = Math.round((now - Date.parse(String(event.PollingStartedAt))) / 6_000) / 10;
    super(`${lastFailure.message} (still failing after ${minutes} minutes of isComplete retries; ` +
      `the provider's ${POLLING_BUDGET_SECONDS / 60}-minute polling budget is spent)`);
    this.name = 'PollingBudgetSpentError';
  }
}
