// cdk-nag AwsSolutions on the example app: every finding on the library's own resources is
// acknowledged by the library itself (cdk-nag metadata with a reason), so users' scans stay clean.
import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ExampleStack } from '../example/example-stack';

function scan() {
  const app = new App();
  const stack = new ExampleStack(app, 'FuotaExample', { env: { account: '123456789012', region: 'eu-west-1' } });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();
  const annotations = Annotations.fromStack(stack);
  const findings = [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-')),
  ];
  return { stack, findings };
}

test('the example app has no unacknowledged AwsSolutions findings', () => {
  const { findings } = scan();
  expect(findings.map((f) => `${f.id}: ${String(f.entry.data).split('\n')[0]}`)).toEqual([]);
});

test('acknowledgements sit on the library resources, each with a reason', () => {
  const { stack } = scan();
  const resources = Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, any>);
  const acknowledged = resources.filter(([, r]) => r.Metadata?.cdk_nag);
  expect(acknowledged.length).toBeGreaterThan(0);
  for (const [logicalId, resource] of acknowledged) {
    expect(logicalId).toMatch(/^CdkIotOtaTasks(FuotaProvider|OtaProvider|JobDocuments)/);
    for (const rule of resource.Metadata.cdk_nag.rules_to_suppress) {
      expect(rule.reason.length).toBeGreaterThan(40);
    }
  }
});

test('without the acknowledgements the same scan would report findings', () => {
  const app = new App();
  const stack = new ExampleStack(app, 'FuotaExample', { env: { account: '123456789012', region: 'eu-west-1' } });
  for (const child of stack.node.findAll()) {
    const resource = child as { cfnOptions?: { metadata?: Record<string, unknown> } };
    if (resource.cfnOptions?.metadata?.cdk_nag) delete resource.cfnOptions.metadata.cdk_nag;
  }
  Aspects.of(app).add(new AwsSolutionsChecks());
  app.synth();
  expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-IAM5')).length).toBeGreaterThan(0);
});
