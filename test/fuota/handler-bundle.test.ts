// The bundled handler asset (what ships and what Lambda runs) carries its own AWS SDK and works
// against a real HTTP endpoint: a loopback server standing in for IoT Wireless.
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { startLoopbackServer, stopLoopbackServers } from '../support/loopback-server';

const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'fuota', 'fuota-task-handler.lambda', 'index.js');

afterEach(stopLoopbackServers);

beforeAll(() => {
  if (!fs.existsSync(BUNDLE)) {
    throw new Error(`${BUNDLE} is missing: run 'npx projen bundle' (the build does this before the tests)`);
  }
});

test('a Create runs through the bundled handler against a loopback IoT Wireless', async () => {
  const server = await startLoopbackServer((_request, response) => {
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ Arn: 'arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/task-1', Id: 'task-1' }));
  });

  const event = {
    RequestType: 'Create',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/S/1',
    RequestId: 'request-1',
    LogicalResourceId: 'Task',
    ResourceType: 'Custom::IoTWirelessFuotaTask',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:f',
      FirmwareUpdateImage: 's3://bucket/fw.bin',
      FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw',
      RedundancyPercent: '20',
      RfRegion: 'EU868',
    },
  };
  const script = `
    const { handler } = require(${JSON.stringify(BUNDLE)});
    handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 60000 })
      .then((r) => process.stdout.write('RESULT' + JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });`;
  // A child process, so the bundle loads as Lambda would load it: fresh, with its own SDK.
  const run = new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH,
        HANDLER_PHASE: 'onEvent',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_ENDPOINT_URL: server.endpoint,
      },
    }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
  const stdout = await run;
  const result = JSON.parse(stdout.slice(stdout.indexOf('RESULT') + 'RESULT'.length));
  expect(result).toEqual({
    PhysicalResourceId: 'task-1',
    Data: { Arn: 'arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/task-1', Id: 'task-1' },
    // The stamp isComplete reads to know its polling budget (src/shared/polling-budget.ts).
    PollingStartedAt: expect.any(String),
  });
  expect(server.requests).toHaveLength(1);
  expect(server.requests[0].method).toBe('POST');
  expect(server.requests[0].url).toBe('/fuota-tasks');
  expect(server.requests[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/iotwireless\/aws4_request/);
  expect(JSON.parse(server.requests[0].body)).toEqual({
    ClientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
    FirmwareUpdateImage: 's3://bucket/fw.bin',
    FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw',
    LoRaWAN: { RfRegion: 'EU868' },
    RedundancyPercent: 20,
  });
});

test('the bundle loads with node alone', () => {
  const out = execFileSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(BUNDLE)}).handler)`]);
  expect(out.toString()).toBe('function');
});
