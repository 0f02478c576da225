/** What the router hands a service: one call with its validated input, and what the service answers. */
import type { AssumedBehaviours } from './assumptions';
import type { VirtualClock } from './clock';
import type { EmulatorState } from './state';

export interface OperationResult {
  /** Default: the operation's success code from the model. */
  readonly status?: number;
  /** JSON-serialisable output (API services) or text (S3). */
  readonly body?: unknown;
  readonly headers?: { readonly [name: string]: string };
}

export type OperationInput = { readonly [member: string]: unknown };

/** What every service module gets. */
export interface ServiceContext {
  readonly state: EmulatorState;
  readonly clock: VirtualClock;
  readonly region: string;
  readonly accountId: string;
  /** The switchable assumptions (assumptions.ts); absent: all off. */
  readonly assumptions?: AssumedBehaviours;
}

/**
 * Carries out `operation` on `service`, whose public method of that name (as the model names the
 * operation: `CreateFuotaTask`) serves it. Operation names start upper-case and the services' own
 * helpers lower-case, so a route can reach nothing but an operation; a model operation without its
 * method is the emulator's bug.
 */
export function callOperation(service: object, operation: string, input: OperationInput): OperationResult {
  const method = /^[A-Z]\w*$/.test(operation) ? (service as { [name: string]: unknown })[operation] : undefined;
  if (typeof method !== 'function') throw new Error(`${service.constructor.name}: no method for the operation ${operation}`);
  return method.call(service, input);
}

/** Epoch seconds, the restJson1 default for timestamps in a body. */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Copies `record` without the keys whose value is undefined, so JSON output lists only members that are set. */
export function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/** An operation as fault and budget options name it: `CreateFuotaTask`, `iotwireless:TagResource` (TagResource exists in both API services), or `*`. */
export type OperationRef = string;

export function matchesOperation(ref: OperationRef, service: string, operation: string): boolean {
  if (ref === '*') return true;
  const [refService, refOperation] = ref.includes(':') ? ref.split(':') : [undefined, ref];
  return refOperation === operation && (refService === undefined || refService === service);
}
