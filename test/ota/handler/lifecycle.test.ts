// The OTA custom-resource handler (onEvent / isComplete) against a fake Managed Integrations service
// and S3 on a real loopback server: the real signed client and job-document store make every call.
import { createHash } from 'node:crypto';
import { FakeManagedIntegrations, Failure, internalError, throttled } from './fake-managed-integrations';
import { OTA_CONFIGURATION_FIELDS, OTA_CONFIGURATION_PROPS, OTA_TASK_FIELDS, thing } from './ota-fixtures';
import { JobDocumentStore } from '../../../src/ota/handler/job-document-store';
import { OtaLifecycleContext, isComplete, onEvent } from '../../../src/ota/handler/lifecycle';
import { ManagedIntegrationsClient } from '../../../src/ota/handler/managed-integrations-client';
import { OnEventResponse, ProviderEvent } from '../../../src/shared/provider-events';
import { advancingClock as clockFrom, recordingInvocation } from '../../support/invocation-recorder';

const NOW = Date.parse('2030-06-01T12:00:00.000Z');
/** The stamp onEvent adds for isComplete when it will poll (polling-budget.ts). */
const POLLING_STAMP = { PollingStartedAt: expect.stringMatching(/^2030-06-01T12:/) };
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Demo/6f1b2c90-0000-11ef-8000-0a1b2c3d4e5f';
const TASK_TYPE = 'Custom::IoTManagedIntegrationsOtaTask';
const CONFIGURATION_TYPE = 'Custom::IoTManagedIntegrationsOtaTaskConfiguration';
const BUCKET = 'demo-otajobdocuments1a2b3c-4d5e6f';
const DOCUMENT = JSON.stringify({ firmware: { url: 's3://firmware-bucket/v2.bin', version: '2.0.0' } });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** `ota-job-documents/<sha256 of the content>/<request token>.json` */
const KEY_PATTERN = /^ota-job-documents\/[0-9a-f]{64}\/[0-9a-f]{64}\.json$/;

/** Task properties as CloudFormation delivers them: every scalar a string. */
const PROPS: Record<string, unknown> = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:Demo-OtaProviderframeworkonEvent',
  JobDocument: DOCUMENT,
  JobDocumentBucket: BUCKET,
  ...OTA_TASK_FIELDS,
  OtaSchedulingConfig: {
    EndBehavior: 'STOP_ROLLOUT',
    StartTime: '2030-06-02T17:00',
    EndTime: '2030-06-05T17:00',
    MaintenanceWindows: [{ DurationInMinutes: '60', StartTime: 'cron(0 2 ? * SUN *)' }],
  },
  OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: '3' }] },
  Tags: { team: 'firmware', stage: 'prod' },
};

/** The CreateOtaTask body for `PROPS`, apart from S3Url and ClientToken. */
const CREATE_FIELDS = {
  ...OTA_TASK_FIELDS,
  OtaSchedulingConfig: {
    StartTime: '2030-06-02T17:00',
    EndTime: '2030-06-05T17:00',
    EndBehavior: 'STOP_ROLLOUT',
    MaintenanceWindows: [{ StartTime: 'cron(0 2 ? * SUN *)', DurationInMinutes: 60 }],
  },
  OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: 3 }] },
};

const USER_URL = 's3://customer-ota-bucket/jobs/firmware-2.json';
const URL_PROPS = with_(PROPS, { JobDocument: undefined, JobDocumentBucket: undefined, S3Url: USER_URL });

const CONFIGURATION_PROPS: Record<string, unknown> = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:Demo-OtaProviderframeworkonEvent',
  ...OTA_CONFIGURATION_PROPS,
};

let fake: FakeManagedIntegrations;
let logs: Record<string, unknown>[];
let sleeps: number[];
/** The stacks DescribeStacks was asked about, in order. */
let stackQueries: string[];
/** What DescribeStacks answers: a status, or an error to throw (one per call, the last repeats). */
let stackAnswers: (string | Error)[];

beforeEach(async () => {
  fake = await FakeManagedIntegrations.start();
  logs = [];
  sleeps = [];
  stackQueries = [];
  stackAnswers = ['UPDATE_IN_PROGRESS'];
});

afterEach(async () => {
  await fake.stop();
});

// ---------------------------------------------------------------------------------------------
// Helpers

function context(overrides: Partial<OtaLifecycleContext> = {}): OtaLifecycleContext {
  const credentials = async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret' });
  return {
    client: new ManagedIntegrationsClient({ region: 'eu-west-1', endpoint: fake.url, credentials }),
    documents: new JobDocumentStore({ region: 'eu-west-1', endpoint: fake.url, credentials }),
    ...recordingInvocation(NOW, { logs, sleeps, stackQueries, stackAnswers: () => stackAnswers }),
    ...overrides,
  };
}

/** A clock that moves on by `stepMs` each time the handler sleeps, for tests of the deadline. */
function advancingClock(stepMs: number): Pick<OtaLifecycleContext, 'now' | 'sleep'> {
  return clockFrom(NOW, stepMs, sleeps);
}

/** A copy of `props` with `changes` applied; an undefined value removes the property. */
function with_(props: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...props, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete copy[key];
  return copy;
}

function event(requestType: ProviderEvent['RequestType'], props: Record<string, unknown>, extra: Partial<ProviderEvent> = {}): ProviderEvent {
  return {
    RequestType: requestType,
    StackId: STACK_ID,
    RequestId: `${requestType.toLowerCase()}-c5a8b0d2-1111-4e2f-9a3b-6c7d8e9f0a1b`,
    LogicalResourceId: 'OtaTask1A2B3C4D',
    ResourceType: TASK_TYPE,
    ResponseURL: 'https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/presigned',
    ResourceProperties: props,
    ...extra,
  };
}

const createEvent = (props = PROPS, extra: Partial<ProviderEvent> = {}) => event('Create', props, extra);

/** The event isComplete receives after onEvent answered `result`. */
function completing(onEventEvent: ProviderEvent, result: OnEventResponse): ProviderEvent {
  return { ...onEventEvent, PhysicalResourceId: result.PhysicalResourceId, Data: result.Data };
}

const updateEvent = (props: Record<string, unknown>, oldProps: Record<string, unknown>, id: string) =>
  event('Update', props, { OldResourceProperties: oldProps, PhysicalResourceId: id });

const deleteEvent = (id: string, props = PROPS) => event('Delete', props, { PhysicalResourceId: id });

/** Creates a task through the handler (onEvent only), then forgets the calls that made it. */
async function existingTask(props = PROPS): Promise<string> {
  const { PhysicalResourceId } = await onEvent(createEvent(props), context());
  fake.clearJournal();
  logs = [];
  return PhysicalResourceId!;
}

function bodyOf(operation: Parameters<FakeManagedIntegrations['calls']>[0], index = 0): Record<string, any> {
  return fake.calls(operation)[index].body as Record<string, any>;
}

/** The key a PutObject wrote, from its request target `/bucket/key`. */
function putKey(index = 0): string {
  const url = fake.calls('PutObject')[index].url;
  expect(url.startsWith(`/${BUCKET}/`)).toBe(true);
  return url.slice(BUCKET.length + 2);
}

/** The key of the document the library stored for task `id`, from the task's S3Url. */
function jobKey(id: string): string {
  return (fake.tasks.get(id)!.request.S3Url as string).slice(`s3://${BUCKET}/`.length);
}

const failure = (status: number, type: string, message: string): Failure => ({ status, type, message });

// ---------------------------------------------------------------------------------------------

describe('properties are converted and checked before any request', () => {
  const targets = (count: number) => Array.from({ length: count }, (_, i) => thing(i + 1));
  const INVALID: [string, Record<string, unknown>, string][] = [
    ['OtaType "SOMETIMES"', { OtaType: 'SOMETIMES' }, 'Invalid OtaTask properties: otaType must be one of ONE_TIME, CONTINUOUS, got "SOMETIMES"'],
    ['no OtaType', { OtaType: undefined }, 'Invalid OtaTask properties: otaType is required'],
    ['ONE_TIME without targets', { Target: undefined }, 'Invalid OtaTask properties: a ONE_TIME task takes targets (1 or more) and no otaTargetQueryString'],
    ['ONE_TIME with a query', { OtaTargetQueryString: 'attributes.model:x1' }, 'a ONE_TIME task takes targets (1 or more) and no otaTargetQueryString'],
    ['CONTINUOUS with targets', { OtaType: 'CONTINUOUS', OtaTargetQueryString: 'attributes.model:x1' },
      'Invalid OtaTask properties: a CONTINUOUS task takes a non-empty otaTargetQueryString and no targets'],
    ['CONTINUOUS without a query', { OtaType: 'CONTINUOUS', Target: undefined }, 'a CONTINUOUS task takes a non-empty otaTargetQueryString and no targets'],
    ['101 targets', { Target: targets(101) }, 'Invalid OtaTask properties: targets takes at most 100 managed things, got 101'],
    ['a target twice', { Target: [thing(1), thing(1)] }, 'Invalid OtaTask properties: targets lists a managed thing twice'],
    ['DurationInMinutes "1431"', { OtaSchedulingConfig: { MaintenanceWindows: [{ DurationInMinutes: '1431', StartTime: 'x' }] } },
      'Invalid OtaTask properties: scheduling.maintenanceWindows[].duration (minutes) must be an integer from 1 to 1430, got 1431'],
    ['MinNumberOfRetries "2.5"', { OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: '2.5' }] } },
      'Invalid OtaTask properties: retryCriteria[].minNumberOfRetries must be an integer from 0 to 10, got "2.5"'],
    ['EndBehavior "STOP"', { OtaSchedulingConfig: { EndBehavior: 'STOP' } }, 'scheduling.endBehavior must be one of STOP_ROLLOUT, CANCEL, FORCE_CANCEL, got "STOP"'],
    ['Description with "!"', { Description: 'Firmware 2!' },
      'Invalid OtaTask properties: description must be letters (A-Z, a-z), digits, spaces, - and _ only (not . or any other punctuation), 1 to 256 characters, got "Firmware 2!"'],
    ['Description ""', { Description: '' }, 'Invalid OtaTask properties: description must be letters (A-Z, a-z), digits, spaces, - and _ only (not . or any other punctuation), 1 to 256 characters, got ""'],
    ['TaskConfigurationId "cfg-1"', { TaskConfigurationId: 'cfg-1' },
      'Invalid OtaTask properties: taskConfiguration must be letters (A-Z, a-z) and digits only, 1 to 64 characters, got "cfg-1"'],
    ['a target that is not a managed-thing ARN', { Target: [thing(1), 'hub0002'] },
      'Invalid OtaTask properties: targets must be a managed-thing ARN (arn:aws:iotmanagedintegrations:<region>:<account>:managed-thing/<id>, the id made of letters, digits, :, _ and -), 32 to 1011 characters, got "hub0002"'],
    ['an EndTime before the StartTime', { OtaSchedulingConfig: { StartTime: '2030-06-02T17:00', EndTime: '2030-06-01T17:00' } },
      'Invalid OtaTask properties: scheduling.endTime must be later than scheduling.startTime, got startTime "2030-06-02T17:00" and endTime "2030-06-01T17:00"'],
    ['a JobDocument that is not JSON', { JobDocument: '{"firmware":' }, 'Invalid OtaTask properties: the job document is not valid JSON'],
    ['a JobDocument without a bucket', { JobDocumentBucket: undefined }, 'Invalid OtaTask properties: JobDocumentBucket is required with JobDocument'],
    ['no job document at all', { JobDocument: undefined, JobDocumentBucket: undefined }, 'Invalid OtaTask properties: jobDocument is required'],
    ['an https S3Url', { JobDocument: undefined, S3Url: 'https://b.s3.amazonaws.com/k.json' },
      'Invalid OtaTask properties: jobDocument must be an s3://bucket/key URL, got "https://b.s3.amazonaws.com/k.json"'],
    ['51 tags', { Tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      'Invalid OtaTask properties: at most 50 tags are allowed, got 51'],
  ];

  test.each(INVALID)('onEvent Create with %s fails and sends nothing', async (_label, changes, message) => {
    await expect(onEvent(createEvent(with_(PROPS, changes)), context())).rejects.toThrow(message);
    expect(fake.journal).toEqual([]);
  });

  test.each(INVALID)('onEvent Update to %s fails and sends nothing', async (_label, changes, message) => {
    await expect(onEvent(updateEvent(with_(PROPS, changes), PROPS, 'task9'), context())).rejects.toThrow(message);
    expect(fake.journal).toEqual([]);
  });

  test.each(INVALID)('isComplete Create with %s fails and sends nothing', async (_label, changes, message) => {
    const props = with_(PROPS, changes);
    await expect(isComplete(completing(createEvent(props), { PhysicalResourceId: 'task9' }), context())).rejects.toThrow(message);
    expect(fake.journal).toEqual([]);
  });
});

describe('onEvent Create with a JobDocument', () => {
  test('stores the document, then creates the task from it', async () => {
    await onEvent(createEvent(), context());

    expect(fake.operations()).toEqual(['PutObject', 'CreateOtaTask']);
    expect(putKey()).toMatch(KEY_PATTERN);
    expect(fake.objects).toEqual(new Map([[`${BUCKET}/${putKey()}`, DOCUMENT]]));
  });

  test('sends every field converted to the model types, the stored document URL and a ClientToken, and no Tags', async () => {
    await onEvent(createEvent(), context());

    expect(bodyOf('CreateOtaTask')).toStrictEqual({
      ...CREATE_FIELDS,
      S3Url: `s3://${BUCKET}/${putKey()}`,
      ClientToken: expect.stringMatching(/^[a-zA-Z0-9=_-]{1,64}$/),
    });
    expect(fake.tasks.get('task1')!.Tags).toEqual({});
  });

  test('returns the TaskId as the physical id and only Arn and Id as data', async () => {
    await expect(onEvent(createEvent(), context())).resolves.toStrictEqual({
      PhysicalResourceId: 'task1',
      Data: { Arn: fake.taskArn('task1'), Id: 'task1' },
      ...POLLING_STAMP,
    });
  });

  test('handling the same request twice sends the same ClientToken and document key, making one task', async () => {
    const first = await onEvent(createEvent(), context());
    const second = await onEvent(createEvent(), context());

    expect(second).toEqual(first);
    expect(bodyOf('CreateOtaTask', 1).ClientToken).toBe(bodyOf('CreateOtaTask', 0).ClientToken);
    expect(putKey(1)).toBe(putKey(0));
    expect([...fake.tasks.keys()]).toEqual([first.PhysicalResourceId]);
    expect(fake.objects.size).toBe(1);
  });

  test('another CloudFormation request gets another ClientToken and document key', async () => {
    await onEvent(createEvent(PROPS, { RequestId: 'request-1' }), context());
    await onEvent(createEvent(PROPS, { RequestId: 'request-2' }), context());

    expect(bodyOf('CreateOtaTask', 1).ClientToken).not.toBe(bodyOf('CreateOtaTask', 0).ClientToken);
    expect(putKey(1)).not.toBe(putKey(0));
    expect(fake.tasks.size).toBe(2);
  });

  test('the document key is ota-job-documents/<sha256 of the content>/<ClientToken>.json', async () => {
    await onEvent(createEvent(), context());

    expect(putKey()).toBe(`ota-job-documents/${sha256(DOCUMENT)}/${bodyOf('CreateOtaTask').ClientToken}.json`);
  });

  test('the same content in two creates: different keys (tokens) in the same hash directory', async () => {
    await onEvent(createEvent(PROPS, { RequestId: 'request-1' }), context());
    await onEvent(createEvent(PROPS, { RequestId: 'request-2' }), context());

    const [first, second] = [putKey(0), putKey(1)];
    expect(first).not.toBe(second);
    expect(first.split('/')[1]).toBe(sha256(DOCUMENT));
    expect(second.split('/')[1]).toBe(sha256(DOCUMENT));
    expect(fake.objects.size).toBe(2);
  });

  test('other content goes to another hash directory', async () => {
    const other = JSON.stringify({ firmware: { url: 's3://firmware-bucket/v3.bin', version: '3.0.0' } });
    await onEvent(createEvent(PROPS, { RequestId: 'request-1' }), context());
    await onEvent(createEvent(with_(PROPS, { JobDocument: other }), { RequestId: 'request-2' }), context());

    expect(putKey(0).split('/')[1]).toBe(sha256(DOCUMENT));
    expect(putKey(1).split('/')[1]).toBe(sha256(other));
  });

  test('a direct invocation with real numbers converts to the same request', async () => {
    const numeric = with_(PROPS, {
      OtaSchedulingConfig: { ...PROPS.OtaSchedulingConfig as object, MaintenanceWindows: [{ DurationInMinutes: 60, StartTime: 'cron(0 2 ? * SUN *)' }] },
      OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: 3 }] },
    });
    await onEvent(createEvent(PROPS), context());
    await onEvent(createEvent(numeric), context());

    expect(bodyOf('CreateOtaTask', 1)).toStrictEqual(bodyOf('CreateOtaTask', 0));
    expect(fake.tasks.size).toBe(1);
  });

  test('a CONTINUOUS task sends its query and no Target', async () => {
    await onEvent(createEvent(with_(PROPS, { OtaType: 'CONTINUOUS', Target: undefined, OtaTargetQueryString: 'attributes.model:x1' })), context());

    expect(bodyOf('CreateOtaTask')).toMatchObject({ OtaType: 'CONTINUOUS', OtaTargetQueryString: 'attributes.model:x1' });
    expect(bodyOf('CreateOtaTask')).not.toHaveProperty('Target');
  });
});

describe('onEvent Create with an S3Url', () => {
  test('stores nothing and creates the task from the user URL', async () => {
    const result = await onEvent(createEvent(URL_PROPS), context());

    expect(fake.operations()).toEqual(['CreateOtaTask']);
    expect(bodyOf('CreateOtaTask')).toStrictEqual({ ...CREATE_FIELDS, S3Url: USER_URL, ClientToken: expect.any(String) });
    expect(result.PhysicalResourceId).toBe('task1');
    expect(fake.objects.size).toBe(0);
  });
});

describe('onEvent Create when a request fails', () => {
  test('a refused CreateOtaTask deletes the stored document again and reports the service words', async () => {
    fake.fail('CreateOtaTask', 1, failure(400, 'ValidationException', 'Target arn is not a managed thing'));

    await expect(onEvent(createEvent(), context())).rejects.toThrow(
      new Error('CreateOtaTask failed: ValidationException: Target arn is not a managed thing'));

    expect(fake.operations()).toEqual(['PutObject', 'CreateOtaTask', 'DeleteObject']);
    expect(fake.calls('DeleteObject')[0].url).toBe(`/${BUCKET}/${putKey()}`);
    expect(fake.objects.size).toBe(0);
    expect(fake.tasks.size).toBe(0);
  });

  test('a refused CreateOtaTask with a user URL deletes nothing', async () => {
    fake.fail('CreateOtaTask', 1, failure(403, 'AccessDeniedException', 'Not allowed'));

    await expect(onEvent(createEvent(URL_PROPS), context())).rejects.toThrow('CreateOtaTask failed: AccessDeniedException: Not allowed');
    expect(fake.operations()).toEqual(['CreateOtaTask']);
  });

  test('throttling past the deadline fails the create and still removes the document', async () => {
    fake.fail('CreateOtaTask', 'every', throttled());

    await expect(onEvent(createEvent(), context({ ...advancingClock(5_000), deadline: NOW + 10_000 })))
      .rejects.toThrow(new Error('CreateOtaTask failed: ThrottlingException: Rate exceeded'));
    expect(fake.calls('CreateOtaTask')).toHaveLength(3);
    expect(fake.objects.size).toBe(0);
  });

  test.each<[string, Parameters<typeof fake.fail>[2]]>([
    ['a 500 on every attempt', failure(500, 'InternalServerException', 'Internal failure')],
    ['a 503 on every attempt', failure(503, 'ServiceUnavailableException', 'Unavailable')],
  ])('a CreateOtaTask whose outcome is unknown (%s) keeps the stored document: the task may exist and read it', async (_label, answer) => {
    fake.fail('CreateOtaTask', 'every', answer);

    await expect(onEvent(createEvent(), context({ ...advancingClock(5_000), deadline: NOW + 10_000 }))).rejects.toThrow(/^CreateOtaTask failed: /);

    expect(fake.operations()).not.toContain('DeleteObject');
    expect(fake.objects.size).toBe(1);
    expect(logs).toContainEqual(expect.objectContaining({ operation: 'CreateOtaTask', kept: expect.stringContaining('document stays') }));
  });

  test('properties too large for the framework\'s Step Functions input are refused before anything is stored or created', async () => {
    const huge = with_(PROPS, { JobDocument: JSON.stringify({ pad: '"'.repeat(32_000) }) });

    await expect(onEvent(createEvent(huge), context())).rejects.toThrow(/StartExecution accepts/);
    expect(fake.operations()).toEqual([]);
  });

  test('a refused PutObject reports the S3 error and creates no task', async () => {
    fake.fail('PutObject', 1, failure(403, 'AccessDenied', 'Access Denied'));

    await expect(onEvent(createEvent(), context())).rejects.toThrow(new Error('PutObject failed: AccessDenied: Access Denied'));
    // The write may have happened despite the error answer, so the handler removes it again.
    expect(fake.operations()).toEqual(['PutObject', 'DeleteObject']);
  });

  test('a PutObject answered 503 is retried', async () => {
    fake.fail('PutObject', 1, failure(503, 'SlowDown', 'Please reduce your request rate.'));

    await onEvent(createEvent(), context());
    expect(fake.operations()).toEqual(['PutObject', 'PutObject', 'CreateOtaTask']);
  });
});

describe('throttling and lost answers', () => {
  test('429 twice then success: one task, three CreateOtaTask calls with the same ClientToken', async () => {
    fake.fail('CreateOtaTask', 1, throttled());
    fake.fail('CreateOtaTask', 2, throttled());

    const result = await onEvent(createEvent(), context());

    expect(result.PhysicalResourceId).toBe('task1');
    expect(fake.calls('CreateOtaTask').map((call) => call.status)).toEqual([429, 429, 201]);
    expect(new Set(fake.calls('CreateOtaTask').map((call) => (call.body as { ClientToken: string }).ClientToken)).size).toBe(1);
    expect(fake.tasks.size).toBe(1);
    expect(sleeps).toEqual([100, 200]);
  });

  test('a 500 after the task was made is retried with the same token and returns that task', async () => {
    fake.fail('CreateOtaTask', 1, internalError(true));

    const result = await onEvent(createEvent(), context());

    expect(fake.calls('CreateOtaTask').map((call) => call.status)).toEqual([500, 201]);
    expect([...fake.tasks.keys()]).toEqual([result.PhysicalResourceId]);
  });

  test('throttling that outlasts the deadline in isComplete asks to be called again', async () => {
    const created = await onEvent(createEvent(), context());
    fake.fail('TagResource', 'every', throttled());

    const ctx = context({ ...advancingClock(5_000), deadline: NOW + 10_000 });
    await expect(isComplete(completing(createEvent(), created), ctx)).resolves.toEqual({ IsComplete: false });
    expect(fake.calls('TagResource').length).toBeGreaterThan(1);
    expect(logs).toContainEqual({ taskId: created.PhysicalResourceId, retryLater: 'TagResource failed: ThrottlingException: Rate exceeded' });
  });
});

describe('isComplete Create', () => {
  test('tags the task by its ARN', async () => {
    const created = await onEvent(createEvent(), context());
    fake.clearJournal();

    await expect(isComplete(completing(createEvent(), created), context())).resolves.toEqual({ IsComplete: true });

    expect(fake.operations()).toEqual(['TagResource']);
    expect(fake.tasks.get(created.PhysicalResourceId!)!.Tags).toEqual({ team: 'firmware', stage: 'prod' });
  });

  test('reads the ARN from the task when onEvent passed none', async () => {
    const created = await onEvent(createEvent(), context());
    fake.clearJournal();

    await isComplete(completing(createEvent(), { PhysicalResourceId: created.PhysicalResourceId }), context());

    expect(fake.operations()).toEqual(['GetOtaTask', 'TagResource']);
    expect(fake.tasks.get(created.PhysicalResourceId!)!.Tags).toEqual({ team: 'firmware', stage: 'prod' });
  });

  test('sends nothing for a task without tags', async () => {
    const props = with_(PROPS, { Tags: undefined });
    const created = await onEvent(createEvent(props), context());
    fake.clearJournal();

    await expect(isComplete(completing(createEvent(props), created), context())).resolves.toEqual({ IsComplete: true });
    expect(fake.journal).toEqual([]);
  });

  test('a refused TagResource fails with the service words', async () => {
    const created = await onEvent(createEvent(), context());
    fake.fail('TagResource', 1, failure(409, 'ConflictException', 'Tagging in progress'));

    await expect(isComplete(completing(createEvent(), created), context()))
      .rejects.toThrow(new Error('TagResource failed: ConflictException: Tagging in progress'));
  });
});

describe('onEvent Update in place', () => {
  test('a new Description is sent alone, to the same task', async () => {
    const id = await existingTask();

    const result = await onEvent(updateEvent(with_(PROPS, { Description: 'Firmware 3' }), PROPS, id), context());

    expect(result).toStrictEqual({ PhysicalResourceId: id, Data: { Arn: fake.taskArn(id), Id: id }, ...POLLING_STAMP });
    expect(fake.operations()).toEqual(['GetOtaTask', 'UpdateOtaTask']);
    expect(fake.calls('UpdateOtaTask')[0].url).toBe(`/ota-tasks/${id}`);
    expect(bodyOf('UpdateOtaTask')).toStrictEqual({ Description: 'Firmware 3' });
    expect(fake.tasks.get(id)!.Description).toBe('Firmware 3');
    expect(fake.tasks.size).toBe(1);
  });

  test.each<[string, Record<string, unknown>]>([
    ['a tag-only update', { Tags: { team: 'firmware', stage: 'canary' } }],
    ['a new description', { Description: 'Firmware 3' }],
  ])('%s of a task whose live values the service normalised stays in place: the live task is never a reason to replace', async (_label, change) => {
    const id = await existingTask();
    // Schedule times come back with seconds and a zone; members with a single value are dropped.
    const live = fake.tasks.get(id)! as Record<string, any>;
    live.OtaSchedulingConfig = { ...live.OtaSchedulingConfig, StartTime: '2030-06-02T17:00:00Z', EndTime: '2030-06-05T17:00:00Z' };
    live.OtaSchedulingConfig.MaintenanceWindows = [{ DurationInMinutes: 60, StartTime: 'cron(0 2 ? * SUN *)' }];
    delete live.Protocol;
    delete live.OtaMechanism;
    live.Target = [thing(2), thing(1)];

    const result = await onEvent(updateEvent(with_(PROPS, change), PROPS, id), context());

    expect(result.PhysicalResourceId).toBe(id);
    expect(fake.operations()).not.toContain('CreateOtaTask');
    expect(fake.tasks.size).toBe(1);
  });

  test('a new TaskConfigurationId is sent alone', async () => {
    const id = await existingTask();

    await onEvent(updateEvent(with_(PROPS, { TaskConfigurationId: 'config2' }), PROPS, id), context());

    expect(bodyOf('UpdateOtaTask')).toStrictEqual({ TaskConfigurationId: 'config2' });
    expect(fake.tasks.get(id)!.TaskConfigurationId).toBe('config2');
  });

  test('both change together in one UpdateOtaTask', async () => {
    const id = await existingTask();

    await onEvent(updateEvent(with_(PROPS, { Description: 'Firmware 3', TaskConfigurationId: 'config2' }), PROPS, id), context());

    expect(bodyOf('UpdateOtaTask')).toStrictEqual({ Description: 'Firmware 3', TaskConfigurationId: 'config2' });
  });

  test('adding a Description the task did not have is in place', async () => {
    const id = await existingTask(with_(PROPS, { Description: undefined }));

    const result = await onEvent(updateEvent(PROPS, with_(PROPS, { Description: undefined }), id), context());

    expect(result.PhysicalResourceId).toBe(id);
    expect(bodyOf('UpdateOtaTask')).toStrictEqual({ Description: 'Firmware 2' });
  });

  test('nothing differing from the live task sends no UpdateOtaTask', async () => {
    const id = await existingTask();

    const result = await onEvent(updateEvent(with_(PROPS, { Tags: { team: 'firmware' } }), PROPS, id), context());

    expect(result.PhysicalResourceId).toBe(id);
    expect(fake.operations()).toEqual(['GetOtaTask']);
  });

  test('compares with the live task, so a drifted Description is set back in place', async () => {
    const id = await existingTask();
    fake.tasks.get(id)!.Description = 'Changed in the console';

    const result = await onEvent(updateEvent(PROPS, PROPS, id), context());

    expect(result).toStrictEqual({ PhysicalResourceId: id, Data: { Arn: fake.taskArn(id), Id: id }, ...POLLING_STAMP });
    expect(fake.operations()).toEqual(['GetOtaTask', 'UpdateOtaTask']);
    expect(bodyOf('UpdateOtaTask')).toStrictEqual({ Description: 'Firmware 2' });
    expect(fake.tasks.get(id)!.Description).toBe('Firmware 2');
    expect(fake.tasks.size).toBe(1);
  });

  test('a drifted TaskConfigurationId is set back in place too', async () => {
    const id = await existingTask();
    fake.tasks.get(id)!.TaskConfigurationId = 'config9';

    const result = await onEvent(updateEvent(with_(PROPS, { Tags: { team: 'firmware' } }), PROPS, id), context());

    expect(result.PhysicalResourceId).toBe(id);
    expect(fake.operations()).toEqual(['GetOtaTask', 'UpdateOtaTask']);
    expect(bodyOf('UpdateOtaTask')).toStrictEqual({ TaskConfigurationId: 'config1' });
  });

  test('a document unchanged in content is the same document, whichever request stored it', async () => {
    const id = await existingTask();

    const update = updateEvent(with_(PROPS, { Description: 'Firmware 3' }), PROPS, id);
    const result = await onEvent({ ...update, RequestId: 'another-request' }, context());

    expect(result.PhysicalResourceId).toBe(id);
    expect(fake.operations()).toEqual(['GetOtaTask', 'UpdateOtaTask']);
  });

  test('a Description set outside CloudFormation that the properties leave out sends no empty UpdateOtaTask', async () => {
    const bare = with_(PROPS, { Description: undefined, TaskConfigurationId: undefined });
    const id = await existingTask(bare);
    fake.tasks.get(id)!.Description = 'Set in the console';
    fake.tasks.get(id)!.TaskConfigurationId = 'config9';

    await onEvent(updateEvent(bare, bare, id), context());

    expect(fake.operations()).toEqual(['GetOtaTask']);
  });

  test.each<[string, Record<string, unknown>]>([
    ['an in-place change', { Description: 'Firmware 3' }],
    ['a replacing change', { Target: [thing(3)] }],
  ])('a task that no longer exists fails the update (%s) before anything is stored or made', async (_label, changes) => {
    await expect(onEvent(updateEvent(with_(PROPS, changes), PROPS, 'task404'), context()))
      .rejects.toThrow('GetOtaTask failed: ResourceNotFoundException: OTA task task404 does not exist');
    expect(fake.operations()).toEqual(['GetOtaTask']);
  });
});

describe('onEvent Update that needs a new task', () => {
  const REPLACEMENTS: [string, Record<string, unknown>][] = [
    ['targets', { Target: [thing(1), thing(3)] }],
    ['OtaType', { OtaType: 'CONTINUOUS', Target: undefined, OtaTargetQueryString: 'attributes.model:x1' }],
    ['Protocol removed', { Protocol: undefined }],
    ['scheduling', { OtaSchedulingConfig: { EndBehavior: 'CANCEL' } }],
    ['maintenance window duration', {
      OtaSchedulingConfig: { ...PROPS.OtaSchedulingConfig as object, MaintenanceWindows: [{ DurationInMinutes: '90', StartTime: 'cron(0 2 ? * SUN *)' }] },
    }],
    ['retry', { OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: '4' }] } }],
    ['job document', { JobDocument: JSON.stringify({ firmware: { url: 's3://firmware-bucket/v3.bin', version: '3.0.0' } }) }],
  ];

  test.each(REPLACEMENTS)('%s: a new task with a new id and a new document key; the old task is untouched', async (_label, changes) => {
    const id = await existingTask();
    const oldTask = structuredClone(fake.tasks.get(id)!);
    const props = with_(PROPS, changes);

    const result = await onEvent(updateEvent(props, PROPS, id), context());

    expect(result.PhysicalResourceId).not.toBe(id);
    const newId = result.PhysicalResourceId!;
    expect(result).toStrictEqual({ PhysicalResourceId: newId, Data: { Arn: fake.taskArn(newId), Id: newId }, ...POLLING_STAMP });
    expect(fake.operations()).toEqual(['GetOtaTask', 'PutObject', 'CreateOtaTask']);
    expect(fake.tasks.get(id)).toEqual(oldTask);
    const newTask = fake.tasks.get(result.PhysicalResourceId!)!;
    expect(newTask.request.S3Url).toBe(`s3://${BUCKET}/ota-job-documents/${sha256(props.JobDocument as string)}/${bodyOf('CreateOtaTask').ClientToken}.json`);
    expect(newTask.request.S3Url).not.toBe(oldTask.request.S3Url);
    expect(fake.objects.get(`${BUCKET}/${putKey()}`)).toBe(props.JobDocument);
    expect(fake.objects.size).toBe(2);
  });

  test('the new task has the new fields, and a changed Description with them needs no UpdateOtaTask', async () => {
    const id = await existingTask();

    const result = await onEvent(updateEvent(with_(PROPS, { Target: [thing(3)], Description: 'Firmware 3' }), PROPS, id), context());

    expect(bodyOf('CreateOtaTask')).toMatchObject({ Target: [thing(3)], Description: 'Firmware 3' });
    expect(bodyOf('CreateOtaTask')).not.toHaveProperty('Tags');
    expect(fake.calls('UpdateOtaTask')).toEqual([]);
    expect(fake.tasks.get(result.PhysicalResourceId!)!.Description).toBe('Firmware 3');
  });

  test('moving to a user URL stores nothing', async () => {
    const id = await existingTask();

    const result = await onEvent(updateEvent(URL_PROPS, PROPS, id), context());

    expect(result.PhysicalResourceId).not.toBe(id);
    expect(fake.operations()).toEqual(['GetOtaTask', 'CreateOtaTask']);
    expect(bodyOf('CreateOtaTask').S3Url).toBe(USER_URL);
  });
});

describe('the rollback of a failed replacement', () => {
  // The stack moved the task from PROPS to a new state, which made a new task; a later failure rolls
  // the stack back. CloudFormation sends an Update to the original task with the properties swapped
  // back (OldResourceProperties = the failed new state). The original task is still live and
  // matches, so nothing is to be made; the new task is deleted in the cleanup that follows.
  const FAILED: [string, Record<string, unknown>][] = [
    ['targets', { Target: [thing(1), thing(3)] }],
    ['job document', { JobDocument: JSON.stringify({ firmware: { url: 's3://firmware-bucket/v3.bin', version: '3.0.0' } }) }],
    ['OtaType', { OtaType: 'CONTINUOUS', Target: undefined, OtaTargetQueryString: 'attributes.model:x1' }],
    ['Protocol removed', { Protocol: undefined }],
    ['Protocol and Description removed', { Protocol: undefined, Description: undefined }],
    ['scheduling and Description', { OtaSchedulingConfig: { EndBehavior: 'CANCEL' }, Description: 'Firmware 3' }],
  ];

  test.each(FAILED)('after %s: the original task is kept, with no new document or task', async (_label, changes) => {
    const original = await existingTask();
    const failedState = with_(PROPS, changes);
    const forward = await onEvent(updateEvent(failedState, PROPS, original), context());
    expect(forward.PhysicalResourceId).not.toBe(original);
    const before = structuredClone(fake.tasks.get(original)!);
    fake.clearJournal();

    const rollback = { ...updateEvent(PROPS, failedState, original), RequestId: 'rollback-7d1e2f3a' };
    const result = await onEvent(rollback, context());

    expect(result).toStrictEqual({ PhysicalResourceId: original, Data: { Arn: fake.taskArn(original), Id: original }, ...POLLING_STAMP });
    expect(fake.operations()).toEqual(['GetOtaTask']);
    expect(fake.tasks.get(original)).toEqual(before);
    expect(fake.tasks.size).toBe(2);
  });

  test('the cleanup then deletes the new task and its document, leaving the original and its document', async () => {
    const original = await existingTask();
    const originalUrl = fake.tasks.get(original)!.request.S3Url;
    const failedState = with_(PROPS, { Target: [thing(3)], JobDocument: JSON.stringify({ v: 3 }) });
    const replacement = (await onEvent(updateEvent(failedState, PROPS, original), context())).PhysicalResourceId!;

    await onEvent({ ...updateEvent(PROPS, failedState, original), RequestId: 'rollback-7d1e2f3a' }, context());
    await onEvent(deleteEvent(replacement, failedState), context());

    expect([...fake.tasks.keys()]).toEqual([original]);
    expect([...fake.objects.keys()].map((location) => `s3://${location}`)).toEqual([originalUrl]);
  });

  test('isComplete of the rollback puts the original tags back on the original task', async () => {
    const original = await existingTask();
    await isComplete(completing(createEvent(), { PhysicalResourceId: original, Data: { Arn: fake.taskArn(original), Id: original } }), context());
    const failedState = with_(PROPS, { Target: [thing(3)], Tags: { team: 'platform', owner: 'ota' } });
    await onEvent(updateEvent(failedState, PROPS, original), context());
    fake.clearJournal();

    const rollback = { ...updateEvent(PROPS, failedState, original), RequestId: 'rollback-7d1e2f3a' };
    await isComplete(completing(rollback, await onEvent(rollback, context())), context());

    expect(fake.operations()).toEqual(['GetOtaTask', 'UntagResource', 'TagResource']);
    expect(fake.tasks.get(original)!.Tags).toEqual({ team: 'firmware', stage: 'prod' });
  });

  test('the rollback of a failed in-place update sets the Description back on the same task', async () => {
    const id = await existingTask();
    const failedState = with_(PROPS, { Description: 'Firmware 3' });
    await onEvent(updateEvent(failedState, PROPS, id), context());
    fake.clearJournal();

    const result = await onEvent({ ...updateEvent(PROPS, failedState, id), RequestId: 'rollback-7d1e2f3a' }, context());

    expect(result.PhysicalResourceId).toBe(id);
    expect(fake.operations()).toEqual(['GetOtaTask', 'UpdateOtaTask']);
    expect(fake.tasks.get(id)!.Description).toBe('Firmware 2');
    expect(fake.tasks.size).toBe(1);
  });
});

describe('a removed description or task configuration, which UpdateOtaTask cannot clear', () => {
  const ROLLING_BACK = 'UPDATE_ROLLBACK_IN_PROGRESS';
  const BARE = with_(PROPS, { Description: undefined, TaskConfigurationId: undefined });

  test.each<[string, Record<string, unknown>, string, string]>([
    ['description', { Description: 'Firmware 2' }, 'Description', 'description "Firmware 2"'],
    ['taskConfiguration', { TaskConfigurationId: 'config1' }, 'TaskConfigurationId', 'taskConfiguration "config1"'],
  ])('%s added in place, then rolled back: the same task keeps it, logged; nothing is replaced', async (prop, added, member, kept) => {
    const id = await existingTask(BARE);
    const withIt = with_(BARE, added);
    await onEvent(updateEvent(withIt, BARE, id), context());
    expect(fake.operations()).toEqual(['GetOtaTask', 'UpdateOtaTask']);
    fake.clearJournal();

    // A later resource fails: CloudFormation sends the old properties back to the same task.
    stackAnswers = [ROLLING_BACK];
    const result = await onEvent({ ...updateEvent(BARE, withIt, id), RequestId: 'rollback-7d1e2f3a' }, context());

    expect(result).toStrictEqual({ PhysicalResourceId: id, Data: { Arn: fake.taskArn(id), Id: id }, ...POLLING_STAMP });
    expect(fake.operations()).toEqual(['GetOtaTask']);
    expect(fake.tasks.size).toBe(1);
    expect((fake.tasks.get(id) as unknown as Record<string, unknown>)[member]).toBe(Object.values(added)[0]);
    expect(stackQueries).toEqual([STACK_ID]);
    expect(logs).toContainEqual({
      taskId: id,
      stackStatus: ROLLING_BACK,
      warning: `the stack is rolling back to properties without ${prop}, which UpdateOtaTask cannot clear: OtaTask ${id} keeps ${kept}.`,
    });
  });

  test('the rollback still sets back what it can: a changed description, with the configuration kept', async () => {
    const before = with_(PROPS, { TaskConfigurationId: undefined });
    const id = await existingTask(before);
    const failedState = with_(PROPS, { Description: 'Firmware 3' });
    await onEvent(updateEvent(failedState, before, id), context());
    fake.clearJournal();
    stackAnswers = [ROLLING_BACK];

    await onEvent(updateEvent(before, failedState, id), context());

    expect(fake.operations()).toEqual(['GetOtaTask', 'UpdateOtaTask']);
    expect(bodyOf('UpdateOtaTask')).toStrictEqual({ Description: 'Firmware 2' });
    expect(fake.tasks.get(id)).toMatchObject({ Description: 'Firmware 2', TaskConfigurationId: 'config1' });
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['description', { Description: undefined }, 'cannot remove description. UpdateOtaTask cannot clear it'],
    ['taskConfiguration', { TaskConfigurationId: undefined }, 'cannot remove taskConfiguration. UpdateOtaTask cannot clear it'],
    ['both', { Description: undefined, TaskConfigurationId: undefined }, 'cannot remove description and taskConfiguration. UpdateOtaTask cannot clear them'],
  ])('a forward update removing %s is refused with the reason and changes nothing', async (_label, changes, message) => {
    const id = await existingTask();
    const before = structuredClone(fake.tasks.get(id)!);

    await expect(onEvent(updateEvent(with_(PROPS, changes), PROPS, id), context())).rejects.toThrow(
      `OtaTask ${id}: ${message} (the service requires at least one character), and a new task would push the campaign to its devices again. `);
    expect(fake.operations()).toEqual(['GetOtaTask']);
    expect(fake.tasks.get(id)).toEqual(before);
    expect(stackQueries).toEqual([STACK_ID]);
  });

  test('the refusal says what to do instead', async () => {
    const id = await existingTask();
    await expect(onEvent(updateEvent(with_(PROPS, { Description: undefined }), PROPS, id), context())).rejects.toThrow(
      'Keep description (any value), or give the OtaTask a new construct id to create a new task.');
  });

  test('a removal together with a change that needs a new task: the new task is made without it, the stack is not asked', async () => {
    const id = await existingTask();

    const result = await onEvent(updateEvent(with_(PROPS, { Description: undefined, Target: [thing(3)] }), PROPS, id), context());

    expect(result.PhysicalResourceId).not.toBe(id);
    expect(bodyOf('CreateOtaTask')).not.toHaveProperty('Description');
    expect(stackQueries).toEqual([]);
  });

  test('when the stack status cannot be read the value stays, logged with the reason: a rollback must not be refused', async () => {
    stackAnswers = [Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })];
    const id = await existingTask();

    await expect(onEvent(updateEvent(with_(PROPS, { Description: undefined }), PROPS, id), context()))
      .resolves.toMatchObject({ PhysicalResourceId: id });

    expect(fake.operations()).toEqual(['GetOtaTask']);
    expect(logs).toContainEqual({
      taskId: id,
      stackStatusUnknown: 'DescribeStacks failed: AccessDenied: User is not authorized to perform: cloudformation:DescribeStacks',
      warning: 'the properties leave out description, which UpdateOtaTask cannot clear, and whether the stack is rolling back could not be checked: ' +
        `OtaTask ${id} keeps description "Firmware 2" rather than risk refusing a rollback.`,
    });
  });
});

describe('values the service fills in by itself', () => {
  const BARE = with_(PROPS, { Protocol: undefined, OtaMechanism: undefined });

  beforeEach(() => {
    fake.taskDefaults = { Protocol: 'HTTP', OtaMechanism: 'PUSH' };
  });

  test('the fake answers them in GetOtaTask though CreateOtaTask left them out', async () => {
    const id = await existingTask(BARE);

    expect(fake.tasks.get(id)!.request).toMatchObject({ Protocol: 'HTTP', OtaMechanism: 'PUSH' });
    await expect(context().client.getOtaTask({ Identifier: id })).resolves.toMatchObject({ Protocol: 'HTTP', OtaMechanism: 'PUSH' });
  });

  test.each<[string, Record<string, unknown>]>([
    ['nothing changed', BARE],
    ['tags changed', with_(BARE, { Tags: { team: 'platform' } })],
    ['the properties now state the filled-in values', PROPS],
  ])('are no reason for a new task (%s)', async (_label, props) => {
    const id = await existingTask(BARE);

    const result = await onEvent(updateEvent(props, BARE, id), context());

    expect(result.PhysicalResourceId).toBe(id);
    expect(fake.operations()).toEqual(['GetOtaTask']);
    expect(fake.tasks.size).toBe(1);
  });

  test('an in-place change over them stays in place', async () => {
    const id = await existingTask(BARE);

    const result = await onEvent(updateEvent(with_(BARE, { Description: 'Firmware 3' }), BARE, id), context());

    expect(result.PhysicalResourceId).toBe(id);
    expect(fake.operations()).toEqual(['GetOtaTask', 'UpdateOtaTask']);
  });
});

describe('OldResourceProperties that no longer parse', () => {
  // They were accepted when deployed; a rule tightened since must not block the update.
  const UNREADABLE: [string, unknown][] = [
    ['missing', undefined],
    ['not an object', 'not properties'],
    ['an OtaType no longer allowed', with_(PROPS, { OtaType: 'SOMETIMES' })],
    ['a Description no longer allowed', with_(PROPS, { Description: 'Firmware 2!' })],
  ];

  test.each(UNREADABLE)('%s: an in-place update proceeds, compared with the live task', async (_label, oldProps) => {
    const id = await existingTask();

    const result = await onEvent(event('Update', with_(PROPS, { Description: 'Firmware 3' }), { OldResourceProperties: oldProps as any, PhysicalResourceId: id }), context());

    expect(result).toStrictEqual({ PhysicalResourceId: id, Data: { Arn: fake.taskArn(id), Id: id }, ...POLLING_STAMP });
    expect(fake.operations()).toEqual(['GetOtaTask', 'UpdateOtaTask']);
    expect(bodyOf('UpdateOtaTask')).toStrictEqual({ Description: 'Firmware 3' });
    expect(logs).toContainEqual({ note: expect.stringMatching(/^previous properties ignored: Invalid OtaTask properties/) });
  });

  test('a replacing change still replaces', async () => {
    const id = await existingTask();

    const result = await onEvent(event('Update', with_(PROPS, { Target: [thing(3)] }), { OldResourceProperties: with_(PROPS, { OtaType: 'SOMETIMES' }), PhysicalResourceId: id }), context());

    expect(result.PhysicalResourceId).not.toBe(id);
    expect(fake.operations()).toEqual(['GetOtaTask', 'PutObject', 'CreateOtaTask']);
  });

  test('isComplete applies the desired tags and untags nothing', async () => {
    const id = await existingTask();
    const update = event('Update', PROPS, { OldResourceProperties: with_(PROPS, { OtaType: 'SOMETIMES' }), PhysicalResourceId: id });

    await expect(isComplete(completing(update, await onEvent(update, context())), context())).resolves.toEqual({ IsComplete: true });

    expect(fake.operations()).toEqual(['GetOtaTask', 'TagResource']);
    expect(fake.tasks.get(id)!.Tags).toEqual({ team: 'firmware', stage: 'prod' });
  });
});

describe('isComplete Update', () => {
  test('untags keys removed since the old properties and applies the new tags', async () => {
    const id = await existingTask();
    await isComplete(completing(createEvent(), { PhysicalResourceId: id, Data: { Arn: fake.taskArn(id), Id: id } }), context());
    fake.clearJournal();

    const update = updateEvent(with_(PROPS, { Tags: { team: 'platform', owner: 'ota' } }), PROPS, id);
    const result = await onEvent(update, context());
    await expect(isComplete(completing(update, result), context())).resolves.toEqual({ IsComplete: true });

    expect(fake.operations()).toEqual(['GetOtaTask', 'UntagResource', 'TagResource']);
    expect(fake.calls('UntagResource')[0].url).toBe(`/tags/${encodeURIComponent(fake.taskArn(id))}?tagKeys=stage`);
    expect(fake.tasks.get(id)!.Tags).toEqual({ team: 'platform', owner: 'ota' });
  });

  test('removing every tag untags them all and tags nothing', async () => {
    const id = await existingTask();
    await isComplete(completing(createEvent(), { PhysicalResourceId: id, Data: { Arn: fake.taskArn(id), Id: id } }), context());
    fake.clearJournal();

    const update = updateEvent(with_(PROPS, { Tags: undefined }), PROPS, id);
    await isComplete(completing(update, await onEvent(update, context())), context());

    expect(fake.operations()).toEqual(['GetOtaTask', 'UntagResource']);
    expect(fake.tasks.get(id)!.Tags).toEqual({});
  });

  test('after a replacement the new task gets the desired tags', async () => {
    const id = await existingTask();
    const update = updateEvent(with_(PROPS, { Target: [thing(3)], Tags: { team: 'platform' } }), PROPS, id);
    const result = await onEvent(update, context());
    fake.clearJournal();

    await isComplete(completing(update, result), context());

    expect(fake.tasks.get(result.PhysicalResourceId!)!.Tags).toEqual({ team: 'platform' });
  });
});

describe('onEvent Delete', () => {
  test('reads the task, deletes it, then deletes the document the library stored', async () => {
    const id = await existingTask();
    const s3Url = fake.tasks.get(id)!.request.S3Url as string;

    await expect(onEvent(deleteEvent(id), context())).resolves.toStrictEqual({ PhysicalResourceId: id, ...POLLING_STAMP });

    expect(fake.operations()).toEqual(['GetOtaTask', 'DeleteOtaTask', 'DeleteObject']);
    expect(fake.calls('DeleteOtaTask')[0].url).toBe(`/ota-tasks/${id}`);
    expect(`s3://${fake.calls('DeleteObject')[0].url.slice(1)}`).toBe(s3Url);
    expect(fake.tasks.size).toBe(0);
    expect(fake.objects.size).toBe(0);
  });

  test('never deletes the object of a user URL in another bucket', async () => {
    const id = await existingTask(URL_PROPS);

    await onEvent(deleteEvent(id, with_(URL_PROPS, { JobDocumentBucket: BUCKET })), context());

    expect(fake.operations()).toEqual(['GetOtaTask', 'DeleteOtaTask']);
  });

  test('never deletes a user object in the library bucket outside ota-job-documents/', async () => {
    const props = with_(URL_PROPS, { S3Url: `s3://${BUCKET}/mine/firmware-2.json` });
    const id = await existingTask(props);

    await onEvent(deleteEvent(id, with_(props, { JobDocumentBucket: BUCKET })), context());

    expect(fake.operations()).toEqual(['GetOtaTask', 'DeleteOtaTask']);
  });

  test('a task that is already gone is success', async () => {
    await expect(onEvent(deleteEvent('task404'), context())).resolves.toStrictEqual({ PhysicalResourceId: 'task404', ...POLLING_STAMP });

    expect(fake.operations()).toEqual(['GetOtaTask']);
    expect(logs).toContainEqual({ operation: 'DeleteOtaTask', taskId: 'task404', result: 'already gone' });
  });

  test('a task that disappears between the read and the delete is success, and its document still goes', async () => {
    const id = await existingTask();
    fake.fail('DeleteOtaTask', 1, failure(404, 'ResourceNotFoundException', 'gone'));

    await onEvent(deleteEvent(id), context());

    expect(fake.operations()).toEqual(['GetOtaTask', 'DeleteOtaTask', 'DeleteObject']);
    expect(fake.objects.size).toBe(0);
  });

  test('LimitExceededException (410) fails with the service words and keeps the document', async () => {
    const id = await existingTask();
    fake.fail('DeleteOtaTask', 1, failure(410, 'LimitExceededException', 'Too many deletions in progress'));

    await expect(onEvent(deleteEvent(id), context()))
      .rejects.toThrow(new Error('DeleteOtaTask failed: LimitExceededException: Too many deletions in progress'));

    expect(fake.operations()).toEqual(['GetOtaTask', 'DeleteOtaTask']);
    expect(fake.tasks.has(id)).toBe(true);
    expect(fake.objects.size).toBe(1);
  });

  test.each<[string, Failure]>([
    ['refused (AccessDenied 403)', failure(403, 'AccessDenied', 'Access Denied')],
    ['missing its bucket (NoSuchBucket 404)', failure(404, 'NoSuchBucket', 'The specified bucket does not exist')],
  ])('a DeleteObject %s is logged and the delete still succeeds', async (_label, refusal) => {
    const id = await existingTask();
    const key = jobKey(id);
    fake.fail('DeleteObject', 'every', refusal);

    await expect(onEvent(deleteEvent(id), context())).resolves.toStrictEqual({ PhysicalResourceId: id, ...POLLING_STAMP });

    expect(fake.operations()).toEqual(['GetOtaTask', 'DeleteOtaTask', 'DeleteObject']);
    expect(fake.tasks.size).toBe(0);
    expect(fake.objects.has(`${BUCKET}/${key}`)).toBe(true);
    expect(logs).toContainEqual({ operation: 'DeleteObject', key, leftBehind: `DeleteObject failed: ${refusal.type}: ${refusal.message}` });
    await expect(isComplete(deleteEvent(id), context())).resolves.toEqual({ IsComplete: true });
  });

  test('a DeleteObject answered 503 is retried', async () => {
    const id = await existingTask();
    fake.fail('DeleteObject', 1, failure(503, 'SlowDown', 'Please reduce your request rate.'));

    await onEvent(deleteEvent(id), context());

    expect(fake.operations()).toEqual(['GetOtaTask', 'DeleteOtaTask', 'DeleteObject', 'DeleteObject']);
    expect(fake.objects.size).toBe(0);
  });

  test('a DeleteObject throttled past the deadline leaves the document and still succeeds', async () => {
    const id = await existingTask();
    fake.fail('DeleteObject', 'every', failure(503, 'SlowDown', 'Please reduce your request rate.'));

    await expect(onEvent(deleteEvent(id), context({ ...advancingClock(5_000), deadline: NOW + 10_000 })))
      .resolves.toStrictEqual({ PhysicalResourceId: id, ...POLLING_STAMP });
    expect(fake.tasks.size).toBe(0);
    expect(fake.objects.size).toBe(1);
  });

  test('a throttled DeleteOtaTask is retried', async () => {
    const id = await existingTask();
    fake.fail('DeleteOtaTask', 1, throttled());

    await onEvent(deleteEvent(id), context());

    expect(fake.operations()).toEqual(['GetOtaTask', 'DeleteOtaTask', 'DeleteOtaTask', 'DeleteObject']);
    expect(fake.tasks.size).toBe(0);
  });
});

describe('isComplete Delete', () => {
  test('waits while the task is DELETION_IN_PROGRESS and completes once it is gone', async () => {
    const id = await existingTask();
    fake.lingerOnDelete(2);
    await onEvent(deleteEvent(id), context());
    expect(fake.tasks.get(id)!.Status).toBe('DELETION_IN_PROGRESS');
    fake.clearJournal();

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await isComplete(deleteEvent(id), context()));

    expect(answers).toEqual([{ IsComplete: false }, { IsComplete: false }, { IsComplete: true }]);
    expect(fake.operations()).toEqual(['GetOtaTask', 'GetOtaTask', 'GetOtaTask']);
    expect(logs).toContainEqual({ taskId: id, waitingForDeletion: 'DELETION_IN_PROGRESS' });
  });

  test('a task deleted at once is complete at the first check', async () => {
    const id = await existingTask();
    await onEvent(deleteEvent(id), context());

    await expect(isComplete(deleteEvent(id), context())).resolves.toEqual({ IsComplete: true });
  });

  test('throttling past the deadline asks to be called again', async () => {
    fake.fail('GetOtaTask', 'every', throttled());

    const ctx = context({ ...advancingClock(5_000), deadline: NOW + 10_000 });
    await expect(isComplete(deleteEvent('task1'), ctx)).resolves.toEqual({ IsComplete: false });
  });

  test('a refused read fails', async () => {
    fake.fail('GetOtaTask', 'every', failure(403, 'AccessDeniedException', 'No access'));

    await expect(isComplete(deleteEvent('task1'), context())).rejects.toThrow('GetOtaTask failed: AccessDeniedException: No access');
  });
});

describe('task configurations', () => {
  const configurationEvent = (requestType: ProviderEvent['RequestType'], props: Record<string, unknown>, extra: Partial<ProviderEvent> = {}) =>
    event(requestType, props, { ResourceType: CONFIGURATION_TYPE, LogicalResourceId: 'Rollout1A2B3C4D', ...extra });

  test('Create sends CreateOtaTaskConfiguration with PushConfig converted and a ClientToken', async () => {
    const result = await onEvent(configurationEvent('Create', CONFIGURATION_PROPS), context());

    expect(fake.operations()).toEqual(['CreateOtaTaskConfiguration']);
    expect(bodyOf('CreateOtaTaskConfiguration')).toStrictEqual({
      ...OTA_CONFIGURATION_FIELDS,
      ClientToken: expect.stringMatching(/^[a-zA-Z0-9=_-]{1,64}$/),
    });
    expect(result).toStrictEqual({ PhysicalResourceId: 'config1', Data: { Id: 'config1' } });
    expect(fake.configurations.has('config1')).toBe(true);
  });

  test('a configuration with only a name sends only the name', async () => {
    await onEvent(configurationEvent('Create', { Name: 'Plain' }), context());

    expect(bodyOf('CreateOtaTaskConfiguration')).toStrictEqual({ Name: 'Plain', ClientToken: expect.any(String) });
  });

  test('the same request twice makes one configuration', async () => {
    const first = await onEvent(configurationEvent('Create', CONFIGURATION_PROPS), context());
    const second = await onEvent(configurationEvent('Create', CONFIGURATION_PROPS), context());

    expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(fake.configurations.size).toBe(1);
  });

  /** Creates a configuration through the handler, then forgets the calls that made it. */
  async function existingConfiguration(props = CONFIGURATION_PROPS): Promise<string> {
    const { PhysicalResourceId } = await onEvent(configurationEvent('Create', props), context());
    fake.clearJournal();
    logs = [];
    return PhysicalResourceId!;
  }

  const configurationUpdate = (props: Record<string, unknown>, oldProps: unknown, id: string, extra: Partial<ProviderEvent> = {}) =>
    configurationEvent('Update', props, { OldResourceProperties: oldProps as Record<string, unknown>, PhysicalResourceId: id, ...extra });

  test('Update with identical properties keeps the id after one GetOtaTaskConfiguration', async () => {
    const id = await existingConfiguration();

    await expect(onEvent(configurationUpdate({ ...CONFIGURATION_PROPS }, CONFIGURATION_PROPS, id), context()))
      .resolves.toStrictEqual({ PhysicalResourceId: id, Data: { Id: id } });
    expect(fake.journal.map((call) => `${call.method} ${call.url}`)).toEqual([`GET /ota-task-configurations/${id}`]);
  });

  test('Update of a configuration that no longer exists fails', async () => {
    await expect(onEvent(configurationUpdate(CONFIGURATION_PROPS, CONFIGURATION_PROPS, 'config404'), context()))
      .rejects.toThrow('GetOtaTaskConfiguration failed: ResourceNotFoundException: OTA task configuration config404 does not exist');
    expect(fake.operations()).toEqual(['GetOtaTaskConfiguration']);
  });

  const CHANGES: [string, Record<string, unknown>][] = [
    ['Name', { Name: 'Fast rollout' }],
    ['Description removed', { Description: undefined }],
    ['ThresholdPercentage', {
      PushConfig: { ...CONFIGURATION_PROPS.PushConfig as object, AbortConfig: { AbortConfigCriteriaList: [{ Action: 'CANCEL', FailureType: 'FAILED', MinNumberOfExecutedThings: '10', ThresholdPercentage: '30' }] } },
    }],
    ['the timeout', { PushConfig: { ...CONFIGURATION_PROPS.PushConfig as object, TimeoutConfig: { InProgressTimeoutInMinutes: '240' } } }],
    ['PushConfig removed', { PushConfig: undefined }],
  ];

  test.each(CHANGES)('Update changing %s creates a new configuration and leaves the old one', async (_label, changes) => {
    const id = await existingConfiguration();

    const result = await onEvent(configurationUpdate(with_(CONFIGURATION_PROPS, changes), CONFIGURATION_PROPS, id), context());

    expect(result.PhysicalResourceId).not.toBe(id);
    expect(result.Data).toStrictEqual({ Id: result.PhysicalResourceId });
    expect(fake.operations()).toEqual(['GetOtaTaskConfiguration', 'CreateOtaTaskConfiguration']);
    expect(fake.configurations.has(id)).toBe(true);
    expect(logs).toContainEqual({ configurationId: id, replacing: expect.any(Array) });
  });

  test.each(CHANGES)('the rollback after changing %s keeps the original configuration and makes none', async (_label, changes) => {
    const original = await existingConfiguration();
    const failedState = with_(CONFIGURATION_PROPS, changes);
    const forward = await onEvent(configurationUpdate(failedState, CONFIGURATION_PROPS, original), context());
    expect(forward.PhysicalResourceId).not.toBe(original);
    fake.clearJournal();

    const result = await onEvent(configurationUpdate(CONFIGURATION_PROPS, failedState, original, { RequestId: 'rollback-7d1e2f3a' }), context());

    expect(result).toStrictEqual({ PhysicalResourceId: original, Data: { Id: original } });
    expect(fake.operations()).toEqual(['GetOtaTaskConfiguration']);
    expect(fake.configurations.size).toBe(2);
  });

  test.each(CHANGES)('a new configuration made for a change of %s has a name of its own, so it works if names are unique per account', async (_label, changes) => {
    const id = await existingConfiguration();
    const desired = with_(CONFIGURATION_PROPS, changes);

    const result = await onEvent(configurationUpdate(desired, CONFIGURATION_PROPS, id), context());
    const retried = await onEvent(configurationUpdate(desired, CONFIGURATION_PROPS, id), context());

    const declared = (desired.Name as string | undefined) ?? 'Slow rollout';
    expect(bodyOf('CreateOtaTaskConfiguration').Name).toMatch(new RegExp(`^${declared}-[0-9a-f]{8}$`));
    expect(bodyOf('CreateOtaTaskConfiguration').Name).not.toBe(fake.configurations.get(id)!.Name);
    // A retry of the same request names it the same, so the ClientToken still finds it.
    expect(retried.PhysicalResourceId).toBe(result.PhysicalResourceId);
  });

  test('a configuration named by a replacement is no reason for another when the name is unchanged', async () => {
    const id = await existingConfiguration();
    const changed = with_(CONFIGURATION_PROPS, { Description: 'Five a minute' });
    const replacement = (await onEvent(configurationUpdate(changed, CONFIGURATION_PROPS, id), context())).PhysicalResourceId!;
    fake.clearJournal();

    const result = await onEvent(configurationUpdate({ ...changed }, changed, replacement), context());

    expect(result.PhysicalResourceId).toBe(replacement);
    expect(fake.operations()).toEqual(['GetOtaTaskConfiguration']);
  });

  test('a value the service normalised, in a field the properties did not change, is no reason for a new configuration', async () => {
    const id = await existingConfiguration();
    const live = fake.configurations.get(id)! as Record<string, any>;
    live.Description = 'ten a minute';
    live.PushConfig.RolloutConfig.ExponentialRolloutRate.IncrementFactor = 1.50001;

    const result = await onEvent(configurationUpdate({ ...CONFIGURATION_PROPS }, CONFIGURATION_PROPS, id), context());

    expect(result.PhysicalResourceId).toBe(id);
    expect(fake.operations()).toEqual(['GetOtaTaskConfiguration']);
  });

  test('members the service filled in are no reason for a new configuration', async () => {
    const id = await existingConfiguration();
    const live = fake.configurations.get(id)! as Record<string, any>;
    live.PushConfig.RolloutConfig.ExponentialRolloutRate.Extra = 'filled in';
    live.PushConfig.Extra = { InProgressTimeoutInMinutes: 60 };

    const result = await onEvent(configurationUpdate({ ...CONFIGURATION_PROPS }, CONFIGURATION_PROPS, id), context());

    expect(result.PhysicalResourceId).toBe(id);
    expect(fake.operations()).toEqual(['GetOtaTaskConfiguration']);
  });

  test.each<[string, unknown]>([
    ['missing', undefined],
    ['an Action no longer allowed', with_(CONFIGURATION_PROPS, { PushConfig: { AbortConfig: { AbortConfigCriteriaList: [{ Action: 'STOP', FailureType: 'FAILED' }] } } })],
  ])('Update with OldResourceProperties that no longer parse (%s) proceeds against the live configuration', async (_label, oldProps) => {
    const id = await existingConfiguration();

    await expect(onEvent(configurationUpdate(CONFIGURATION_PROPS, oldProps, id), context()))
      .resolves.toStrictEqual({ PhysicalResourceId: id, Data: { Id: id } });
    const changed = await onEvent(configurationUpdate(with_(CONFIGURATION_PROPS, { Name: 'Fast rollout' }), oldProps, id), context());

    expect(changed.PhysicalResourceId).not.toBe(id);
    expect(fake.operations()).toEqual(['GetOtaTaskConfiguration', 'GetOtaTaskConfiguration', 'CreateOtaTaskConfiguration']);
    expect(logs).toContainEqual({ note: expect.stringMatching(/^previous properties ignored: Invalid OtaTaskConfiguration properties/) });
  });

  test('Delete sends DeleteOtaTaskConfiguration', async () => {
    const created = await onEvent(configurationEvent('Create', CONFIGURATION_PROPS), context());
    fake.clearJournal();

    const id = created.PhysicalResourceId!;
    await expect(onEvent(configurationEvent('Delete', CONFIGURATION_PROPS, { PhysicalResourceId: id }), context()))
      .resolves.toStrictEqual({ PhysicalResourceId: id });
    expect(fake.journal.map((call) => `${call.method} ${call.url}`)).toEqual([`DELETE /ota-task-configurations/${id}`]);
    expect(fake.configurations.size).toBe(0);
  });

  test('Delete of a configuration already gone is success', async () => {
    await expect(onEvent(configurationEvent('Delete', CONFIGURATION_PROPS, { PhysicalResourceId: 'config404' }), context()))
      .resolves.toStrictEqual({ PhysicalResourceId: 'config404' });
    expect(fake.calls('DeleteOtaTaskConfiguration')[0].status).toBe(404);
  });

  test('a refused Delete fails with the service words', async () => {
    fake.fail('DeleteOtaTaskConfiguration', 1, failure(400, 'ValidationException', 'Configuration is in use'));

    await expect(onEvent(configurationEvent('Delete', CONFIGURATION_PROPS, { PhysicalResourceId: 'config1' }), context()))
      .rejects.toThrow(new Error('DeleteOtaTaskConfiguration failed: ValidationException: Configuration is in use'));
  });

  test('isComplete has nothing to wait for', async () => {
    await expect(isComplete(configurationEvent('Delete', CONFIGURATION_PROPS, { PhysicalResourceId: 'config1' }), context()))
      .resolves.toEqual({ IsComplete: true });
    expect(fake.journal).toEqual([]);
  });

  const INVALID: [string, Record<string, unknown>, string][] = [
    ['Action "STOP"', { PushConfig: { AbortConfig: { AbortConfigCriteriaList: [{ Action: 'STOP', FailureType: 'FAILED' }] } } },
      'Invalid OtaTaskConfiguration properties: pushConfig.abortCriteria[].action must be CANCEL, got "STOP"'],
    ['ThresholdPercentage "100.5"',
      { PushConfig: { AbortConfig: { AbortConfigCriteriaList: [{ Action: 'CANCEL', FailureType: 'FAILED', ThresholdPercentage: '100.5' }] } } },
      'Invalid OtaTaskConfiguration properties: pushConfig.abortCriteria[].thresholdPercentage must be a number of at most 100, got 100.5'],
    ['IncrementFactor "1.0"', { PushConfig: { RolloutConfig: { ExponentialRolloutRate: { IncrementFactor: '1.0' } } } },
      'Invalid OtaTaskConfiguration properties: pushConfig.rollout.incrementFactor must be a number from 1.1 to 5, got 1'],
    ['Name with "!"', { Name: 'Slow!' },
      'Invalid OtaTaskConfiguration properties: otaTaskConfigurationName must be letters (A-Z, a-z), digits, spaces, - and _ only (not . or any other punctuation), 1 to 128 characters, got "Slow!"'],
  ];

  test.each(INVALID)('Create with %s fails and sends nothing', async (_label, changes, message) => {
    await expect(onEvent(configurationEvent('Create', with_(CONFIGURATION_PROPS, changes)), context())).rejects.toThrow(message);
    expect(fake.journal).toEqual([]);
  });
});

describe('the fake itself', () => {
  // The handler never reuses a token with other parameters; the fake's 409 is checked directly.
  test('a ClientToken reused with different parameters is a 409 ConflictException', async () => {
    const { client } = context();
    await client.createOtaTask({ S3Url: USER_URL, OtaType: 'ONE_TIME', Target: [thing(1)], ClientToken: 'token1' });

    await expect(client.createOtaTask({ S3Url: USER_URL, OtaType: 'ONE_TIME', Target: [thing(2)], ClientToken: 'token1' }))
      .rejects.toMatchObject({ name: 'ConflictException', $metadata: { httpStatusCode: 409 } });
    expect(fake.tasks.size).toBe(1);
  });

  test('GetOtaTask answers every member the task was created with, as the service does', async () => {
    const id = await existingTask();

    const live = await context().client.getOtaTask({ Identifier: id });

    expect(live).toStrictEqual({
      ...CREATE_FIELDS,
      S3Url: fake.tasks.get(id)!.request.S3Url,
      TaskId: id,
      TaskArn: fake.taskArn(id),
      Status: 'IN_PROGRESS',
      CreatedAt: expect.any(Number),
    });
  });

  test('GetOtaTaskConfiguration answers Name, Description, PushConfig and the id', async () => {
    const { PhysicalResourceId: id } = await onEvent(
      event('Create', CONFIGURATION_PROPS, { ResourceType: CONFIGURATION_TYPE, LogicalResourceId: 'Rollout1A2B3C4D' }), context());
    const sent = bodyOf('CreateOtaTaskConfiguration');

    await expect(context().client.getOtaTaskConfiguration({ Identifier: id! })).resolves.toStrictEqual({
      Name: sent.Name,
      Description: sent.Description,
      PushConfig: sent.PushConfig,
      TaskConfigurationId: id,
      CreatedAt: expect.any(Number),
    });
  });

  test('an unsigned request is refused', async () => {
    const answer = await fetch(`${fake.url}/ota-tasks/task1`);

    expect(answer.status).toBe(403);
    expect(answer.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
  });
});

describe('the polling budget (isComplete may ask to be polled again for 20 minutes)', () => {
  const MINUTE = 60_000;
  const since = (minutesAgo: number) => ({ PollingStartedAt: new Date(NOW - minutesAgo * MINUTE).toISOString() });

  test('inside the budget, a 5xx on TagResource that outlasts the invocation asks to be polled again', async () => {
    const created = await onEvent(createEvent(), context());
    fake.fail('TagResource', 'every', internalError());

    const ctx = context({ ...advancingClock(5_000), deadline: NOW + 10_000 });
    await expect(isComplete({ ...completing(createEvent(), created), ...since(19.5) }, ctx)).resolves.toEqual({ IsComplete: false });
  });

  test('once the budget is spent, a lasting 5xx on TagResource fails with the service\'s last message', async () => {
    const created = await onEvent(createEvent(), context());
    fake.fail('TagResource', 'every', internalError());

    const ctx = context({ ...advancingClock(5_000), deadline: NOW + 10_000 });
    const result = isComplete({ ...completing(createEvent(), created), ...since(19.9) }, ctx);

    await expect(result).rejects.toThrow(/^TagResource failed: InternalServerException: .+ \(not done after 20\.1 minutes of isComplete polls; the provider's 20-minute budget is spent\)$/);
  });

  test('a Delete whose GetOtaTask stays throttled to the end of the budget fails with the service\'s message', async () => {
    const id = await existingTask();
    const deleted = await onEvent(deleteEvent(id), context());
    fake.fail('GetOtaTask', 'every', throttled());

    const ctx = context({ ...advancingClock(5_000), deadline: NOW + 10_000 });
    await expect(isComplete({ ...deleteEvent(id), ...deleted, ...since(19.9) }, ctx))
      .rejects.toThrow(/^GetOtaTask failed: ThrottlingException: Rate exceeded \(not done after/);
  });

  test('a task still being deleted when the budget is spent fails saying so', async () => {
    const id = await existingTask();
    fake.lingerOnDelete(100);
    const deleted = await onEvent(deleteEvent(id), context());

    await expect(isComplete({ ...deleteEvent(id), ...deleted, ...since(10) }, context())).resolves.toEqual({ IsComplete: false });
    await expect(isComplete({ ...deleteEvent(id), ...deleted, ...since(20) }, context()))
      .rejects.toThrow(`DeleteOtaTask: task ${id} is still being deleted (not done after 20 minutes of isComplete polls; the provider's 20-minute budget is spent)`);
  });
});
