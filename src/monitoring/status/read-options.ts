import { callService } from '../../shared/service-call';

/**
 * How a status read may spend time and what it reports about itself. Every member is optional so
 * the `status` command can call a reader with a client and a task id only.
 */
export interface ReadOptions {
  /**
   * Epoch milliseconds after which no new attempt starts (throttling is retried until then).
   * @default 60 seconds from the first call
   */
  readonly deadline?: number;
  /** @default Date.now */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Told of every request sent, retries included, so the monitor can log its API calls per tick. */
  readonly onRequest?: (operation: string) => void;
  /**
   * Also report each target's status (`TaskProgress.targetStatuses`), for the `status --targets`
   * view: no extra call for a FUOTA task (its devices are listed anyway), ListOtaTaskExecutions'
   * pages for an OTA task. The monitor never asks.
   * @default false
   */
  readonly withTargets?: boolean;
}

const DEFAULT_BUDGET_MS = 60_000;

/** A service call under `options`: retried by the shared helper, counted once per attempt. */
export type ServiceCaller = <T>(operation: string, send: () => Promise<T>) => Promise<T>;

export function serviceCaller(options: ReadOptions = {}): ServiceCaller {
  const now = options.now ?? Date.now;
  const deadline = options.deadline ?? now() + DEFAULT_BUDGET_MS;
  return (operation, send) => callService(operation, () => {
    options.onRequest?.(operation);
    return send();
  }, { deadline, now, sleep: options.sleep, random: options.random });
}
