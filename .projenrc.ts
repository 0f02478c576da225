import { awscdk, javascript, JsonFile, TextFile } from 'projen';

// The newest aws-cdk-lib that @aws-cdk/integ-runner 2.197.10 can read; newer ones fail its snapshots.
const CDK_VERSION = '2.257.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-iot-ota-tasks',
  description:
    'AWS CDK constructs for firmware-update campaigns: LoRaWAN FUOTA tasks of AWS IoT Wireless and OTA tasks of AWS IoT Managed Integrations, as custom resources with least-privilege IAM.',
  author: 'cdk-iot-ota-tasks contributors',
  authorAddress: 'maintainers@cdk-iot-ota-tasks.dev',
  repositoryUrl: 'https://github.com/cdk-iot-ota-tasks/cdk-iot-ota-tasks.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'iot', 'iot-wireless', 'lorawan', 'fuota', 'ota', 'firmware'],
  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  defaultReleaseBranch: 'main',
  jsiiVersion: '~6.0.0',
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  workflowNodeVersion: '22',
  projenrcTs: true,
  prettier: false,
  stability: 'experimental',

  // Construct Hub and the release workflow publish these; this machine reaches only npm, so the
  // build checks them with `jsii-pacmak --code-only` instead (see the package-all task below).
  publishToPypi: { distName: 'cdk-iot-ota-tasks', module: 'cdk_iot_ota_tasks' },
  publishToMaven: {
    javaPackage: 'io.github.cdk_iot_ota_tasks',
    mavenGroupId: 'io.github.cdk-iot-ota-tasks',
    mavenArtifactId: 'cdk-iot-ota-tasks',
  },
  publishToNuget: { dotNetNamespace: 'CdkIotOtaTasks', packageId: 'CdkIotOtaTasks' },
  publishToGo: { moduleName: 'github.com/cdk-iot-ota-tasks/cdk-iot-ota-tasks-go' },

  // The *.lambda.ts entries are bundled below and run by one hand-written BundledFunction
  // (src/shared/bundled-function.ts) rather than a generated class each.
  lambdaAutoDiscover: false,

  devDeps: [
    '@aws-sdk/client-iot-wireless',
    // Managed Integrations has no SDK client on npm: the handler signs its own requests.
    '@smithy/signature-v4',
    '@aws-sdk/credential-provider-node',
    '@types/aws-lambda',
    'aws-sdk-client-mock',
    'aws-sdk-client-mock-jest',
    'fast-check',
    // cdk-nag 3 (what `npm install cdk-nag` gives, so README examples compile against it) and 2
    // beside it (an npm alias): the unit tests scan the floor aws-cdk-lib with both majors; the
    // latest-peers check scans the packed library with the newest aws-cdk-lib and cdk-nag.
    'cdk-nag@3.0.2',
    'cdk-nag-v2@npm:cdk-nag@2.38.2',
    '@cdklabs/cdk-validator-cfnguard',
    '@aws-cdk/integ-runner@2.197.10',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    'aws-cdk@~2.1148.1',
  ],

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      coveragePathIgnorePatterns: ['/node_modules/', '/test/'],
    },
  },

  gitignore: ['cdk.out/', '/test/**/cdk.out/', '.ci/.node/', '*.tgz', '.jsii.tabl.json'],
});

// The example app, the benchmark and the build tools are repository code outside the package: lint
// and type-check them with the tests. (The emulator and the replay are in src/emulator: they ship.)
for (const dir of ['example', 'bench', 'build-tools']) {
  project.eslint?.addLintPattern(dir);
  project.tsconfigDev.addInclude(`../${dir}/**/*.ts`);
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { rootDir: '..', noEmit: true },
      include: ['**/*.ts'],
    },
    marker: false,
  });
}
project.eslint?.addOverride({
  files: ['bench/**/*.ts', 'build-tools/**/*.ts', 'example/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true }] },
});

// Handler code runs in Lambda with the SDK bundled in, so it may import devDependencies.
project.eslint?.addOverride({
  files: ['src/**/handler/**/*.ts', 'src/**/*.lambda.ts', 'src/shared/cloudformation-stack-status.ts', 'src/shared/signed-http.ts', 'src/shared/xml-service-client.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true }] },
});
// The status reader and the command are handler code too: the monitor's bundle and the command's carry them.
project.eslint?.addOverride({
  files: ['src/monitoring/status/**/*.ts', 'src/cli/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true }] },
});

// The Lambda bundles: the AWS SDK inside (no runtime install, and a version we tested against).
for (const entry of ['fuota/fuota-task-handler.lambda', 'ota/ota-task-handler.lambda', 'monitoring/campaign-monitor.lambda']) {
  project.bundler.addBundle(`src/${entry}.ts`, { platform: 'node', target: 'node22', externals: [], sourcemap: false, tsconfigPath: 'test/tsconfig.json' });
}

// The `cdk-iot-ota-tasks` command (status of a stack's campaigns) ships bundled like the handlers,
// the AWS SDK inside, so installing the library adds no runtime dependency.
project.bundler.addBundle('./src/cli/cdk-iot-ota-tasks.ts', {
  platform: 'node', target: 'node22', externals: [], sourcemap: false, executable: true,
});
project.addBins({ 'cdk-iot-ota-tasks': 'assets/cli/cdk-iot-ota-tasks/index.js' });

// projen's bundling options cannot minify; a minified bundle that prefers ES modules is about half
// the size, which is what every consumer downloads and every cold start parses.
for (const task of project.tasks.all) {
  if (!task.name.startsWith('bundle:') || task.name.endsWith(':watch')) continue;
  const [step] = task.steps;
  const args = step.execArgs!.map((arg) => (arg.startsWith('--target=') ? '--target=node22' : arg));
  // The command's bundle is run by npm's bin link, which needs the interpreter line.
  const banner = task.name === 'bundle:cli/cdk-iot-ota-tasks' ? ["'--banner:js=#!/usr/bin/env node'"] : [];
  task.reset([...args.filter((arg) => !arg.startsWith('--banner')), '--minify', '--main-fields=module,main', ...banner].join(' '));
}

// The npm package holds the library, its handler bundles and what Construct Hub reads (README,
// API.md, .jsii, and the rosetta fixtures it compiles the examples with); npm adds package.json,
// README and LICENSE itself. An allow-list: repository tooling, cdk.out/ and anything unforeseen at
// the root stay out (test/package-files.test.ts checks the packed list). projen's .npmignore stays
// only because jsii-pacmak writes one when none exists; inside the allow-list it removes nothing.
project.package.addField('files', ['lib/**/*.js', 'lib/**/*.d.ts', 'lib/emulator/constraint-tables.json', 'assets/', '.jsii', 'API.md', 'rosetta/*.ts-fixture']);

// The README's scan example imports cdk-nag, which is no dependency of the library: rosetta may use it
// when it compiles the examples (here and on Construct Hub).
project.package.addField('jsiiRosetta', { exampleDependencies: { 'cdk-nag': '^3.0.2' } });

// npm ci fails on the lock file projen writes unless unrs-resolver is pinned to this version.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// The emulator reads the constraint tables derived from the Smithy models (committed, generated by
// build-tools/generate-constraint-tables.ts) at run time: they go beside its compiled code.
project.compileTask.exec('cp src/emulator/constraint-tables.json lib/emulator/constraint-tables.json');

// ts-jest here does not type-check: compile the tests too, so a broken test file fails the build.
project.testTask.prependExec('tsc -p test/tsconfig.json --noEmit');

// Integration snapshots (test/integ.*.ts). No AWS account is reachable here, so the test task only
// compares the synthesized template with the committed snapshot; `integ:update` rewrites it offline.
const integ = project.addTask('integ', {
  description: 'Compare integration test snapshots',
  exec: 'integ-runner --language typescript --directory test',
  receiveArgs: true,
});
project.addTask('integ:update', {
  description: 'Rewrite integration test snapshots offline',
  exec: 'integ-runner --language typescript --directory test --update-on-failed --dry-run',
  receiveArgs: true,
});
project.testTask.spawn(integ);

// The packed library against the newest peers from the npm registry (build-tools/latest-peers):
// after packaging, so it installs exactly what users get.
const latestPeers = project.addTask('test:latest-peers', {
  description: 'Install the packed tarball with the latest aws-cdk-lib and cdk-nag, synthesize the README examples and scan them',
  exec: 'ts-node --project build-tools/tsconfig.json build-tools/latest-peers/check.ts',
});

// Packaging Python, Java, .NET and Go needs their registries and toolchains, which this machine
// and CI do not reach; the release workflow (.github/workflows/release.yml) packages and publishes
// them. The local and CI build packages JS and checks the other bindings as generated code.
const codeOnly = project.addTask('package:code-only', {
  description: 'Generate the Python, Java, .NET and Go bindings without building them, and byte-compile the Python',
});
codeOnly.exec('rm -rf dist/code-only');
codeOnly.exec('jsii-pacmak --code-only --target python --target java --target dotnet --target go --outdir dist/code-only');
codeOnly.exec('python3 -m compileall -q dist/code-only/python/src');
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);
project.packageTask.spawn(codeOnly);
project.packageTask.spawn(latestPeers);

// API compatibility with the last published version (jsii-diff). Until a first version is on npm
// there is nothing to compare with, so the check says so and passes.
const compat = project.tasks.tryFind('compat')!;
compat.reset();
compat.exec('bash build-tools/compat.sh');
project.postCompileTask.spawn(compat);
new TextFile(project, '.compatignore', {
  lines: ['# jsii-diff findings accepted on purpose, one per line, each with a comment saying why.'],
});

// Every README code block and @example must compile: jsii-rosetta translates them for the other
// languages on Construct Hub, and a snippet that does not compile shows up broken there.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every README code block and @example (rosetta/*.ts-fixture wraps them)',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosetta);

// The README's run command: synthesize the example app and print what it contains.
const demo = project.addTask('demo', {
  description: 'Synthesize the example app into cdk.out/, summarize it, and replay it against the local service emulator',
});
demo.spawn(project.bundler.bundleTask);
demo.exec('ts-node --project example/tsconfig.json example/demo.ts');

// The benchmark against CfnFuotaTask and AwsCustomResource (bench/RESULTS.md). Figures, not tests:
// it is never part of the build or the test task.
const bench = project.addTask('bench', {
  description: 'Measure FuotaTask against CfnFuotaTask and AwsCustomResource and write bench/RESULTS.md',
});
bench.spawn(project.bundler.bundleTask);
bench.exec('ts-node --project bench/tsconfig.json bench/run.ts');

project.synth();
