// Runs inside the temporary consumer app (its own node_modules: the packed library and the latest
// peers). Synthesizes every README example as a stack and scans the app with cdk-nag the way its
// README says, then prints one JSON line for check.ts: the findings on the library's resources,
// the findings on the example's own resources (a VPC, a role), and the same scan with the library's
// acknowledgements removed, which must report findings (so a scan that sees nothing cannot pass).
// Typed against this repository's copies (src/ and cdk-nag 3), loaded from the
// app's node_modules when it runs there.
import { App, CfnResource, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

type Library = typeof import('../../src');
type CdkNag = typeof import('cdk-nag');
type ExampleStack = new (scope: App, id: string) => IConstruct;
/* eslint-disable @typescript-eslint/no-require-imports */
const library = require('cdk-iot-ota-tasks') as Library;
const { AwsSolutionsChecks } = require('cdk-nag') as CdkNag;
// Written by check.ts: the README's examples, one Stack class each.
const { EXAMPLE_STACKS } = require('./examples') as { EXAMPLE_STACKS: ExampleStack[] };
/* eslint-enable @typescript-eslint/no-require-imports */

const LIBRARY_CONSTRUCTS = [library.FuotaTask, library.OtaTask, library.OtaTaskConfiguration];

const app = new App({ outdir: 'cdk.out' });
EXAMPLE_STACKS.forEach((stack, i) => new stack(app, `ReadmeExample${i + 1}`));
const checks = new AwsSolutionsChecks(app);
Validations.of(app).addPlugins(checks);

let synthError: string | undefined;
try {
  app.synth();
} catch (error) {
  synthError = (error as Error).message;
}

/** Paths of the constructs the library made: the tasks and its stack singletons (CdkIotOtaTasks…). */
function libraryPaths(root: IConstruct): string[] {
  return root.node.findAll()
    .filter((c) => LIBRARY_CONSTRUCTS.some((type) => c instanceof type) || c.node.id.startsWith('CdkIotOtaTasks'))
    .map((c) => c.node.path);
}
const owned = libraryPaths(app);
const isLibrary = (path: string) => owned.some((p) => path === p || path.startsWith(`${p}/`));

function findings() {
  const report = checks.validateScope(app);
  const all = report.violations.flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? r.resourceLogicalId ?? '' })));
  return { library: all.filter((f) => isLibrary(f.path)), own: all.filter((f) => !isLibrary(f.path)) };
}
const scan = findings();

const libraryResources = app.node.findAll().filter((c) => CfnResource.isCfnResource(c) && isLibrary(c.node.path));
// The same scan with every acknowledgement ignored (cdk-nag 3 asks `isAcknowledged` per finding).
(checks as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
const unacknowledged = findings();

console.log(JSON.stringify({
  stacks: EXAMPLE_STACKS.length,
  libraryResources: libraryResources.length,
  synthError,
  libraryFindings: scan.library,
  ownFindings: scan.own,
  findingsWithoutAcknowledgements: unacknowledged.library.length,
}));
