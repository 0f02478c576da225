// Every bundle that ships (assets/**/index.js: the handlers, the monitor and the command) is self-contained and small: it carries its
// AWS SDK pieces, needs nothing from the Lambda runtime's SDK, and none of the CDK.
import * as fs from 'fs';
import * as path from 'path';

const ASSETS = path.join(__dirname, '..', 'assets');
const bundles = fs.existsSync(ASSETS)
  ? fs.readdirSync(ASSETS, { recursive: true }).map(String).filter((file) => file.endsWith('index.js')).map((file) => path.join(ASSETS, file))
  : [];

test('the handler bundles exist (the build bundles them before the tests; or run npx projen bundle)', () => {
  expect(bundles.map((file) => path.relative(ASSETS, file)).sort()).toEqual([
    path.join('cli', 'cdk-iot-ota-tasks', 'index.js'),
    path.join('fuota', 'fuota-task-handler.lambda', 'index.js'),
    path.join('monitoring', 'campaign-monitor.lambda', 'index.js'),
    path.join('ota', 'ota-task-handler.lambda', 'index.js'),
  ]);
});

describe.each(bundles.map((file) => [path.relative(ASSETS, file), file]))('%s', (_name, file) => {
  const code = fs.readFileSync(file, 'utf8');

  test('needs no AWS SDK from the runtime', () => {
    const required = new Set([...code.matchAll(/require\(["'](@aws-sdk\/[^"']+|@smithy\/[^"']+)["']\)/g)].map((m) => m[1]));
    // Only SigV4a's optional CRT signer may stay external: the SDK loads it inside a try/catch, for
    // multi-region access points, which neither service uses.
    for (const name of required) expect(['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a']).toContain(name);
  });

  test('carries none of the CDK (construct code must not leak into a handler)', () => {
    expect(code.includes('aws-cdk-lib')).toBe(false);
    expect(code.length).toBeLessThan(1024 * 1024);
  });
});
