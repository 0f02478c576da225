// The README's run command: synthesize the example app into cdk.out/ and say what it would deploy.
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { ExampleStack } from './example-stack';

const outdir = path.join(__dirname, '..', 'cdk.out');
const app = new App({ outdir });
const stack = new ExampleStack(app, 'FuotaExample', { env: { account: '123456789012', region: 'eu-west-1' } });
const artifact = app.synth().getStackByName(stack.stackName);
const template = artifact.template as { Resources: Record<string, any>; Outputs?: Record<string, any> };
const resources = Object.entries(template.Resources);

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
const lines: string[] = [`Synthesized ${stack.stackName} (${stack.region}) into ${path.relative(process.cwd(), outdir)}/`, ''];

for (const [logicalId, resource] of resources.filter(([, r]) => r.Type === 'Custom::IoTWirelessFuotaTask')) {
  lines.push(`FUOTA task ${logicalId}`);
  for (const [key, value] of Object.entries(resource.Properties)) {
    if (key !== 'ServiceToken') lines.push(`  ${key.padEnd(20)} ${show(value)}`);
  }
  lines.push('');
}

lines.push('Outputs');
for (const [name, output] of Object.entries(template.Outputs ?? {})) {
  lines.push(`  ${name}: ${show(output.Value)}`);
}
lines.push('');

lines.push('IAM statements');
for (const [logicalId, resource] of resources.filter(([, r]) => r.Type === 'AWS::IAM::Policy')) {
  for (const statement of resource.Properties.PolicyDocument.Statement) {
    const actions = [statement.Action].flat().join(', ');
    const where = [statement.Resource].flat().map(show).join(', ');
    const condition = statement.Condition ? ` if ${show(statement.Condition)}` : '';
    lines.push(`  ${logicalId}: ${actions} on ${where}${condition}`);
  }
}
for (const [logicalId, resource] of resources.filter(([, r]) => r.Type === 'AWS::IAM::Role')) {
  const trusted = resource.Properties.AssumeRolePolicyDocument.Statement.map((s: any) => `${show(s.Principal)}${s.Condition ? ` if ${show(s.Condition)}` : ''}`);
  lines.push(`  ${logicalId} trusts ${trusted.join(', ')}`);
}
lines.push('');

const count = (type: string) => resources.filter(([, r]) => r.Type === type).length;
lines.push(`Lambda functions: ${count('AWS::Lambda::Function')}; state machines: ${count('AWS::StepFunctions::StateMachine')}; resources: ${resources.length}; outputs: ${Object.keys(template.Outputs ?? {}).length}`);
console.log(lines.join('\n'));
