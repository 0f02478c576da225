/**
 * Fault injection, set per run. Three kinds:
 * - rates: throttling and server errors drawn from a seeded generator, one draw per matching call
 *   in arrival order, so a run with the same seed and the same call order sees the same faults.
 *   The real services' TPS limits are UNCONFIRMED (SERVICE-FACTS §10), so the throttling rate is an
 *   assumed parameter of the run, not a model of either service's quota.
 * - a TPS budget (tps-budget.ts): a token bucket per operation on the virtual clock, with assumed
 *   figures, for runs where how fast the callers call together decides who is throttled.
 * - scripted faults on the Nth call of an operation (counted from when the fault is added): an
 *   error, a delay in real milliseconds (bounded, to outlast a client's timeout), a dropped
 *   connection, or the death of the caller (`kill`); each either before the operation runs, or
 *   `applied` (the change is made and only the answer is lost or replaced, as when a response is
 *   lost on the way back, or the caller dies before it reads it).
 */
import { ServiceName } from './errors';
import { matchesOperation, OperationRef } from './operation';
import { Caller, TpsBudget, TpsBudgetOptions } from './tps-budget';

export type { OperationRef } from './operation';

export type FaultAction =
  | { readonly kind: 'error'; readonly type?: string; readonly status?: number; readonly message?: string; readonly applied?: boolean }
  /** Answers after `ms` real milliseconds; applied (the change is made) unless `applied: false`. */
  | { readonly kind: 'delay'; readonly ms: number; readonly applied?: boolean }
  /** Closes the connection without an answer. */
  | { readonly kind: 'drop'; readonly applied?: boolean }
  /**
   * The invocation making the call dies before it reads the answer, as when its Lambda times out or
   * runs out of memory mid-step: the emulator never answers and tells its kill listener (the
   * replay) which caller to kill. Applied (the change is made) unless `applied: false`.
   */
  | { readonly kind: 'kill'; readonly applied?: boolean };

export interface CallFault {
  readonly operation: OperationRef;
  /** 1-based index among the matching calls received after the fault was added. Default 1. */
  readonly call?: number;
  /** Consecutive calls affected from `call` on. Default 1; `Infinity` for every later call. */
  readonly times?: number;
  /** Default: InternalServerException (S3: InternalError), not applied. */
  readonly action?: FaultAction;
}

export interface RateFault {
  /** Probability, 0 to 1, that a matching call fails. */
  readonly rate: number;
  /** Default: every operation of the two API services (not S3). */
  readonly operations?: readonly OperationRef[];
}

export interface FaultOptions {
  /** Seed of the generator behind the rates. Default 1. */
  readonly seed?: number;
  readonly throttle?: RateFault;
  /** Throttles the calls beyond a TPS budget per operation (ASSUMED figures by default). */
  readonly tpsBudget?: TpsBudgetOptions;
  readonly serverErrors?: RateFault;
  readonly calls?: readonly CallFault[];
}

/** The fault chosen for one call, with the error already in the service's terms. */
export interface FaultDecision {
  /** How the journal names it: `throttle`, `server-error`, or `call #2 of CreateFuotaTask: error`. */
  readonly label: string;
  readonly kind: 'error' | 'delay' | 'drop' | 'kill';
  readonly applied: boolean;
  readonly error?: { readonly type: string; readonly message: string; readonly status?: number };
  readonly delayMs?: number;
}

/** Longest injected delay: enough to outlast any client timeout the tests set, short enough not to hang a run. */
export const MAX_FAULT_DELAY_MS = 30_000;

interface ScriptedFault {
  readonly fault: CallFault;
  seen: number;
}

export class FaultInjector {
  /** How many calls each kind of fault hit (`throttled` counts the rate and the TPS budget). */
  public readonly counts = { throttled: 0, serverErrors: 0, scripted: 0 };
  private random: () => number;
  private throttleRate?: RateFault;
  private budget?: TpsBudget;
  private serverErrorRate?: RateFault;
  private scripted: ScriptedFault[] = [];

  /** `now` is the clock the TPS budget refills on (the emulator's virtual clock). */
  constructor(options: FaultOptions = {}, private readonly now: () => number = Date.now) {
    this.random = seededRandom(options.seed ?? 1);
    this.configure(options);
  }

  /** Replaces every fault (and the seed, when given) and zeroes the counts. */
  public reset(options: FaultOptions = {}): void {
    if (options.seed !== undefined) this.random = seededRandom(options.seed);
    this.throttleRate = undefined;
    this.budget = undefined;
    this.serverErrorRate = undefined;
    this.scripted = [];
    Object.assign(this.counts, { throttled: 0, serverErrors: 0, scripted: 0 });
    this.configure(options);
  }

  /** Throttles a share of calls; `rate` 0 turns it off. */
  public throttle(rate: number, operations?: readonly OperationRef[]): void {
    this.throttleRate = rate > 0 ? checkedRate({ rate, operations }) : undefined;
  }

  /** Throttles the calls beyond `budget` (a fresh, full bucket per operation); undefined turns it off. */
  public tpsBudget(budget: TpsBudgetOptions | undefined): void {
    this.budget = budget && new TpsBudget(budget, this.now);
  }

  /** Fails a share of calls with the service's 500 error; `rate` 0 turns it off. */
  public serverErrors(rate: number, operations?: readonly OperationRef[]): void {
    this.serverErrorRate = rate > 0 ? checkedRate({ rate, operations }) : undefined;
  }

  /** Adds a scripted fault; the Nth matching call counts from now. */
  public inject(fault: CallFault): void {
    const action = fault.action;
    if (action?.kind === 'delay' && !(action.ms >= 0 && action.ms <= MAX_FAULT_DELAY_MS)) {
      throw new Error(`fault delay must be 0..${MAX_FAULT_DELAY_MS} ms, got ${action.ms}`);
    }
    if ((fault.call ?? 1) < 1 || (fault.times ?? 1) < 1) throw new Error('fault call and times must be >= 1');
    this.scripted.push({ fault, seen: 0 });
  }

  /** Shorthand: the `call`-th call of `operation` fails with `action` (default a 500). */
  public failCall(operation: OperationRef, call = 1, action?: FaultAction): void {
    this.inject({ operation, call, action });
  }

  /**
   * The fault for this call, if any. Every matching scripted fault counts the call and every
   * configured rate draws, whichever fault wins, so one fault never shifts another's sequence.
   */
  public decide(service: ServiceName, operation: string, caller?: Caller): FaultDecision | undefined {
    let chosen: FaultDecision | undefined;
    for (const entry of this.scripted) {
      if (!matchesOperation(entry.fault.operation, service, operation)) continue;
      entry.seen++;
      const first = entry.fault.call ?? 1;
      if (!chosen && entry.seen >= first && entry.seen < first + (entry.fault.times ?? 1)) {
        chosen = scriptedDecision(entry.fault, entry.seen, service, operation);
      }
    }
    const throttled = this.draw(this.throttleRate, service, operation);
    const overBudget = this.budget ? !this.budget.take(caller ?? { account: 'unknown', region: 'unknown' }, service, operation) : false;
    const failed = this.draw(this.serverErrorRate, service, operation);
    if (chosen) {
      this.counts.scripted++;
      return chosen;
    }
    if (throttled || overBudget) {
      this.counts.throttled++;
      return { label: throttled ? 'throttle' : 'throttle (TPS budget)', kind: 'error', applied: false, error: throttlingError(service) };
    }
    if (failed) {
      this.counts.serverErrors++;
      return { label: 'server-error', kind: 'error', applied: false, error: serverError(service) };
    }
    return undefined;
  }

  private configure(options: FaultOptions): void {
    if (options.throttle) this.throttle(options.throttle.rate, options.throttle.operations);
    if (options.tpsBudget) this.tpsBudget(options.tpsBudget);
    if (options.serverErrors) this.serverErrors(options.serverErrors.rate, options.serverErrors.operations);
    for (const fault of options.calls ?? []) this.inject(fault);
  }

  private draw(rate: RateFault | undefined, service: ServiceName, operation: string): boolean {
    if (!rate) return false;
    const applies = rate.operations ? rate.operations.some((ref) => matchesOperation(ref, service, operation)) : service !== 's3';
    return applies && this.random() < rate.rate;
  }
}

function scriptedDecision(fault: CallFault, seen: number, service: ServiceName, operation: string): FaultDecision {
  const action = fault.action ?? { kind: 'error' };
  const label = `call #${seen} of ${operation}: ${action.kind}`;
  switch (action.kind) {
    case 'error': {
      const fallback = serverError(service);
      const error = { type: action.type ?? fallback.type, message: action.message ?? fallback.message, status: action.status };
      return { label, kind: 'error', applied: action.applied ?? false, error };
    }
    case 'delay':
      return { label: `${label} ${action.ms} ms`, kind: 'delay', applied: action.applied ?? true, delayMs: action.ms };
    case 'drop':
      return { label, kind: 'drop', applied: action.applied ?? false };
    case 'kill':
      return { label, kind: 'kill', applied: action.applied ?? true };
  }
}

function throttlingError(service: ServiceName) {
  return service === 's3'
    ? { type: 'SlowDown', message: 'Please reduce your request rate.' }
    : { type: 'ThrottlingException', message: 'Rate exceeded' };
}

function serverError(service: ServiceName) {
  if (service === 'events') return { type: 'InternalException', message: 'An internal error occurred (injected by the emulator).' };
  return service === 's3'
    ? { type: 'InternalError', message: 'We encountered an internal error. Please try again.' }
    : { type: 'InternalServerException', message: 'An internal error occurred (injected by the emulator).' };
}

function checkedRate(rate: RateFault): RateFault {
  if (!(rate.rate >= 0 && rate.rate <= 1)) throw new Error(`fault rate must be between 0 and 1, got ${rate.rate}`);
  return rate;
}

/**
 * Park–Miller minimal standard generator: small, seedable, and exact in floating point (the
 * product stays below 2^53), so no bit operations are needed.
 */
export function seededRandom(seed: number): () => number {
  const modulus = 2_147_483_647;
  let state = Math.abs(Math.floor(seed)) % modulus || 1;
  return () => {
    state = (state * 48_271) % modulus;
    return (state - 1) / (modulus - 1);
  };
}
