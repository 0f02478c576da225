import { Tokenization } from 'aws-cdk-lib';

/**
 * A number as a custom-resource property. CloudFormation delivers every property to the handler
 * as a string anyway, so the construct sends strings and both sides agree on the type; a token
 * stays a token.
 */
export function numberProperty(value: number | undefined): string | undefined {
  return value === undefined ? undefined : Tokenization.stringifyNumber(value);
}
