import { Token } from 'aws-cdk-lib';

/**
 * The first value in `document` that JSON cannot carry, named by its JSON path
 * (`$.files[0].size is NaN, ...`), or undefined when all of it can. CDK's toJsonString, like
 * JSON.stringify, would otherwise drop it, write null, `{}` or (for a symbol) text that is not JSON,
 * without a word. Tokens are left alone: they resolve at deployment, and the handler checks that
 * the resolved document is JSON.
 */
export function jsonViolation(document: unknown): string | undefined {
  return violation(document, '$', []);
}

function violation(value: unknown, path: string, ancestors: readonly object[]): string | undefined {
  if (Token.isUnresolved(value)) return undefined;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot carry (it would be written as null): use a finite number or null`;
    case 'undefined':
      return `${path} is undefined, which JSON cannot carry (it would be left out): leave it out yourself, or use null`;
    case 'bigint':
      return `${path} is the bigint ${value}n, which JSON cannot carry: use a number or a string`;
    case 'function':
    case 'symbol':
      return `${path} is a ${typeof value}, which JSON cannot carry`;
  }
  if (value === null) return undefined;
  if (value instanceof Date) {
    // Written as its ISO string, as JSON.stringify does; an invalid Date has none.
    return Number.isNaN(value.getTime()) ? `${path} is an invalid Date, which JSON cannot carry` : undefined;
  }
  if (ancestors.includes(value as object)) return `${path} refers back to an object that contains it, and JSON cannot carry a cycle`;
  const inside = [...ancestors, value as object];
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const at = `${path}[${index}]`;
      if (!(index in value)) return `${at} is a hole in the array, which JSON cannot carry (it would be left out): use null`;
      const found = violation(value[index], at, inside);
      if (found) return found;
    }
    return undefined;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    // A Map, Set, RegExp or Buffer keeps its content outside its own fields: it would become {} or worse.
    return `${path} is a ${prototype?.constructor?.name ?? 'class instance'}, not a plain object or array, which JSON cannot carry as it is: convert it to a plain object, array or string`;
  }
  if (Object.getOwnPropertySymbols(value).length > 0) return `${path} has a symbol key, which JSON cannot carry (it would be left out)`;
  for (const [key, member] of Object.entries(value as object)) {
    const found = violation(member, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, inside);
    if (found) return found;
  }
  return undefined;
}
