import { assertRule, FieldRule, show } from './constraints';

/**
 * Reading custom-resource properties in a handler. CloudFormation delivers numbers as strings
 * ("20"), a direct invocation may send the number itself; both are accepted, anything else is
 * refused with the rule it breaks before any service call.
 */
export class PropertyReader {
  constructor(private readonly subject: string) {}

  public string(value: unknown, rule: FieldRule): string | undefined {
    if (value === undefined) return undefined;
    this.check(rule, value);
    return value as string;
  }

  public requiredString(value: unknown, rule: FieldRule): string {
    if (value === undefined) throw new Error(`${this.subject}: ${rule.field} is required`);
    return this.string(value, rule)!;
  }

  public number(value: unknown, rule: FieldRule): number | undefined {
    if (value === undefined) return undefined;
    const text = typeof value === 'string' ? value.trim() : undefined;
    const pattern = rule.type === 'integer' ? /^-?\d+$/ : /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
    const converted = text !== undefined && pattern.test(text) ? Number(text) : value;
    this.check(rule, converted);
    return converted as number;
  }

  public list(value: unknown, field: string): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new Error(`${this.subject}: ${field} must be a list, got ${show(value)}`);
    return value;
  }

  public object(value: unknown, field: string): Record<string, unknown> | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${this.subject}: ${field} must be an object, got ${show(value)}`);
    }
    return value as Record<string, unknown>;
  }

  public fail(message: string): never {
    throw new Error(`${this.subject}: ${message}`);
  }

  /** Any value, `undefined` included, checked against `rule` (for list items and map members). */
  public checked(value: unknown, rule: FieldRule): string {
    this.check(rule, value);
    return value as string;
  }

  private check(rule: FieldRule, value: unknown): void {
    assertRule(this.subject, rule, value);
  }
}
