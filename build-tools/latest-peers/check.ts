// The latest-peers check (`npx projen test:latest-peers`, part of `npx projen build`): installs the
// packed library into a temporary app with the newest aws-cdk-lib, constructs 10 and cdk-nag from
// the npm registry (one install), synthesizes every README example there (one synth) and runs the
// AwsSolutions scan the way cdk-nag's README says, and runs the package's command once. It fails when any finding lands on the library's
// own resources, so a new major of a peer shows up as a red build rather than a user's bug report.
// LATEST_PEERS_AWS_CDK_LIB / LATEST_PEERS_CDK_NAG pin other versions to reproduce a report.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { transformSync } from 'esbuild';
import { exampleModule, readFixture, readmeExamples } from './readme-examples';

const repo = path.join(__dirname, '..', '..');
const peers = {
  'aws-cdk-lib': process.env.LATEST_PEERS_AWS_CDK_LIB ?? 'latest',
  'constructs': '^10',
  'cdk-nag': process.env.LATEST_PEERS_CDK_NAG ?? 'latest',
};

interface ScanResult {
  readonly stacks: number;
  readonly libraryResources: number;
  readonly synthError?: string;
  readonly libraryFindings: Array<{ rule: string; path: string }>;
  readonly ownFindings: Array<{ rule: string; path: string }>;
  readonly findingsWithoutAcknowledgements: number;
}

function packedTarball(): string {
  const dir = path.join(repo, 'dist', 'js');
  const tarballs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.tgz')) : [];
  if (tarballs.length !== 1) throw new Error(`expected one packed tarball in dist/js (run 'npx projen package:js' first), found ${tarballs.length}`);
  return path.join(dir, tarballs[0]);
}

function install(app: string, tarball: string): Record<string, string> {
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'latest-peers-app', private: true }));
  const specs = Object.entries(peers).map(([name, version]) => `${name}@${version}`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', tarball, ...specs], { cwd: app, stdio: 'inherit' });
  const version = (name: string) => JSON.parse(fs.readFileSync(path.join(app, 'node_modules', name, 'package.json'), 'utf8')).version as string;
  return Object.fromEntries(Object.keys(peers).map((name) => [name, version(name)]));
}

/** The README's examples as modules of the app, with the files they point at (firmware, job documents). */
function writeExamples(app: string): number {
  const examples = readmeExamples(fs.readFileSync(path.join(repo, 'README.md'), 'utf8'));
  const out = path.join(app, 'app');
  fs.mkdirSync(out, { recursive: true });
  const transpile = (source: string, name: string) =>
    fs.writeFileSync(path.join(out, `${name}.js`), transformSync(source, { loader: 'ts', format: 'cjs', platform: 'node', target: 'node22' }).code);
  examples.forEach((example, i) => {
    transpile(exampleModule(example, readFixture(repo, example.fixture), `ReadmeExample${i + 1}`), `example-${i + 1}`);
    for (const match of example.code.matchAll(/path\.join\(__dirname((?:,\s*'[^']+')+)\)/g)) {
      const file = path.join(out, ...[...match[1].matchAll(/'([^']+)'/g)].map((m) => m[1]));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, file.endsWith('.json') ? '{"firmware": "example"}' : 'example firmware image');
    }
  });
  const index = examples.map((_, i) => `import { ReadmeExample${i + 1} } from './example-${i + 1}';`).join('\n')
    + `\nexport const EXAMPLE_STACKS = [${examples.map((_, i) => `ReadmeExample${i + 1}`).join(', ')}];\n`;
  transpile(index, 'examples');
  transpile(fs.readFileSync(path.join(__dirname, 'consumer-scan.ts'), 'utf8'), 'consumer-scan');
  return examples.length;
}

/** The package's command, as npm linked it: `--help` answers with the usage. Undefined when it works. */
function commandWorks(app: string): string | undefined {
  const run = spawnSync(path.join(app, 'node_modules', '.bin', 'cdk-iot-ota-tasks'), ['--help'], { encoding: 'utf8' });
  if (run.status === 0 && run.stderr.includes('usage: cdk-iot-ota-tasks status')) return undefined;
  return `npx cdk-iot-ota-tasks --help did not print the usage (exit ${run.status}): ${(run.stderr || String(run.error)).slice(0, 300)}`;
}

/** Runs the scan in the app; a crash shows its message, not aws-cdk-lib's minified source line. */
function runScan(app: string): string {
  const run = spawnSync(process.execPath, [path.join('app', 'consumer-scan.js')], { cwd: app, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status === 0) return run.stdout;
  const message = run.stderr.split('\n').filter((line) => line.length < 400).slice(-15).join('\n');
  throw new Error(`the consumer app failed (exit ${run.status}):\n${message}`);
}

function main() {
  const started = Date.now();
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-iot-ota-tasks-latest-peers-'));
  try {
    const versions = install(app, packedTarball());
    const installed = Date.now();
    const command = commandWorks(app);
    const exampleCount = writeExamples(app);
    const output = runScan(app);
    const result = JSON.parse(output.trim().split('\n').pop()!) as ScanResult;
    const problems: string[] = [];
    if (command) problems.push(command);
    if (result.stacks !== exampleCount || exampleCount === 0) problems.push(`expected ${exampleCount} README examples as stacks, synthesized ${result.stacks}`);
    if (result.libraryResources === 0) problems.push('the scan saw none of the library\'s resources');
    if (result.findingsWithoutAcknowledgements === 0) problems.push('with acknowledgements ignored the scan reports nothing on the library, so it cannot tell a broken acknowledgement');
    for (const f of result.libraryFindings) problems.push(`${f.rule} on ${f.path}`);
    if (result.synthError && result.ownFindings.length === 0) problems.push(`synth failed: ${result.synthError}`);
    const peerList = Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(', ');
    console.log(`latest peers (${peerList}): ${exampleCount} README examples synthesized, ${result.libraryResources} library resources scanned with AwsSolutionsChecks: `
      + `${result.libraryFindings.length} findings on them (${result.findingsWithoutAcknowledgements} with the acknowledgements ignored); `
      + `${result.ownFindings.length} on the examples' own resources (${[...new Set(result.ownFindings.map((f) => f.path.split('/').slice(1, 2)[0]))].join(', ') || 'none'}). `
      + `install ${((installed - started) / 1000).toFixed(1)} s, synth and scan ${((Date.now() - installed) / 1000).toFixed(1)} s`);
    if (problems.length > 0) {
      console.error(`latest-peers check failed:\n  ${problems.join('\n  ')}`);
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(app, { recursive: true, force: true });
  }
}

main();
