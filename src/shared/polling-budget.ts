// Shared by constructs and handler bundles: it must import nothing, or the bundles would carry it.
/**
 * How long isComplete may keep a request going, decided by the handler by the clock.
 *
 * The Provider framework's waiter counts calls, not time: it retries isComplete queryInterval
 * apart, totalTimeout / queryInterval times, and then answers CloudFormation a bare "Operation
 * timed out", whatever the last call saw. Counting would make the budget depend on how long each
 * call takes (21 fast polls are 10 minutes, 21 busy ones nearly 30), and the failure would not say
 * why. So the handler owns the budget instead: onEvent stamps its answer with the time polling
 * starts (a top-level field: the framework merges onEvent's answer into the event every isComplete
 * call gets, and builds the CloudFormation response from named fields only, so the stamp never
 * reaches CloudFormation); isComplete asks to be polled again only while the budget lasts, and after
 * that fails with what it was waiting for: the service's last error, or the work still to do. The
 * waiter is given a count that cannot run out first (see WAITER_TOTAL_TIMEOUT_SECONDS).
 */

/** Seconds between two isComplete calls: the Provider's queryInterval. */
export const POLL_INTERVAL_SECONDS = 30;

/** How long after onEvent answered isComplete may still ask to be polled again. */
export const POLLING_BUDGET_SECONDS = 20 * 60;

/**
 * The Provider's totalTimeout. Its waiter makes totalTimeout / queryInterval retries, at least a
 * queryInterval apart, so its last call starts no earlier than totalTimeout after the first: two
 * intervals beyond the budget, that call always finds the budget spent and answers (done, or a
 * failure with the reason) before the count could end the request with "Operation timed out".
 */
export const WAITER_TOTAL_TIMEOUT_SECONDS = POLLING_BUDGET_SECONDS + 2 * POLL_INTERVAL_SECONDS;

/** The top-level field of onEvent's answer that carries the stamp into the isComplete events. */
export interface PollingStart {
  /** When onEvent answered (ISO 8601): no isComplete call of the request starts earlier. */
  readonly PollingStartedAt: string;
}

/** The stamp onEvent adds to its answer when isComplete will poll. */
export function pollingStart(now: number): PollingStart {
  return { PollingStartedAt: new Date(now).toISOString() };
}

/**
 * Whether the budget is spent at `now`. False when the event has no stamp (a request started by an
 * older handler): the waiter's count then ends it, as before.
 */
export function pollingBudgetSpent(event: { readonly PollingStartedAt?: unknown }, now: number): boolean {
  const started = stampOf(event);
  return started !== undefined && now - started >= POLLING_BUDGET_SECONDS * 1000;
}

/**
 * isComplete's "not yet": `{ IsComplete: false }` while the budget lasts, after that a failure that
 * says what was still outstanding (`pending`: the service's last error, or the work left).
 */
export function pollAgain(event: { readonly PollingStartedAt?: unknown }, now: number, pending: string): { IsComplete: false } {
  if (pollingBudgetSpent(event, now)) throw new PollingBudgetSpentError(pending, event, now);
  return { IsComplete: false };
}

/** The failure once the budget is spent: what was outstanding first, then how long it was polled. */
export class PollingBudgetSpentError extends Error {
  constructor(pending: string, event: { readonly PollingStartedAt?: unknown }, now: number) {
    const minutes = Math.round((now - (stampOf(event) ?? now)) / 6_000) / 10;
    super(`${pending} (not done after ${minutes} minutes of isComplete polls; ` +
      `the provider's ${POLLING_BUDGET_SECONDS / 60}-minute budget is spent)`);
    this.name = 'PollingBudgetSpentError';
  }
}

function stampOf(event: { readonly PollingStartedAt?: unknown }): number | undefined {
  const started = typeof event.PollingStartedAt === 'string' ? Date.parse(event.PollingStartedAt) : NaN;
  return Number.isNaN(started) ? undefined : started;
}
