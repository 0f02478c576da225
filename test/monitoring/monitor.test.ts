// One monitor tick end to end: CloudFormation (ListStackResources, two pages), Managed Integrations
// and EventBridge on loopback servers, IoT Wireless mocked. The EMF lines are parsed and asserted
// exactly; DisableRule goes out only when every task is finished or deleted.
import { GetFuotaTaskCommand, IoTWirelessClient, ListWirelessDevicesCommand } from '@aws-sdk/client-iot-wireless';
import { mockClient } from 'aws-sdk-client-mock';
import { ADDED_TASK_LABEL, addedTasksOf } from '../../src/monitoring/handler/added-tasks';
import { EventBridge } from '../../src/monitoring/handler/event-bridge';
import { MonitorContext, runTick } from '../../src/monitoring/handler/monitor';
import { ManagedIntegrationsClient } from '../../src/ota/handler/managed-integrations-client';
import { CloudFormationStackStatus } from '../../src/shared/cloudformation-stack-status';
import { LoopbackServer, scriptedAnswer, startLoopbackServer, stopLoopbackServers } from '../support/loopback-server';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const REGION = 'eu-west-1';
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Campaigns/6f1b2c90-0000-11ef-8000-0a1b2c3d4e5f';
const RULE = 'Campaigns-MonitorSchedule-1A2B3C';
const NOW = 1_900_000_000_000;
const FUOTA = 'a1b2c3d4-0000-4000-8000-00000000f00d';
const OTA = 'otatask42';

const iot = mockClient(IoTWirelessClient);

afterEach(async () => {
  iot.reset();
  await stopLoopbackServers();
});

function member(logicalId: string, type: string, status: string, physicalId?: string): string {
  const physical = physicalId === undefined ? '' : `<PhysicalResourceId>${physicalId}</PhysicalResourceId>`;
  return `<member><LogicalResourceId>${logicalId}</LogicalResourceId>${physical}<ResourceType>${type}</ResourceType>` +
    `<LastUpdatedTimestamp>2030-01-01T00:00:00Z</LastUpdatedTimestamp><ResourceStatus>${status}</ResourceStatus>` +
    '<DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation></member>';
}

function page(members: string[], nextToken?: string): string {
  return '<ListStackResourcesResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><ListStackResourcesResult>' +
    `<StackResourceSummaries>${members.join('')}</StackResourceSummaries>${nextToken ? `<NextToken>${nextToken}</NextToken>` : ''}` +
    '</ListStackResourcesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListStackResourcesResponse>';
}

/** The stack: one live task of each kind on two pages, and resources that are no task to read. */
const STACK_PAGES = [
  page([
    member('Firmware', 'Custom::IoTWirelessFuotaTask', 'UPDATE_COMPLETE', FUOTA),
    member('FailedCreate', 'Custom::IoTWirelessFuotaTask', 'CREATE_FAILED', 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED'),
    member('Marker', 'Custom::IoTWirelessFuotaTask', 'ROLLBACK_COMPLETE', 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED'),
    member('Creating', 'Custom::IoTManagedIntegrationsOtaTask', 'CREATE_IN_PROGRESS'),
  ], 'page-2'),
  page([
    member('Gone', 'Custom::IoTManagedIntegrationsOtaTask', 'DELETE_COMPLETE', 'oldtask1'),
    member('Config', 'Custom::IoTManagedIntegrationsOtaTaskConfiguration', 'CREATE_COMPLETE', 'config1'),
    member('Role', 'AWS::IAM::Role', 'CREATE_COMPLETE', 'role-name'),
    member('Ota', 'Custom::IoTManagedIntegrationsOtaTask', 'CREATE_COMPLETE', OTA),
  ]),
];

interface Services {
  readonly cloudFormation: LoopbackServer;
  readonly managedIntegrations: LoopbackServer;
  readonly events: LoopbackServer;
  readonly lines: string[];
  readonly ctx: MonitorContext;
}

async function services(stackPages: string[], otaTask: object): Promise<Services> {
  const cloudFormation = await startLoopbackServer((_request, response, count) => {
    response.writeHead(200, { 'content-type': 'text/xml' }).end(scriptedAnswer(stackPages, count));
  });
  const managedIntegrations = await startLoopbackServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(otaTask));
  });
  const events = await startLoopbackServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}');
  });
  const lines: string[] = [];
  const credentials = async () => CREDENTIALS;
  const ctx: MonitorContext = {
    stackId: STACK_ID,
    scheduleRuleName: RULE,
    stacks: new CloudFormationStackStatus({ region: REGION, endpoint: cloudFormation.endpoint, credentials }),
    rule: new EventBridge({ region: REGION, endpoint: events.endpoint, credentials }),
    events: { put: async () => { throw new Error('no rollout here: no event expected'); } },
    wireless: new IoTWirelessClient({ region: REGION }),
    managedIntegrations: new ManagedIntegrationsClient({ region: REGION, endpoint: managedIntegrations.endpoint, credentials }),
    deadline: NOW + 60_000,
    now: () => NOW,
    writeLine: (line) => lines.push(line),
  };
  return { cloudFormation, managedIntegrations, events, lines, ctx };
}

const TASK_METRICS = [
  { Name: 'Targets', Unit: 'Count' },
  { Name: 'Succeeded', Unit: 'Count' },
  { Name: 'Failed', Unit: 'Count' },
  { Name: 'Pending', Unit: 'Count' },
  { Name: 'FailureRatio', Unit: 'None' },
  { Name: 'Running', Unit: 'None' },
];

function taskDirective() {
  return { Timestamp: NOW, CloudWatchMetrics: [{ Namespace: 'CdkIotOtaTasks', Dimensions: [['TaskType', 'TaskId']], Metrics: TASK_METRICS }] };
}

function reasonDirective() {
  return {
    Timestamp: NOW,
    CloudWatchMetrics: [{ Namespace: 'CdkIotOtaTasks', Dimensions: [['TaskType', 'TaskId', 'Reason']], Metrics: [{ Name: 'FailedByReason', Unit: 'Count' }] }],
  };
}

test('running tasks: one EMF line per task and one per failure reason; the schedule stays on', async () => {
  iot.on(GetFuotaTaskCommand, { Id: FUOTA }).resolves({ Id: FUOTA, Status: 'In_FuotaSession' });
  iot.on(ListWirelessDevicesCommand, { FuotaTaskId: FUOTA }).resolves({
    WirelessDeviceList: ['Successful', 'Successful', 'MICError', 'Initial'].map((s, i) => ({ Id: `d${i}`, FuotaDeviceStatus: s as never })),
  });
  const s = await services(STACK_PAGES, {
    TaskId: OTA, Status: 'IN_PROGRESS', TaskProcessingDetails: { numberOfSucceededThings: 3, numberOfQueuedThings: 1 },
  });

  const summary = await runTick(s.ctx);

  const documents = s.lines.map((line) => JSON.parse(line));
  expect(documents).toEqual([
    {
      _aws: taskDirective(),
      TaskType: 'FuotaTask',
      TaskId: FUOTA,
      Status: 'In_FuotaSession',
      Granularity: 'device',
      Targets: 4,
      Succeeded: 2,
      Failed: 1,
      Pending: 1,
      FailureRatio: 0.25,
      Running: 1,
    },
    { _aws: reasonDirective(), TaskType: 'FuotaTask', TaskId: FUOTA, Reason: 'MICError', FailedByReason: 1 },
    {
      _aws: taskDirective(),
      TaskType: 'OtaTask',
      TaskId: OTA,
      Status: 'IN_PROGRESS',
      Granularity: 'device',
      Targets: 4,
      Succeeded: 3,
      Failed: 0,
      Pending: 1,
      FailureRatio: 0,
      Running: 1,
    },
    { message: 'campaign monitor tick', tasks: 2, published: 2, finished: 0, failedReads: 0, rollouts: 0, wavesStarted: 0, apiCalls: 5, ruleDisabled: false, durationMs: 0 },
  ]);
  // 2 pages of the stack + (GetFuotaTask + 1 page of devices) + 1 GetOtaTask.
  expect(summary.apiCalls).toBe(5);
  expect(s.cloudFormation.requests.map((r) => new URLSearchParams(r.body).get('NextToken'))).toEqual([null, 'page-2']);
  expect(new URLSearchParams(s.cloudFormation.requests[0].body).get('Action')).toBe('ListStackResources');
  expect(new URLSearchParams(s.cloudFormation.requests[0].body).get('StackName')).toBe(STACK_ID);
  expect(s.managedIntegrations.requests.map((r) => r.url)).toEqual([`/ota-tasks/${OTA}`]);
  expect(s.events.requests).toHaveLength(0);
});

test('every task finished or deleted: nothing is published, the tick says so and disables its rule', async () => {
  iot.on(GetFuotaTaskCommand).resolves({ Id: FUOTA, Status: 'FuotaDone' });
  iot.on(ListWirelessDevicesCommand).resolves({ WirelessDeviceList: [{ Id: 'd0', FuotaDeviceStatus: 'Successful' }] });
  const s = await services(STACK_PAGES, { TaskId: OTA, Status: 'COMPLETED' });

  const summary = await runTick(s.ctx);

  expect(s.lines.map((line) => JSON.parse(line))).toEqual([
    { message: `every task of the stack is finished or deleted: disabling the schedule ${RULE}; the next deployment that changes a task turns it back on` },
    { message: 'campaign monitor tick', tasks: 2, published: 0, finished: 2, failedReads: 0, rollouts: 0, wavesStarted: 0, apiCalls: 6, ruleDisabled: true, durationMs: 0 },
  ]);
  expect(summary.ruleDisabled).toBe(true);
  expect(s.events.requests).toHaveLength(1);
  const disable = s.events.requests[0];
  expect(disable.headers['x-amz-target']).toBe('AWSEvents.DisableRule');
  expect(disable.headers['content-type']).toBe('application/x-amz-json-1.1');
  expect(disable.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/events\/aws4_request, /);
  expect(JSON.parse(disable.body)).toEqual({ Name: RULE });
});

test('a stack without tasks disables its rule at once', async () => {
  const s = await services([page([member('Role', 'AWS::IAM::Role', 'CREATE_COMPLETE', 'role-name')])], {});
  const summary = await runTick(s.ctx);
  expect(summary).toEqual({
    tasks: 0, published: 0, finished: 0, failedReads: 0, rollouts: 0, wavesStarted: 0, apiCalls: 2, ruleDisabled: true, durationMs: 0,
  });
  expect(JSON.parse(s.lines[0]).message).toMatch(/^no task in the stack: disabling the schedule/);
  expect(s.events.requests).toHaveLength(1);
});

test('a task deleted under the monitor counts as finished; one still running keeps the rule on', async () => {
  iot.on(GetFuotaTaskCommand).rejects(Object.assign(new Error('FuotaTask not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } }));
  const s = await services(STACK_PAGES, { TaskId: OTA, Status: 'SCHEDULED', Target: ['arn:aws:iotmanagedintegrations:eu-west-1:1:managed-thing/t'] });

  const summary = await runTick(s.ctx);

  expect(summary).toMatchObject({ tasks: 2, published: 1, finished: 1, ruleDisabled: false });
  expect(JSON.parse(s.lines[0])).toMatchObject({ TaskType: 'OtaTask', Status: 'SCHEDULED', Targets: 1, Pending: 1, Running: 0 });
  expect(s.events.requests).toHaveLength(0);
});

test('a task that cannot be read is logged, the others are published, the rule stays on and the tick fails', async () => {
  iot.on(GetFuotaTaskCommand).rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
  const s = await services(STACK_PAGES, { TaskId: OTA, Status: 'COMPLETED' });

  await expect(runTick(s.ctx)).rejects.toThrow('campaign monitor: 1 of 2 tasks could not be read (see the ERROR lines above)');

  expect(s.lines.map((line) => JSON.parse(line))).toEqual([
    { level: 'ERROR', taskType: 'FuotaTask', taskId: FUOTA, logicalId: 'Firmware', error: 'GetFuotaTask failed: AccessDeniedException: not allowed' },
    { message: 'campaign monitor tick', tasks: 2, published: 0, finished: 1, failedReads: 1, rollouts: 0, wavesStarted: 0, apiCalls: 4, ruleDisabled: false, durationMs: 0 },
  ]);
  expect(s.events.requests).toHaveLength(0);
});

describe('tasks added with addTask', () => {
  const IMPORTED_FUOTA = 'b1b2c3d4-0000-4000-8000-0000000000aa';
  const stackOfOne = [page([member('Ota', 'Custom::IoTManagedIntegrationsOtaTask', 'CREATE_COMPLETE', OTA)])];

  test('are read and published like the stack\'s own; one already in the stack is read once', async () => {
    iot.on(GetFuotaTaskCommand, { Id: IMPORTED_FUOTA }).resolves({ Id: IMPORTED_FUOTA, Status: 'In_FuotaSession' });
    iot.on(ListWirelessDevicesCommand, { FuotaTaskId: IMPORTED_FUOTA }).resolves({ WirelessDeviceList: [{ Id: 'd0', FuotaDeviceStatus: 'Successful' }, { Id: 'd1', FuotaDeviceStatus: 'Initial' }] });
    const s = await services(stackOfOne, { TaskId: OTA, Status: 'IN_PROGRESS', TaskProcessingDetails: { numberOfQueuedThings: 1 } });

    const summary = await runTick({ ...s.ctx, addedTasks: [{ taskType: 'FuotaTask', taskId: IMPORTED_FUOTA }, { taskType: 'OtaTask', taskId: OTA }] });

    const documents = s.lines.map((line) => JSON.parse(line));
    expect(documents.filter((d) => d._aws).map((d) => [d.TaskType, d.TaskId, d.Targets, d.Succeeded, d.Pending])).toEqual([
      ['OtaTask', OTA, 1, 0, 1],
      ['FuotaTask', IMPORTED_FUOTA, 2, 1, 1],
    ]);
    expect(summary).toMatchObject({ tasks: 2, published: 2, ruleDisabled: false });
    expect(s.managedIntegrations.requests).toHaveLength(1);
  });

  test('an added task that finished counts as finished: the rule goes off once the stack\'s are too', async () => {
    iot.on(GetFuotaTaskCommand, { Id: IMPORTED_FUOTA }).resolves({ Id: IMPORTED_FUOTA, Status: 'FuotaDone' });
    iot.on(ListWirelessDevicesCommand).resolves({ WirelessDeviceList: [{ Id: 'd0', FuotaDeviceStatus: 'Successful' }] });
    const s = await services(stackOfOne, { TaskId: OTA, Status: 'COMPLETED' });

    const summary = await runTick({ ...s.ctx, addedTasks: [{ taskType: 'FuotaTask', taskId: IMPORTED_FUOTA }] });

    expect(summary).toMatchObject({ tasks: 2, published: 0, finished: 2, ruleDisabled: true });
    expect(s.events.requests).toHaveLength(1);
  });

  test('an added task still running keeps the rule on; one that cannot be read is logged as added', async () => {
    iot.on(GetFuotaTaskCommand).rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    const s = await services(stackOfOne, { TaskId: OTA, Status: 'COMPLETED' });

    await expect(runTick({ ...s.ctx, addedTasks: [{ taskType: 'FuotaTask', taskId: IMPORTED_FUOTA }] })).rejects.toThrow('1 of 2 tasks could not be read');

    expect(JSON.parse(s.lines[0])).toEqual({ level: 'ERROR', taskType: 'FuotaTask', taskId: IMPORTED_FUOTA, logicalId: ADDED_TASK_LABEL, error: 'GetFuotaTask failed: AccessDeniedException: not allowed' });
    expect(s.events.requests).toHaveLength(0);
  });
});

describe('the event', () => {
  test('a scheduled event without Input adds nothing; the Input the construct writes adds its tasks', () => {
    expect(addedTasksOf({ 'version': '0', 'detail-type': 'Scheduled Event', 'source': 'aws.events', 'detail': {} })).toEqual([]);
    expect(addedTasksOf(undefined)).toEqual([]);
    expect(addedTasksOf({ addedTasks: [{ taskType: 'OtaTask', taskId: 'otatask7' }] })).toEqual([{ taskType: 'OtaTask', taskId: 'otatask7' }]);
  });

  test.each([
    ['not a list', { addedTasks: 'x' }, /addedTasks must be a list of at most 20 tasks, got "x"/],
    ['21 tasks', { addedTasks: Array.from({ length: 21 }, () => ({ taskType: 'OtaTask', taskId: 'a' })) }, /at most 20 tasks/],
    ['another task type', { addedTasks: [{ taskType: 'Job', taskId: 'a' }] }, /addedTasks\[0\] must be \{"taskType": "FuotaTask" or "OtaTask", "taskId": a task id\}, got \{"taskType":"Job","taskId":"a"\}/],
    ['no task id', { addedTasks: [{ taskType: 'OtaTask', taskId: 'a:b' }] }, /addedTasks\[0\] must be/],
  ])('an Input the construct would not write fails the tick: %s', (_case, event, message) => {
    expect(() => addedTasksOf(event)).toThrow(message);
  });
});
