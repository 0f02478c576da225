/**
 * Constraints of one field, as the service model states them (`@length`, `@range`, `@pattern`,
 * `@enum`). The same rule checks a construct prop at synth time and a token-valued property again
 * in the handler, so both reject exactly the same values.
 */
export type FieldRule = FieldConstraints & FieldPattern;

/**
 * A pattern always comes with its reading in words: a user is told the rule ("base64"), never
 * shown the regular expression.
 */
export type FieldPattern =
  | { readonly pattern?: undefined; readonly patternInWords?: undefined }
  | {
    readonly pattern: string;
    /** What the pattern allows, read after "must be": `base64`, `letters (A-Z, a-z) and digits only`. */
    readonly patternInWords: string;
  };

/** Everything a rule states but its pattern. */
export interface FieldConstraints {
  /** The name the user wrote: the construct prop, e.g. `redundancyPercent`. */
  readonly field: string;
  /** The model shape the rule comes from, e.g. `RedundancyPercent` (checked by the drift test). */
  readonly shape: string;
  /** `integer` and `long` are whole numbers; `double` allows fractions. */
  readonly type: 'string' | 'integer' | 'double';
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly min?: number;
  readonly max?: number;
  readonly allowed?: readonly string[];
}

/** Smithy `integer` is a signed 32-bit value, whatever `@range` leaves open. */
export const INT32_MAX = 2147483647;

/**
 * Describes how `value` breaks `rule`, or returns undefined when it satisfies it.
 * The text reads after the field name: "must be an integer from 0 to 100, got 140".
 */
export function ruleViolation(rule: FieldRule, value: unknown): string | undefined {
  switch (rule.type) {
    case 'integer': return integerViolation(rule, value);
    case 'double': return doubleViolation(rule, value);
    default: return stringViolation(rule, value);
  }
}

/** Throws when `value` breaks `rule`; `subject` names where the value came from. */
export function assertRule(subject: string, rule: FieldRule, value: unknown): void {
  const violation = ruleViolation(rule, value);
  if (violation) {
    throw new Error(`${subject}: ${rule.field} ${violation}`);
  }
}

function integerViolation(rule: FieldRule, value: unknown): string | undefined {
  const min = rule.min ?? -INT32_MAX - 1;
  const max = rule.max ?? INT32_MAX;
  const wanted = rule.max === undefined ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return `must be ${wanted}, got ${show(value)}`;
  }
  return undefined;
}

function doubleViolation(rule: FieldRule, value: unknown): string | undefined {
  const { min, max } = rule;
  const wanted = min !== undefined && max !== undefined ? `a number from ${min} to ${max}`
    : min !== undefined ? `a number of at least ${min}` : max !== undefined ? `a number of at most ${max}` : 'a number';
  if (typeof value !== 'number' || !Number.isFinite(value) || (min !== undefined && value < min) || (max !== undefined && value > max)) {
    return `must be ${wanted}, got ${show(value)}`;
  }
  return undefined;
}

function stringViolation(rule: FieldRule, value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return `must be a string, got ${show(value)}`;
  }
  if (rule.allowed && !rule.allowed.includes(value)) {
    return `must be one of ${rule.allowed.join(', ')}, got ${show(value)}`;
  }
  // A value of the wrong form hears the whole rule (form and length); one of the right form but
  // the wrong length hears its count.
  if (rule.pattern !== undefined && !new RegExp(rule.pattern).test(value)) {
    const range = lengthRange(rule);
    return `must be ${rule.patternInWords}${range ? `, ${range} characters` : ''}, got ${show(value)}`;
  }
  // Smithy's @length counts Unicode code points; String#length counts UTF-16 units (an emoji is 2).
  const length = [...value].length;
  if (length < (rule.minLength ?? 0) || (rule.maxLength !== undefined && length > rule.maxLength)) {
    return `must be ${lengthRange(rule)} characters long, got ${length} characters (${show(value)})`;
  }
  return undefined;
}

/** "at most 332", "1 to 256", "at least 1", or undefined when the length is free. */
function lengthRange(rule: FieldRule): string | undefined {
  const min = rule.minLength ?? 0;
  const max = rule.maxLength;
  if (max === undefined) return min === 0 ? undefined : `at least ${min}`;
  return min === 0 ? `at most ${max}` : `${min} to ${max}`;
}

/** Quotes a value for an error message, shortened so a 4 KB CloudFormation response still fits. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
