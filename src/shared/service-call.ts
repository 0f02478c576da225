/**
 * Calls a service operation, retrying throttling and server errors with full-jitter exponential
 * backoff while time remains, and reports any other failure as
 * `<Operation> failed: <ErrorName>: <service message>` so the CloudFormation event shows the
 * service's own words.
 *
 * Many tasks in one stack deploy in parallel, each in its own Lambda invocation, so throttling is
 * expected: the SDK's own retries are turned off in the clients and this loop, which knows the
 * invocation's deadline, takes their place.
 */
export async function callService<T>(operation: string, call: () => Promise<T>, options: CallOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt));
      if (!isTransient(error) || options.now() + delay + MIN_ATTEMPT_MS > options.deadline) {
        throw new ServiceCallError(operation, error);
      }
      await sleep(delay);
    }
  }
}

export interface CallOptions {
  /** Epoch milliseconds after which no new attempt starts. */
  readonly deadline: number;
  readonly now: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const BASE_DELAY_MS = 200;
const MAX_DELAY_MS = 10_000;
/** Time kept for the attempt itself after a back-off, so a retry is not started only to be cut off. */
const MIN_ATTEMPT_MS = 3_000;

/** A failure worth retrying: throttling, a 5xx, or a network error before any answer. */
export function isTransient(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return Boolean(e?.$retryable)
    || status === 429
    || (status !== undefined && status >= 500)
    || ['ThrottlingException', 'TooManyRequestsException', 'InternalServerException', 'ServiceUnavailableException', 'TimeoutError', 'RequestTimeout'].includes(e?.name ?? '')
    || ['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN'].includes(e?.code ?? '')
    // The SDK sometimes wraps a dropped connection in a plain Error that keeps only the text.
    || /socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT/.test(e?.message ?? '');
}

/**
 * Whether a failed call may still have taken effect: no answer came (a timeout, a dropped
 * connection) or the answer was a 5xx, which does not say whether the request was applied. A 4xx
 * (throttling included) says the request was refused.
 */
export function outcomeUnknown(error: unknown): boolean {
  const status = (unwrap(error) as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}

/** Whether the service said the resource does not exist. */
export function isNotFound(error: unknown): boolean {
  return serviceErrorIs(error, 'ResourceNotFoundException') || (unwrap(error) as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404;
}

/** Whether the service's answer (inside a ServiceCallError or not) was the error named `name`. */
export function serviceErrorIs(error: unknown, name: string): boolean {
  return (unwrap(error) as { name?: string })?.name === name;
}

function unwrap(error: unknown): unknown {
  return error instanceof ServiceCallError ? error.serviceError : error;
}

/** Longest service message kept: the whole CloudFormation response must stay under 4 KB. */
const MAX_MESSAGE_CHARS = 1000;

export class ServiceCallError extends Error {
  public readonly transient: boolean;

  constructor(public readonly operation: string, public readonly serviceError: unknown) {
    super(`${operation} failed: ${describe(serviceError)}`);
    this.name = 'ServiceCallError';
    this.transient = isTransient(serviceError);
  }
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string };
  const text = e?.name && e.name !== 'Error' ? `${e.name}: ${e.message ?? ''}` : String(e?.message ?? error);
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}... (truncated)` : text;
}
