// EventBridge for the campaign monitor, hand-signed (JSON 1.1 protocol: POST / with X-Amz-Target),
// because no EventBridge client is among the SDK packages the library builds with and two
// operations do not justify a new one in the bundle: DisableRule (the monitor's own schedule) and
// PutEvents (the rollout controller's events). Like the other hand-signed clients it does not
// retry: callers wrap calls in `callService`.
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsCredentialIdentityProvider, exchange, Sha256 } from '../../shared/signed-http';
import { serviceError } from '../../shared/signed-xml-client';

/** Options of {@link EventBridge}. */
export interface EventBridgeOptions {
  readonly region: string;
  /** @default defaultProvider() */
  readonly credentials?: AwsCredentialIdentityProvider;
  /**
   * @default AWS_ENDPOINT_URL_EVENTBRIDGE, then AWS_ENDPOINT_URL, then https://events.<region>.amazonaws.com
   */
  readonly endpoint?: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** One event for {@link EventBridge.putEvents}. */
export interface EventEntry {
  /** `Source`, such as `cdk-iot-ota-tasks.rollout`. */
  readonly source: string;
  /** `DetailType`, such as `Rollout Wave Started`. */
  readonly detailType: string;
  /** Sent as `Detail`, a JSON object string. */
  readonly detail: object;
  /** ARNs the event is about. */
  readonly resources?: readonly string[];
  /** A bus name or ARN. @default the account's default bus */
  readonly eventBusName?: string;
  /** @default the time EventBridge receives it */
  readonly time?: Date;
}

/** PutEvents takes at most this many entries per request. */
export const MAX_ENTRIES_PER_REQUEST = 10;
/** ...and at most this total entry size (EventBridge's reckoning, {@link entrySize}) per request. */
export const MAX_REQUEST_ENTRY_BYTES = 256 * 1024;

/** Error codes of a failed entry that mean "try again later". */
const TRANSIENT_ENTRY_ERRORS = new Set(['ThrottlingException', 'InternalFailure']);

/** The monitor's EventBridge: its own schedule, which it turns off once there is nothing left to watch, and events to buses. */
export class EventBridge {
  private readonly url: URL;
  private readonly signer: SignatureV4;

  constructor(private readonly options: EventBridgeOptions) {
    const region = options.region;
    const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    this.url = new URL(options.endpoint
      ?? (process.env.AWS_ENDPOINT_URL_EVENTBRIDGE || process.env.AWS_ENDPOINT_URL || `https://events.${region}.${suffix}`));
    this.signer = new SignatureV4({ service: 'events', region, credentials: options.credentials ?? defaultProvider(), sha256: Sha256 });
  }

  /** `DisableRule` on the default event bus; disabling a disabled rule succeeds. */
  public async disableRule(name: string): Promise<void> {
    await this.call('AWSEvents.DisableRule', { Name: name });
  }

  /**
   * `PutEvents`, in as few requests as the limits allow (10 entries, 256 KB each), one after the
   * other; returns the event ids in the order of `entries`. Any failed entry throws, named after
   * the first one's ErrorCode (transient when throttled or an internal failure); the entries of
   * earlier requests, and the others of the failing one, were accepted, so a retry of the whole
   * call sends them again (EventBridge delivers at least once: consumers must bear duplicates anyway).
   */
  public async putEvents(entries: readonly EventEntry[]): Promise<string[]> {
    const ids: string[] = [];
    for (const chunk of chunks(entries)) {
      const answer = await this.call('AWSEvents.PutEvents', { Entries: chunk.map(wireEntry) });
      const results = Array.isArray(answer.Entries) ? answer.Entries as Record<string, unknown>[] : [];
      const failedCount = Number(answer.FailedEntryCount ?? 0);
      const failedIndex = results.findIndex((result) => result?.ErrorCode !== undefined);
      if (failedCount > 0 || failedIndex >= 0) {
        const failed = results[failedIndex] ?? {};
        const code = String(failed.ErrorCode ?? 'PutEventsFailure');
        const at = Math.max(failedIndex, 0);
        const message = `${failedCount || 1} of ${chunk.length} entries failed; the first (entry ${ids.length + at + 1}, ${chunk[at].detailType}): ${String(failed.ErrorMessage ?? 'no message')}`;
        throw serviceError(code, message, 200, TRANSIENT_ENTRY_ERRORS.has(code));
      }
      ids.push(...results.map((result) => String(result?.EventId)));
    }
    return ids;
  }

  /** Signs and sends one awsJson1_1 request (`target` in full, so the bundle shows the operations it calls); the parsed answer of a 2xx, else the error as the SDK would throw it. */
  private async call(target: string, input: object): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    const path = this.url.pathname || '/';
    const headers: Record<string, string> = {
      'host': this.url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
      'content-length': String(Buffer.byteLength(body)),
    };
    const port = this.url.port ? Number(this.url.port) : undefined;
    const request = { method: 'POST', protocol: this.url.protocol, hostname: this.url.hostname, port, path, query: {}, headers, body };
    const signed = await this.signer.sign(request, { signingDate: (this.options.now ?? (() => new Date()))() });
    const answer = await exchange(this.url, { method: 'POST', path, headers: signed.headers }, body, this.options.timeoutMs ?? 10_000);
    const parsed = parseJsonObject(answer.body);
    if (answer.statusCode >= 200 && answer.statusCode < 300) return parsed;
    // JSON 1.1 errors: `__type` (maybe namespaced `aws.events#…`) and `message`.
    const type = String(parsed.__type ?? `HTTP${answer.statusCode}`).split('#').pop()!;
    throw serviceError(type, String(parsed.message ?? parsed.Message ?? `HTTP ${answer.statusCode}`), answer.statusCode, type === 'ThrottlingException');
  }
}

/**
 * An entry's size as EventBridge counts it against the 256 KB: the UTF-8 bytes of Source,
 * DetailType, Detail and each resource, plus 14 for a Time ("Calculating PutEvents event entry
 * size" in the EventBridge user guide). The JSON around them does not count.
 */
export function entrySize(entry: EventEntry): number {
  return (entry.time ? 14 : 0) + Buffer.byteLength(entry.source) + Buffer.byteLength(entry.detailType)
    + Buffer.byteLength(JSON.stringify(entry.detail)) + (entry.resources ?? []).reduce((sum, arn) => sum + Buffer.byteLength(arn), 0);
}

/** Consecutive runs of at most 10 entries and 256 KB; an entry over 256 KB on its own is refused. */
function chunks(entries: readonly EventEntry[]): EventEntry[][] {
  const runs: EventEntry[][] = [];
  let current: EventEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (entry.detail === null || typeof entry.detail !== 'object' || Array.isArray(entry.detail)) {
      throw new Error(`PutEvents: the detail of "${entry.detailType}" must be a JSON object`);
    }
    const size = entrySize(entry);
    if (size > MAX_REQUEST_ENTRY_BYTES) {
      throw new Error(`PutEvents: the event "${entry.detailType}" from ${entry.source} is ${size} bytes, over EventBridge's ${MAX_REQUEST_ENTRY_BYTES} (put the payload elsewhere and send a reference)`);
    }
    if (current.length === MAX_ENTRIES_PER_REQUEST || bytes + size > MAX_REQUEST_ENTRY_BYTES) {
      runs.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** The PutEventsRequestEntry of an entry; Time as epoch seconds, the awsJson1_1 timestamp format. */
function wireEntry(entry: EventEntry): Record<string, unknown> {
  const wire: Record<string, unknown> = { Source: entry.source, DetailType: entry.detailType, Detail: JSON.stringify(entry.detail) };
  if (entry.resources) wire.Resources = [...entry.resources];
  if (entry.eventBusName !== undefined) wire.EventBusName = entry.eventBusName;
  if (entry.time) wire.Time = entry.time.getTime() / 1000;
  return wire;
}

function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? parsed as Record<string, unknown> : {};
  } catch {
    return {};
  }
}
