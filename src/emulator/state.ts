/**
 * Everything the emulator holds, as plain records a test or the demo can read directly. Field
 * groups named `fields` hold what the caller sent, by model member name; the rest is what the
 * service adds or tracks. Times are virtual epoch milliseconds.
 */
import { createHash } from 'node:crypto';
import type { FuotaDeviceOutcome, OtaExecutionOutcome, TargetPlan } from './campaign-outcomes';
import { conflict } from './errors';

/** What GetFuotaTask reports as Status: FuotaDone by the outcome model (fuota-progress.ts), Delete_Waiting only with `asyncFuotaDelete`. */
export type FuotaTaskStatus = 'Pending' | 'FuotaSession_Waiting' | 'In_FuotaSession' | 'FuotaDone' | 'Delete_Waiting';

export interface FuotaTaskRecord {
  readonly id: string;
  readonly arn: string;
  readonly createdAt: number;
  /** Name, Description, LoRaWAN, FirmwareUpdateImage, FirmwareUpdateRole, RedundancyPercent, FragmentSizeBytes, FragmentIntervalMS, Descriptor. */
  fields: { [member: string]: unknown };
  /** LoRaWAN.StartTime given to StartFuotaTask, as RFC 3339. */
  startTime?: string;
  /** When StartFuotaTask was accepted. */
  startedAt?: number;
  readonly wirelessDeviceIds: string[];
  readonly multicastGroupIds: string[];
  tags: { [key: string]: string };
  /** The seeded outcome of each device, fixed by StartFuotaTask (fuota-progress.ts). */
  plan?: readonly TargetPlan<FuotaDeviceOutcome>[];
  /** Set by DeleteFuotaTask when deletion is asynchronous (assumptions.ts): the task is Delete_Waiting. */
  deletion?: { polls: number };
}

export type OtaTaskStatus = 'IN_PROGRESS' | 'CANCELED' | 'COMPLETED' | 'DELETION_IN_PROGRESS' | 'SCHEDULED';

export interface OtaTaskRecord {
  readonly id: string;
  readonly arn: string;
  readonly createdAt: number;
  lastUpdatedAt: number;
  /** The CreateOtaTask members except ClientToken and Tags; Description and TaskConfigurationId change with UpdateOtaTask. */
  fields: { [member: string]: unknown };
  status: OtaTaskStatus;
  /** Set by DeleteOtaTask: the task lingers as DELETION_IN_PROGRESS until the deletion completes. */
  deletion?: { readonly requestedAt: number; polls: number };
  tags: { [key: string]: string };
  /** When the rollout starts (creation, or OtaSchedulingConfig.StartTime) and the seeded outcome of each target thing (ota-progress.ts). */
  rollout?: { readonly startsAt: number; readonly plan: readonly TargetPlan<OtaExecutionOutcome>[] };
}

/** An EventBridge rule, as DescribeRule answers it (events-service.ts). */
export interface EventRuleRecord {
  readonly name: string;
  readonly arn: string;
  readonly eventBusName: string;
  readonly scheduleExpression?: string;
  readonly eventPattern?: string;
  readonly description?: string;
  state: 'ENABLED' | 'DISABLED';
  /** State changes by DisableRule/EnableRule, with their virtual time. */
  readonly history: { readonly state: 'ENABLED' | 'DISABLED'; readonly at: number }[];
}

/** An event EventBridge PutEvents accepted (events-service.ts), in the order accepted. */
export interface PublishedEventRecord {
  /** The EventId answered: a deterministic UUID-shaped serial. */
  readonly eventId: string;
  /** The bus name (from a name or an ARN); `default` when the entry named none. */
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  /** The entry's Detail, parsed. */
  readonly detail: { readonly [key: string]: unknown };
  readonly resources: readonly string[];
  /** The event's time: the entry's Time, else when it was accepted. */
  readonly time: number;
  /** Virtual time at which it was accepted. */
  readonly at: number;
}

export interface OtaTaskConfigurationRecord {
  readonly id: string;
  readonly createdAt: number;
  /** Name, Description, PushConfig. */
  readonly fields: { [member: string]: unknown };
}

export interface S3ObjectRecord {
  readonly body: string;
  readonly contentType?: string;
  readonly etag: string;
  readonly lastModified: number;
}

/** The state of both services and the S3 stand-in. Maps keep insertion order, so listings are stable. */
export class EmulatorState {
  public readonly fuotaTasks = new Map<string, FuotaTaskRecord>();
  public readonly otaTasks = new Map<string, OtaTaskRecord>();
  public readonly otaTaskConfigurations = new Map<string, OtaTaskConfigurationRecord>();
  /** By `bucket/key`. */
  public readonly s3Objects = new Map<string, S3ObjectRecord>();
  /**
   * Wireless devices and multicast groups that exist. Undefined (the default) means any id exists;
   * a set makes associations of other ids fail with ResourceNotFoundException.
   */
  public knownWirelessDevices?: Set<string>;
  public knownMulticastGroups?: Set<string>;
  /** The wireless devices of each multicast group, by group id (only for FUOTA progress: groups are not modelled otherwise). */
  public readonly multicastGroupMembers = new Map<string, string[]>();
  /** EventBridge rules by `eventBusName/name`. */
  public readonly eventRules = new Map<string, EventRuleRecord>();
  /** Events accepted by PutEvents, in order. */
  public readonly publishedEvents: PublishedEventRecord[] = [];
  public readonly tokens = new IdempotencyTokens();
  private readonly counters = new Map<string, number>();

  /** The next id of a kind: deterministic, so two runs of the same script journal the same ids. */
  public nextSerial(kind: string): number {
    const next = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, next);
    return next;
  }

  public putObject(bucket: string, key: string, body: string, contentType: string | undefined, now: number): S3ObjectRecord {
    const record = { body, contentType, etag: `"${createHash('md5').update(body).digest('hex')}"`, lastModified: now };
    this.s3Objects.set(`${bucket}/${key}`, record);
    return record;
  }
}

/**
 * Client-token idempotency, as both services document it: the same token with the same request
 * answers with what the first request made; with a different request it is a ConflictException.
 * Tokens are remembered for the emulator's lifetime, also after the resource is deleted (the
 * services' token lifetime is UNCONFIRMED).
 */
export class IdempotencyTokens {
  private readonly seen = new Map<string, { fingerprint: string; id: string }>();

  /**
   * The id `token` already stands for in `scope`, or the id `create` makes. `request` is the whole
   * input; its token member `tokenMember` is left out of the comparison.
   */
  public resolve(scope: string, token: unknown, tokenMember: string, request: { [member: string]: unknown }, create: () => string): string {
    if (typeof token !== 'string') return create();
    const { [tokenMember]: _token, ...rest } = request;
    const fingerprint = canonicalJson(rest);
    const earlier = this.seen.get(`${scope}\n${token}`);
    if (earlier && earlier.fingerprint !== fingerprint) {
      throw conflict(`${tokenMember} ${token} was already used with different parameters`, { ResourceId: earlier.id, ResourceType: scope });
    }
    if (earlier) return earlier.id;
    const id = create();
    this.seen.set(`${scope}\n${token}`, { fingerprint, id });
    return id;
  }
}

/** JSON with object keys sorted, so equal requests compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
