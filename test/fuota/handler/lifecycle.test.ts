import {
  AccessDeniedException,
  AssociateMulticastGroupWithFuotaTaskCommand,
  AssociateWirelessDeviceWithFuotaTaskCommand,
  CreateFuotaTaskCommand,
  DeleteFuotaTaskCommand,
  DisassociateMulticastGroupFromFuotaTaskCommand,
  DisassociateWirelessDeviceFromFuotaTaskCommand,
  GetFuotaTaskCommand,
  GetFuotaTaskResponse,
  InternalServerException,
  IoTWirelessClient,
  ListMulticastGroupsByFuotaTaskCommand,
  ListWirelessDevicesCommand,
  ResourceNotFoundException,
  StartFuotaTaskCommand,
  TagResourceCommand,
  ThrottlingException,
  UntagResourceCommand,
  UpdateFuotaTaskCommand,
  ValidationException,
} from '@aws-sdk/client-iot-wireless';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { FUOTA_API_FIELDS, FUOTA_PROPS } from './fuota-fixtures';
import { FuotaLifecycleContext, isComplete, onEvent } from '../../../src/fuota/handler/lifecycle';
import { ProviderEvent } from '../../../src/shared/provider-events';
import { advancingClock as clockFrom, recordingInvocation } from '../../support/invocation-recorder';

const NOW = Date.parse('2030-06-01T12:00:00.000Z');
const MINUTE = 60_000;
/** The stamp onEvent adds for isComplete (polling-budget.ts): the time it answered. */
const POLLING_STAMP = { PollingStartedAt: '2030-06-01T12:00:00.000Z' };
const TASK_ID = '0f3c2d1e-5b6a-4c7d-8e9f-0a1b2c3d4e5f';
const TASK_ARN = `arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/${TASK_ID}`;
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Demo/6f1b2c90-0000-11ef-8000-0a1b2c3d4e5f';

/** The properties as CloudFormation delivers them: every scalar is a string. */
const PROPS: Record<string, unknown> = FUOTA_PROPS;

/** `PROPS` of a task that is not to be started. */
const UNSTARTED_PROPS = without(PROPS, 'StartDelaySeconds');

const iot = mockClient(IoTWirelessClient);
const client = new IoTWirelessClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

let sleeps: number[];
let logs: Record<string, unknown>[];
/** The stacks DescribeStacks was asked about, in order. */
let stackQueries: string[];
/** What DescribeStacks answers: a status, or an error to throw (one per call, the last repeats). */
let stackAnswers: (string | Error)[];

beforeEach(() => {
  iot.reset();
  sleeps = [];
  logs = [];
  stackQueries = [];
  stackAnswers = ['UPDATE_IN_PROGRESS'];
});

// ---------------------------------------------------------------------------------------------
// Helpers

function context(overrides: Partial<FuotaLifecycleContext> = {}): FuotaLifecycleContext {
  return { client, ...recordingInvocation(NOW, { logs, sleeps, stackQueries, stackAnswers: () => stackAnswers }), ...overrides };
}

/** A clock that moves on by `stepMs` each time the handler sleeps, for tests of the deadline. */
function advancingClock(stepMs: number): Pick<FuotaLifecycleContext, 'now' | 'sleep'> {
  return clockFrom(NOW, stepMs, sleeps);
}

function event(requestType: ProviderEvent['RequestType'], props: Record<string, unknown>, extra: Partial<ProviderEvent> = {}): ProviderEvent {
  return {
    RequestType: requestType,
    StackId: STACK_ID,
    RequestId: 'c5a8b0d2-1111-4e2f-9a3b-6c7d8e9f0a1b',
    LogicalResourceId: 'FuotaTask1A2B3C4D',
    ResourceType: 'Custom::IoTWirelessFuotaTask',
    ResponseURL: 'https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/presigned',
    ResourceProperties: props,
    ...extra,
  };
}

/** The Create event that onEvent receives: no physical id yet. */
function createEvent(props: Record<string, unknown> = PROPS, requestId?: string): ProviderEvent {
  return event('Create', props, requestId ? { RequestId: requestId } : {});
}

/** The Create event that isComplete receives: onEvent's physical id added. */
function createdEvent(props: Record<string, unknown> = PROPS): ProviderEvent {
  return { ...createEvent(props), PhysicalResourceId: TASK_ID };
}

function updateEvent(props: Record<string, unknown>, oldProps: Record<string, unknown>, physicalId = TASK_ID): ProviderEvent {
  return event('Update', props, { OldResourceProperties: oldProps, PhysicalResourceId: physicalId });
}

function deleteEvent(physicalId = TASK_ID, props: Record<string, unknown> = PROPS): ProviderEvent {
  return event('Delete', props, { PhysicalResourceId: physicalId });
}

function without(props: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const copy = { ...props };
  for (const key of keys) delete copy[key];
  return copy;
}

/** The task as GetFuotaTask reports it right after CreateFuotaTask with `PROPS`. */
function liveTask(overrides: Partial<GetFuotaTaskResponse> = {}): GetFuotaTaskResponse {
  return {
    Arn: TASK_ARN,
    Id: TASK_ID,
    Status: 'Pending',
    ...FUOTA_API_FIELDS,
    CreatedAt: new Date(NOW - 10 * MINUTE),
    ...overrides,
  };
}

const STARTED = { Status: 'In_FuotaSession', LoRaWAN: { RfRegion: 'EU868', StartTime: new Date(NOW - MINUTE) } } as const;

/** Stubs the reads: the live task and its live device and group associations. */
function givenTask(options: { task?: GetFuotaTaskResponse; devices?: string[]; groups?: string[] } = {}) {
  iot.on(GetFuotaTaskCommand).resolves(options.task ?? liveTask());
  iot.on(ListWirelessDevicesCommand).resolves({ WirelessDeviceList: (options.devices ?? []).map((Id) => ({ Id })) });
  iot.on(ListMulticastGroupsByFuotaTaskCommand).resolves({ MulticastGroupList: (options.groups ?? []).map((Id) => ({ Id })) });
}

/** The operations sent, in order. */
function sent(): string[] {
  return iot.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''));
}

/** The inputs of every call of one command, in order. */
function inputs(command: new (input: any) => { input: unknown }): unknown[] {
  return iot.commandCalls(command as any).map((call) => call.args[0].input);
}

const throttle = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
const notFound = (message: string) =>
  new ResourceNotFoundException({ message, ResourceId: 'x', ResourceType: 'FuotaTask', $metadata: { httpStatusCode: 404 } });
const invalid = (message: string) => new ValidationException({ message, $metadata: { httpStatusCode: 400 } });
const denied = (message: string) => new AccessDeniedException({ message, $metadata: { httpStatusCode: 403 } });
const serverError = () => new InternalServerException({ message: 'Internal failure', $metadata: { httpStatusCode: 500 } });

// ---------------------------------------------------------------------------------------------

describe('properties are converted and checked before any call', () => {
  const INVALID: [string, Record<string, unknown>, string][] = [
    ['RedundancyPercent "140"', { RedundancyPercent: '140' }, 'Invalid FuotaTask properties: redundancyPercent must be an integer from 0 to 100, got 140'],
    ['RedundancyPercent "2.5"', { RedundancyPercent: '2.5' }, 'Invalid FuotaTask properties: redundancyPercent must be an integer from 0 to 100, got "2.5"'],
    ['RedundancyPercent "abc"', { RedundancyPercent: 'abc' }, 'Invalid FuotaTask properties: redundancyPercent must be an integer from 0 to 100, got "abc"'],
    ['RfRegion "EU999"', { RfRegion: 'EU999' }, 'Invalid FuotaTask properties: rfRegion must be one of EU868'],
    ['devices and groups both', { MulticastGroupIds: ['g1'] }, 'Invalid FuotaTask properties: wirelessDeviceIds and multicastGroupIds cannot both be set'],
    ['StartDelaySeconds "60"', { StartDelaySeconds: '60' }, 'Invalid FuotaTask properties: start delay must be a whole number of seconds of at least 1860'],
    ['StartTime "soon"', { StartDelaySeconds: undefined, StartTime: 'soon' }, 'Invalid FuotaTask properties: start time must be an ISO 8601 date-time'],
    ['Descriptor "AAA"', { Descriptor: 'AAA' }, 'Invalid FuotaTask properties: descriptor must be base64, at most 332 characters, got "AAA"'],
    // Lists that were tokens at synth: an empty task would be started and could never take a device.
    ['a start without devices or groups', { WirelessDeviceIds: [] }, 'Invalid FuotaTask properties: a start needs wirelessDeviceIds or multicastGroupIds'],
    ['a StartTime without devices or groups', { WirelessDeviceIds: undefined, StartDelaySeconds: undefined, StartTime: '2100-01-01T00:00:00.000Z' }, 'Invalid FuotaTask properties: a start needs wirelessDeviceIds or multicastGroupIds'],
  ];

  test.each(INVALID)('onEvent Create with %s fails and calls nothing', async (_label, overrides, message) => {
    await expect(onEvent(createEvent({ ...PROPS, ...overrides }), context())).rejects.toThrow(message);
    expect(iot).not.toHaveReceivedAnyCommand();
  });

  test.each(INVALID)('onEvent Update to %s fails and calls nothing', async (_label, overrides, message) => {
    await expect(onEvent(updateEvent({ ...PROPS, ...overrides }, PROPS), context())).rejects.toThrow(message);
    expect(iot).not.toHaveReceivedAnyCommand();
  });

  test.each(INVALID)('isComplete Create with %s fails and calls nothing', async (_label, overrides, message) => {
    await expect(isComplete(createdEvent({ ...PROPS, ...overrides }), context())).rejects.toThrow(message);
    expect(iot).not.toHaveReceivedAnyCommand();
  });

  test.each(INVALID)('isComplete Update to %s fails and calls nothing', async (_label, overrides, message) => {
    await expect(isComplete(updateEvent({ ...PROPS, ...overrides }, PROPS), context())).rejects.toThrow(message);
    expect(iot).not.toHaveReceivedAnyCommand();
  });
});

describe('onEvent Create', () => {
  beforeEach(() => {
    iot.on(CreateFuotaTaskCommand).resolves({ Arn: TASK_ARN, Id: TASK_ID, $metadata: { httpStatusCode: 201 } });
  });

  test('sends exactly one CreateFuotaTask with every property converted to its API type', async () => {
    await onEvent(createEvent(), context());

    expect(sent()).toEqual(['CreateFuotaTask']);
    expect(inputs(CreateFuotaTaskCommand)).toStrictEqual([{
      ClientRequestToken: expect.stringMatching(/^[a-zA-Z0-9-_]{1,64}$/),
      ...FUOTA_API_FIELDS,
    }]);
  });

  test('does not send tags with the create: they are applied in isComplete', async () => {
    await onEvent(createEvent(), context());

    expect(inputs(CreateFuotaTaskCommand)[0]).not.toHaveProperty('Tags');
  });

  test('leaves LoRaWAN out when no RfRegion is set', async () => {
    await onEvent(createEvent(without(PROPS, 'RfRegion')), context());

    expect(inputs(CreateFuotaTaskCommand)[0]).toMatchObject({ LoRaWAN: undefined });
  });

  test('returns the task Id as the physical id and only Arn and Id as data', async () => {
    await expect(onEvent(createEvent(), context())).resolves.toStrictEqual({
      PhysicalResourceId: TASK_ID,
      Data: { Arn: TASK_ARN, Id: TASK_ID },
      ...POLLING_STAMP,
    });
  });

  test('the ClientRequestToken is the same when the same request is handled twice', async () => {
    await onEvent(createEvent(), context());
    await onEvent(createEvent(), context());

    const [first, second] = inputs(CreateFuotaTaskCommand) as { ClientRequestToken: string }[];
    expect(second.ClientRequestToken).toBe(first.ClientRequestToken);
  });

  test('the ClientRequestToken differs for another CloudFormation request', async () => {
    await onEvent(createEvent(PROPS, 'request-1'), context());
    await onEvent(createEvent(PROPS, 'request-2'), context());

    const [first, second] = inputs(CreateFuotaTaskCommand) as { ClientRequestToken: string }[];
    expect(second.ClientRequestToken).not.toBe(first.ClientRequestToken);
  });

  test('does not touch tags, associations or the start', async () => {
    await onEvent(createEvent(), context());

    expect(iot).not.toHaveReceivedCommand(TagResourceCommand);
    expect(iot).not.toHaveReceivedCommand(AssociateWirelessDeviceWithFuotaTaskCommand);
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
  });
});

describe('onEvent Create when the service refuses or throttles', () => {
  test('throttling is retried with backoff and the same ClientRequestToken, making one task', async () => {
    iot.on(CreateFuotaTaskCommand)
      .rejectsOnce(throttle())
      .rejectsOnce(throttle())
      .resolves({ Arn: TASK_ARN, Id: TASK_ID });

    const result = await onEvent(createEvent(), context());

    expect(result.PhysicalResourceId).toBe(TASK_ID);
    expect(iot).toHaveReceivedCommandTimes(CreateFuotaTaskCommand, 3);
    const tokens = (inputs(CreateFuotaTaskCommand) as { ClientRequestToken: string }[]).map((input) => input.ClientRequestToken);
    expect(new Set(tokens).size).toBe(1);
    expect(sleeps).toEqual([100, 200]);
  });

  test('a ValidationException is not retried and surfaces verbatim', async () => {
    iot.on(CreateFuotaTaskCommand).rejects(invalid('The role arn:aws:iam::123456789012:role/fw cannot be assumed by iotwireless'));

    await expect(onEvent(createEvent(), context())).rejects.toThrow(
      new Error('CreateFuotaTask failed: ValidationException: The role arn:aws:iam::123456789012:role/fw cannot be assumed by iotwireless'));
    expect(iot).toHaveReceivedCommandTimes(CreateFuotaTaskCommand, 1);
    expect(sleeps).toEqual([]);
  });

  test('retries stop when the next attempt would pass the deadline', async () => {
    iot.on(CreateFuotaTaskCommand).rejects(throttle());

    const ctx = context({ ...advancingClock(5_000), deadline: NOW + 10_000 });
    await expect(onEvent(createEvent(), ctx)).rejects.toThrow(new Error('CreateFuotaTask failed: ThrottlingException: Rate exceeded'));

    expect(iot).toHaveReceivedCommandTimes(CreateFuotaTaskCommand, 3);
    expect(sleeps).toEqual([100, 200]);
  });
});

describe('isComplete Create', () => {
  test('reads the task, tags it, lists and associates the devices, then starts it', async () => {
    givenTask();

    await isComplete(createdEvent(), context());

    expect(sent()).toEqual([
      'GetFuotaTask',
      'TagResource',
      'ListWirelessDevices',
      'ListMulticastGroupsByFuotaTask',
      'AssociateWirelessDeviceWithFuotaTask',
      'AssociateWirelessDeviceWithFuotaTask',
      'StartFuotaTask',
    ]);
  });

  test('returns IsComplete with only Arn and Id as data', async () => {
    givenTask();

    await expect(isComplete(createdEvent(), context())).resolves.toStrictEqual({
      IsComplete: true,
      Data: { Arn: TASK_ARN, Id: TASK_ID },
    });
  });

  test('reads the task by its physical id', async () => {
    givenTask();

    await isComplete(createdEvent(), context());

    expect(inputs(GetFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID }]);
  });

  test('tags the task by its ARN', async () => {
    givenTask();

    await isComplete(createdEvent({ ...PROPS, Tags: [{ Key: 'k', Value: 'v' }, { Key: 'team', Value: '' }] }), context());

    expect(inputs(TagResourceCommand)).toStrictEqual([{
      ResourceArn: TASK_ARN,
      Tags: [{ Key: 'k', Value: 'v' }, { Key: 'team', Value: '' }],
    }]);
  });

  test('lists the live associations of this task', async () => {
    givenTask();

    await isComplete(createdEvent(), context());

    expect(inputs(ListWirelessDevicesCommand)).toEqual([{ FuotaTaskId: TASK_ID }]);
    expect(inputs(ListMulticastGroupsByFuotaTaskCommand)).toEqual([{ Id: TASK_ID }]);
  });

  test('associates each wanted device', async () => {
    givenTask();

    await isComplete(createdEvent(), context());

    expect(inputs(AssociateWirelessDeviceWithFuotaTaskCommand)).toStrictEqual([
      { Id: TASK_ID, WirelessDeviceId: 'd1' },
      { Id: TASK_ID, WirelessDeviceId: 'd2' },
    ]);
  });

  test('associates each wanted multicast group', async () => {
    givenTask();

    await isComplete(createdEvent({ ...without(PROPS, 'WirelessDeviceIds'), MulticastGroupIds: ['g1', 'g2'] }), context());

    expect(inputs(AssociateMulticastGroupWithFuotaTaskCommand)).toStrictEqual([
      { Id: TASK_ID, MulticastGroupId: 'g1' },
      { Id: TASK_ID, MulticastGroupId: 'g2' },
    ]);
    expect(iot).not.toHaveReceivedCommand(AssociateWirelessDeviceWithFuotaTaskCommand);
  });

  test('starts the task StartDelaySeconds after now', async () => {
    givenTask();

    await isComplete(createdEvent(), context());

    expect(inputs(StartFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, LoRaWAN: { StartTime: new Date(NOW + 3600 * 1000) } }]);
  });

  test('does not start a task that has no start', async () => {
    givenTask();

    await isComplete(createdEvent(UNSTARTED_PROPS), context());

    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
  });

  test('does not tag a task without tags', async () => {
    givenTask();

    await isComplete(createdEvent(without(PROPS, 'Tags')), context());

    expect(iot).not.toHaveReceivedCommand(TagResourceCommand);
    expect(iot).not.toHaveReceivedCommand(UntagResourceCommand);
  });

  test('does not re-associate devices that are already associated', async () => {
    givenTask({ devices: ['d1'] });

    await isComplete(createdEvent(), context());

    expect(inputs(AssociateWirelessDeviceWithFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, WirelessDeviceId: 'd2' }]);
  });

  test('follows NextToken through every page of associated devices', async () => {
    givenTask();
    iot.on(ListWirelessDevicesCommand)
      .resolvesOnce({ WirelessDeviceList: [{ Id: 'd1' }], NextToken: 'page-2' })
      .resolvesOnce({ WirelessDeviceList: [{ Id: 'd2' }], NextToken: '' });

    await isComplete(createdEvent({ ...PROPS, WirelessDeviceIds: ['d1', 'd2', 'd3'] }), context());

    expect(inputs(ListWirelessDevicesCommand)).toEqual([
      { FuotaTaskId: TASK_ID },
      { FuotaTaskId: TASK_ID, NextToken: 'page-2' },
    ]);
    expect(inputs(AssociateWirelessDeviceWithFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, WirelessDeviceId: 'd3' }]);
  });

  test('follows NextToken through every page of associated multicast groups', async () => {
    givenTask();
    iot.on(ListMulticastGroupsByFuotaTaskCommand)
      .resolvesOnce({ MulticastGroupList: [{ Id: 'g1' }], NextToken: 'page-2' })
      .resolvesOnce({ MulticastGroupList: [{ Id: 'g2' }] });

    await isComplete(createdEvent({ ...without(PROPS, 'WirelessDeviceIds'), MulticastGroupIds: ['g1', 'g2', 'g3'] }), context());

    expect(inputs(ListMulticastGroupsByFuotaTaskCommand)).toEqual([
      { Id: TASK_ID },
      { Id: TASK_ID, NextToken: 'page-2' },
    ]);
    expect(inputs(AssociateMulticastGroupWithFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, MulticastGroupId: 'g3' }]);
  });

  test('a list page without a device or group list counts as no associations', async () => {
    givenTask();
    iot.on(ListWirelessDevicesCommand).resolves({});
    iot.on(ListMulticastGroupsByFuotaTaskCommand).resolves({});

    await isComplete(createdEvent(), context());

    expect(inputs(AssociateWirelessDeviceWithFuotaTaskCommand)).toStrictEqual([
      { Id: TASK_ID, WirelessDeviceId: 'd1' },
      { Id: TASK_ID, WirelessDeviceId: 'd2' },
    ]);
  });

  test.each<[string, Partial<GetFuotaTaskResponse>]>([
    ['its status is In_FuotaSession', { Status: 'In_FuotaSession' }],
    ['its status is FuotaSession_Waiting', { Status: 'FuotaSession_Waiting' }],
    ['it has a LoRaWAN.StartTime', { Status: 'Pending', LoRaWAN: { RfRegion: 'EU868', StartTime: new Date(NOW + 3600 * 1000) } }],
  ])('does not start a task again when %s', async (_label, state) => {
    givenTask({ task: liveTask(state), devices: ['d1', 'd2'] });

    await expect(isComplete(createdEvent(), context())).resolves.toMatchObject({ IsComplete: true });
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
  });

  test('a re-run after everything was done only reads and re-applies the tags', async () => {
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2'] });

    const result = await isComplete(createdEvent(), context());

    expect(result).toStrictEqual({ IsComplete: true, Data: { Arn: TASK_ARN, Id: TASK_ID } });
    expect(sent()).toEqual(['GetFuotaTask', 'TagResource', 'ListWirelessDevices', 'ListMulticastGroupsByFuotaTask']);
  });

  test('a re-run after a partial failure associates what is missing and then starts', async () => {
    givenTask({ devices: ['d1'] });

    await isComplete(createdEvent(), context());

    expect(sent().slice(-2)).toEqual(['AssociateWirelessDeviceWithFuotaTask', 'StartFuotaTask']);
    expect(inputs(AssociateWirelessDeviceWithFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, WirelessDeviceId: 'd2' }]);
  });
});

describe('isComplete Create with a fixed StartTime', () => {
  const startAt = (offsetMs: number) => ({ ...UNSTARTED_PROPS, StartTime: new Date(NOW + offsetMs).toISOString() });

  test('a StartTime exactly 30 minutes ahead is sent as that date', async () => {
    givenTask();

    await isComplete(createdEvent(startAt(30 * MINUTE)), context());

    expect(inputs(StartFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, LoRaWAN: { StartTime: new Date(NOW + 30 * MINUTE) } }]);
  });

  test('a StartTime a day ahead is sent as that date', async () => {
    givenTask();

    await isComplete(createdEvent(startAt(24 * 60 * MINUTE)), context());

    expect(inputs(StartFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, LoRaWAN: { StartTime: new Date(NOW + 24 * 60 * MINUTE) } }]);
  });

  test('a StartTime less than 30 minutes ahead fails without calling StartFuotaTask', async () => {
    givenTask();

    await expect(isComplete(createdEvent(startAt(29 * MINUTE)), context())).rejects.toThrow(
      'StartFuotaTask needs a start time at least 30 minutes ahead');
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
  });

  test('a started task is not rescheduled to another StartTime', async () => {
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2'] });

    await expect(isComplete(createdEvent(startAt(60 * MINUTE)), context())).rejects.toThrow(
      `FuotaTask ${TASK_ID} was already started for 2030-06-01T11:59:00.000Z and IoT Wireless cannot reschedule it`);
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
  });

  test('a started task with the same StartTime completes', async () => {
    const startTime = new Date(NOW + 60 * MINUTE);
    givenTask({ task: liveTask({ Status: 'FuotaSession_Waiting', LoRaWAN: { RfRegion: 'EU868', StartTime: startTime } }), devices: ['d1', 'd2'] });

    await expect(isComplete(createdEvent(startAt(60 * MINUTE)), context())).resolves.toMatchObject({ IsComplete: true });
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
  });
});

describe('failures once the task exists', () => {
  test('a failed association fails isComplete with the service message, and the rollback Delete removes the task', async () => {
    iot.on(CreateFuotaTaskCommand).resolves({ Arn: TASK_ARN, Id: TASK_ID });
    const created = await onEvent(createEvent(), context());
    givenTask();
    iot.on(AssociateWirelessDeviceWithFuotaTaskCommand).rejects(notFound('Wireless device d1 does not exist'));

    await expect(isComplete({ ...createEvent(), PhysicalResourceId: created.PhysicalResourceId }, context())).rejects.toThrow(
      new Error('AssociateWirelessDeviceWithFuotaTask failed: ResourceNotFoundException: Wireless device d1 does not exist'));
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);

    iot.on(DeleteFuotaTaskCommand).resolves({});
    await expect(onEvent(deleteEvent(created.PhysicalResourceId), context()))
      .resolves.toStrictEqual({ PhysicalResourceId: TASK_ID, ...POLLING_STAMP });
    expect(inputs(DeleteFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID }]);
  });

  test('a refused start fails isComplete with the service message', async () => {
    givenTask();
    iot.on(StartFuotaTaskCommand).rejects(invalid('Start time must be at least 30 minutes in the future'));

    await expect(isComplete(createdEvent(), context())).rejects.toThrow(
      new Error('StartFuotaTask failed: ValidationException: Start time must be at least 30 minutes in the future'));
  });

  test('a task deleted out of band fails isComplete', async () => {
    iot.on(GetFuotaTaskCommand).rejects(notFound('FuotaTask not found'));

    await expect(isComplete(createdEvent(), context())).rejects.toThrow(
      new Error('GetFuotaTask failed: ResourceNotFoundException: FuotaTask not found'));
    expect(sent()).toEqual(['GetFuotaTask']);
  });

  test('a very long service message is truncated so the response stays under 4 KB', async () => {
    givenTask();
    iot.on(AssociateWirelessDeviceWithFuotaTaskCommand).rejects(invalid('z'.repeat(10_000)));

    const error = await isComplete(createdEvent(), context()).then(() => undefined, (e: Error) => e);

    expect(error?.message).toMatch(/^AssociateWirelessDeviceWithFuotaTask failed: ValidationException: z+\.\.\. \(truncated\)$/);
    expect(error!.message.length).toBe('AssociateWirelessDeviceWithFuotaTask failed: '.length + 1000 + '... (truncated)'.length);
  });

  test('throttling that is over within the deadline is retried and the task completes', async () => {
    givenTask();
    iot.on(AssociateWirelessDeviceWithFuotaTaskCommand).rejectsOnce(throttle()).resolves({});

    await expect(isComplete(createdEvent(), context())).resolves.toMatchObject({ IsComplete: true });
    expect(inputs(AssociateWirelessDeviceWithFuotaTaskCommand)).toStrictEqual([
      { Id: TASK_ID, WirelessDeviceId: 'd1' },
      { Id: TASK_ID, WirelessDeviceId: 'd1' },
      { Id: TASK_ID, WirelessDeviceId: 'd2' },
    ]);
    expect(sleeps).toEqual([100]);
    expect(iot).toHaveReceivedCommandTimes(StartFuotaTaskCommand, 1);
  });

  test.each([
    ['ThrottlingException', throttle],
    ['InternalServerException', serverError],
  ])('a %s that outlasts the deadline asks to be polled again instead of failing', async (name, makeError) => {
    givenTask();
    iot.on(StartFuotaTaskCommand).rejects(makeError());

    const result = await isComplete(createdEvent(), context({ ...advancingClock(5_000), deadline: NOW + 20_000 }));

    expect(result).toStrictEqual({ IsComplete: false });
    // t = 0, 5, 10, 15, 20 s: the back-off after the fifth would pass the deadline
    expect(iot).toHaveReceivedCommandTimes(StartFuotaTaskCommand, 5);
    expect(logs).toContainEqual(expect.objectContaining({ phase: 'isComplete', taskId: TASK_ID, retryLater: expect.stringContaining(`StartFuotaTask failed: ${name}`) }));
  });
});

describe('onEvent Update', () => {
  test('reads the live task, then updates only the field that differs from it', async () => {
    givenTask();
    const result = await onEvent(updateEvent({ ...PROPS, RedundancyPercent: '30' }, PROPS), context());

    expect(sent()).toEqual(['GetFuotaTask', 'UpdateFuotaTask']);
    expect(inputs(UpdateFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, RedundancyPercent: 30 }]);
    expect(result).toStrictEqual({ PhysicalResourceId: TASK_ID, Data: { Arn: TASK_ARN, Id: TASK_ID }, ...POLLING_STAMP });
  });

  test('sends several changed fields in one UpdateFuotaTask', async () => {
    givenTask();
    const desired = { ...PROPS, FirmwareUpdateImage: 's3://b/k2.bin', RfRegion: 'US915', FragmentIntervalMS: '2000', Description: 'v2' };

    await onEvent(updateEvent(desired, PROPS), context());

    expect(inputs(UpdateFuotaTaskCommand)).toStrictEqual([{
      Id: TASK_ID,
      FirmwareUpdateImage: 's3://b/k2.bin',
      Description: 'v2',
      LoRaWAN: { RfRegion: 'US915' },
      FragmentIntervalMS: 2000,
    }]);
  });

  test('makes no UpdateFuotaTask call when nothing differs', async () => {
    givenTask();

    await expect(onEvent(updateEvent(PROPS, PROPS), context())).resolves.toStrictEqual({
      PhysicalResourceId: TASK_ID,
      Data: { Arn: TASK_ARN, Id: TASK_ID },
      ...POLLING_STAMP,
    });
    expect(sent()).toEqual(['GetFuotaTask']);
  });

  test('changes only to tags, devices or the start make no UpdateFuotaTask call', async () => {
    givenTask();
    const desired = { ...PROPS, Tags: [{ Key: 'k', Value: 'v2' }], WirelessDeviceIds: ['d3'], StartDelaySeconds: '7200' };

    await onEvent(updateEvent(desired, PROPS), context());

    expect(sent()).toEqual(['GetFuotaTask']);
  });

  test('compares with the live task, not with OldResourceProperties: a value already live is not sent', async () => {
    givenTask({ task: liveTask({ RedundancyPercent: 30 }) });

    await onEvent(updateEvent({ ...PROPS, RedundancyPercent: '30' }, PROPS), context());

    expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
  });

  test('compares with the live task, not with OldResourceProperties: a drifted value is restored', async () => {
    givenTask({ task: liveTask({ RedundancyPercent: 25 }) });

    await onEvent(updateEvent({ ...PROPS, Name: 'campaign-2' }, PROPS), context());

    expect(inputs(UpdateFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, Name: 'campaign-2', RedundancyPercent: 20 }]);
  });

  test('a rollback to the values still live makes no UpdateFuotaTask call', async () => {
    // the failed update wanted these; UpdateFuotaTask never applied them
    const failedUpdate = { ...PROPS, RedundancyPercent: '30', Name: 'campaign-2', RfRegion: 'US915' };
    givenTask();

    await onEvent(updateEvent(PROPS, failedUpdate), context());

    expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
  });

  test.each([
    ['Name', 'Name'],
    ['Description', 'Description'],
    ['Descriptor', 'Descriptor'],
  ])('a removed %s that is still live is cleared with an empty string', async (property, member) => {
    givenTask();

    await onEvent(updateEvent(without(PROPS, property), PROPS), context());

    expect(inputs(UpdateFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, [member]: '' }]);
  });

  test('a removed Name that is no longer live is left alone', async () => {
    givenTask({ task: liveTask({ Name: undefined }) });

    await onEvent(updateEvent(without(PROPS, 'Name'), PROPS), context());

    expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
  });

  test.each(['RedundancyPercent', 'FragmentSizeBytes', 'FragmentIntervalMS', 'RfRegion'])(
    'removing %s fails with a message and no UpdateFuotaTask call',
    async (property) => {
      givenTask();

      await expect(onEvent(updateEvent(without(PROPS, property), PROPS), context())).rejects.toThrow('cannot remove');
      expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
    },
  );

  test('changing a started task fails with a message and no UpdateFuotaTask call', async () => {
    givenTask({ task: liveTask(STARTED) });

    await expect(onEvent(updateEvent({ ...PROPS, RedundancyPercent: '30' }, PROPS), context())).rejects.toThrow(
      `FuotaTask ${TASK_ID} has started (status In_FuotaSession) and IoT Wireless accepts no changes after StartFuotaTask, ` +
      'so it cannot change redundancyPercent');
    expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
  });

  test('a task with a StartTime counts as started even while Pending', async () => {
    givenTask({ task: liveTask({ Status: 'Pending', LoRaWAN: { RfRegion: 'EU868', StartTime: new Date(NOW + 3600 * 1000) } }) });

    await expect(onEvent(updateEvent({ ...PROPS, Name: 'campaign-2' }, PROPS), context())).rejects.toThrow('has started');
    expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
  });

  test('an update of a started task that changes none of its fields succeeds', async () => {
    givenTask({ task: liveTask(STARTED) });

    await expect(onEvent(updateEvent({ ...PROPS, Tags: [] }, PROPS), context())).resolves.toStrictEqual({
      PhysicalResourceId: TASK_ID,
      Data: { Arn: TASK_ARN, Id: TASK_ID },
      ...POLLING_STAMP,
    });
    expect(sent()).toEqual(['GetFuotaTask']);
  });

  test('an empty Name that GetFuotaTask leaves out is not a change, so a started task still takes a tag update', async () => {
    const props = { ...PROPS, Name: '' };
    givenTask({ task: liveTask({ ...STARTED, Name: undefined }) });

    await expect(onEvent(updateEvent({ ...props, Tags: [{ Key: 'k', Value: 'v2' }] }, props), context())).resolves.toMatchObject({
      PhysicalResourceId: TASK_ID,
    });
    expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
  });

  test('a tag-only update of a started task whose live value the service rounded succeeds and leaves the value', async () => {
    // FragmentIntervalMS is "rounded to the nearest second" (API model): 1000 declared, 2000 live.
    givenTask({ task: liveTask({ ...STARTED, FragmentIntervalMS: 2000 }) });

    await expect(onEvent(updateEvent({ ...PROPS, Tags: [{ Key: 'k', Value: 'v2' }] }, PROPS), context())).resolves.toMatchObject({
      PhysicalResourceId: TASK_ID,
    });
    expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
    expect(logs).toContainEqual(expect.objectContaining({ note: expect.stringContaining('live fragmentIntervalMs differ from the unchanged declared values') }));
  });

  test('a refused UpdateFuotaTask surfaces the service message', async () => {
    givenTask();
    iot.on(UpdateFuotaTaskCommand).rejects(invalid('FirmwareUpdateImage must be an S3 URI'));

    await expect(onEvent(updateEvent({ ...PROPS, FirmwareUpdateImage: 's3://b/other.bin' }, PROPS), context())).rejects.toThrow(
      new Error('UpdateFuotaTask failed: ValidationException: FirmwareUpdateImage must be an S3 URI'));
  });
});

describe('isComplete Update', () => {
  test('disassociates devices that are live but no longer wanted, then associates the new ones', async () => {
    givenTask({ devices: ['d1', 'd2'] });
    const desired = { ...UNSTARTED_PROPS, WirelessDeviceIds: ['d2', 'd3'] };

    await expect(isComplete(updateEvent(desired, UNSTARTED_PROPS), context())).resolves.toStrictEqual({
      IsComplete: true,
      Data: { Arn: TASK_ARN, Id: TASK_ID },
    });

    expect(sent()).toEqual([
      'GetFuotaTask',
      'TagResource',
      'ListWirelessDevices',
      'ListMulticastGroupsByFuotaTask',
      'DisassociateWirelessDeviceFromFuotaTask',
      'AssociateWirelessDeviceWithFuotaTask',
    ]);
    expect(inputs(DisassociateWirelessDeviceFromFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, WirelessDeviceId: 'd1' }]);
    expect(inputs(AssociateWirelessDeviceWithFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, WirelessDeviceId: 'd3' }]);
  });

  test('diffs against the live associations, not OldResourceProperties', async () => {
    // the old properties list d1 and d2, but only d1 got associated and someone added d9
    givenTask({ devices: ['d1', 'd9'] });

    await isComplete(updateEvent(UNSTARTED_PROPS, UNSTARTED_PROPS), context());

    expect(inputs(DisassociateWirelessDeviceFromFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, WirelessDeviceId: 'd9' }]);
    expect(inputs(AssociateWirelessDeviceWithFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, WirelessDeviceId: 'd2' }]);
  });

  test('switching from devices to multicast groups removes the devices before adding the groups', async () => {
    givenTask({ devices: ['d1', 'd2'] });
    const desired = { ...without(UNSTARTED_PROPS, 'WirelessDeviceIds'), MulticastGroupIds: ['g1'] };

    await isComplete(updateEvent(desired, UNSTARTED_PROPS), context());

    expect(sent().slice(4)).toEqual([
      'DisassociateWirelessDeviceFromFuotaTask',
      'DisassociateWirelessDeviceFromFuotaTask',
      'AssociateMulticastGroupWithFuotaTask',
    ]);
    expect(inputs(AssociateMulticastGroupWithFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, MulticastGroupId: 'g1' }]);
  });

  test('removing a multicast group disassociates it', async () => {
    const groups = { ...without(UNSTARTED_PROPS, 'WirelessDeviceIds'), MulticastGroupIds: ['g1', 'g2'] };
    givenTask({ groups: ['g1', 'g2'] });

    await isComplete(updateEvent({ ...groups, MulticastGroupIds: ['g2'] }, groups), context());

    expect(inputs(DisassociateMulticastGroupFromFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, MulticastGroupId: 'g1' }]);
    expect(iot).not.toHaveReceivedCommand(AssociateMulticastGroupWithFuotaTaskCommand);
  });

  test('untags the keys that OldResourceProperties had and ResourceProperties no longer has, before tagging', async () => {
    givenTask({ devices: ['d1', 'd2'] });
    const old = { ...UNSTARTED_PROPS, Tags: [{ Key: 'k', Value: 'v' }, { Key: 'team', Value: 'fw' }, { Key: 'stage', Value: 'beta' }] };

    await isComplete(updateEvent(UNSTARTED_PROPS, old), context());

    expect(sent().slice(1, 3)).toEqual(['UntagResource', 'TagResource']);
    expect(inputs(UntagResourceCommand)).toStrictEqual([{ ResourceArn: TASK_ARN, TagKeys: ['team', 'stage'] }]);
    expect(inputs(TagResourceCommand)).toStrictEqual([{ ResourceArn: TASK_ARN, Tags: [{ Key: 'k', Value: 'v' }] }]);
  });

  test('removing every tag untags them and tags nothing', async () => {
    givenTask({ devices: ['d1', 'd2'] });

    await isComplete(updateEvent(without(UNSTARTED_PROPS, 'Tags'), UNSTARTED_PROPS), context());

    expect(inputs(UntagResourceCommand)).toStrictEqual([{ ResourceArn: TASK_ARN, TagKeys: ['k'] }]);
    expect(iot).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('a tag whose value changed is re-tagged, not untagged', async () => {
    givenTask({ devices: ['d1', 'd2'] });

    await isComplete(updateEvent({ ...UNSTARTED_PROPS, Tags: [{ Key: 'k', Value: 'v2' }] }, UNSTARTED_PROPS), context());

    expect(iot).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(inputs(TagResourceCommand)).toStrictEqual([{ ResourceArn: TASK_ARN, Tags: [{ Key: 'k', Value: 'v2' }] }]);
  });

  test('changing the devices of a started task fails and changes no association', async () => {
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2'] });

    await expect(isComplete(updateEvent({ ...PROPS, WirelessDeviceIds: ['d1', 'd2', 'd3'] }, PROPS), context())).rejects.toThrow(
      `FuotaTask ${TASK_ID} has started (status In_FuotaSession)`);
    expect(iot).not.toHaveReceivedCommand(AssociateWirelessDeviceWithFuotaTaskCommand);
    expect(iot).not.toHaveReceivedCommand(DisassociateWirelessDeviceFromFuotaTaskCommand);
  });

  test.each<[string, string[]]>([
    ['a device deleted since', ['d1']],
    ['the session ended and released them', []],
  ])('a tag-only update of a started task whose live devices differ (%s) succeeds and changes no association', async (_label, live) => {
    givenTask({ task: liveTask(STARTED), devices: live });

    await expect(isComplete({ ...updateEvent({ ...PROPS, Tags: [{ Key: 'k', Value: 'v2' }] }, PROPS), ...POLLING_STAMP }, context()))
      .resolves.toMatchObject({ IsComplete: true });
    expect(inputs(TagResourceCommand)).toStrictEqual([{ ResourceArn: TASK_ARN, Tags: [{ Key: 'k', Value: 'v2' }] }]);
    expect(iot).not.toHaveReceivedCommand(AssociateWirelessDeviceWithFuotaTaskCommand);
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
    expect(logs).toContainEqual(expect.objectContaining({ note: expect.stringContaining('live associations differ from the unchanged declared list') }));
    expect(stackQueries).toEqual([]);
  });

  test('the failure names the association changes it refused', async () => {
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2'] });

    await expect(isComplete(updateEvent({ ...PROPS, WirelessDeviceIds: ['d1', 'd3'] }, PROPS), context())).rejects.toThrow(
      'cannot change its devices or multicast groups (d3, d2)');
  });

  test('a started task whose associations are unchanged completes without being started again', async () => {
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2'] });

    await expect(isComplete(updateEvent({ ...PROPS, Tags: [{ Key: 'k', Value: 'v2' }] }, PROPS), context())).resolves.toMatchObject({ IsComplete: true });
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
    expect(inputs(TagResourceCommand)).toStrictEqual([{ ResourceArn: TASK_ARN, Tags: [{ Key: 'k', Value: 'v2' }] }]);
  });

  test('the rollback of an update that started the task completes and leaves it started', async () => {
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2'] });

    await expect(isComplete(updateEvent(UNSTARTED_PROPS, PROPS), context())).resolves.toMatchObject({ IsComplete: true });
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
    expect(logs).toContainEqual(expect.objectContaining({ taskId: TASK_ID, note: expect.stringContaining('cannot be un-started') }));
  });

  test('an update that adds a start starts the task', async () => {
    givenTask({ devices: ['d1', 'd2'] });

    await isComplete(updateEvent(PROPS, UNSTARTED_PROPS), context());

    expect(inputs(StartFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, LoRaWAN: { StartTime: new Date(NOW + 3600 * 1000) } }]);
  });
});

describe('Delete', () => {
  test('onEvent deletes the task by its physical id', async () => {
    iot.on(DeleteFuotaTaskCommand).resolves({});

    await expect(onEvent(deleteEvent(), context())).resolves.toStrictEqual({ PhysicalResourceId: TASK_ID, ...POLLING_STAMP });
    expect(sent()).toEqual(['DeleteFuotaTask']);
    expect(inputs(DeleteFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID }]);
  });

  test('a task that is already gone counts as deleted', async () => {
    iot.on(DeleteFuotaTaskCommand).rejects(notFound(`FuotaTask ${TASK_ID} not found`));

    await expect(onEvent(deleteEvent(), context())).resolves.toStrictEqual({ PhysicalResourceId: TASK_ID, ...POLLING_STAMP });
    expect(iot).toHaveReceivedCommandTimes(DeleteFuotaTaskCommand, 1);
    expect(logs).toContainEqual(expect.objectContaining({ operation: 'DeleteFuotaTask', result: 'already gone' }));
  });

  test('any other failure propagates with the service message', async () => {
    iot.on(DeleteFuotaTaskCommand).rejects(denied('User is not authorized to perform: iotwireless:DeleteFuotaTask'));

    await expect(onEvent(deleteEvent(), context())).rejects.toThrow(
      new Error('DeleteFuotaTask failed: AccessDeniedException: User is not authorized to perform: iotwireless:DeleteFuotaTask'));
    expect(iot).toHaveReceivedCommandTimes(DeleteFuotaTaskCommand, 1);
  });

  test('throttling of the delete is retried', async () => {
    iot.on(DeleteFuotaTaskCommand).rejectsOnce(throttle()).resolves({});

    await expect(onEvent(deleteEvent(), context())).resolves.toStrictEqual({ PhysicalResourceId: TASK_ID, ...POLLING_STAMP });
    expect(iot).toHaveReceivedCommandTimes(DeleteFuotaTaskCommand, 2);
  });

  test('properties are not checked on delete, so a task whose properties no longer validate can still be removed', async () => {
    iot.on(DeleteFuotaTaskCommand).resolves({});

    await onEvent(deleteEvent(TASK_ID, { ...PROPS, RedundancyPercent: '140' }), context());

    expect(inputs(DeleteFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID }]);
  });

  test('isComplete for Delete is complete once GetFuotaTask answers 404', async () => {
    iot.on(GetFuotaTaskCommand).rejects(notFound(`FuotaTask ${TASK_ID} not found`));

    await expect(isComplete({ ...deleteEvent(), ...POLLING_STAMP }, context())).resolves.toStrictEqual({ IsComplete: true });
    expect(sent()).toEqual(['GetFuotaTask']);
  });

  test('a task still Delete_Waiting is polled again, so its devices are free when the Delete completes', async () => {
    iot.on(GetFuotaTaskCommand).resolves(liveTask({ Status: 'Delete_Waiting' }));

    await expect(isComplete({ ...deleteEvent(), ...POLLING_STAMP }, context())).resolves.toStrictEqual({ IsComplete: false });
    expect(logs).toContainEqual(expect.objectContaining({ taskId: TASK_ID, waitingForDeletion: 'Delete_Waiting' }));
  });

  test('throttling of the wait asks to be polled again', async () => {
    iot.on(GetFuotaTaskCommand).rejects(throttle());

    await expect(isComplete({ ...deleteEvent(), ...POLLING_STAMP }, context({ deadline: NOW }))).resolves.toStrictEqual({ IsComplete: false });
  });

  test('once the polling budget is spent, a task still Delete_Waiting completes with a warning (the delete cannot be undone)', async () => {
    iot.on(GetFuotaTaskCommand).resolves(liveTask({ Status: 'Delete_Waiting' }));

    await expect(isComplete({ ...deleteEvent(), ...POLLING_STAMP }, context({ now: () => NOW + 21 * MINUTE, deadline: NOW + 22 * MINUTE })))
      .resolves.toStrictEqual({ IsComplete: true });
    expect(logs).toContainEqual(expect.objectContaining({ taskId: TASK_ID, warning: expect.stringContaining('still Delete_Waiting') }));
  });

  test('once the polling budget is spent, a task in any other status fails the Delete: the service did not take it', async () => {
    iot.on(GetFuotaTaskCommand).resolves(liveTask({ Status: 'Pending' }));

    await expect(isComplete({ ...deleteEvent(), ...POLLING_STAMP }, context({ now: () => NOW + 21 * MINUTE, deadline: NOW + 22 * MINUTE })))
      .rejects.toThrow(`DeleteFuotaTask: task ${TASK_ID} is still Pending (not yet gone) (not done after 21 minutes of isComplete polls`);
  });
});

describe('a value IoT Wireless cannot unset, removed by a rollback', () => {
  const ROLLING_BACK = 'UPDATE_ROLLBACK_IN_PROGRESS';
  /** The property, its name in the spec, the value added, the live task with it and without it. */
  const FIELDS: [string, string, string, Partial<GetFuotaTaskResponse>, Partial<GetFuotaTaskResponse>][] = [
    ['RedundancyPercent', 'redundancyPercent', '35', { RedundancyPercent: 35 }, { RedundancyPercent: undefined }],
    ['FragmentSizeBytes', 'fragmentSizeBytes', '64', { FragmentSizeBytes: 64 }, { FragmentSizeBytes: undefined }],
    ['FragmentIntervalMS', 'fragmentIntervalMs', '2000', { FragmentIntervalMS: 2000 }, { FragmentIntervalMS: undefined }],
    ['RfRegion', 'rfRegion', 'US915', { LoRaWAN: { RfRegion: 'US915' } }, { LoRaWAN: undefined }],
  ];

  test.each(FIELDS)('%s added by an update that then rolls back: the rollback completes and the value stays, logged', async (property, field, value, live, liveBefore) => {
    // Deployed without the field; the service reports nothing for it.
    const deployed = without(UNSTARTED_PROPS, property);
    const added = { ...deployed, [property]: value };
    givenTask({ task: liveTask(liveBefore) });
    iot.on(UpdateFuotaTaskCommand).resolves({});
    await onEvent(updateEvent(added, deployed), context());
    expect(inputs(UpdateFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, ...live }]);

    // Another resource of the stack fails: CloudFormation sends the old properties back.
    iot.reset();
    stackAnswers = [ROLLING_BACK];
    givenTask({ task: liveTask(live) });
    await expect(onEvent(updateEvent(deployed, added), context())).resolves.toStrictEqual({
      PhysicalResourceId: TASK_ID,
      Data: { Arn: TASK_ARN, Id: TASK_ID },
      ...POLLING_STAMP,
    });

    expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
    expect(stackQueries).toEqual([STACK_ID]);
    expect(logs).toContainEqual({
      taskId: TASK_ID,
      stackStatus: ROLLING_BACK,
      warning: `the stack is rolling back to properties without ${field}, which IoT Wireless cannot unset: ` +
        `FuotaTask ${TASK_ID} keeps ${field} ${JSON.stringify(field === 'rfRegion' ? value : Number(value))}.`,
    });
  });

  test('a value that equals what the service already had (its default) is kept by the rollback too', async () => {
    // The service reported 10 before the update declared 10: the update had nothing to send.
    const deployed = without(UNSTARTED_PROPS, 'RedundancyPercent');
    const declared = { ...deployed, RedundancyPercent: '10' };
    givenTask({ task: liveTask({ RedundancyPercent: 10 }) });
    await onEvent(updateEvent(declared, deployed), context());
    expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);

    stackAnswers = [ROLLING_BACK];
    await expect(onEvent(updateEvent(deployed, declared), context())).resolves.toMatchObject({ PhysicalResourceId: TASK_ID });
    expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
    expect(logs).toContainEqual(expect.objectContaining({ warning: expect.stringContaining(`FuotaTask ${TASK_ID} keeps redundancyPercent 10`) }));
  });

  test('the rollback still reverts what can be reverted', async () => {
    const deployed = without(UNSTARTED_PROPS, 'RedundancyPercent', 'FragmentSizeBytes');
    const failed = { ...deployed, RedundancyPercent: '35', FragmentSizeBytes: '64', Name: 'campaign-2' };
    stackAnswers = [ROLLING_BACK];
    givenTask({ task: liveTask({ RedundancyPercent: 35, FragmentSizeBytes: 64, Name: 'campaign-2' }) });
    iot.on(UpdateFuotaTaskCommand).resolves({});

    await onEvent(updateEvent(deployed, failed), context());

    expect(inputs(UpdateFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, Name: 'campaign-1' }]);
    expect(logs).toContainEqual(expect.objectContaining({
      warning: expect.stringContaining(`without redundancyPercent, fragmentSizeBytes, which IoT Wireless cannot unset: FuotaTask ${TASK_ID} keeps redundancyPercent 35, fragmentSizeBytes 64.`),
    }));
  });

  test('a forward update that removes the field is still refused, after asking the stack, and changes nothing', async () => {
    givenTask();

    await expect(onEvent(updateEvent(without({ ...PROPS, Name: 'campaign-2' }, 'RedundancyPercent'), PROPS), context())).rejects.toThrow(
      `UpdateFuotaTask cannot remove redundancyPercent from task ${TASK_ID}: IoT Wireless has no way to unset these fields. ` +
      'Set them to the value you want, or replace the task (give the FuotaTask a new construct id).');
    expect(stackQueries).toEqual([STACK_ID]);
    expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
  });

  test('when the stack status cannot be read the value stays, logged with the reason: a rollback must not be refused', async () => {
    stackAnswers = [Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })];
    givenTask();

    await expect(onEvent(updateEvent(without(PROPS, 'RfRegion'), PROPS), context())).resolves.toMatchObject({ PhysicalResourceId: TASK_ID });

    expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
    expect(logs).toContainEqual({
      taskId: TASK_ID,
      stackStatusUnknown: 'DescribeStacks failed: AccessDenied: User is not authorized to perform: cloudformation:DescribeStacks',
      warning: 'the properties leave out rfRegion, which IoT Wireless cannot unset, and whether the stack is rolling back could not be checked: ' +
        `FuotaTask ${TASK_ID} keeps rfRegion "EU868" rather than risk refusing a rollback.`,
    });
  });
});

describe('a started task while the stack rolls back', () => {
  const ROLLING_BACK = 'UPDATE_ROLLBACK_IN_PROGRESS';
  /** What a forward update that added device d3 deployed. */
  const WITH_D3 = { ...PROPS, WirelessDeviceIds: ['d1', 'd2', 'd3'] };
  const warned = () => expect(logs).toContainEqual(expect.objectContaining({
    taskId: TASK_ID,
    stackStatus: ROLLING_BACK,
    warning: expect.stringContaining(`FuotaTask ${TASK_ID} has started (status In_FuotaSession) and cannot be reverted`),
  }));

  test('the rollback of an update that changed fields and devices and started the task completes, leaving it started', async () => {
    // The forward update: new fields and devices on a task not yet started, and a start.
    const before = { ...UNSTARTED_PROPS, RedundancyPercent: '20' };
    const after = { ...PROPS, RedundancyPercent: '30', WirelessDeviceIds: ['d1', 'd2', 'd3'] };
    givenTask({ devices: ['d1', 'd2'] });
    iot.on(UpdateFuotaTaskCommand).resolves({});
    await onEvent(updateEvent(after, before), context());
    await expect(isComplete(updateEvent(after, before), context())).resolves.toMatchObject({ IsComplete: true });
    expect(sent()).toContain('StartFuotaTask');
    expect(stackQueries).toEqual([]);

    // Another resource fails: CloudFormation swaps the properties back while the task runs.
    iot.reset();
    stackAnswers = [ROLLING_BACK];
    givenTask({ task: liveTask({ ...STARTED, RedundancyPercent: 30 }), devices: ['d1', 'd2', 'd3'] });

    await expect(onEvent(updateEvent(before, after), context())).resolves.toStrictEqual({
      PhysicalResourceId: TASK_ID,
      Data: { Arn: TASK_ARN, Id: TASK_ID },
      ...POLLING_STAMP,
    });
    await expect(isComplete(updateEvent(before, after), context())).resolves.toStrictEqual({
      IsComplete: true,
      Data: { Arn: TASK_ARN, Id: TASK_ID },
    });

    expect(sent()).toEqual([
      'GetFuotaTask',
      'GetFuotaTask', 'TagResource', 'ListWirelessDevices', 'ListMulticastGroupsByFuotaTask',
    ]);
    expect(stackQueries).toEqual([STACK_ID, STACK_ID]);
    expect(logs).toContainEqual(expect.objectContaining({ warning: expect.stringContaining('it cannot change redundancyPercent') }));
    expect(logs).toContainEqual(expect.objectContaining({ warning: expect.stringContaining('it cannot change its devices or multicast groups (d3)') }));
    expect(logs).toContainEqual(expect.objectContaining({ note: expect.stringContaining('cannot be un-started') }));
  });

  test.each(['UPDATE_ROLLBACK_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'IMPORT_ROLLBACK_IN_PROGRESS'])(
    'during %s a field change to a started task is logged and skipped', async (status) => {
      stackAnswers = [status];
      givenTask({ task: liveTask({ ...STARTED, RedundancyPercent: 30 }) });

      await expect(onEvent(updateEvent(PROPS, { ...PROPS, RedundancyPercent: '30' }), context())).resolves.toMatchObject({ PhysicalResourceId: TASK_ID });

      expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
      expect(logs).toContainEqual(expect.objectContaining({ stackStatus: status, warning: expect.stringContaining('cannot be reverted') }));
    },
  );

  test.each(['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'IMPORT_IN_PROGRESS', 'CREATE_IN_PROGRESS'])(
    'during %s a field change to a started task is refused', async (status) => {
      stackAnswers = [status];
      givenTask({ task: liveTask(STARTED) });

      await expect(onEvent(updateEvent({ ...PROPS, RedundancyPercent: '30' }, PROPS), context())).rejects.toThrow(
        `FuotaTask ${TASK_ID} has started (status In_FuotaSession) and IoT Wireless accepts no changes after StartFuotaTask, so it cannot change redundancyPercent.`);
      expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
      expect(stackQueries).toEqual([STACK_ID]);
    },
  );

  test('during a rollback, association changes to a started task are logged and skipped', async () => {
    stackAnswers = [ROLLING_BACK];
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2', 'd3'] });

    // The forward update added d3 (and started the task); its rollback asks to remove it.
    await expect(isComplete(updateEvent(UNSTARTED_PROPS, WITH_D3), context())).resolves.toMatchObject({ IsComplete: true });

    expect(iot).not.toHaveReceivedCommand(DisassociateWirelessDeviceFromFuotaTaskCommand);
    expect(iot).not.toHaveReceivedCommand(AssociateWirelessDeviceWithFuotaTaskCommand);
    warned();
  });

  test('during a rollback, another fixed StartTime for a started task is logged and skipped', async () => {
    stackAnswers = [ROLLING_BACK];
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2'] });
    const rolledBack = { ...UNSTARTED_PROPS, StartTime: new Date(NOW + 60 * MINUTE).toISOString() };

    await expect(isComplete(updateEvent(rolledBack, PROPS), context())).resolves.toMatchObject({ IsComplete: true });

    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
    expect(logs).toContainEqual(expect.objectContaining({
      warning: expect.stringContaining('it cannot reschedule its start from 2030-06-01T11:59:00.000Z to 2030-06-01T13:00:00.000Z'),
    }));
  });

  test('the stack status is asked once per invocation, however many changes a started task refuses', async () => {
    stackAnswers = [ROLLING_BACK];
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2', 'd3'] });
    const rolledBack = { ...UNSTARTED_PROPS, StartTime: new Date(NOW + 60 * MINUTE).toISOString() };

    await isComplete(updateEvent(rolledBack, WITH_D3), context());

    expect(stackQueries).toEqual([STACK_ID]);
    expect(logs.filter((entry) => entry.warning)).toHaveLength(2);
  });

  test('the stack is not asked about when a started task would not change, nor for a task not started', async () => {
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2'] });
    await onEvent(updateEvent({ ...PROPS, Tags: [] }, PROPS), context());
    await isComplete(updateEvent({ ...PROPS, Tags: [] }, PROPS), context());

    iot.reset();
    givenTask({ devices: ['d1'] });
    iot.on(UpdateFuotaTaskCommand).resolves({});
    await onEvent(updateEvent({ ...PROPS, RedundancyPercent: '30' }, PROPS), context());
    await isComplete(updateEvent({ ...PROPS, RedundancyPercent: '30' }, PROPS), context());

    expect(stackQueries).toEqual([]);
  });

  test('throttled DescribeStacks is retried', async () => {
    const throttling = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 }, $retryable: { throttling: true } });
    stackAnswers = [throttling, ROLLING_BACK];
    givenTask({ task: liveTask({ ...STARTED, RedundancyPercent: 30 }) });

    await expect(onEvent(updateEvent(PROPS, { ...PROPS, RedundancyPercent: '30' }), context())).resolves.toMatchObject({ PhysicalResourceId: TASK_ID });
    expect(stackQueries).toEqual([STACK_ID, STACK_ID]);
    expect(sleeps).toEqual([100]);
  });

  test('a DescribeStacks failure refuses the change and says why the rollback could not be recognised', async () => {
    stackAnswers = [Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })];
    givenTask({ task: liveTask(STARTED) });

    await expect(onEvent(updateEvent({ ...PROPS, RedundancyPercent: '30' }, PROPS), context())).rejects.toThrow(
      'so it cannot change redundancyPercent. Create a new FuotaTask (give it a new construct id) for the new campaign. ' +
      '(Whether the stack is rolling back could not be checked: DescribeStacks failed: AccessDenied: User is not authorized to perform: cloudformation:DescribeStacks)');
    expect(iot).not.toHaveReceivedCommand(UpdateFuotaTaskCommand);
  });

  test('DescribeStacks throttling that outlasts isComplete asks to be polled again', async () => {
    stackAnswers = [Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 }, $retryable: { throttling: true } })];
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2', 'd3'] });

    const result = await isComplete(updateEvent(UNSTARTED_PROPS, WITH_D3), context({ ...advancingClock(5_000), deadline: NOW + 20_000 }));

    expect(result).toStrictEqual({ IsComplete: false });
    expect(logs).toContainEqual(expect.objectContaining({ retryLater: expect.stringContaining('DescribeStacks failed: Throttling: Rate exceeded') }));
    expect(iot).not.toHaveReceivedCommand(DisassociateWirelessDeviceFromFuotaTaskCommand);
  });
});

describe('a changed start delay on a started task', () => {
  test('is refused outside a rollback', async () => {
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2'] });

    await expect(isComplete(updateEvent({ ...PROPS, StartDelaySeconds: '7200' }, PROPS), context())).rejects.toThrow(
      `FuotaTask ${TASK_ID} has started (status In_FuotaSession) and IoT Wireless accepts no changes after StartFuotaTask, ` +
      'so it cannot change its start to 7200 seconds after deployment (it was 3600 seconds after deployment; started for 2030-06-01T11:59:00.000Z)');
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
    expect(stackQueries).toEqual([STACK_ID]);
  });

  test('is refused when the previous start was a fixed time', async () => {
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2'] });
    const fixed = { ...UNSTARTED_PROPS, StartTime: new Date(NOW - MINUTE).toISOString() };

    await expect(isComplete(updateEvent(PROPS, fixed), context())).rejects.toThrow('so it cannot change its start to 3600 seconds after deployment');
  });

  test('is logged and skipped during a rollback', async () => {
    stackAnswers = ['UPDATE_ROLLBACK_IN_PROGRESS'];
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2'] });

    await expect(isComplete(updateEvent(PROPS, { ...PROPS, StartDelaySeconds: '7200' }), context())).resolves.toMatchObject({ IsComplete: true });
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
    expect(logs).toContainEqual(expect.objectContaining({ warning: expect.stringContaining('it cannot change its start to 3600 seconds after deployment') }));
  });

  test('an unchanged delay completes with a note', async () => {
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2'] });

    await expect(isComplete(updateEvent(PROPS, PROPS), context())).resolves.toMatchObject({ IsComplete: true });
    expect(logs).toContainEqual(expect.objectContaining({ note: expect.stringContaining('the start delay applies only to a task not yet started') }));
    expect(stackQueries).toEqual([]);
  });

  test('a delay added to a task already started (the previous properties had no start) completes with a note', async () => {
    givenTask({ task: liveTask(STARTED), devices: ['d1', 'd2'] });

    await expect(isComplete(updateEvent(PROPS, UNSTARTED_PROPS), context())).resolves.toMatchObject({ IsComplete: true });
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
    expect(stackQueries).toEqual([]);
  });
});

describe('refusal messages stay short', () => {
  const uuid = (i: number) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;

  test('at most 10 changed ids are named, then how many more', async () => {
    const wanted = Array.from({ length: 300 }, (_, i) => uuid(i));
    givenTask({ task: liveTask(STARTED) });

    const error = await isComplete(updateEvent({ ...PROPS, WirelessDeviceIds: wanted }, PROPS), context()).then(() => undefined, (e: Error) => e);

    expect(error?.message).toContain(`cannot change its devices or multicast groups (${wanted.slice(0, 10).join(', ')} and 290 more)`);
    expect(error!.message).not.toContain(uuid(10));
    expect(error!.message.length).toBeLessThan(1000);
  });

  test('exactly 10 ids are all named', async () => {
    const wanted = Array.from({ length: 10 }, (_, i) => uuid(i));
    givenTask({ task: liveTask(STARTED) });

    await expect(isComplete(updateEvent({ ...PROPS, WirelessDeviceIds: wanted }, PROPS), context())).rejects.toThrow(
      `cannot change its devices or multicast groups (${wanted.join(', ')}).`);
  });
});

describe('isComplete stops at its deadline and the next one goes on', () => {
  const DEVICES = ['d1', 'd2', 'd3', 'd4', 'd5'];

  /** A task whose device list is live state: associations change what the list answers. */
  function statefulDevices(initial: string[] = []) {
    const live = new Set(initial);
    iot.on(GetFuotaTaskCommand).resolves(liveTask());
    iot.on(ListMulticastGroupsByFuotaTaskCommand).resolves({ MulticastGroupList: [] });
    iot.on(ListWirelessDevicesCommand).callsFake(() => ({ WirelessDeviceList: [...live].map((Id) => ({ Id })) }));
    iot.on(AssociateWirelessDeviceWithFuotaTaskCommand).callsFake((input: { WirelessDeviceId: string }) => {
      live.add(input.WirelessDeviceId);
      return {};
    });
    iot.on(DisassociateWirelessDeviceFromFuotaTaskCommand).callsFake((input: { WirelessDeviceId: string }) => {
      live.delete(input.WirelessDeviceId);
      return {};
    });
    return live;
  }

  /** A clock that moves on by `stepMs` with every call the client sends. */
  function clockPerCall(stepMs: number) {
    let time = NOW;
    const send = client.send.bind(client);
    jest.spyOn(client, 'send').mockImplementation(((command: any) => { time += stepMs; return send(command); }) as any);
    return () => time;
  }

  afterEach(() => jest.restoreAllMocks());

  test('associations left when the deadline passes are done by the next isComplete, without repeats', async () => {
    const live = statefulDevices();
    const props = { ...PROPS, WirelessDeviceIds: DEVICES };
    // Get, Tag, two lists, then three associations reach the deadline at 70 s.
    const now = clockPerCall(10_000);

    const first = await isComplete(createdEvent(props), context({ now, deadline: NOW + 70_000 }));

    expect(first).toStrictEqual({ IsComplete: false });
    expect(inputs(AssociateWirelessDeviceWithFuotaTaskCommand)).toStrictEqual(['d1', 'd2', 'd3'].map((d) => ({ Id: TASK_ID, WirelessDeviceId: d })));
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
    expect(logs).toContainEqual(expect.objectContaining({ phase: 'isComplete', taskId: TASK_ID, retryLater: expect.stringContaining('AssociateWirelessDeviceWithFuotaTask') }));

    iot.resetHistory();
    const second = await isComplete(createdEvent(props), context());

    expect(second).toStrictEqual({ IsComplete: true, Data: { Arn: TASK_ARN, Id: TASK_ID } });
    expect(inputs(AssociateWirelessDeviceWithFuotaTaskCommand)).toStrictEqual(['d4', 'd5'].map((d) => ({ Id: TASK_ID, WirelessDeviceId: d })));
    expect(iot).toHaveReceivedCommandTimes(StartFuotaTaskCommand, 1);
    expect([...live]).toEqual(DEVICES);
  });

  test('disassociations stop at the deadline too', async () => {
    statefulDevices(['x1', 'x2', 'x3']);
    const now = clockPerCall(10_000);

    const result = await isComplete(updateEvent(UNSTARTED_PROPS, UNSTARTED_PROPS), context({ now, deadline: NOW + 50_000 }));

    expect(result).toStrictEqual({ IsComplete: false });

    expect(inputs(DisassociateWirelessDeviceFromFuotaTaskCommand)).toStrictEqual([{ Id: TASK_ID, WirelessDeviceId: 'x1' }]);
    expect(iot).not.toHaveReceivedCommand(AssociateWirelessDeviceWithFuotaTaskCommand);
  });

  test('paging through the live associations stops at the deadline', async () => {
    givenTask();
    let page = 0;
    iot.on(ListWirelessDevicesCommand).callsFake(() => {
      page++;
      return { WirelessDeviceList: [{ Id: `d${page}` }], NextToken: page < 20 ? `page-${page + 1}` : undefined };
    });
    const now = clockPerCall(10_000);

    await expect(isComplete(createdEvent(), context({ now, deadline: NOW + 60_000 }))).resolves.toStrictEqual({ IsComplete: false });

    // Get and Tag, then list pages until 60 s
    expect(iot).toHaveReceivedCommandTimes(ListWirelessDevicesCommand, 4);
    expect(iot).not.toHaveReceivedCommand(AssociateWirelessDeviceWithFuotaTaskCommand);
  });

  test('the start waits for the next isComplete when the deadline has passed', async () => {
    statefulDevices(['d1', 'd2']);
    const now = clockPerCall(10_000);

    await expect(isComplete(createdEvent(), context({ now, deadline: NOW + 40_000 }))).resolves.toStrictEqual({ IsComplete: false });
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
  });
});

describe('a fixed StartTime is compared to the second', () => {
  test('a live StartTime the service kept without milliseconds matches', async () => {
    givenTask({ task: liveTask({ Status: 'FuotaSession_Waiting', LoRaWAN: { RfRegion: 'EU868', StartTime: new Date(NOW + 60 * MINUTE) } }), devices: ['d1', 'd2'] });
    const props = { ...UNSTARTED_PROPS, StartTime: new Date(NOW + 60 * MINUTE + 750).toISOString() };

    await expect(isComplete(updateEvent({ ...props, Tags: [] }, props), context())).resolves.toMatchObject({ IsComplete: true });
    expect(iot).not.toHaveReceivedCommand(StartFuotaTaskCommand);
    expect(stackQueries).toEqual([]);
  });

  test('a StartTime a second off is still a reschedule', async () => {
    givenTask({ task: liveTask({ Status: 'FuotaSession_Waiting', LoRaWAN: { RfRegion: 'EU868', StartTime: new Date(NOW + 60 * MINUTE) } }), devices: ['d1', 'd2'] });
    const props = { ...UNSTARTED_PROPS, StartTime: new Date(NOW + 60 * MINUTE + 1000).toISOString() };

    await expect(isComplete(updateEvent(props, props), context())).rejects.toThrow('IoT Wireless cannot reschedule it to 2030-06-01T13:00:01.000Z');
  });
});

describe('the polling budget (isComplete may ask to be polled again for 20 minutes)', () => {
  /** isComplete's event when onEvent answered `minutesAgo` minutes before NOW. */
  const polledSince = (minutesAgo: number, props = PROPS): ProviderEvent =>
    ({ ...createdEvent(props), PollingStartedAt: new Date(NOW - minutesAgo * MINUTE).toISOString() });

  test('onEvent stamps the Create it answers with the time polling starts', async () => {
    iot.on(CreateFuotaTaskCommand).resolves({ Id: TASK_ID, Arn: TASK_ARN });

    await expect(onEvent(createEvent(), context({ now: () => NOW }))).resolves.toMatchObject({ PollingStartedAt: '2030-06-01T12:00:00.000Z' });
  });

  test('inside the budget, a 5xx that outlasts the invocation asks to be polled again', async () => {
    givenTask();
    iot.on(TagResourceCommand).rejects(serverError());

    // The invocation ends 20 s later, still inside 20 minutes.
    const result = await isComplete(polledSince(19.5), context({ ...advancingClock(5_000), deadline: NOW + 20_000 }));

    expect(result).toStrictEqual({ IsComplete: false });
  });

  test.each([
    ['InternalServerException', serverError, 'Internal failure'],
    ['ThrottlingException', throttle, 'Rate exceeded'],
  ])('once the budget is spent, a lasting %s fails with the operation and the service\'s last message', async (name, makeError, message) => {
    givenTask();
    iot.on(TagResourceCommand).rejects(makeError());

    const result = isComplete(polledSince(19.9), context({ ...advancingClock(5_000), deadline: NOW + 20_000 }));

    await expect(result).rejects.toThrow(new Error(`TagResource failed: ${name}: ${message} (not done after 20.2 minutes of ` +
      'isComplete polls; the provider\'s 20-minute budget is spent)'));
  });

  test('an event without the stamp (a request an older handler began) is left to the waiter, as before', async () => {
    givenTask();
    iot.on(TagResourceCommand).rejects(serverError());

    const result = await isComplete(createdEvent(), context({ ...advancingClock(5_000), deadline: NOW + 20_000 }));

    expect(result).toStrictEqual({ IsComplete: false });
  });

  /** A task whose device associations each take 30 s of the clock it returns: one fits a 20 s deadline, not two. */
  function givenSlowAssociations(): () => number {
    givenTask();
    iot.on(TagResourceCommand).resolves({});
    let time = NOW;
    iot.on(AssociateWirelessDeviceWithFuotaTaskCommand).callsFake(() => { time += 30_000; return {}; });
    return () => time;
  }

  test('running out of invocation time with work left is no failure inside the budget', async () => {
    const now = givenSlowAssociations();

    const result = await isComplete(polledSince(19), context({ now, deadline: NOW + 20_000 }));

    expect(result).toStrictEqual({ IsComplete: false });
    expect(iot).toHaveReceivedCommandTimes(AssociateWirelessDeviceWithFuotaTaskCommand, 1);
  });

  test('work still left when the budget is spent fails, naming the next step', async () => {
    const now = givenSlowAssociations();

    const result = isComplete(polledSince(19.9), context({ now, deadline: NOW + 20_000 }));

    await expect(result).rejects.toThrow(new Error(`FuotaTask ${TASK_ID}: AssociateWirelessDeviceWithFuotaTask and later steps still to do ` +
      '(not done after 20.4 minutes of isComplete polls; the provider\'s 20-minute budget is spent)'));
  });
});
