// Turns the README's TypeScript blocks into stacks of a consumer app, each wrapped in the rosetta
// fixture it is compiled with (rosetta/*.ts-fixture), so the latest-peers check synthesizes exactly
// what a user would copy. What a fixture only declares (`declare const vpc`) gets a real value here.
import * as fs from 'fs';
import * as path from 'path';

/** One README ```ts block, with the fixture rosetta compiles it in. */
export interface ReadmeExample {
  readonly line: number;
  readonly fixture: string;
  readonly code: string;
}

/** What the fixtures declare for the snippets, made real inside the stack's constructor. */
const DECLARED_VALUES: Record<string, string> = {
  // Imported, so the example adds no VPC resources of its own to the scan.
  vpc: "ec2.Vpc.fromVpcAttributes(this, 'ExampleVpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-0123456789abcdef0'] })",
  boundary: "iam.ManagedPolicy.fromManagedPolicyName(this, 'ExampleBoundary', 'example-boundary')",
  topic: "sns.Topic.fromTopicArn(this, 'ExampleTopic', 'arn:aws:sns:eu-west-1:123456789012:firmware-alerts')",
};

export function readmeExamples(readme: string): ReadmeExample[] {
  const examples: ReadmeExample[] = [];
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```ts\b(.*)$/.exec(lines[i]);
    if (!fence) continue;
    const fixture = /fixture=(\S+)/.exec(fence[1])?.[1] ?? 'default';
    const body: string[] = [];
    const start = i + 1;
    for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
    // A whole app entry point (the scan itself) is not a stack to synthesize.
    if (fixture !== 'app') examples.push({ line: start, fixture, code: body.join('\n') });
  }
  return examples;
}

/**
 * A module exporting `className`, a Stack holding the example. Imports in the snippet move to the
 * top of the module; the fixture's `declare const` lines become real values or Node's own.
 */
export function exampleModule(example: ReadmeExample, fixtureText: string, className: string): string {
  const snippetLines = example.code.split('\n');
  const snippetImports = snippetLines.filter((l) => l.startsWith('import '));
  const snippetBody = snippetLines.filter((l) => !l.startsWith('import ')).join('\n');
  const prelude: string[] = [];
  const header: string[] = ["import * as path from 'path';"];
  for (const line of fixtureText.split('\n')) {
    const declared = /^declare const (\w+)\b/.exec(line);
    if (declared && declared[1] in DECLARED_VALUES) prelude.push(`const ${declared[1]} = ${DECLARED_VALUES[declared[1]]};`);
    else if (declared && (declared[1] === 'path' || declared[1] === '__dirname')) continue;
    else if (declared) throw new Error(`README line ${example.line}: fixture declares '${declared[1]}', which the latest-peers check has no value for`);
    else header.push(line);
  }
  const module = [...snippetImports, ...header].join('\n')
    .replace(/^class Fixture extends Stack/m, `export class ${className} extends Stack`)
    .replace(/super\(scope, id\);/, 'super(scope, id, { env: { account: \'123456789012\', region: \'eu-west-1\' } });')
    .replace('/// here', [...prelude, `// README.md line ${example.line}`, snippetBody].join('\n'));
  if (!module.includes(`export class ${className}`)) throw new Error(`fixture '${example.fixture}' has no 'class Fixture extends Stack'`);
  return module;
}

export function readFixture(repo: string, fixture: string): string {
  return fs.readFileSync(path.join(repo, 'rosetta', `${fixture}.ts-fixture`), 'utf8');
}
