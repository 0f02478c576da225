// What a synthesized stack costs in CloudFormation's terms, read from the cloud assembly on disk:
// the template as CDK writes it (the bytes CloudFormation receives), resources, outputs, IAM
// policies, Lambda functions, asset bytes, and each role's aggregate inline-policy size.
import * as fs from 'fs';
import * as path from 'path';

export interface TemplateMetrics {
  readonly templateBytes: number;
  readonly resources: number;
  readonly outputs: number;
  /** AWS::IAM::Policy resources plus the inline policies declared on roles. */
  readonly iamPolicies: number;
  /** The policy documents' JSON, as written in the template (intrinsics included). */
  readonly iamPolicyBytes: number;
  /** The largest aggregate inline-policy size of one role, counted the way IAM counts it. */
  readonly largestRoleInlinePolicyChars: number;
  readonly lambdaFunctions: number;
  /** Bytes of every file asset the assembly holds (handler code and the like). */
  readonly assetBytes: number;
}

/**
 * IAM counts a role's inline policies together, without whitespace, against 10,240 characters.
 * Intrinsics are counted as written, not as resolved: a joined partition reference is longer than
 * the ARN it makes, a GetAtt shorter. The estimate is close, either way.
 */
export function iamCharacters(document: unknown): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

export function measureAssembly(outdir: string, stackName: string): TemplateMetrics {
  const templateFile = path.join(outdir, `${stackName}.template.json`);
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  const resources = Object.entries<any>(template.Resources ?? {});

  const roleInline = new Map<string, number>();
  const addToRole = (role: string, chars: number) => roleInline.set(role, (roleInline.get(role) ?? 0) + chars);
  let iamPolicies = 0;
  let iamPolicyBytes = 0;
  for (const [logicalId, resource] of resources) {
    if (resource.Type === 'AWS::IAM::Policy') {
      iamPolicies++;
      iamPolicyBytes += JSON.stringify(resource.Properties.PolicyDocument).length;
      for (const role of resource.Properties.Roles ?? []) {
        if (role?.Ref) addToRole(role.Ref, iamCharacters(resource.Properties.PolicyDocument));
      }
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const inline of resource.Properties?.Policies ?? []) {
        iamPolicies++;
        iamPolicyBytes += JSON.stringify(inline.PolicyDocument).length;
        addToRole(logicalId, iamCharacters(inline.PolicyDocument));
      }
    }
  }

  return {
    templateBytes: fs.statSync(templateFile).size,
    resources: resources.length,
    outputs: Object.keys(template.Outputs ?? {}).length,
    iamPolicies,
    iamPolicyBytes,
    largestRoleInlinePolicyChars: Math.max(0, ...roleInline.values()),
    lambdaFunctions: resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function' || r.Type === 'AWS::Serverless::Function').length,
    assetBytes: assetBytes(outdir, stackName),
  };
}

function assetBytes(outdir: string, stackName: string): number {
  const manifest = path.join(outdir, `${stackName}.assets.json`);
  if (!fs.existsSync(manifest)) return 0;
  const files = JSON.parse(fs.readFileSync(manifest, 'utf8')).files ?? {};
  let total = 0;
  for (const asset of Object.values<any>(files)) {
    // The template itself is listed as an asset too; it is measured as templateBytes.
    if (asset.source.path.endsWith('.template.json')) continue;
    total += sizeOf(path.join(outdir, asset.source.path));
  }
  return total;
}

function sizeOf(file: string): number {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(file).reduce((sum, entry) => sum + sizeOf(path.join(file, entry)), 0);
}
