// The monitor's EventBridge client on the wire (a loopback server): DisableRule and PutEvents as
// awsJson1_1 requests signed for `events`, PutEvents cut into requests of 10 entries and 256 KB,
// failed entries and HTTP errors shaped as the SDK's so callService retries what is transient and
// reports the rest verbatim, and where requests go.
import { SignatureV4 } from '@smithy/signature-v4';
import { EventBridge, EventBridgeOptions, EventEntry, entrySize, MAX_REQUEST_ENTRY_BYTES } from '../../src/monitoring/handler/event-bridge';
import { callService, isTransient } from '../../src/shared/service-call';
import * as signedHttp from '../../src/shared/signed-http';
import { ReceivedRequest, scriptedAnswer, startLoopbackServer, stopLoopbackServers } from '../support/loopback-server';
import { VerifierSha256 } from '../support/verifier-sha256';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SIGNING_DATE = new Date('2030-06-01T12:00:00.000Z');
const savedEnv = { ...process.env };

afterEach(async () => {
  process.env = { ...savedEnv };
  jest.restoreAllMocks();
  await stopLoopbackServers();
});

type Answer = { status: number; body: object };

function clientFor(endpoint: string | undefined, overrides: Partial<EventBridgeOptions> = {}): EventBridge {
  return new EventBridge({ region: 'eu-west-1', endpoint, credentials: async () => CREDENTIALS, now: () => SIGNING_DATE, ...overrides });
}

async function eventsAnswering(...answers: Answer[]) {
  const server = await startLoopbackServer((_request, response, count) => {
    const answer = scriptedAnswer(answers, count)!;
    response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer.body));
  });
  return { server, events: clientFor(server.endpoint) };
}

/** A PutEvents service that accepts every entry, numbering the events across requests. */
async function acceptingService() {
  let accepted = 0;
  const server = await startLoopbackServer((request, response) => {
    const entries = JSON.parse(request.body).Entries as unknown[];
    const body = { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: `event-${++accepted}` })) };
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
  });
  return { server, events: clientFor(server.endpoint) };
}

function wave(n: number, detail: object = { wave: n }): EventEntry {
  return { source: 'cdk-iot-ota-tasks.rollout', detailType: 'Rollout Wave Started', detail };
}

const entriesOf = (request: ReceivedRequest) => JSON.parse(request.body).Entries as { Detail: string }[];

/** Recomputes the Authorization header with EventBridge's signing name from what the server received. */
async function recomputedAuthorization(received: ReceivedRequest): Promise<string | undefined> {
  const names = /SignedHeaders=([^,]+)/.exec(received.headers.authorization ?? '')?.[1].split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of names) if (name !== 'x-amz-content-sha256') headers[name] = String(received.headers[name]);
  const verifier = new SignatureV4({ service: 'events', region: 'eu-west-1', credentials: CREDENTIALS, sha256: VerifierSha256 });
  const signed = await verifier.sign({
    method: received.method, protocol: 'http:', hostname: '127.0.0.1', path: received.url, query: {}, headers, body: received.body,
  }, { signingDate: SIGNING_DATE });
  return signed.headers.authorization;
}

describe('DisableRule', () => {
  test('throttling (HTTP 400 ThrottlingException) is transient and retried; the retry succeeds', async () => {
    const { server, events } = await eventsAnswering(
      { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
      { status: 200, body: {} },
    );
    await callService('DisableRule', () => events.disableRule('r'), { deadline: Date.now() + 60_000, now: Date.now, sleep: async () => undefined });
    expect(server.requests.map((r) => [r.method, r.url, r.body, r.headers['x-amz-target']])).toEqual([
      ['POST', '/', '{"Name":"r"}', 'AWSEvents.DisableRule'],
      ['POST', '/', '{"Name":"r"}', 'AWSEvents.DisableRule'],
    ]);
  });

  test('another error keeps its type, namespace dropped, and message', async () => {
    const { events } = await eventsAnswering({ status: 400, body: { __type: 'com.amazonaws.events#ResourceNotFoundException', message: 'Rule r does not exist.' } });
    const error = await events.disableRule('r').catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', message: 'Rule r does not exist.', $metadata: { httpStatusCode: 400 } });
    expect(isTransient(error)).toBe(false);
  });
});

describe('PutEvents', () => {
  test('one signed awsJson1_1 request: target, content type, SigV4 for events, the entries as EventBridge names them', async () => {
    const { server, events } = await eventsAnswering({ status: 200, body: { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }, { EventId: 'e-2' }] } });

    const ids = await events.putEvents([
      { source: 'cdk-iot-ota-tasks.rollout', detailType: 'Rollout Wave Started', detail: { wave: 1, targets: ['a', 'b'] }, resources: ['arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/t1'] },
      { source: 'cdk-iot-ota-tasks.rollout', detailType: 'Rollout Halted', detail: { reason: 'failure ratio 0.2 > 0.1' }, eventBusName: 'ops', time: new Date('2030-06-01T11:59:30.500Z') },
    ]);

    expect(ids).toEqual(['e-1', 'e-2']);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect([request.method, request.url]).toEqual(['POST', '/']);
    expect(request.headers['x-amz-target']).toBe('AWSEvents.PutEvents');
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(request.headers.host).toBe(server.host);
    expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20300601\/eu-west-1\/events\/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/);
    expect(request.headers.authorization).toBe(await recomputedAuthorization(request));
    expect(JSON.parse(request.body)).toEqual({
      Entries: [
        {
          Source: 'cdk-iot-ota-tasks.rollout',
          DetailType: 'Rollout Wave Started',
          Detail: '{"wave":1,"targets":["a","b"]}',
          Resources: ['arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/t1'],
        },
        { Source: 'cdk-iot-ota-tasks.rollout', DetailType: 'Rollout Halted', Detail: '{"reason":"failure ratio 0.2 > 0.1"}', EventBusName: 'ops', Time: 1906545570.5 },
      ],
    });
  });

  test('no entries, no request', async () => {
    const { server, events } = await acceptingService();
    await expect(events.putEvents([])).resolves.toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  test('25 entries go as 10, 10 and 5, in order; the ids come back in the entries\' order', async () => {
    const { server, events } = await acceptingService();
    const ids = await events.putEvents(Array.from({ length: 25 }, (_, i) => wave(i)));
    expect(server.requests.map((r) => entriesOf(r).length)).toEqual([10, 10, 5]);
    expect(server.requests.flatMap((r) => entriesOf(r).map((e) => JSON.parse(e.Detail).wave))).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `event-${i + 1}`));
  });

  test('entries are cut where the next would take the request over 256 KB, by EventBridge\'s reckoning of their size', async () => {
    const { server, events } = await acceptingService();
    const big = (n: number) => wave(n, { wave: n, pad: 'x'.repeat(100 * 1024) });
    expect(entrySize(big(1))).toBeGreaterThan(100 * 1024);
    expect(entrySize({ ...wave(1), time: SIGNING_DATE, resources: ['ab', 'cdé'] })).toBe(14 + 25 + 20 + 10 + 2 + 4);

    await events.putEvents([big(1), big(2), big(3), wave(4), big(5)]);

    expect(server.requests.map((r) => entriesOf(r).map((e) => JSON.parse(e.Detail).wave))).toEqual([[1, 2], [3, 4, 5]]);
  });

  test('an entry over 256 KB on its own, or a detail that is not an object, is refused before anything is sent', async () => {
    const { server, events } = await acceptingService();
    const huge = wave(2, { pad: 'x'.repeat(MAX_REQUEST_ENTRY_BYTES) });
    await expect(events.putEvents([wave(1), huge])).rejects.toThrow(
      /^PutEvents: the event "Rollout Wave Started" from cdk-iot-ota-tasks.rollout is \d+ bytes, over EventBridge's 262144/);
    await expect(events.putEvents([wave(1, [1, 2])])).rejects.toThrow('PutEvents: the detail of "Rollout Wave Started" must be a JSON object');
    expect(server.requests).toHaveLength(0);
  });

  test('FailedEntryCount > 0 throws the first failed entry\'s code and message; not transient for a client error', async () => {
    const { events } = await eventsAnswering({
      status: 200,
      body: {
        FailedEntryCount: 2,
        Entries: [
          { EventId: 'e-1' },
          { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure.' },
        ],
      },
    });
    const error = await events.putEvents([wave(1), wave(2), wave(3)]).catch((e: Error) => e);
    expect(error).toMatchObject({
      name: 'MalformedDetail', message: '2 of 3 entries failed; the first (entry 2, Rollout Wave Started): Detail is malformed.', $metadata: { httpStatusCode: 200 },
    });
    expect(isTransient(error)).toBe(false);
    const reported = await callService('PutEvents', () => events.putEvents([wave(1), wave(2), wave(3)]), { deadline: Date.now() + 60_000, now: Date.now }).catch((e: Error) => e);
    expect((reported as Error).message).toBe('PutEvents failed: MalformedDetail: 2 of 3 entries failed; the first (entry 2, Rollout Wave Started): Detail is malformed.');
  });

  test.each(['ThrottlingException', 'InternalFailure'])('a failed entry with %s is transient: callService sends the call again', async (code) => {
    const failed = { status: 200, body: { FailedEntryCount: 1, Entries: [{ ErrorCode: code, ErrorMessage: 'try again' }] } };
    const { server, events } = await eventsAnswering(failed, failed,
      { status: 200, body: { FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }] } },
    );
    const error = await events.putEvents([wave(1)]).catch((e: Error) => e);
    expect(error).toMatchObject({ name: code });
    expect(isTransient(error)).toBe(true);

    const ids = await callService('PutEvents', () => events.putEvents([wave(1)]), { deadline: Date.now() + 60_000, now: Date.now, sleep: async () => undefined });
    expect(ids).toEqual(['e-2']);
    expect(server.requests).toHaveLength(3);
  });

  test('HTTP errors: the type without its namespace and the message; throttling and 5xx transient, a 400 not', async () => {
    const { events } = await eventsAnswering(
      { status: 400, body: { __type: 'com.amazonaws.events#AccessDeniedException', message: 'not authorized to perform: events:PutEvents' } },
      { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
      { status: 500, body: { __type: 'InternalException', message: 'Internal error' } },
      { status: 503, body: {} },
    );
    const denied = await events.putEvents([wave(1)]).catch((e: Error) => e);
    expect(denied).toMatchObject({ name: 'AccessDeniedException', message: 'not authorized to perform: events:PutEvents', $metadata: { httpStatusCode: 400 } });
    expect(isTransient(denied)).toBe(false);
    const throttled = await events.putEvents([wave(1)]).then(() => new Error('resolved'), (e: Error) => e);
    expect([throttled.name, isTransient(throttled)]).toEqual(['ThrottlingException', true]);
    const internal = await events.putEvents([wave(1)]).then(() => new Error('resolved'), (e: Error) => e);
    expect([internal.name, isTransient(internal)]).toEqual(['InternalException', true]);
    const bare = await events.putEvents([wave(1)]).catch((e: Error) => e);
    expect(bare).toMatchObject({ name: 'HTTP503', message: 'HTTP 503', $metadata: { httpStatusCode: 503 } });
    expect(isTransient(bare)).toBe(true);
  });

  test('a failing request stops the call: later requests are not sent', async () => {
    const { server, events } = await eventsAnswering({ status: 400, body: { __type: 'ValidationException', message: 'bad' } });
    await expect(events.putEvents(Array.from({ length: 15 }, (_, i) => wave(i)))).rejects.toMatchObject({ name: 'ValidationException' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('where requests go', () => {
  function captureExchange() {
    return jest.spyOn(signedHttp, 'exchange').mockResolvedValue({ statusCode: 200, headers: {}, body: '{}' });
  }

  test('without an endpoint: https://events.<region>.amazonaws.com/, signed for that host', async () => {
    delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
    delete process.env.AWS_ENDPOINT_URL;
    const exchange = captureExchange();

    await clientFor(undefined).disableRule('r');

    const [url, request] = exchange.mock.calls[0];
    expect(url.href).toBe('https://events.eu-west-1.amazonaws.com/');
    expect(request.headers.host).toBe('events.eu-west-1.amazonaws.com');
    expect(request.headers.authorization).toMatch(/\/eu-west-1\/events\/aws4_request/);
  });

  test('a China region uses the amazonaws.com.cn domain', async () => {
    delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
    delete process.env.AWS_ENDPOINT_URL;
    const exchange = captureExchange();

    await clientFor(undefined, { region: 'cn-northwest-1' }).putEvents([wave(1)]).catch(() => undefined);

    expect(exchange.mock.calls[0][0].href).toBe('https://events.cn-northwest-1.amazonaws.com.cn/');
  });

  test('AWS_ENDPOINT_URL_EVENTBRIDGE wins over AWS_ENDPOINT_URL', async () => {
    const { server } = await acceptingService();
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = server.endpoint;
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';

    await clientFor(undefined).putEvents([wave(1)]);

    expect(server.requests.map((r) => r.headers['x-amz-target'])).toEqual(['AWSEvents.PutEvents']);
  });

  test('AWS_ENDPOINT_URL applies when AWS_ENDPOINT_URL_EVENTBRIDGE is empty', async () => {
    const { server } = await acceptingService();
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = '';
    process.env.AWS_ENDPOINT_URL = server.endpoint;

    await clientFor(undefined).putEvents([wave(1)]);

    expect(server.requests).toHaveLength(1);
  });

  test('the endpoint option wins over the environment', async () => {
    const { server, events } = await acceptingService();
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = 'http://127.0.0.1:9';

    await events.putEvents([wave(1)]);

    expect(server.requests).toHaveLength(1);
  });
});
