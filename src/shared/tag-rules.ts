import { Token } from 'aws-cdk-lib';
import { assertRule, FieldRule } from './constraints';

/**
 * What is wrong with the tags a task ends up with, checked as a validation so tags that aspects
 * (`Tags.of(...)`) add are seen too.
 */
export function tagViolations(
  what: string,
  tags: readonly (readonly [string, string])[],
  limits: { readonly max: number; readonly key: FieldRule; readonly value: FieldRule },
): string[] {
  const errors: string[] = [];
  if (tags.length > limits.max) {
    errors.push(`${what} takes at most ${limits.max} tags, got ${tags.length}`);
  }
  for (const [key, value] of tags) {
    for (const [rule, text] of [[limits.key, key], [limits.value, value]] as const) {
      try {
        if (!Token.isUnresolved(text)) assertRule('tag', rule, text);
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  }
  return errors;
}
