import { TagManager, TagType, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { assertRule, FieldRule } from './constraints';

/** A service's rules for the tags of one kind of task. */
export interface TaskTagRules {
  /** What error messages call the task (`a FUOTA task`). */
  readonly what: string;
  readonly max: number;
  readonly key: FieldRule;
  readonly value: FieldRule;
}

/**
 * The tags of a task: a TagManager rendering in the service's form (a list of Key/Value pairs, or a
 * map), checked against the service's rules as a validation, so tags that aspects (`Tags.of(...)`)
 * add are seen too.
 */
export function validatedTaskTags(task: Construct, tagType: TagType.KEY_VALUE | TagType.MAP, resourceType: string, rules: TaskTagRules): TagManager {
  const tags = new TagManager(tagType, resourceType);
  task.node.addValidation({ validate: () => tagViolations(rules.what, renderedTagPairs(tags), rules) });
  return tags;
}

function renderedTagPairs(tags: TagManager): [string, string][] {
  const rendered: { Key: string; Value: string }[] | { [key: string]: string } | undefined = tags.renderTags();
  return Array.isArray(rendered) ? rendered.map((tag) => [tag.Key, tag.Value]) : Object.entries(rendered ?? {});
}

/** What is wrong with the tags a task ends up with. */
function tagViolations(what: string, tags: readonly (readonly [string, string])[], limits: Omit<TaskTagRules, 'what'>): string[] {
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
