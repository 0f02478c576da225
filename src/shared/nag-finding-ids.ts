import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The finding ids cdk-nag 3 reports for the rules that name each finding (`IAM5[Resource::…]`,
 * `IAM4[Policy::…]`): cdk-nag 3 only accepts an acknowledgement by that full id. They follow the
 * format cdk-nag documents for acknowledging a specific finding: the rule id, then in brackets
 * `Action::`, `Resource::` or `Policy::` and the value with references flattened (`<Ref>`,
 * `<Resource.Attribute>`). The latest-peers check fails if cdk-nag ever names them otherwise.
 */
export function nagFindingIds(ruleId: string, resource: CfnResource): string[] {
  if (ruleId.endsWith('-IAM5')) return wildcardFindings(resource).map((finding) => `${ruleId}[${finding}]`);
  if (ruleId.endsWith('-IAM4')) return managedPolicyFindings(resource).map((finding) => `${ruleId}[${finding}]`);
  return [];
}

interface PolicyStatementJson {
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly Resource?: unknown;
}

/** `Action::…` and `Resource::…` for every wildcard an Allow statement of the resource's policies holds. */
function wildcardFindings(resource: CfnResource): string[] {
  const stack = Stack.of(resource);
  const documents: unknown[] = [];
  if (resource instanceof iam.CfnPolicy || resource instanceof iam.CfnManagedPolicy) {
    documents.push(resource.policyDocument);
  } else if (resource instanceof iam.CfnRole || resource instanceof iam.CfnUser || resource instanceof iam.CfnGroup) {
    const inline = stack.resolve(resource.policies) as Array<{ policyDocument: unknown }> | undefined;
    documents.push(...(inline ?? []).map((policy) => stack.resolve(policy).policyDocument));
  }
  const findings = new Set<string>();
  for (const document of documents) {
    const statements = (stack.resolve(document)?.Statement ?? []) as PolicyStatementJson[];
    for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
      for (const action of asList(statement.Action).map(flatten)) if (action.includes('*')) findings.add(`Action::${action}`);
      for (const arn of asList(statement.Resource).map(flatten)) if (arn.includes('*')) findings.add(`Resource::${arn}`);
    }
  }
  return [...findings];
}

/** `Policy::…` for every AWS managed policy attached to a role, user or group. */
function managedPolicyFindings(resource: CfnResource): string[] {
  if (!(resource instanceof iam.CfnRole || resource instanceof iam.CfnUser || resource instanceof iam.CfnGroup)) return [];
  const stack = Stack.of(resource);
  const arns = (stack.resolve(resource.managedPolicyArns) ?? []) as unknown[];
  return arns.map((arn) => flatten(stack.resolve(arn))).filter((arn) => arn.includes(':iam::aws:')).map((arn) => `Policy::${arn}`);
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A resolved CloudFormation value as one string: `Fn::Join` joined, `Ref` as `<Id>`, `Fn::GetAtt` as `<Id.Attr>`. */
function flatten(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const intrinsic = value as Record<string, any>;
  if (intrinsic['Fn::Join']) {
    const [delimiter, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(delimiter);
  }
  if (intrinsic['Fn::Sub']) return flatten(intrinsic['Fn::Sub']);
  if (intrinsic['Fn::GetAtt']) {
    const [logicalId, attribute] = intrinsic['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(logicalId)}.${flatten(attribute)}>`;
  }
  if (intrinsic['Fn::ImportValue']) return flatten(intrinsic['Fn::ImportValue']);
  if (intrinsic.Ref) return `<${flatten(intrinsic.Ref)}>`;
  return JSON.stringify(value);
}
