// The bundled OTA handler asset (what ships and what Lambda runs) creates a task end to end in a
// fresh node process: it stores the job document and calls CreateOtaTask, both signed, against a
// loopback stand-in for S3 and IoT Managed Integrations.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FakeManagedIntegrations } from './handler/fake-managed-integrations';

const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'ota', 'ota-task-handler.lambda', 'index.js');

let fake: FakeManagedIntegrations;
beforeAll(async () => {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx projen bundle' (the build does this before the tests)`);
  fake = await FakeManagedIntegrations.start();
});
afterAll(() => fake.stop());

function runBundle(event: object, phase: 'onEvent' | 'isComplete'): Promise<any> {
  const script = `
    const { handler } = require(${JSON.stringify(BUNDLE)});
    handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 60000 })
      .then((r) => process.stdout.write('RESULT' + JSON.stringify(r)), (e) => { console.error(e.message); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH,
        HANDLER_PHASE: phase,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_ENDPOINT_URL: fake.url,
      },
    }, (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(JSON.parse(stdout.slice(stdout.indexOf('RESULT') + 6)))));
  });
}

test('Create through the bundled handler stores the document and creates the task', async () => {
  const event = {
    RequestType: 'Create',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/S/1',
    RequestId: 'request-1',
    LogicalResourceId: 'HubFirmware',
    ResourceType: 'Custom::IoTManagedIntegrationsOtaTask',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:f',
      JobDocument: '{"firmwareVersion":"3.1.0"}',
      JobDocumentBucket: 'docs-bucket',
      OtaType: 'ONE_TIME',
      Target: ['arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/hub0001'],
      OtaSchedulingConfig: { MaintenanceWindows: [{ StartTime: 'w', DurationInMinutes: '60' }] },
    },
  };
  const result = await runBundle(event, 'onEvent');
  const [task] = [...fake.tasks.values()];
  expect(result).toEqual({
    PhysicalResourceId: task.TaskId,
    Data: { Arn: fake.taskArn(task.TaskId), Id: task.TaskId },
    // The stamp isComplete reads to know its polling budget (src/shared/polling-budget.ts).
    PollingStartedAt: expect.any(String),
  });
  expect(fake.operations()).toEqual(['PutObject', 'CreateOtaTask']);
  const [key] = [...fake.objects.keys()];
  expect(fake.objects.get(key)).toBe('{"firmwareVersion":"3.1.0"}');
  expect(task.request.S3Url).toBe(`s3://${key}`);
  expect(task.request.OtaSchedulingConfig).toEqual({ MaintenanceWindows: [{ StartTime: 'w', DurationInMinutes: 60 }] });
});
