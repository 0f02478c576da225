/**
 * Checks a parsed restJson1 request against an operation of the constraint table: required
 * members, types, lengths, ranges, patterns and enums, recursively. It reads only the table
 * derived from the models, never src/: the constructs' validators are written separately, so the
 * property tests compare two independent readings of the models.
 *
 * Messages imitate the wording AWS services commonly use (`1 validation error detected: Value 'x'
 * at 'name' failed to satisfy constraint: Member must have length less than or equal to 256`,
 * member paths in lower camel case, list items 1-based). The exact wording of these two services
 * is UNCONFIRMED; tests should match the constraint, not the whole sentence. Two points are
 * deliberately stricter than AWS is known to be, so client mistakes surface:
 * - a JSON value of the wrong type (a string where the model wants a number) is reported here as a
 *   validation error, where a real service may answer SerializationException instead;
 * - with `strictMembers`, a body member the model does not have is refused (AWS ignores unknown
 *   members, so a misspelt or miscased member would silently do nothing there).
 */
import { InputMemberSpec, MemberSpec, OperationSpec, ValueSpec } from './constraint-table';

/** A request as the router took it apart: decoded labels and query values, the JSON body. */
export interface HttpInput {
  readonly labels: { readonly [name: string]: string };
  readonly query: { readonly [name: string]: readonly string[] };
  /** Lower-case header names. */
  readonly headers: { readonly [name: string]: string | undefined };
  /** The parsed JSON body; undefined when the request has none. */
  readonly body: unknown;
}

export interface Violation {
  /** Member path as AWS prints it: `loRaWAN.rfRegion`, `tags.1.member.key`. */
  readonly path: string;
  /** The value, unless its shape is `@sensitive`; `null` stands for a missing value. */
  readonly value?: unknown;
  readonly constraint: string;
}

export interface ValidationResult {
  /** The input by model member name: label and query values converted to the member's type. */
  readonly input: { [member: string]: unknown };
  readonly violations: readonly Violation[];
}

export interface ValidationOptions {
  /** Refuse body members the model does not define. Default true. */
  readonly strictMembers?: boolean;
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** Assembles the operation's input from the request and checks it. */
export function validateInput(operation: OperationSpec, request: HttpInput, options: ValidationOptions = {}): ValidationResult {
  const strict = options.strictMembers ?? true;
  const input: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(operation.input)) {
    const value = boundValue(name, member, request);
    if (value !== undefined && value !== null) input[name] = value;
  }
  const violations: Violation[] = [];
  if (request.body !== undefined && !isPlainObject(request.body)) {
    violations.push({ path: 'body', value: request.body, constraint: 'Request body must be a JSON object' });
  }
  for (const [name, member] of Object.entries(operation.input)) {
    checkMember(member, input[name], lowerFirst(name), violations, strict);
  }
  if (strict && isPlainObject(request.body)) {
    for (const name of Object.keys(request.body)) {
      if (operation.input[name]?.binding !== 'body') {
        violations.push({ path: lowerFirst(name), value: request.body[name], constraint: 'Member is not in the operation\'s input' });
      }
    }
  }
  return { input, violations };
}

/** The ValidationException message for `violations`. */
export function validationMessage(violations: readonly Violation[]): string {
  const count = `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected`;
  return `${count}: ${violations.map(describe).join('; ')}`;
}

function describe(violation: Violation): string {
  const value = !('value' in violation) ? 'Value' : `Value ${violation.value === null ? 'null' : `'${show(violation.value)}'`}`;
  return `${value} at '${violation.path}' failed to satisfy constraint: ${violation.constraint}`;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 120)}...` : text;
}

/** The member's value where its binding puts it; text from labels, query and headers converted to its type. */
function boundValue(name: string, member: InputMemberSpec, request: HttpInput): unknown {
  switch (member.binding) {
    case 'label':
      return request.labels[name] === undefined ? undefined : fromText(member, request.labels[name]);
    case 'header': {
      const text = request.headers[member.name!.toLowerCase()];
      return text === undefined ? undefined : fromText(member, text);
    }
    case 'query': {
      const values = request.query[member.name!];
      if (values === undefined) return undefined;
      return member.type === 'list' ? values.map((text) => fromText(member.member, text)) : fromText(member, values[0]);
    }
    case 'body':
      return isPlainObject(request.body) ? request.body[name] : undefined;
  }
}

/** Text that is a valid literal of the member's type becomes that type; anything else stays text and fails the type check. */
function fromText(spec: ValueSpec, text: string): unknown {
  switch (spec.type) {
    case 'integer': case 'long':
      return /^-?\d+$/.test(text) ? Number(text) : text;
    case 'double': case 'float':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
}

function checkMember(member: MemberSpec, value: unknown, path: string, violations: Violation[], strict: boolean): void {
  if (value === undefined || value === null) {
    if (member.required) violations.push({ path, value: null, constraint: 'Member must not be null' });
    return;
  }
  checkValue(member, value, path, violations, strict);
}

function checkValue(spec: ValueSpec, value: unknown, path: string, violations: Violation[], strict: boolean): void {
  const fail = (constraint: string) => violations.push(spec.sensitive ? { path, constraint } : { path, value, constraint });
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return void fail('Member must be of type string');
      checkLength(spec.length, [...value].length, fail);
      if (spec.pattern !== undefined && !compiled(spec.pattern).test(value)) fail(`Member must satisfy regular expression pattern: ${spec.pattern}`);
      return;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) fail(`Member must satisfy enum value set: [${spec.values.join(', ')}]`);
      return;
    case 'integer': case 'long': {
      const limits = spec.type === 'integer' ? INT32 : { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
      if (typeof value !== 'number' || !Number.isInteger(value) || value < limits.min || value > limits.max) {
        return void fail(`Member must be of type ${spec.type}`);
      }
      return checkRange(spec.range, value, fail);
    }
    case 'double': case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return void fail(`Member must be of type ${spec.type}`);
      return checkRange(spec.range, value, fail);
    case 'boolean':
      if (typeof value !== 'boolean') fail('Member must be of type boolean');
      return;
    case 'timestamp':
      if (!isTimestamp(value, spec.format)) fail(`Member must be a timestamp in ${spec.format} format`);
      return;
    case 'blob':
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) fail('Member must be base64-encoded binary');
      return;
    case 'document':
      return;
    case 'list':
      if (!Array.isArray(value)) return void fail('Member must be a list');
      checkLength(spec.length, value.length, fail);
      value.forEach((item, index) => {
        const itemPath = `${path}.${index + 1}.member`;
        if (item === null || item === undefined) violations.push({ path: itemPath, value: null, constraint: 'Member must not be null' });
        else checkValue(spec.member, item, itemPath, violations, strict);
      });
      return;
    case 'map':
      if (!isPlainObject(value)) return void fail('Member must be a map');
      checkLength(spec.length, Object.keys(value).length, fail);
      for (const [key, item] of Object.entries(value)) {
        checkValue(spec.key, key, `${path}.${key}(key)`, violations, strict);
        if (item === null) violations.push({ path: `${path}.${key}`, value: null, constraint: 'Member must not be null' });
        else checkValue(spec.value, item, `${path}.${key}`, violations, strict);
      }
      return;
    case 'structure':
      if (!isPlainObject(value)) return void fail('Member must be a structure');
      for (const [name, member] of Object.entries(spec.members)) {
        checkMember(member, value[name], `${path}.${lowerFirst(name)}`, violations, strict);
      }
      if (strict) {
        for (const name of Object.keys(value)) {
          if (!(name in spec.members)) violations.push({ path: `${path}.${lowerFirst(name)}`, value: value[name], constraint: `Member is not in ${spec.shape}` });
        }
      }
      return;
  }
}

function checkLength(length: { min?: number; max?: number } | undefined, actual: number, fail: (constraint: string) => void): void {
  if (length?.min !== undefined && actual < length.min) fail(`Member must have length greater than or equal to ${length.min}`);
  if (length?.max !== undefined && actual > length.max) fail(`Member must have length less than or equal to ${length.max}`);
}

function checkRange(range: { min?: number; max?: number } | undefined, actual: number, fail: (constraint: string) => void): void {
  if (range?.min !== undefined && actual < range.min) fail(`Member must have value greater than or equal to ${range.min}`);
  if (range?.max !== undefined && actual > range.max) fail(`Member must have value less than or equal to ${range.max}`);
}

/** RFC 3339 with a time zone, as Smithy's date-time format requires. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function isTimestamp(value: unknown, format: string): boolean {
  if (format === 'epoch-seconds') return typeof value === 'number' && Number.isFinite(value);
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return false;
  return format !== 'date-time' || DATE_TIME.test(value);
}

const patterns = new Map<string, RegExp>();

/** Smithy patterns are ECMA-262 regular expressions, not implicitly anchored. */
function compiled(pattern: string): RegExp {
  let regex = patterns.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern);
    patterns.set(pattern, regex);
  }
  return regex;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
