// A tiny stand-in for the CDK Provider framework (onEvent + isComplete waiter), for one request at
// a time, run in the emulator's virtual time. Used by the fault-injection and concurrency tests.
import { VirtualClock } from '../../../src/emulator/clock';
import { HandlerPhase } from '../../../src/shared/handler-phase';
import { POLL_INTERVAL_SECONDS, WAITER_TOTAL_TIMEOUT_SECONDS } from '../../../src/shared/polling-budget';
import { IsCompleteResponse, OnEventResponse, ProviderEvent } from '../../../src/shared/provider-events';

/** The physical id the CDK Provider framework reports when onEvent fails on Create. */
export const CREATE_FAILED_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

/** Time between two isComplete calls: the library's queryInterval. */
export const POLL_INTERVAL_MS = POLL_INTERVAL_SECONDS * 1000;

/** The waiter's first isComplete call and its totalTimeout / queryInterval retries. */
export const MAX_IS_COMPLETE_CALLS = 1 + WAITER_TOTAL_TIMEOUT_SECONDS / POLL_INTERVAL_SECONDS;

/** Time an isComplete invocation has before its deadline: the library's 1-minute timeout less the handler's 10 s margin. */
export const INVOCATION_BUDGET_MS = 50_000;

/** Time an onEvent invocation has before its deadline: the library's 2-minute timeout less the handler's 10 s margin. */
export const ON_EVENT_BUDGET_MS = 110_000;

/** The deadline an invocation of `phase` starting at `now` has. */
export function invocationDeadline(phase: HandlerPhase, now: number): number {
  return now + (phase === 'onEvent' ? ON_EVENT_BUDGET_MS : INVOCATION_BUDGET_MS);
}

/**
 * What every lifecycle context of a run against the emulator holds besides its clients: the stack's
 * status as `stackStatus` reads it at each call, the emulator's virtual clock and the invocation's
 * deadline on it, a seeded random, no log.
 */
export function virtualInvocation(clock: VirtualClock, phase: HandlerPhase, stackStatus: () => string, random: () => number) {
  return {
    stacks: { status: async () => stackStatus() },
    deadline: invocationDeadline(phase, clock.now()),
    now: () => clock.now(),
    log: () => undefined,
    sleep: (ms: number) => clock.sleep(ms),
    random,
  };
}

export interface LifecycleHandler<C> {
  onEvent(event: ProviderEvent, ctx: C): Promise<OnEventResponse>;
  isComplete(event: ProviderEvent, ctx: C): Promise<IsCompleteResponse>;
}

/** What CloudFormation receives for one request. */
export interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly PhysicalResourceId: string;
  readonly Reason?: string;
  readonly Data?: { readonly [key: string]: unknown };
  /** isComplete calls made. */
  readonly polls: number;
}

/**
 * Runs one CloudFormation request the way the Provider framework does: onEvent once, then
 * isComplete (first at once, then every POLL_INTERVAL_MS of virtual time) until it says complete
 * or `maxPolls` calls have been made, then "Operation timed out" as the framework's onTimeout
 * answers. onEvent's whole answer is merged into the event isComplete gets, as the framework does.
 * `context(phase)` is called per invocation, so each gets its own deadline, as a fresh Lambda
 * invocation would.
 */
export async function provide<C>(
  event: ProviderEvent,
  handler: LifecycleHandler<C>,
  context: (phase: HandlerPhase) => C,
  clock: VirtualClock,
  maxPolls = MAX_IS_COMPLETE_CALLS,
): Promise<CfnResponse> {
  // The framework answers the Delete of a resource whose Create failed in onEvent by itself.
  if (event.RequestType === 'Delete' && event.PhysicalResourceId === CREATE_FAILED_MARKER) {
    return { Status: 'SUCCESS', PhysicalResourceId: CREATE_FAILED_MARKER, polls: 0 };
  }
  let result: OnEventResponse;
  try {
    result = await handler.onEvent(event, context('onEvent'));
  } catch (error) {
    const physicalId = event.RequestType === 'Create' ? CREATE_FAILED_MARKER : event.PhysicalResourceId!;
    return { Status: 'FAILED', PhysicalResourceId: physicalId, Reason: (error as Error).message, polls: 0 };
  }
  const physicalId = result.PhysicalResourceId ?? event.PhysicalResourceId ?? event.RequestId;
  const completing: ProviderEvent = { ...event, ...result, PhysicalResourceId: physicalId };
  for (let polls = 1; polls <= maxPolls; polls++) {
    if (polls > 1) await clock.sleep(POLL_INTERVAL_MS);
    let answer: IsCompleteResponse;
    try {
      answer = await handler.isComplete(completing, context('isComplete'));
    } catch (error) {
      return { Status: 'FAILED', PhysicalResourceId: physicalId, Reason: (error as Error).message, polls };
    }
    if (answer.IsComplete) {
      return { Status: 'SUCCESS', PhysicalResourceId: physicalId, Data: { ...result.Data, ...answer.Data }, polls };
    }
  }
  return { Status: 'FAILED', PhysicalResourceId: physicalId, Reason: 'Operation timed out', polls: maxPolls };
}

/**
 * Runs `runs` concurrently in virtual time: whenever every unfinished run is asleep on `clock`
 * (a handler's back-off, or the waiter between polls), time jumps to the earliest wake-up. A run
 * waiting on anything else (an HTTP answer) keeps time still, so the outcome never depends on the
 * machine's speed. Each run must sleep only through `clock.sleep` and wait for at most one thing at
 * a time (true of one Provider request: its calls are sequential).
 */
export async function inVirtualTime<T>(clock: VirtualClock, runs: readonly (() => Promise<T>)[]): Promise<T[]> {
  let unfinished = runs.length;
  let settled = false;
  const all = Promise.all(runs.map(async (run) => {
    try {
      return await run();
    } finally {
      unfinished--;
    }
  }));
  all.then(() => { settled = true; }, () => { settled = true; });
  while (!settled) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const next = clock.nextWakeUp();
    if (unfinished > 0 && next !== undefined && clock.sleeping === unfinished) clock.set(next);
  }
  return all;
}
