import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** One cdk-nag rule acknowledged on the library's own resources, with the reason why. */
export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
}

/**
 * Writes cdk-nag's suppression metadata on every CloudFormation resource under `scope`, the same
 * metadata `NagSuppressions.addResourceSuppressions` writes, so a user's own cdk-nag scan stays
 * clean on resources the library owns without the library depending on cdk-nag at run time.
 * Call it once the resources exist: cdk-nag's aspect reads the metadata before validation runs.
 */
export function acknowledgeNagFindings(scope: IConstruct, acknowledgements: NagAcknowledgement[]): void {
  for (const child of scope.node.findAll()) {
    if (child instanceof CfnResource) addToResource(child, acknowledgements);
  }
}

function addToResource(resource: CfnResource, acknowledgements: NagAcknowledgement[]) {
  const existing = (resource.getMetadata('cdk_nag')?.rules_to_suppress ?? []) as NagAcknowledgement[];
  const known = new Set(existing.map((rule) => rule.id));
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [...existing, ...acknowledgements.filter((rule) => !known.has(rule.id))],
  });
}
