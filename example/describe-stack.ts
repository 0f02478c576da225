// The demo's first part: what the synthesized example stack would deploy, in words: each task's
// properties, the outputs, the IAM statements of the library's roles, and the resource counts.
import * as path from 'path';

/** A template value as a person reads it: `${Ref}` and `${Resource.Attribute}` inside joined strings. */
function readable(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    if ('Ref' in v) return `\${${v.Ref}}`;
    if ('Fn::GetAtt' in v) return `\${${v['Fn::GetAtt'].join('.')}}`;
    if ('Fn::Join' in v) return v['Fn::Join'][1].map(readable).join(v['Fn::Join'][0]);
  }
  return JSON.stringify(value, (_key, inner) => (inner && typeof inner === 'object' && ('Ref' in inner || 'Fn::GetAtt' in inner || 'Fn::Join' in inner) ? readable(inner) : inner));
}

/** The lines that describe `template` of `stackName` in `region`, synthesized into `outdir`. */
export function describeStack(
  template: { Resources: Record<string, any>; Outputs?: Record<string, any> }, stackName: string, region: string, outdir: string,
): string[] {
  const resources = Object.entries(template.Resources);
  const show = readable;
  const lines: string[] = [`Synthesized ${stackName} (${region}) into ${path.relative(process.cwd(), outdir)}/`, ''];
  const kinds: Record<string, string> = {
    'Custom::IoTWirelessFuotaTask': 'FUOTA task (IoT Wireless)',
    'Custom::IoTManagedIntegrationsOtaTaskConfiguration': 'OTA task configuration (IoT Managed Integrations)',
    'Custom::IoTManagedIntegrationsOtaTask': 'OTA task (IoT Managed Integrations)',
  };
  for (const [logicalId, resource] of resources.filter(([, r]) => r.Type in kinds)) {
    lines.push(`${kinds[resource.Type]} ${logicalId}`);
    for (const [key, value] of Object.entries(resource.Properties)) {
      if (key === 'ServiceToken' || key === 'ServiceTimeout') continue;
      const text = key === 'JobDocument' ? `${JSON.stringify(JSON.parse(value as string))} (stored by the handler in the job-document bucket)` : show(value);
      lines.push(`  ${key.padEnd(20)} ${text}`);
    }
    lines.push('');
  }

  lines.push('Outputs');
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    lines.push(`  ${name}: ${show(output.Value)}`);
  }
  lines.push('');

  lines.push('IAM statements of the library\'s roles');
  let frameworkStatements = 0;
  for (const [logicalId, resource] of resources.filter(([, r]) => r.Type === 'AWS::IAM::Policy')) {
    const statements = resource.Properties.PolicyDocument.Statement as any[];
    // The CDK Provider framework's own roles only invoke the handlers and start the waiter.
    if (/framework|waiterstatemachine/.test(logicalId)) {
      frameworkStatements += statements.length;
      continue;
    }
    for (const statement of statements) {
      const actions = [statement.Action].flat().join(', ');
      const where = [statement.Resource].flat().map(show).join(', ');
      const condition = statement.Condition ? ` if ${show(statement.Condition)}` : '';
      lines.push(`  ${logicalId.replace(/DefaultPolicy\w+$/, '')}: ${actions} on ${where}${condition}`);
    }
  }
  for (const [logicalId, resource] of resources.filter(([id, r]) => r.Type === 'AWS::IAM::Role' && !/framework|waiterstatemachine/.test(id))) {
    const trusted = resource.Properties.AssumeRolePolicyDocument.Statement.map((st: any) => `${show(st.Principal)}${st.Condition ? ` if ${show(st.Condition)}` : ''}`);
    lines.push(`  ${logicalId} trusts ${trusted.join(', ')}`);
  }
  for (const [logicalId, resource] of resources.filter(([, r]) => r.Type === 'AWS::S3::BucketPolicy')) {
    for (const statement of resource.Properties.PolicyDocument.Statement) {
      lines.push(`  ${logicalId}: ${statement.Effect} ${show(statement.Principal)} ${[statement.Action].flat().join(', ')} on ${[statement.Resource].flat().map(show).join(', ')}${statement.Condition ? ` if ${show(statement.Condition)}` : ''}`);
    }
  }
  lines.push(`  (plus ${frameworkStatements} statements of the CDK Provider framework's roles: invoke the handlers, start the waiter)`);
  lines.push('');

  const count = (type: string) => resources.filter(([, r]) => r.Type === type).length;
  lines.push(`Lambda functions: ${count('AWS::Lambda::Function')}; state machines: ${count('AWS::StepFunctions::StateMachine')}; resources: ${resources.length}; outputs: ${Object.keys(template.Outputs ?? {}).length}`);
  return lines;
}
