/**
 * Throttling against a TPS budget, the way AWS APIs throttle: a token bucket per operation per
 * account and region, refilled on the emulator's virtual clock. A call takes a token; a call that
 * finds the bucket empty is throttled. So parallel callers are throttled by how fast they call
 * together, not by a fixed share of their calls, and a caller that backs off finds tokens again.
 *
 * The figures are ASSUMED. Neither IoT Wireless nor IoT Managed Integrations publishes a TPS figure
 * we could confirm for the operations the handlers call (SERVICE-FACTS §10: UNCONFIRMED), so the
 * defaults below are a guess of the usual order of magnitude of control-plane limits, and every run
 * may set its own. The library must not depend on them: its retries have to cope with any budget.
 */
import { matchesOperation, OperationRef } from './operation';

/**
 * ASSUMED sustained calls per second of any one operation (per account and region) when a run
 * names no figure of its own. UNCONFIRMED: see the file header.
 */
export const ASSUMED_TPS = 10;

/** ASSUMED burst: a full bucket holds this many seconds of the rate. */
export const ASSUMED_BURST_SECONDS = 1;

export interface TpsBudgetOptions {
  /** Calls per second per operation; `*` or leaving an operation out means `defaultTps`. */
  readonly tps?: { readonly [operation: OperationRef]: number };
  /** Default ASSUMED_TPS. */
  readonly defaultTps?: number;
  /** Seconds of the rate a full bucket holds (how big a burst passes at once). Default ASSUMED_BURST_SECONDS. */
  readonly burstSeconds?: number;
  /** Operations the budget applies to. Default: every operation of the two API services (not S3). */
  readonly operations?: readonly OperationRef[];
}

/** Who makes a call: buckets are per account and region, as AWS quotas are. */
export interface Caller {
  readonly account: string;
  readonly region: string;
}

interface Bucket {
  tokens: number;
  /** Virtual epoch milliseconds of the last refill. */
  refilledAt: number;
}

export class TpsBudget {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: TpsBudgetOptions, private readonly now: () => number) {
    for (const [operation, rate] of Object.entries({ '*': options.defaultTps ?? ASSUMED_TPS, ...options.tps })) {
      if (!(rate > 0)) throw new Error(`TPS budget of ${operation} must be a positive number, got ${rate}`);
    }
    if (!((options.burstSeconds ?? ASSUMED_BURST_SECONDS) > 0)) throw new Error(`burstSeconds must be positive, got ${options.burstSeconds}`);
  }

  /** Whether this call fits the budget; takes its token if it does. */
  public take(caller: Caller, service: string, operation: string): boolean {
    if (!this.applies(service, operation)) return true;
    const rate = this.rate(service, operation);
    const capacity = Math.max(1, rate * (this.options.burstSeconds ?? ASSUMED_BURST_SECONDS));
    const key = `${caller.account}/${caller.region}/${service}:${operation}`;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, refilledAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.refilledAt) / 1000) * rate);
    bucket.refilledAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private applies(service: string, operation: string): boolean {
    const refs = this.options.operations;
    return refs ? refs.some((ref) => matchesOperation(ref, service, operation)) : service !== 's3';
  }

  private rate(service: string, operation: string): number {
    const named = Object.entries(this.options.tps ?? {}).find(([ref]) => ref !== '*' && matchesOperation(ref, service, operation));
    return named?.[1] ?? this.options.tps?.['*'] ?? this.options.defaultTps ?? ASSUMED_TPS;
  }
}
