// The Managed Integrations client against a real loopback HTTP server: what goes on the wire for each
// operation (request line, headers, body, a signature the server could verify), how answers and
// errors come back, the per-request timeout, endpoint resolution, and retries through callService.
import * as crypto from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  CreateOtaTaskConfigurationRequest,
  CreateOtaTaskRequest,
  GetOtaTaskConfigurationResponse,
  GetOtaTaskResponse,
  ListOtaTaskExecutionsResponse,
  ManagedIntegrationsClient,
  ManagedIntegrationsClientOptions,
  ManagedIntegrationsServiceError,
} from '../../src/ota/handler/managed-integrations-client';
import { callService, CallOptions, isNotFound, isTransient, ServiceCallError } from '../../src/shared/service-call';
import { LoopbackServer, ReceivedRequest, scriptedAnswer, startLoopbackServer, stopLoopbackServers } from '../support/loopback-server';
import { VerifierSha256 } from '../support/verifier-sha256';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const REGION = 'eu-west-1';
const SIGNING_NAME = 'iotmanagedintegrations';
const SIGNING_DATE = new Date('2030-06-01T12:00:00.000Z');
const AMZ_DATE = '20300601T120000Z';
const SCOPE = `20300601/${REGION}/${SIGNING_NAME}/aws4_request`;

const TASK_ID = 'abc123';
const TASK_ARN = `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:ota-task/${TASK_ID}`;
const ENCODED_TASK_ARN = 'arn%3Aaws%3Aiotmanagedintegrations%3Aeu-west-1%3A123456789012%3Aota-task%2Fabc123';
const THING_ARN = 'arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/thing1';

// ---------------------------------------------------------------------------------------------
// A loopback service that records what it receives and answers from a script.
// ---------------------------------------------------------------------------------------------

interface ScriptedAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** A string is sent as is; an object as JSON. */
  readonly body?: string | object;
  /** Send the status line, headers and body start, then never finish. */
  readonly stallAfterHeaders?: boolean;
}

/** Never answer at all. */
const NO_ANSWER = 'no answer';

afterEach(stopLoopbackServers);

/** Starts a loopback service that gives the n-th request the n-th answer (the last one repeats). */
function startService(...answers: (ScriptedAnswer | typeof NO_ANSWER)[]): Promise<LoopbackServer> {
  return startLoopbackServer((_request, response, count) => {
    const answer = scriptedAnswer(answers, count)!;
    if (answer === NO_ANSWER) return;
    const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    if (answer.stallAfterHeaders) {
      response.write(body.slice(0, 1));
      return;
    }
    response.end(body);
  });
}

function clientFor(endpoint: string, overrides: Partial<ManagedIntegrationsClientOptions> = {}): ManagedIntegrationsClient {
  return new ManagedIntegrationsClient({
    region: REGION,
    endpoint,
    credentials: async () => CREDENTIALS,
    now: () => SIGNING_DATE,
    ...overrides,
  });
}

// ---------------------------------------------------------------------------------------------
// Signature checks, done the way the service would: from the request as received.
// ---------------------------------------------------------------------------------------------


function sha256Hex(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

function signedHeaderNames(authorization: string | undefined): string[] {
  const match = /SignedHeaders=([^,]+)/.exec(authorization ?? '');
  if (!match) throw new Error(`no SignedHeaders in ${authorization}`);
  return match[1].split(';');
}

/** `20300601T120000Z` → Date. */
function parseAmzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw new Error(`bad x-amz-date ${value}`);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

/**
 * The Authorization header a separate SignatureV4 computes over the request the server received:
 * the signed headers as received, except the payload hash, which is recomputed from the body.
 */
async function recomputedAuthorization(received: ReceivedRequest, credentials = CREDENTIALS): Promise<string> {
  const [path, rawQuery = ''] = received.url.split('?');
  const query: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    (query[name] ??= []).push(value);
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaderNames(received.headers.authorization)) {
    if (name !== 'x-amz-content-sha256') headers[name] = String(received.headers[name]);
  }
  const verifier = new SignatureV4({ service: SIGNING_NAME, region: REGION, credentials, sha256: VerifierSha256 });
  const signed = await verifier.sign({
    method: received.method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    path,
    query,
    headers,
    body: received.body === '' ? undefined : received.body,
  }, { signingDate: parseAmzDate(String(received.headers['x-amz-date'])) });
  return signed.headers.authorization;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return crypto.createHmac('sha256', key).update(data).digest();
}

// ---------------------------------------------------------------------------------------------
// Operations: request on the wire and answer parsed.
// ---------------------------------------------------------------------------------------------

const createOtaTaskInput: CreateOtaTaskRequest = {
  S3Url: 's3://ota-job-documents/firmware-2.json',
  OtaType: 'ONE_TIME',
  Protocol: 'HTTP',
  OtaMechanism: 'PUSH',
  Target: [THING_ARN],
  TaskConfigurationId: 'cfg1',
  Description: 'Firmware 2',
  ClientToken: 'token-1',
  OtaSchedulingConfig: {
    EndBehavior: 'STOP_ROLLOUT',
    StartTime: '2030-06-02T17:00',
    EndTime: '2030-06-05T17:00',
    MaintenanceWindows: [{ DurationInMinutes: 60, StartTime: 'cron(0 2 ? * SUN *)' }],
  },
  OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: 2 }] },
  Tags: { team: 'firmware' },
};

const getOtaTaskOutput: GetOtaTaskResponse = {
  TaskId: TASK_ID,
  TaskArn: TASK_ARN,
  Description: 'Firmware 2',
  S3Url: 's3://ota-job-documents/firmware-2.json',
  Protocol: 'HTTP',
  OtaType: 'ONE_TIME',
  OtaMechanism: 'PUSH',
  Target: [THING_ARN],
  CreatedAt: 1_906_545_600,
  LastUpdatedAt: 1_906_549_200.5,
  TaskConfigurationId: 'cfg1',
  TaskProcessingDetails: {
    NumberOfCanceledThings: 0,
    NumberOfFailedThings: 1,
    NumberOfInProgressThings: 2,
    numberOfQueuedThings: 3,
    numberOfRejectedThings: 0,
    numberOfRemovedThings: 0,
    numberOfSucceededThings: 4,
    numberOfTimedOutThings: 0,
    processingTargets: [THING_ARN],
  },
  OtaSchedulingConfig: { EndBehavior: 'CANCEL', StartTime: '2030-06-02T17:00' },
  OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'FAILED', MinNumberOfRetries: 1 }] },
  Status: 'IN_PROGRESS',
  Tags: { team: 'firmware' },
};

const listExecutionsOutput: ListOtaTaskExecutionsResponse = {
  ExecutionSummaries: [
    {
      ManagedThingId: 'thing1',
      TaskExecutionSummary: { ExecutionNumber: 1, QueuedAt: 1_906_545_600, StartedAt: 1_906_545_660, LastUpdatedAt: 1_906_545_720, RetryAttempt: 0, Status: 'SUCCEEDED' },
    },
    { ManagedThingId: 'thing2', TaskExecutionSummary: { ExecutionNumber: 1, QueuedAt: 1_906_545_600, Status: 'QUEUED' } },
  ],
  NextToken: 'page2',
};

const createConfigurationInput: CreateOtaTaskConfigurationRequest = {
  Name: 'Slow rollout',
  Description: 'One device a minute',
  ClientToken: 'token-2',
  PushConfig: {
    AbortConfig: {
      AbortConfigCriteriaList: [{ Action: 'CANCEL', FailureType: 'FAILED', MinNumberOfExecutedThings: 1, ThresholdPercentage: 90 }],
    },
    RolloutConfig: {
      ExponentialRolloutRate: { BaseRatePerMinute: 1, IncrementFactor: 3, RateIncreaseCriteria: { numberOfNotifiedThings: 1 } },
      MaximumPerMinute: 1,
    },
    TimeoutConfig: { InProgressTimeoutInMinutes: 100 },
  },
};

const getConfigurationOutput: GetOtaTaskConfigurationResponse = {
  TaskConfigurationId: 'cfg1',
  Name: 'Slow rollout',
  Description: 'One device a minute',
  PushConfig: createConfigurationInput.PushConfig,
  CreatedAt: 1_906_545_600,
};

interface OperationCase {
  readonly operation: string;
  readonly call: (client: ManagedIntegrationsClient) => Promise<unknown>;
  readonly method: string;
  /** Exact request target. */
  readonly url: string;
  /** Expected JSON body; absent when the request must carry none. */
  readonly body?: object;
  readonly answer: ScriptedAnswer;
  readonly result: unknown;
}

const operations: OperationCase[] = [
  {
    operation: 'CreateOtaTask',
    call: (c) => c.createOtaTask(createOtaTaskInput),
    method: 'POST',
    url: '/ota-tasks',
    body: createOtaTaskInput,
    answer: { status: 201, body: { TaskId: TASK_ID, TaskArn: TASK_ARN, Description: 'Firmware 2' } },
    result: { TaskId: TASK_ID, TaskArn: TASK_ARN, Description: 'Firmware 2' },
  },
  {
    operation: 'GetOtaTask',
    call: (c) => c.getOtaTask({ Identifier: TASK_ID }),
    method: 'GET',
    url: '/ota-tasks/abc123',
    answer: { status: 200, body: getOtaTaskOutput },
    result: getOtaTaskOutput,
  },
  {
    operation: 'ListOtaTaskExecutions',
    call: (c) => c.listOtaTaskExecutions({ Identifier: TASK_ID }),
    method: 'GET',
    url: '/ota-tasks/abc123/devices',
    answer: { status: 200, body: listExecutionsOutput },
    result: listExecutionsOutput,
  },
  {
    operation: 'ListOtaTaskExecutions (a later page)',
    call: (c) => c.listOtaTaskExecutions({ Identifier: TASK_ID, NextToken: 'a+b/c=', MaxResults: 1000 }),
    method: 'GET',
    url: '/ota-tasks/abc123/devices?NextToken=a%2Bb%2Fc%3D&MaxResults=1000',
    answer: { status: 200, body: { ExecutionSummaries: [] } },
    result: { ExecutionSummaries: [] },
  },
  {
    operation: 'UpdateOtaTask',
    call: (c) => c.updateOtaTask({ Identifier: TASK_ID, Description: 'Firmware 3', TaskConfigurationId: 'cfg2' }),
    method: 'PUT',
    url: '/ota-tasks/abc123',
    body: { Description: 'Firmware 3', TaskConfigurationId: 'cfg2' },
    answer: { status: 204 },
    result: undefined,
  },
  {
    operation: 'DeleteOtaTask',
    call: (c) => c.deleteOtaTask({ Identifier: TASK_ID }),
    method: 'DELETE',
    url: '/ota-tasks/abc123',
    answer: { status: 200, body: {} },
    result: undefined,
  },
  {
    operation: 'CreateOtaTaskConfiguration',
    call: (c) => c.createOtaTaskConfiguration(createConfigurationInput),
    method: 'POST',
    url: '/ota-task-configurations',
    body: createConfigurationInput,
    answer: { status: 201, body: { TaskConfigurationId: 'cfg1' } },
    result: { TaskConfigurationId: 'cfg1' },
  },
  {
    operation: 'GetOtaTaskConfiguration',
    call: (c) => c.getOtaTaskConfiguration({ Identifier: 'cfg1' }),
    method: 'GET',
    url: '/ota-task-configurations/cfg1',
    answer: { status: 200, body: getConfigurationOutput },
    result: getConfigurationOutput,
  },
  {
    operation: 'DeleteOtaTaskConfiguration',
    call: (c) => c.deleteOtaTaskConfiguration({ Identifier: 'cfg1' }),
    method: 'DELETE',
    url: '/ota-task-configurations/cfg1',
    answer: { status: 204 },
    result: undefined,
  },
  {
    operation: 'TagResource',
    call: (c) => c.tagResource({ ResourceArn: TASK_ARN, Tags: { team: 'firmware', stage: 'prod' } }),
    method: 'POST',
    url: `/tags/${ENCODED_TASK_ARN}`,
    body: { Tags: { team: 'firmware', stage: 'prod' } },
    answer: { status: 200, body: {} },
    result: undefined,
  },
  {
    operation: 'UntagResource',
    call: (c) => c.untagResource({ ResourceArn: TASK_ARN, TagKeys: ['team', 'stage'] }),
    method: 'DELETE',
    url: `/tags/${ENCODED_TASK_ARN}?tagKeys=team&tagKeys=stage`,
    answer: { status: 200, body: {} },
    result: undefined,
  },
  {
    operation: 'ListTagsForResource',
    call: (c) => c.listTagsForResource({ ResourceArn: TASK_ARN }),
    method: 'GET',
    url: `/tags/${ENCODED_TASK_ARN}`,
    answer: { status: 200, body: { tags: { team: 'firmware', stage: 'prod' } } },
    result: { tags: { team: 'firmware', stage: 'prod' } },
  },
];

describe.each(operations)('$operation', (op) => {
  test(`sends ${op.method} ${op.url}, signed`, async () => {
    const service = await startService(op.answer);

    await op.call(clientFor(service.endpoint));

    expect(service.requests).toHaveLength(1);
    const [received] = service.requests;
    expect(`${received.method} ${received.url}`).toBe(`${op.method} ${op.url}`);
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers.host).toBe(service.host);
    expect(received.headers['x-amz-date']).toBe(AMZ_DATE);
    expect(received.headers['x-amz-content-sha256']).toBe(sha256Hex(received.body));
    expect(received.headers.authorization).toMatch(new RegExp(
      `^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${SCOPE}, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`));
    expect(signedHeaderNames(received.headers.authorization)).toEqual(expect.arrayContaining(['content-type', 'host', 'x-amz-date']));
    if (op.body === undefined) {
      expect(received.body).toBe('');
      expect(received.headers['content-length']).toBeUndefined();
    } else {
      expect(JSON.parse(received.body)).toEqual(op.body);
      expect(received.headers['content-length']).toBe(String(Buffer.byteLength(received.body)));
    }
    await expect(recomputedAuthorization(received)).resolves.toBe(received.headers.authorization);
  });

  test('returns the parsed answer', async () => {
    const service = await startService(op.answer);

    await expect(op.call(clientFor(service.endpoint))).resolves.toEqual(op.result);
  });
});

describe('request details', () => {
  test('the ARN path is signed double-encoded, as SigV4 requires for non-S3 services (independent computation)', async () => {
    const service = await startService({ status: 200, body: {} });

    await clientFor(service.endpoint).untagResource({ ResourceArn: TASK_ARN, TagKeys: ['stage', 'team'] });

    const [received] = service.requests;
    const signedHeaders = 'content-type;host;x-amz-content-sha256;x-amz-date';
    expect(signedHeaderNames(received.headers.authorization).join(';')).toBe(signedHeaders);
    const canonicalRequest = [
      'DELETE',
      '/tags/arn%253Aaws%253Aiotmanagedintegrations%253Aeu-west-1%253A123456789012%253Aota-task%252Fabc123',
      'tagKeys=stage&tagKeys=team',
      'content-type:application/json',
      `host:${service.host}`,
      `x-amz-content-sha256:${sha256Hex('')}`,
      `x-amz-date:${AMZ_DATE}`,
      '',
      signedHeaders,
      sha256Hex(''),
    ].join('\n');
    const stringToSign = ['AWS4-HMAC-SHA256', AMZ_DATE, SCOPE, sha256Hex(canonicalRequest)].join('\n');
    let key = hmac(`AWS4${CREDENTIALS.secretAccessKey}`, '20300601');
    for (const part of [REGION, SIGNING_NAME, 'aws4_request']) key = hmac(key, part);
    const signature = hmac(key, stringToSign).toString('hex');

    expect(received.headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${SCOPE}, SignedHeaders=${signedHeaders}, Signature=${signature}`);
  });

  test('an UpdateOtaTask without changes still sends a JSON object', async () => {
    const service = await startService({ status: 204 });

    await clientFor(service.endpoint).updateOtaTask({ Identifier: TASK_ID });

    expect(service.requests[0].body).toBe('{}');
  });

  test('an UntagResource without keys sends no query', async () => {
    const service = await startService({ status: 200 });

    await clientFor(service.endpoint).untagResource({ ResourceArn: TASK_ARN, TagKeys: [] });

    expect(service.requests[0].url).toBe(`/tags/${ENCODED_TASK_ARN}`);
    await expect(recomputedAuthorization(service.requests[0])).resolves.toBe(service.requests[0].headers.authorization);
  });

  test('a session token is sent and signed', async () => {
    const service = await startService({ status: 200, body: {} });
    const credentials = { ...CREDENTIALS, sessionToken: 'session-token-1' };

    await clientFor(service.endpoint, { credentials: async () => credentials }).deleteOtaTask({ Identifier: TASK_ID });

    const [received] = service.requests;
    expect(received.headers['x-amz-security-token']).toBe('session-token-1');
    expect(signedHeaderNames(received.headers.authorization)).toContain('x-amz-security-token');
    await expect(recomputedAuthorization(received, credentials)).resolves.toBe(received.headers.authorization);
  });

  test('an endpoint with a base path keeps it in front of the operation path', async () => {
    const service = await startService({ status: 200, body: getOtaTaskOutput });

    await clientFor(`${service.endpoint}/prefix/`).getOtaTask({ Identifier: TASK_ID });

    expect(service.requests[0].url).toBe('/prefix/ota-tasks/abc123');
    await expect(recomputedAuthorization(service.requests[0])).resolves.toBe(service.requests[0].headers.authorization);
  });

  test.each([
    ['Identifier', (c: ManagedIntegrationsClient) => c.deleteOtaTask({ Identifier: '' })],
    ['ResourceArn', (c: ManagedIntegrationsClient) => c.listTagsForResource({ ResourceArn: '' })],
  ])('an empty %s is refused before anything is sent', async (name, call) => {
    const service = await startService({ status: 200, body: {} });

    await expect(call(clientFor(service.endpoint))).rejects.toThrow(`empty value for the path label ${name}`);
    expect(service.requests).toHaveLength(0);
  });

  test('a 2xx answer that is not JSON is an error, not a silent empty result', async () => {
    const service = await startService({ status: 200, body: '<html>captive portal</html>' });

    await expect(clientFor(service.endpoint).getOtaTask({ Identifier: TASK_ID })).rejects.toMatchObject({
      name: 'InvalidResponseError',
      message: 'HTTP 200 answer is not JSON: <html>captive portal</html>',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------------------------

interface ErrorCase {
  readonly title: string;
  readonly answer: ScriptedAnswer;
  readonly name: string;
  readonly message: string;
  readonly transient: boolean;
  readonly notFound: boolean;
}

const errorCases: ErrorCase[] = [
  {
    title: 'x-amzn-errortype with a URL suffix (429)',
    answer: {
      status: 429,
      headers: { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/' },
      body: { message: 'Rate exceeded' },
    },
    name: 'ThrottlingException',
    message: 'Rate exceeded',
    transient: true,
    notFound: false,
  },
  {
    title: 'body __type with a namespace (404)',
    answer: {
      status: 404,
      body: { __type: 'com.amazonaws.iotmanagedintegrations#ResourceNotFoundException', Message: 'OTA task abc123 not found', ResourceId: TASK_ID, ResourceType: 'OtaTask' },
    },
    name: 'ResourceNotFoundException',
    message: 'OTA task abc123 not found',
    transient: false,
    notFound: true,
  },
  {
    title: 'x-amzn-errortype with both a namespace and a suffix (409)',
    answer: {
      status: 409,
      headers: { 'x-amzn-errortype': 'com.amazonaws.iotmanagedintegrations#ConflictException:http://internal.amazon.com/coral/' },
      body: { Message: 'Task is being deleted' },
    },
    name: 'ConflictException',
    message: 'Task is being deleted',
    transient: false,
    notFound: false,
  },
  {
    title: 'LimitExceededException (410)',
    answer: { status: 410, headers: { 'x-amzn-errortype': 'LimitExceededException' }, body: { Message: 'Too many deletions in progress' } },
    name: 'LimitExceededException',
    message: 'Too many deletions in progress',
    transient: false,
    notFound: false,
  },
  {
    title: 'body code (400)',
    answer: { status: 400, body: { code: 'ValidationException', message: 'S3Url must not be empty' } },
    name: 'ValidationException',
    message: 'S3Url must not be empty',
    transient: false,
    notFound: false,
  },
  {
    title: 'the header wins over the body',
    answer: { status: 429, headers: { 'x-amzn-errortype': 'ThrottlingException' }, body: { __type: 'ValidationException', message: 'Slow down' } },
    name: 'ThrottlingException',
    message: 'Slow down',
    transient: true,
    notFound: false,
  },
  {
    title: 'InternalServerException (500)',
    answer: { status: 500, headers: { 'x-amzn-errortype': 'InternalServerException' }, body: { message: 'Internal failure' } },
    name: 'InternalServerException',
    message: 'Internal failure',
    transient: true,
    notFound: false,
  },
  {
    title: 'a typed error without a body (503)',
    answer: { status: 503, headers: { 'x-amzn-errortype': 'ServiceUnavailableException' } },
    name: 'ServiceUnavailableException',
    message: 'HTTP 503 with no message',
    transient: true,
    notFound: false,
  },
  {
    title: 'a non-JSON body from a proxy (502)',
    answer: { status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' },
    name: 'UnknownError',
    message: 'HTTP 502 with no error type: <html>Bad Gateway</html>',
    transient: true,
    notFound: false,
  },
  {
    title: 'an untyped 404 with an empty body',
    answer: { status: 404 },
    name: 'UnknownError',
    message: 'HTTP 404 with no error type: empty body',
    transient: false,
    notFound: true,
  },
];

describe('errors', () => {
  test.each(errorCases)('$title → $name', async ({ answer, name, message, transient, notFound }) => {
    const service = await startService(answer);

    const error = await clientFor(service.endpoint).getOtaTask({ Identifier: TASK_ID }).then(
      () => { throw new Error('expected the call to fail'); },
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ManagedIntegrationsServiceError);
    expect(error).toMatchObject({ name, message, $metadata: { httpStatusCode: answer.status } });
    expect(isTransient(error)).toBe(transient);
    expect(isNotFound(error)).toBe(notFound);
  });

  test('the request id is kept and 5xx answers are server faults', async () => {
    const service = await startService({
      status: 500,
      headers: { 'x-amzn-errortype': 'InternalServerException', 'x-amzn-requestid': 'req-42' },
      body: { message: 'Internal failure' },
    });

    await expect(clientFor(service.endpoint).getOtaTask({ Identifier: TASK_ID })).rejects.toMatchObject({
      $metadata: { httpStatusCode: 500, requestId: 'req-42' },
      $fault: 'server',
    });
  });

  test('through callService a not-found delete fails at once, names the operation and is recognised as not found', async () => {
    const service = await startService({
      status: 404,
      headers: { 'x-amzn-errortype': 'ResourceNotFoundException' },
      body: { Message: 'OTA task abc123 not found' },
    });
    const client = clientFor(service.endpoint);

    const error = await callService('DeleteOtaTask', () => client.deleteOtaTask({ Identifier: TASK_ID }), callOptions()).then(
      () => { throw new Error('expected the call to fail'); },
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ServiceCallError);
    expect((error as ServiceCallError).message).toBe('DeleteOtaTask failed: ResourceNotFoundException: OTA task abc123 not found');
    expect(isNotFound(error)).toBe(true);
    expect(service.requests).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Timeout and retries.
// ---------------------------------------------------------------------------------------------

/** callService options with a deadline far ahead and no real sleeping. */
function callOptions(): CallOptions {
  return { deadline: Date.now() + 60_000, now: Date.now, sleep: async () => {}, random: () => 0 };
}

describe('timeout', () => {
  test('a server that never answers fails the request with a transient TimeoutError', async () => {
    const service = await startService(NO_ANSWER);

    const error = await clientFor(service.endpoint, { timeoutMs: 100 }).getOtaTask({ Identifier: TASK_ID }).then(
      () => { throw new Error('expected the call to fail'); },
      (e: unknown) => e,
    );

    expect(error).toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('within 100 ms') });
    expect(isTransient(error)).toBe(true);
    expect(service.requests).toHaveLength(1);
  });

  test('the timeout also covers a body that never ends', async () => {
    const service = await startService({ status: 200, body: getOtaTaskOutput, stallAfterHeaders: true });

    await expect(clientFor(service.endpoint, { timeoutMs: 100 }).getOtaTask({ Identifier: TASK_ID }))
      .rejects.toMatchObject({ name: 'TimeoutError' });
  });

  test('callService retries a timed-out request', async () => {
    const service = await startService(NO_ANSWER, { status: 200, body: getOtaTaskOutput });
    const client = clientFor(service.endpoint, { timeoutMs: 100 });

    await expect(callService('GetOtaTask', () => client.getOtaTask({ Identifier: TASK_ID }), callOptions()))
      .resolves.toEqual(getOtaTaskOutput);
    expect(service.requests).toHaveLength(2);
  });
});

describe('retries through callService', () => {
  test('429, 429, then 201: three identical requests, one result', async () => {
    const throttled: ScriptedAnswer = {
      status: 429,
      headers: { 'x-amzn-errortype': 'ThrottlingException' },
      body: { message: 'Rate exceeded' },
    };
    const service = await startService(throttled, throttled, {
      status: 201,
      body: { TaskId: TASK_ID, TaskArn: TASK_ARN, Description: 'Firmware 2' },
    });
    const client = clientFor(service.endpoint);

    await expect(callService('CreateOtaTask', () => client.createOtaTask(createOtaTaskInput), callOptions()))
      .resolves.toEqual({ TaskId: TASK_ID, TaskArn: TASK_ARN, Description: 'Firmware 2' });
    expect(service.requests).toHaveLength(3);
    // The same ClientToken every time, so a create that did land is not repeated by the service.
    expect(service.requests.map((r) => JSON.parse(r.body).ClientToken)).toEqual(['token-1', 'token-1', 'token-1']);
  });
});

// ---------------------------------------------------------------------------------------------
// Endpoint resolution.
// ---------------------------------------------------------------------------------------------

describe('endpoint', () => {
  const ENV_NAMES = ['AWS_ENDPOINT_URL_IOT_MANAGED_INTEGRATIONS', 'AWS_ENDPOINT_URL'] as const;
  const saved: Partial<Record<(typeof ENV_NAMES)[number], string>> = {};

  beforeEach(() => {
    for (const name of ENV_NAMES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });

  afterEach(() => {
    for (const name of ENV_NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  const clientWithoutEndpoint = (region = REGION) =>
    new ManagedIntegrationsClient({ region, credentials: async () => CREDENTIALS, now: () => SIGNING_DATE });

  test('defaults to the dual-stack regional host', () => {
    expect(clientWithoutEndpoint('eu-west-1').endpoint).toBe('https://api.iotmanagedintegrations.eu-west-1.api.aws');
    expect(clientWithoutEndpoint('ca-central-1').endpoint).toBe('https://api.iotmanagedintegrations.ca-central-1.api.aws');
  });

  test('AWS_ENDPOINT_URL applies when the service-specific variable is absent', () => {
    process.env.AWS_ENDPOINT_URL = 'http://localhost:4566';

    expect(clientWithoutEndpoint().endpoint).toBe('http://localhost:4566');
  });

  test('AWS_ENDPOINT_URL_IOT_MANAGED_INTEGRATIONS wins over AWS_ENDPOINT_URL', () => {
    process.env.AWS_ENDPOINT_URL = 'http://localhost:4566';
    process.env.AWS_ENDPOINT_URL_IOT_MANAGED_INTEGRATIONS = 'http://localhost:9000';

    expect(clientWithoutEndpoint().endpoint).toBe('http://localhost:9000');
  });

  test('an empty variable counts as unset', () => {
    process.env.AWS_ENDPOINT_URL_IOT_MANAGED_INTEGRATIONS = '';

    expect(clientWithoutEndpoint().endpoint).toBe('https://api.iotmanagedintegrations.eu-west-1.api.aws');
  });

  test('the endpoint option wins over the environment', () => {
    process.env.AWS_ENDPOINT_URL_IOT_MANAGED_INTEGRATIONS = 'http://localhost:9000';

    expect(clientFor('http://localhost:7000').endpoint).toBe('http://localhost:7000');
  });

  test('requests go to the endpoint from the environment', async () => {
    const service = await startService({ status: 200, body: getOtaTaskOutput });
    process.env.AWS_ENDPOINT_URL_IOT_MANAGED_INTEGRATIONS = service.endpoint;

    await expect(clientWithoutEndpoint().getOtaTask({ Identifier: TASK_ID })).resolves.toEqual(getOtaTaskOutput);
    expect(service.requests[0].headers.host).toBe(service.host);
  });

  test('a non-HTTP endpoint is refused', () => {
    expect(() => clientFor('ftp://example.com')).toThrow('endpoint must be an http(s) URL, got ftp://example.com');
  });
});
