import { Token } from 'aws-cdk-lib';
import { assertRule, FieldRule } from './constraints';

/**
 * Checks a construct's props at synth against their rules, naming the construct `path` in the
 * error. An absent prop is not checked, nor a token: the handler checks its resolved value before
 * any service call.
 */
export function propChecker(path: string): (rule: FieldRule, value: unknown) => void {
  return (rule, value) => {
    if (value !== undefined && !Token.isUnresolved(value)) assertRule(path, rule, value);
  };
}
