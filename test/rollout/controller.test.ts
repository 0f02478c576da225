import { IoTWirelessClient, ListTagsForResourceCommand, StartFuotaTaskCommand, TagResourceCommand } from '@aws-sdk/client-iot-wireless';
import { mockClient } from 'aws-sdk-client-mock';
import { parseApproveOptions } from '../../src/cli/approve-options';
import { TaskProgress } from '../../src/monitoring/task-progress';
import { controlRollouts, RolloutControlContext, RolloutEvent } from '../../src/rollout/handler/controller';
import { encodeGate, ROLLOUT_TAGS } from '../../src/rollout/rollout-tags';

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Fleet/0000';
const NOW = Date.parse('2030-06-01T12:00:00Z');
const wireless = mockClient(IoTWirelessClient);
beforeEach(() => wireless.reset());

function read(n: number, status: string, counts: Partial<TaskProgress>) {
  const progress: TaskProgress = {
    taskType: 'FuotaTask',
    taskId: `task${n}`,
    status,
    finished: status === 'FuotaDone',
    running: false,
    targets: 2,
    succeeded: 0,
    failed: 0,
    pending: 0,
    failuresByReason: {},
    granularity: 'device',
    ...counts,
  };
  return { task: { taskType: 'FuotaTask' as const, taskId: `task${n}`, logicalId: `FirmwareWave${n}`, rolloutWave: true }, progress };
}

function context(status = 'UPDATE_COMPLETE') {
  const lines: Record<string, unknown>[] = [];
  const events: RolloutEvent[] = [];
  const ctx: RolloutControlContext = {
    stackId: STACK_ID,
    wireless: new IoTWirelessClient({ region: 'eu-west-1' }),
    stacks: { status: async () => status },
    events: { put: async (batch) => { events.push(...batch); } },
    call: (_operation, send) => send(),
    now: () => NOW,
    writeLine: (line) => lines.push(JSON.parse(line)),
  };
  return { ctx, lines, events };
}

function tagsFor(n: number, extra: Record<string, string> = {}) {
  const tags: Record<string, string> = { [ROLLOUT_TAGS.rollout]: 'fw', [ROLLOUT_TAGS.wave]: `${n}/2`, ...extra };
  if (n === 2) tags[ROLLOUT_TAGS.gate] = encodeGate({ minSuccessPercent: 90, maxFailurePercent: 10, advanceAtPercent: 100, soakSeconds: 0 });
  return { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}

const reads = [read(1, 'FuotaDone', { succeeded: 2 }), read(2, 'Pending', { pending: 5 })];

test('a passed gate is recorded, the wave started 31 minutes ahead, the start told, the rollout\'s metrics published', async () => {
  wireless.on(ListTagsForResourceCommand, { ResourceArn: 'arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/task1' }).resolves(tagsFor(1));
  wireless.on(ListTagsForResourceCommand, { ResourceArn: 'arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/task2' }).resolves(tagsFor(2));
  wireless.on(TagResourceCommand).resolves({});
  wireless.on(StartFuotaTaskCommand).resolves({});
  const { ctx, lines, events } = context();
  const summary = await controlRollouts(reads, ctx);
  expect(summary).toMatchObject({ wavesStarted: 1, failures: 0 });
  expect(wireless.commandCalls(TagResourceCommand)[0].args[0].input.Tags![0].Key).toBe(ROLLOUT_TAGS.gatePassed);
  expect(wireless.commandCalls(StartFuotaTaskCommand)[0].args[0].input).toEqual({ Id: 'task2', LoRaWAN: { StartTime: new Date(NOW + 31 * 60_000) } });
  expect(events).toEqual([expect.objectContaining({ source: 'cdk-iot-ota-tasks', detailType: 'Rollout Wave Started', detail: expect.objectContaining({ stackName: 'Fleet', rollout: 'fw', wave: 2 }) })]);
  expect(lines.find((l) => l._aws)).toMatchObject({ StackName: 'Fleet', Rollout: 'fw', RolloutWaves: 2, RolloutWavesStarted: 2, RolloutHalted: 0, RolloutAwaitingApproval: 0 });
});

test('nothing is done while the stack is being deployed, and it says so', async () => {
  wireless.on(ListTagsForResourceCommand).callsFake((input) => tagsFor(input.ResourceArn.endsWith('task1') ? 1 : 2));
  const { ctx, lines } = context('UPDATE_IN_PROGRESS');
  expect(await controlRollouts(reads, ctx)).toMatchObject({ wavesStarted: 0, failures: 0 });
  expect(wireless.commandCalls(StartFuotaTaskCommand)).toHaveLength(0);
  expect(wireless.commandCalls(TagResourceCommand)).toHaveLength(0);
  expect(lines).toContainEqual({ message: 'the stack is UPDATE_IN_PROGRESS: rollouts act at the next tick after it settles' });
});

test('a wave whose rollout tags were removed is left alone with a warning; a failed step is counted, the next tick retries', async () => {
  wireless.on(ListTagsForResourceCommand).callsFake((input) => (input.ResourceArn.endsWith('task1') ? tagsFor(1) : { Tags: [] }));
  const { ctx, lines } = context();
  expect(await controlRollouts(reads, ctx)).toMatchObject({ wavesStarted: 0, failures: 0 });
  expect(lines).toContainEqual(expect.objectContaining({ level: 'WARN', taskId: 'task2' }));

  wireless.reset();
  wireless.on(ListTagsForResourceCommand).callsFake((input) => tagsFor(input.ResourceArn.endsWith('task1') ? 1 : 2));
  wireless.on(TagResourceCommand).rejects(new Error('AccessDenied'));
  const second = context();
  expect(await controlRollouts(reads, second.ctx)).toMatchObject({ wavesStarted: 0, failures: 1 });
  expect(wireless.commandCalls(StartFuotaTaskCommand)).toHaveLength(0);
  expect(second.lines).toContainEqual({ level: 'ERROR', rollout: 'fw', error: 'AccessDenied' });
});

test('approve arguments', () => {
  expect(parseApproveOptions(['--stack', 'Fleet', 'fw'])).toEqual({ stack: 'Fleet', region: undefined, rollout: 'fw', wave: undefined });
  expect(parseApproveOptions(['--stack=Fleet', '--region', 'eu-west-1', 'fw', '3'])).toEqual({ stack: 'Fleet', region: 'eu-west-1', rollout: 'fw', wave: 3 });
  expect(() => parseApproveOptions(['fw'])).toThrow('--stack is required');
  expect(() => parseApproveOptions(['--stack', 'S'])).toThrow('approve takes a ROLLOUT and optionally a WAVE');
  expect(() => parseApproveOptions(['--stack', 'S', 'fw', '0'])).toThrow('WAVE must be a wave number from 1, got "0"');
  expect(() => parseApproveOptions(['--stack', 'S', '--force', 'fw'])).toThrow('unknown argument "--force"');
});
