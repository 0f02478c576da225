// The bundled monitor (what ships and what Lambda runs) loads in a fresh process with its own SDK
// and runs a tick against a loopback server standing in for every service.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { startLoopbackServer, stopLoopbackServers } from '../support/loopback-server';

const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'monitoring', 'campaign-monitor.lambda', 'index.js');

afterEach(stopLoopbackServers);

beforeAll(() => {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx projen bundle' (the build does this before the tests)`);
});

test('carries the IoT Wireless client and the signer, requiring no SDK from the runtime', () => {
  const code = fs.readFileSync(BUNDLE, 'utf8');
  expect(code).toContain('ListWirelessDevices');
  expect(code).toContain('AWSEvents.DisableRule');
  expect(code).toContain('AWSEvents.PutEvents');
  expect(code).not.toMatch(/require\(["']@aws-sdk\/client-/);
});

test('one tick through the bundle: an empty stack disables the schedule', async () => {
  const server = await startLoopbackServer((request, response) => {
    if (request.headers['x-amz-target'] === 'AWSEvents.DisableRule') {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}');
    } else {
      response.writeHead(200, { 'content-type': 'text/xml' }).end(
        '<ListStackResourcesResponse><ListStackResourcesResult><StackResourceSummaries></StackResourceSummaries></ListStackResourcesResult></ListStackResourcesResponse>');
    }
  });
  const script = `
    const { handler } = require(${JSON.stringify(BUNDLE)});
    handler({ 'detail-type': 'Scheduled Event', source: 'aws.events' }, { getRemainingTimeInMillis: () => 60000 })
      .then(() => process.stdout.write('DONE\\n'), (e) => { console.error(e); process.exit(1); });`;
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_ENDPOINT_URL: server.endpoint,
        STACK_ID: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/S/1',
        SCHEDULE_RULE_NAME: 'S-MonitorSchedule',
      },
    }, (error, out) => (error ? reject(error) : resolve(out)));
  });
  const lines = stdout.trim().split('\n');
  expect(lines.pop()).toBe('DONE');
  const summary = JSON.parse(lines.pop()!);
  expect(summary).toMatchObject({ message: 'campaign monitor tick', tasks: 0, apiCalls: 2, ruleDisabled: true });
  // Credentials never reach the log.
  expect(stdout).not.toContain('AKIDEXAMPLE');
  expect(server.requests.map((r) => r.headers['x-amz-target'] ?? new URLSearchParams(r.body).get('Action'))).toEqual(['ListStackResources', 'AWSEvents.DisableRule']);
});
