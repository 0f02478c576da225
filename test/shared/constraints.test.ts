import { assertRule, FieldRule, ruleViolation } from '../../src/shared/constraints';

const percent: FieldRule = { field: 'redundancyPercent', shape: 'RedundancyPercent', type: 'integer', min: 0, max: 100 };
const atLeastOne: FieldRule = { field: 'fragmentSizeBytes', shape: 'FragmentSizeBytes', type: 'integer', min: 1 };
const name: FieldRule = { field: 'name', shape: 'Name', type: 'string', minLength: 1, maxLength: 4 };
const base64: FieldRule = { field: 'descriptor', shape: 'FileDescriptor', type: 'string', maxLength: 8, pattern: '^(?:[A-Za-z0-9+/]{4})*$', patternInWords: 'base64' };
const word: FieldRule = { field: 'word', shape: 'Word', type: 'string', pattern: '^[a-z]*$', patternInWords: 'lower-case letters only' };
const region: FieldRule = { field: 'rfRegion', shape: 'SupportedRfRegion', type: 'string', allowed: ['EU868', 'US915'] };

const cases: [FieldRule, unknown, string | undefined][] = [
  [percent, -1, 'must be an integer from 0 to 100, got -1'],
  [percent, 0, undefined],
  [percent, 100, undefined],
  [percent, 101, 'must be an integer from 0 to 100, got 101'],
  [percent, 2.5, 'must be an integer from 0 to 100, got 2.5'],
  [percent, '20', 'must be an integer from 0 to 100, got "20"'],
  [atLeastOne, 0, 'must be an integer of at least 1, got 0'],
  [atLeastOne, 2147483647, undefined],
  [atLeastOne, 2147483648, 'must be an integer of at least 1, got 2147483648'],
  [name, '', 'must be 1 to 4 characters long, got 0 characters ("")'],
  [name, 'abcd', undefined],
  [name, 'abcde', 'must be 1 to 4 characters long, got 5 characters ("abcde")'],
  [name, 7, 'must be a string, got 7'],
  [base64, 'AAAA', undefined],
  // The pattern is said in words with the length, never shown as a regular expression.
  [base64, 'AAA', 'must be base64, at most 8 characters, got "AAA"'],
  [base64, 'AAAA!AAAAAAA', 'must be base64, at most 8 characters, got "AAAA!AAAAAAA"'],
  [base64, 'AAAAAAAAAAAA', 'must be at most 8 characters long, got 12 characters ("AAAAAAAAAAAA")'],
  [word, 'Abc', 'must be lower-case letters only, got "Abc"'],
  [region, 'EU868', undefined],
  [region, 'EU867', 'must be one of EU868, US915, got "EU867"'],
];

test.each(cases.map(([rule, value, expected]) => [rule.field, value, expected, rule] as const))(
  '%s %p: %p',
  (_field, value, expected, rule) => {
    expect(ruleViolation(rule, value)).toBe(expected);
  },
);

test('assertRule names the subject and the field', () => {
  expect(() => assertRule('Stack/Task', percent, 140)).toThrow('Stack/Task: redundancyPercent must be an integer from 0 to 100, got 140');
});

test('long values are shortened in messages', () => {
  const message = ruleViolation({ ...name, maxLength: 100 }, 'x'.repeat(500))!;
  expect(message.length).toBeLessThan(200);
  expect(message).toContain('got 500 characters');
});

test.each([
  [1.09, 'must be a number from 1.1 to 5, got 1.09'],
  [1.1, undefined],
  [5, undefined],
  [5.01, 'must be a number from 1.1 to 5, got 5.01'],
  [Number.NaN, 'must be a number from 1.1 to 5, got NaN'],
  ['2', 'must be a number from 1.1 to 5, got "2"'],
])('double rule: %p', (value, expected) => {
  const factor: FieldRule = { field: 'incrementFactor', shape: 'IncrementFactor', type: 'double', min: 1.1, max: 5 };
  expect(ruleViolation(factor, value)).toBe(expected);
});

test('a double with only a maximum', () => {
  const threshold: FieldRule = { field: 'thresholdPercentage', shape: 'ThresholdPercentage', type: 'double', max: 100 };
  expect(ruleViolation(threshold, 100.5)).toBe('must be a number of at most 100, got 100.5');
  expect(ruleViolation(threshold, -3)).toBeUndefined();
});

test('lengths count characters (code points) as the service models do, not UTF-16 units', () => {
  const rule: FieldRule = { field: 'fuotaTaskName', shape: 'FuotaTaskName', type: 'string', maxLength: 2 };
  expect(ruleViolation(rule, '😀😀')).toBeUndefined();
  expect(ruleViolation(rule, '😀😀😀')).toMatch(/^must be at most 2 characters long, got 3 characters/);
});
