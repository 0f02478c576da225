import { Annotations, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { MANAGED_INTEGRATIONS_REGIONS, MANAGED_INTEGRATIONS_REGIONS_CONTEXT } from './ota-task-rules';

/**
 * Fails synth for a stack in a concrete region where IoT Managed Integrations does not run, since
 * the deployment could only fail there. Regions the service reaches after this release can be
 * allowed with the `cdk-iot-ota-tasks:managedIntegrationsRegions` context value. An
 * environment-agnostic stack gets a warning instead.
 */
export function checkManagedIntegrationsRegion(scope: IConstruct): void {
  const region = Stack.of(scope).region;
  const known = MANAGED_INTEGRATIONS_REGIONS.join(', ');
  if (Token.isUnresolved(region)) {
    Annotations.of(scope).addWarningV2('cdk-iot-ota-tasks:managedIntegrationsRegion',
      `This stack has no concrete region; IoT Managed Integrations runs only in ${known}. Deploy it there.`);
    return;
  }
  if ([...MANAGED_INTEGRATIONS_REGIONS, ...extraRegions(scope)].includes(region)) return;
  throw new Error(
    `${scope.node.path}: IoT Managed Integrations is not available in ${region} (it runs in ${known}). ` +
    `If the service has since arrived in ${region}, allow it with the context value ` +
    `"${MANAGED_INTEGRATIONS_REGIONS_CONTEXT}": ["${region}"] (in cdk.json or with --context).`,
  );
}

function extraRegions(scope: IConstruct): string[] {
  const value: unknown = scope.node.tryGetContext(MANAGED_INTEGRATIONS_REGIONS_CONTEXT);
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  // From the command line a context value arrives as a string: accept "a,b" or a JSON list.
  const text = String(value).trim();
  return text.startsWith('[') ? (JSON.parse(text) as unknown[]).map(String) : text.split(',').map((r) => r.trim()).filter(Boolean);
}
