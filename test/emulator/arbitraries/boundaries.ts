// Value generators around the boundaries of model constraints, for the validation-agreement
// property tests: lengths at min-1, min, max, max+1, in-range and out-of-range numbers, fractions,
// non-finite numbers, enum values and near misses.
import * as fc from 'fast-check';

/** Plain ASCII letters and digits: matches every pattern of the fields tested. */
export const ALNUM = fc.constantFrom(...'abcXYZ019'.split(''));

/**
 * A string of exactly one of `lengths` characters (code points) drawn from `unit`. Lengths below
 * zero are dropped.
 */
export function stringOfLengths(lengths: readonly number[], unit: fc.Arbitrary<string> = ALNUM): fc.Arbitrary<string> {
  const valid = [...new Set(lengths.filter((n) => n >= 0))];
  return fc.constantFrom(...valid).chain((n) => fc.string({ unit, minLength: n, maxLength: n }));
}

/** Lengths around a `@length` constraint: 0, 1, min-1, min, max-1, max, max+1, and one in between. */
export function lengthsAround(min: number, max: number | undefined): number[] {
  const top = max ?? min + 300;
  return [0, 1, min - 1, min, min + 1, Math.floor((min + top) / 2), top - 1, top, top + 1];
}

/**
 * A string around a `@length` constraint: mostly `unit` characters, sometimes with characters
 * from `odd` mixed in (outside a pattern, or outside the Basic Multilingual Plane).
 */
export function boundedString(min: number, max: number | undefined, odd: readonly string[] = []): fc.Arbitrary<string> {
  const plain = stringOfLengths(lengthsAround(min, max));
  if (odd.length === 0) return plain;
  const unit = fc.oneof({ arbitrary: ALNUM, weight: 30 }, { arbitrary: fc.constantFrom(...odd), weight: 1 });
  const mixed = stringOfLengths(lengthsAround(min, max), unit);
  return fc.oneof({ arbitrary: plain, weight: 3 }, { arbitrary: mixed, weight: 1 });
}

/** Numbers around a `@range` (integer or double): bounds, their neighbours, fractions, non-finite values, 32-bit limits. */
export function numberAround(min: number | undefined, max: number | undefined, step = 1): fc.Arbitrary<number> {
  const lo = min ?? -(2 ** 31);
  const hi = max ?? 2 ** 31 - 1;
  const neighbours = [lo - step, lo, lo + step, hi - step, hi, hi + step];
  const edges = [lo + 0.5, (lo + hi) / 2 + 0.25, 0, -0, -1,
    2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, -Infinity];
  const inside = Number.isInteger(lo) && Number.isInteger(hi)
    ? fc.integer({ min: Math.max(lo, -(2 ** 31)), max: Math.min(hi, 2 ** 31 - 1) })
    : fc.double({ min: lo, max: hi, noNaN: true });
  return fc.oneof(
    { arbitrary: fc.constantFrom(...neighbours), weight: 3 },
    { arbitrary: fc.constantFrom(...edges), weight: 1 },
    { arbitrary: inside, weight: 6 },
    // fractions just either side of each bound
    { arbitrary: fc.oneof(fc.double({ min: lo - 2, max: lo + 2, noNaN: true }), fc.double({ min: hi - 2, max: hi + 2, noNaN: true })), weight: 1 },
  );
}

/** Every value of an enum plus near misses (case, spacing, empty). */
export function enumValue(values: readonly string[]): fc.Arbitrary<string> {
  const misses = ['', values[0].toLowerCase(), ` ${values[0]}`, `${values[0]}_`, 'UNKNOWN'];
  return fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 4 }, { arbitrary: fc.constantFrom(...misses), weight: 1 });
}

/** `arb` or undefined (left out). */
export function optional<T>(arb: fc.Arbitrary<T>, presentWeight = 3): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: arb, weight: presentWeight });
}

/**
 * Records where every field but one holds a value `accepts` judges valid (or is left out), and the
 * one in focus is drawn from its boundary generator: so each boundary is seen alone, not only
 * behind another field's violation. `accepts` only steers generation; verdicts come from the
 * validators under test.
 */
export function oneFieldAtTheEdge<T extends Record<string, unknown>>(
  fields: { readonly [K in keyof T]: fc.Arbitrary<T[K]> },
  accepts: (partial: Partial<T>) => boolean,
): fc.Arbitrary<Partial<T>> {
  const keys = Object.keys(fields) as (keyof T & string)[];
  type Optional = { [K in keyof T]: fc.Arbitrary<T[K] | undefined> };
  const valid = Object.fromEntries(keys.map((key) =>
    [key, optional(fields[key].filter((value) => accepts({ [key]: value } as Partial<T>)), 1)])) as Optional;
  return fc.constantFrom(...keys).chain((focus) => fc.record({ ...valid, [focus]: fields[focus] }) as fc.Arbitrary<Partial<T>>);
}

/** Records where every field is drawn from its generator or left out. */
export function anyFields<T extends Record<string, unknown>>(fields: { readonly [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<Partial<T>> {
  const entries = Object.entries(fields).map(([key, arb]) => [key, optional(arb as fc.Arbitrary<unknown>)]);
  return fc.record(Object.fromEntries(entries)) as fc.Arbitrary<Partial<T>>;
}

/** The values a record of generators produces, each optional. */
export type FieldValues<F> = { -readonly [K in keyof F]?: F[K] extends fc.Arbitrary<infer V> ? V : never };
