import { GetFuotaTaskCommand } from '@aws-sdk/client-iot-wireless';
import { CONNECTION_TIMEOUT_MS, iotWirelessClient, REQUEST_TIMEOUT_MS } from '../../../src/fuota/handler/iot-wireless-client';
import { isComplete } from '../../../src/fuota/handler/lifecycle';
import { isTransient } from '../../../src/shared/service-call';
import { startLoopbackServer, stopLoopbackServers } from '../../support/loopback-server';

afterEach(stopLoopbackServers);

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const TASK_ID = '0f3c2d1e-5b6a-4c7d-8e9f-0a1b2c3d4e5f';

/** A service that reads the request and never answers, as a hung endpoint does. */
async function hungService() {
  return startLoopbackServer(() => undefined);
}

test('the timeouts fit in the handler safety margin, and the SDK does not retry', async () => {
  // The handler keeps 10 s back from the Lambda timeout (fuota-task-handler.lambda.ts).
  expect(REQUEST_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
  expect(CONNECTION_TIMEOUT_MS).toBeLessThan(REQUEST_TIMEOUT_MS);
  expect(await iotWirelessClient({ region: 'eu-west-1', credentials: CREDENTIALS }).config.maxAttempts()).toBe(1);
});

test('a hung call ends with a TimeoutError, which counts as transient, within the request timeout', async () => {
  const service = await hungService();
  const client = iotWirelessClient({ region: 'eu-west-1', credentials: CREDENTIALS, endpoint: service.endpoint });
  const started = Date.now();

  const error = await client.send(new GetFuotaTaskCommand({ Id: TASK_ID })).then(() => undefined, (e: unknown) => e);

  expect(error).toMatchObject({ name: 'TimeoutError' });
  expect(isTransient(error)).toBe(true);
  expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS + 3_000);
  expect(service.requests).toHaveLength(1);
}, 30_000);

test('isComplete with a hung service asks to be polled again instead of running into the Lambda timeout', async () => {
  const service = await hungService();
  const client = iotWirelessClient({ region: 'eu-west-1', credentials: CREDENTIALS, endpoint: service.endpoint });
  const logs: Record<string, unknown>[] = [];
  const event = {
    RequestType: 'Create' as const,
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Demo/6f1b2c90-0000-11ef-8000-0a1b2c3d4e5f',
    RequestId: 'r1',
    LogicalResourceId: 'Task',
    ResourceType: 'Custom::IoTWirelessFuotaTask',
    ResponseURL: 'https://example.com/presigned',
    PhysicalResourceId: TASK_ID,
    PollingStartedAt: new Date().toISOString(),
    ResourceProperties: { ServiceToken: 'x', FirmwareUpdateImage: 's3://b/k.bin', FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw' },
  };

  await expect(isComplete(event, {
    client,
    stacks: { status: async () => 'CREATE_IN_PROGRESS' },
    deadline: Date.now() + 1_000,
    now: Date.now,
    log: (entry) => { logs.push(entry); },
  })).resolves.toStrictEqual({ IsComplete: false });
  expect(logs).toContainEqual(expect.objectContaining({ retryLater: expect.stringMatching(/^GetFuotaTask failed: TimeoutError/) }));
}, 30_000);
