/**
 * Amazon EventBridge for a campaign monitor: DescribeRule, DisableRule and EnableRule of its own
 * schedule, and PutEvents of the rollout controller's events, over the awsJson1_1 protocol
 * (`POST /`, `X-Amz-Target: AWSEvents.<Operation>`, signing name `events`).
 *
 * There is no EventBridge model in ../shared/aws-models, so these few members are checked by hand,
 * from the EventBridge API reference, not from a constraint table:
 * - Name: required, 1 to 64 characters of `[\.\-_A-Za-z0-9]+`;
 * - EventBusName: optional, 1 to 1600 characters, a bus name or a bus ARN (default `default`);
 * - PutEvents Entries: required, 1 to 10 PutEventsRequestEntry; in each, Source, DetailType, Detail
 *   and TraceHeader (1 to 500 characters) are strings, Resources a list of strings, Time a
 *   timestamp (epoch seconds on the wire), EventBusName as above;
 * - PutEvents total entry size at most 256 KB, counted as the user guide's "Calculating PutEvents
 *   event entry size" does (UTF-8 bytes of Source, DetailType, Detail and each resource, 14 for a
 *   Time); over it: ValidationException "Total size of the entries in the request is over the
 *   limit." (the wording is UNCONFIRMED).
 * Other members are refused when `strictMembers` is on, like the model-checked services
 * (PutEvents' EndpointId, for global endpoints, is accepted and ignored).
 * A PutEvents entry without Source, DetailType or Detail, or whose Detail is not a JSON object, is
 * not delivered: it fails on its own in the answer (HTTP 200, FailedEntryCount), as the service
 * answers it, with ErrorCode InvalidArgument "Parameter(s) Source, DetailType, or Detail must be
 * specified." or MalformedDetail "Detail is malformed." (the codes are the documented ones; the
 * wording of the first is UNCONFIRMED).
 * Assumptions: rules exist only when seeded (`ServiceEmulator.putRule`, or the replay's
 * AWS::Events::Rule resources); disabling a disabled rule (enabling an enabled one) succeeds and
 * changes nothing; an unknown rule is ResourceNotFoundException "Rule <name> does not exist on
 * EventBus <bus>.", the service's wording. Every event bus exists; accepted events are only
 * recorded (`ServiceEmulator.publishedEvents()`), not matched against rules, and their EventIds
 * are deterministic UUID-shaped serials.
 */
import { ServiceError } from './errors';
import { defined, OperationInput, OperationResult, ServiceContext } from './operation';
import { EventRuleRecord, PublishedEventRecord } from './state';

export const EVENTS_OPERATIONS = ['DescribeRule', 'DisableRule', 'EnableRule', 'PutEvents'] as const;
export type EventsOperation = typeof EVENTS_OPERATIONS[number];

/** The awsJson1_1 target prefix of EventBridge. */
export const EVENTS_TARGET_PREFIX = 'AWSEvents.';

/** Error types of the four operations, with their status (awsJson1_1 puts the type in `__type`). */
export const EVENTS_ERROR_STATUS: { readonly [type: string]: number } = {
  ResourceNotFoundException: 400,
  ValidationException: 400,
  ConcurrentModificationException: 400,
  ManagedRuleException: 400,
  ThrottlingException: 400,
  SerializationException: 400,
  UnknownOperationException: 400,
  AccessDeniedException: 400,
  InternalException: 500,
};

const NAME_PATTERN = /^[.\-_A-Za-z0-9]+$/;
const BUS_PATTERN = /^(arn:aws[\w-]*:events:[a-z]{2}-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/.\-_A-Za-z0-9]+$/;
const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 256 * 1024;
const ENTRY_MEMBERS = ['Source', 'DetailType', 'Detail', 'Resources', 'EventBusName', 'Time', 'TraceHeader'];

type Check = (value: unknown, wire: string, min: number, max: number, pattern?: RegExp) => void;

export interface RuleSeed {
  readonly name: string;
  readonly eventBusName?: string;
  readonly scheduleExpression?: string;
  readonly eventPattern?: string;
  readonly description?: string;
  /** Default ENABLED. */
  readonly state?: 'ENABLED' | 'DISABLED';
}

export class EventsService {
  constructor(private readonly ctx: ServiceContext, private readonly strictMembers: boolean) {}

  public handle(operation: EventsOperation, input: OperationInput): OperationResult {
    if (operation === 'PutEvents') return { body: this.putEvents(input) };
    this.validate(input);
    const rule = this.rule(input);
    if (operation === 'DescribeRule') return { body: this.describe(rule) };
    const state = operation === 'DisableRule' ? 'DISABLED' : 'ENABLED';
    if (rule.state !== state) {
      rule.state = state;
      rule.history.push({ state, at: this.ctx.clock.now() });
    }
    return {};
  }

  /** Adds (or replaces) a rule, as a stack deployment would create it. */
  public put(seed: RuleSeed): EventRuleRecord {
    const eventBusName = seed.eventBusName ?? 'default';
    const arn = `arn:aws:events:${this.ctx.region}:${this.ctx.accountId}:rule/${eventBusName === 'default' ? '' : `${eventBusName}/`}${seed.name}`;
    const record: EventRuleRecord = {
      name: seed.name,
      arn,
      eventBusName,
      scheduleExpression: seed.scheduleExpression,
      eventPattern: seed.eventPattern,
      description: seed.description,
      state: seed.state ?? 'ENABLED',
      history: [],
    };
    this.ctx.state.eventRules.set(`${eventBusName}/${seed.name}`, record);
    return record;
  }

  public remove(name: string, eventBusName = 'default'): void {
    this.ctx.state.eventRules.delete(`${eventBusName}/${name}`);
  }

  private describe(rule: EventRuleRecord): object {
    return defined({
      Name: rule.name,
      Arn: rule.arn,
      EventPattern: rule.eventPattern,
      ScheduleExpression: rule.scheduleExpression,
      State: rule.state,
      Description: rule.description,
      EventBusName: rule.eventBusName,
      CreatedBy: this.ctx.accountId,
    });
  }

  private rule(input: OperationInput): EventRuleRecord {
    const bus = busName(input.EventBusName as string | undefined);
    const rule = this.ctx.state.eventRules.get(`${bus}/${input.Name}`);
    if (!rule) throw new ServiceError('ResourceNotFoundException', `Rule ${input.Name} does not exist on EventBus ${bus}.`);
    return rule;
  }

  /** Records each deliverable entry; the others fail on their own, as the service answers them. */
  private putEvents(input: OperationInput): object {
    this.validatePutEvents(input);
    const results = (input.Entries as OperationInput[]).map((entry) => {
      if (entry.Source === undefined || entry.DetailType === undefined || entry.Detail === undefined) {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter(s) Source, DetailType, or Detail must be specified.' };
      }
      const detail = parseObject(entry.Detail as string);
      if (!detail) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      const serial = this.ctx.state.nextSerial('event');
      const at = this.ctx.clock.now();
      const record: PublishedEventRecord = {
        eventId: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
        eventBusName: busName(entry.EventBusName as string | undefined),
        source: entry.Source as string,
        detailType: entry.DetailType as string,
        detail,
        resources: [...(entry.Resources as string[] | undefined) ?? []],
        time: entry.Time === undefined ? at : Math.round((entry.Time as number) * 1000),
        at,
      };
      this.ctx.state.publishedEvents.push(record);
      return { EventId: record.eventId };
    });
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  /** The hand-written constraints (no model): the service's "N validation errors detected" message. */
  private validate(input: OperationInput): void {
    const { problems, check } = checker();
    if (input.Name === undefined) problems.push("Value null at 'name' failed to satisfy constraint: Member must not be null");
    check(input.Name, 'name', 1, 64, NAME_PATTERN);
    check(input.EventBusName, 'eventBusName', 1, 1600, BUS_PATTERN);
    if (this.strictMembers) problems.push(...unknownMembers(input, ['Name', 'EventBusName'], ''));
    refuse(problems);
  }

  private validatePutEvents(input: OperationInput): void {
    const { problems, check } = checker();
    const entries = input.Entries;
    if (entries === undefined) {
      problems.push("Value null at 'entries' failed to satisfy constraint: Member must not be null");
    } else if (!Array.isArray(entries)) {
      problems.push("Value at 'entries' failed to satisfy constraint: Member must be a list");
    } else if (entries.length < 1) {
      problems.push("Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1");
    } else if (entries.length > MAX_ENTRIES) {
      problems.push(`Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`);
    }
    if (this.strictMembers) problems.push(...unknownMembers(input, ['Entries', 'EndpointId'], ''));
    const list = Array.isArray(entries) && entries.length <= MAX_ENTRIES ? entries as unknown[] : [];
    let bytes = 0;
    for (const [index, entry] of list.entries()) {
      const at = `entries.${index + 1}.member`;
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        problems.push(`Value at '${at}' failed to satisfy constraint: Member must be a structure`);
        continue;
      }
      const e = entry as OperationInput;
      for (const member of ['Source', 'DetailType', 'Detail']) check(e[member], `${at}.${lowerFirst(member)}`, 0, Infinity);
      check(e.TraceHeader, `${at}.traceHeader`, 1, 500);
      check(e.EventBusName, `${at}.eventBusName`, 1, 1600, BUS_PATTERN);
      if (e.Resources !== undefined && !(Array.isArray(e.Resources) && e.Resources.every((arn) => typeof arn === 'string'))) {
        problems.push(`Value at '${at}.resources' failed to satisfy constraint: Member must be a list of strings`);
      }
      if (e.Time !== undefined && !(typeof e.Time === 'number' && Number.isFinite(e.Time))) {
        problems.push(`Value at '${at}.time' failed to satisfy constraint: Member must be a timestamp`);
      }
      if (this.strictMembers) problems.push(...unknownMembers(e, ENTRY_MEMBERS, `${at}.`));
      bytes += entrySize(e);
    }
    refuse(problems);
    if (bytes > MAX_ENTRY_BYTES) throw new ServiceError('ValidationException', 'Total size of the entries in the request is over the limit.');
  }
}

/** Problems found so far, and the string check that adds to them. */
function checker(): { problems: string[]; check: Check } {
  const problems: string[] = [];
  const check: Check = (value, wire, min, max, pattern) => {
    if (value === undefined) return;
    if (typeof value !== 'string') problems.push(`Value at '${wire}' failed to satisfy constraint: Member must be a string`);
    else if (value.length < min || value.length > max) problems.push(`Value '${value}' at '${wire}' failed to satisfy constraint: Member must have length between ${min} and ${max}`);
    else if (pattern && !pattern.test(value)) problems.push(`Value '${value}' at '${wire}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`);
  };
  return { problems, check };
}

function unknownMembers(input: OperationInput, known: readonly string[], prefix: string): string[] {
  return Object.keys(input).filter((name) => !known.includes(name))
    .map((member) => `Value at '${prefix}${member}' failed to satisfy constraint: Member is not in the operation's input`);
}

function refuse(problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new ServiceError('ValidationException', `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`);
  }
}

/** An entry's size as EventBridge counts it against the 256 KB of a request. */
function entrySize(entry: OperationInput): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (entry.Time !== undefined ? 14 : 0) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail)
    + resources.reduce((sum: number, arn) => sum + bytes(arn), 0);
}

/** The JSON object `text` holds, or undefined when it holds something else or is not JSON. */
function parseObject(text: string): { [key: string]: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as { [key: string]: unknown } : undefined;
  } catch {
    return undefined;
  }
}

function lowerFirst(name: string): string {
  return name[0].toLowerCase() + name.slice(1);
}

/** A bus name from a name or an ARN. */
function busName(nameOrArn: string | undefined): string {
  if (nameOrArn === undefined) return 'default';
  return nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.indexOf(':event-bus/') + ':event-bus/'.length) : nameOrArn;
}
