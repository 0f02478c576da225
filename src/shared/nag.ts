import { Aspects, CfnResource, IAspect } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { nagFindingIds } from './nag-finding-ids';

/** One cdk-nag rule acknowledged on the library's own resources, with the reason why. */
export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
}

/**
 * The node metadata cdk-nag 3 reads acknowledgements from (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY`
 * in aws-cdk-lib; written directly so it works on every aws-cdk-lib the library supports, and
 * because aws-cdk-lib 2.257's `Validations.acknowledge()` refuses ids that contain `::`).
 */
export const ACKNOWLEDGED_RULES = 'aws:cdk:acknowledged-rules';

/**
 * Acknowledges cdk-nag findings on every CloudFormation resource under `scope`, for both majors,
 * without the library depending on cdk-nag:
 * - cdk-nag 2 reads `cdk_nag` CloudFormation metadata (what `NagSuppressions.addResourceSuppressions`
 *   writes), where a rule id covers all of that rule's findings;
 * - cdk-nag 3 reads the `aws:cdk:acknowledged-rules` node metadata of the resource and its
 *   ancestors, and wants rules that name each finding (IAM4, IAM5) acknowledged finding by finding.
 *   Those ids depend on the final policies, so an aspect writes them once the app is built; cdk-nag 3
 *   validates after aspects have run.
 * Call it once the resources exist.
 */
export function acknowledgeNagFindings(scope: IConstruct, acknowledgements: NagAcknowledgement[]): void {
  for (const child of scope.node.findAll()) {
    if (child instanceof CfnResource) addCdkNagV2Metadata(child, acknowledgements);
  }
  scope.node.addMetadata(ACKNOWLEDGED_RULES, Object.fromEntries(acknowledgements.map((rule) => [rule.id, rule.reason])));
  Aspects.of(scope).add(new FindingAcknowledgements(acknowledgements));
}

function addCdkNagV2Metadata(resource: CfnResource, acknowledgements: NagAcknowledgement[]) {
  const existing = (resource.getMetadata('cdk_nag')?.rules_to_suppress ?? []) as NagAcknowledgement[];
  const known = new Set(existing.map((rule) => rule.id));
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [...existing, ...acknowledgements.filter((rule) => !known.has(rule.id))],
  });
}

/** Writes cdk-nag 3's per-finding acknowledgements on each resource, from its final properties. */
class FindingAcknowledgements implements IAspect {
  private readonly visited = new WeakSet<IConstruct>();

  constructor(private readonly acknowledgements: NagAcknowledgement[]) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || this.visited.has(node)) return;
    this.visited.add(node);
    const findings = this.acknowledgements.flatMap((rule) => nagFindingIds(rule.id, node).map((id) => [id, rule.reason]));
    if (findings.length > 0) node.node.addMetadata(ACKNOWLEDGED_RULES, Object.fromEntries(findings));
  }
}
