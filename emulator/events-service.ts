/**
 * Amazon EventBridge rules, for a campaign monitor that disables its own schedule once every task
 * has finished: DescribeRule, DisableRule and EnableRule over the awsJson1_1 protocol
 * (`POST /`, `X-Amz-Target: AWSEvents.<Operation>`, signing name `events`).
 *
 * There is no EventBridge model in ../shared/aws-models, so these few members are checked by hand,
 * from the EventBridge API reference, not from a constraint table:
 * - Name: required, 1 to 64 characters of `[\.\-_A-Za-z0-9]+`;
 * - EventBusName: optional, 1 to 1600 characters, a bus name or a bus ARN (default `default`).
 * Other members are refused when `strictMembers` is on, like the model-checked services.
 * Assumptions: rules exist only when seeded (`ServiceEmulator.putRule`, or the replay's
 * AWS::Events::Rule resources); disabling a disabled rule (enabling an enabled one) succeeds and
 * changes nothing; an unknown rule is ResourceNotFoundException "Rule <name> does not exist on
 * EventBus <bus>.", the service's wording.
 */
import { ServiceError } from './errors';
import { defined, OperationInput, OperationResult, ServiceContext } from './operation';
import { EventRuleRecord } from './state';

export const EVENTS_OPERATIONS = ['DescribeRule', 'DisableRule', 'EnableRule'] as const;
export type EventsOperation = typeof EVENTS_OPERATIONS[number];

/** The awsJson1_1 target prefix of EventBridge. */
export const EVENTS_TARGET_PREFIX = 'AWSEvents.';

/** Error types of the three operations, with their status (awsJson1_1 puts the type in `__type`). */
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

  /** The hand-written constraints (no model): the service's "N validation errors detected" message. */
  private validate(input: OperationInput): void {
    const problems: string[] = [];
    const check = (member: string, wire: string, min: number, max: number, pattern: RegExp) => {
      const value = input[member];
      if (value === undefined) return;
      if (typeof value !== 'string') problems.push(`Value at '${wire}' failed to satisfy constraint: Member must be a string`);
      else if (value.length < min || value.length > max) problems.push(`Value '${value}' at '${wire}' failed to satisfy constraint: Member must have length between ${min} and ${max}`);
      else if (!pattern.test(value)) problems.push(`Value '${value}' at '${wire}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`);
    };
    if (input.Name === undefined) problems.push("Value null at 'name' failed to satisfy constraint: Member must not be null");
    check('Name', 'name', 1, 64, NAME_PATTERN);
    check('EventBusName', 'eventBusName', 1, 1600, BUS_PATTERN);
    if (this.strictMembers) {
      for (const member of Object.keys(input).filter((name) => name !== 'Name' && name !== 'EventBusName')) {
        problems.push(`Value at '${member}' failed to satisfy constraint: Member is not in the operation's input`);
      }
    }
    if (problems.length > 0) {
      throw new ServiceError('ValidationException', `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`);
    }
  }
}

/** A bus name from a name or an ARN. */
function busName(nameOrArn: string | undefined): string {
  if (nameOrArn === undefined) return 'default';
  return nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.indexOf(':event-bus/') + ':event-bus/'.length) : nameOrArn;
}
