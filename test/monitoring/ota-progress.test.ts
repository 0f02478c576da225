// The OTA status reader against a real loopback server speaking the Managed Integrations wire
// format: one GetOtaTask whose TaskProcessingDetails (the model's mixed casing) become the counts,
// a task deleted under the reader (404), and throttling (429) retried through the shared helper.
import { readOtaTaskProgress } from '../../src/monitoring/status';
import { ManagedIntegrationsClient } from '../../src/ota/handler/managed-integrations-client';
import { scriptedAnswer, startLoopbackServer, stopLoopbackServers } from '../support/loopback-server';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const TASK = 'otatask42';

afterEach(stopLoopbackServers);

interface Answer { readonly status: number; readonly headers?: Record<string, string>; readonly body: object }

async function serviceAnswering(...answers: Answer[]) {
  const server = await startLoopbackServer((_request, response, count) => {
    const answer = scriptedAnswer(answers, count)!;
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.body));
  });
  return { server, client: new ManagedIntegrationsClient({ region: 'eu-west-1', endpoint: server.endpoint, credentials: async () => CREDENTIALS }) };
}

const DETAILS = {
  numberOfQueuedThings: 3,
  NumberOfInProgressThings: 2,
  numberOfSucceededThings: 10,
  NumberOfFailedThings: 1,
  numberOfTimedOutThings: 2,
  numberOfRejectedThings: 3,
  numberOfRemovedThings: 4,
  NumberOfCanceledThings: 5,
};

test('one GetOtaTask: the processing details become the counts, every failure with its execution status', async () => {
  const { server, client } = await serviceAnswering({ status: 200, body: { TaskId: TASK, Status: 'IN_PROGRESS', TaskProcessingDetails: DETAILS } });

  expect(await readOtaTaskProgress(client, TASK)).toEqual({
    taskType: 'OtaTask',
    taskId: TASK,
    status: 'IN_PROGRESS',
    finished: false,
    running: true,
    targets: 30,
    succeeded: 10,
    failed: 15,
    pending: 5,
    failuresByReason: { FAILED: 1, TIMED_OUT: 2, REJECTED: 3, REMOVED: 4, CANCELED: 5 },
    granularity: 'device',
  });
  expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET /ota-tasks/${TASK}`]);
});

test('things a one-time task names but has not queued yet are pending', async () => {
  const target = ['a', 'b', 'c', 'd'].map((t) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/${t}`);
  const { client } = await serviceAnswering({ status: 200, body: { Status: 'SCHEDULED', Target: target, TaskProcessingDetails: { numberOfSucceededThings: 1 } } });
  expect(await readOtaTaskProgress(client, TASK)).toMatchObject({ running: false, finished: false, targets: 4, succeeded: 1, pending: 3 });
});

test.each(['COMPLETED', 'CANCELED', 'DELETION_IN_PROGRESS'])('status %s is finished', async (status) => {
  const { client } = await serviceAnswering({ status: 200, body: { Status: status } });
  expect(await readOtaTaskProgress(client, TASK)).toMatchObject({ status, finished: true, running: false, targets: 0, failuresByReason: {} });
});

test('a task deleted under the reader (404 ResourceNotFoundException) is DELETED and finished', async () => {
  const { client } = await serviceAnswering({
    status: 404, headers: { 'x-amzn-errortype': 'ResourceNotFoundException' }, body: { Message: `OTA task ${TASK} not found` },
  });
  expect(await readOtaTaskProgress(client, TASK)).toEqual({
    taskType: 'OtaTask',
    taskId: TASK,
    status: 'DELETED',
    finished: true,
    running: false,
    targets: 0,
    succeeded: 0,
    failed: 0,
    pending: 0,
    failuresByReason: {},
    granularity: 'device',
  });
});

test('throttling (429) and a 503 are retried, then the read succeeds', async () => {
  const { server, client } = await serviceAnswering(
    { status: 429, headers: { 'x-amzn-errortype': 'ThrottlingException' }, body: { Message: 'Rate exceeded' } },
    { status: 503, body: { Message: 'unavailable' } },
    { status: 200, body: { Status: 'IN_PROGRESS', TaskProcessingDetails: { numberOfSucceededThings: 2 } } },
  );
  const progress = await readOtaTaskProgress(client, TASK, { sleep: async () => undefined, random: () => 0 });
  expect(progress).toMatchObject({ targets: 2, succeeded: 2 });
  expect(server.requests).toHaveLength(3);
});

test('any other error fails the read with the operation and the service message', async () => {
  const { client } = await serviceAnswering({ status: 403, headers: { 'x-amzn-errortype': 'AccessDeniedException' }, body: { Message: 'not allowed' } });
  await expect(readOtaTaskProgress(client, TASK)).rejects.toThrow('GetOtaTask failed: AccessDeniedException: not allowed');
});
