// EventBridge PutEvents on the emulator (awsJson1_1, checked by hand: no model): accepted events
// are recorded in order with their virtual times, refusals come in the service's formats, faults
// hit PutEvents as they hit DisableRule, and the real AWS CLI, where the machine has one, is an
// outside check of the wire format.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventsCall } from './support/signed-call';
import { EMULATOR_CREDENTIALS, ServiceEmulator } from '../../src/emulator/server';
import { EventBridge, EventEntry } from '../../src/monitoring/handler/event-bridge';
import { callService, isTransient } from '../../src/shared/service-call';

jest.setTimeout(60_000);

const NOW = Date.parse('2030-06-01T12:00:00.000Z');
const SOURCE = 'cdk-iot-ota-tasks.rollout';
let emulator: ServiceEmulator;

beforeEach(async () => {
  emulator = await ServiceEmulator.start({ clockStart: NOW });
});

afterEach(async () => {
  await emulator.stop();
});

function client(): EventBridge {
  return new EventBridge({ region: emulator.region, endpoint: emulator.url, credentials: async () => ({ ...EMULATOR_CREDENTIALS }) });
}

const started = (wave: number): EventEntry => ({ source: SOURCE, detailType: 'Rollout Wave Started', detail: { wave }, resources: [`arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/w${wave}`] });

function entry(overrides: object = {}) {
  return { Source: SOURCE, DetailType: 'Rollout Halted', Detail: '{"reason":"failure ratio"}', ...overrides };
}

test('accepted events are recorded in order with the virtual time; the answer carries deterministic ids', async () => {
  const events = client();
  const first = await events.putEvents([started(1), started(2)]);
  emulator.clock.advance(5 * 60_000);
  const later = await events.putEvents([
    { source: SOURCE, detailType: 'Rollout Halted', detail: { reason: 'failure ratio 0.2 > 0.1', wave: 2 }, eventBusName: 'arn:aws:events:eu-west-1:123456789012:event-bus/ops' },
    { ...started(3), time: new Date(NOW - 1500) },
  ]);

  expect([...first, ...later]).toEqual([1, 2, 3, 4].map((n) => `00000000-0000-4000-8000-00000000000${n}`));
  expect(emulator.publishedEvents()).toEqual([
    { eventId: first[0], eventBusName: 'default', source: SOURCE, detailType: 'Rollout Wave Started', detail: { wave: 1 }, resources: ['arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/w1'], time: NOW, at: NOW },
    { eventId: first[1], eventBusName: 'default', source: SOURCE, detailType: 'Rollout Wave Started', detail: { wave: 2 }, resources: ['arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/w2'], time: NOW, at: NOW },
    { eventId: later[0], eventBusName: 'ops', source: SOURCE, detailType: 'Rollout Halted', detail: { reason: 'failure ratio 0.2 > 0.1', wave: 2 }, resources: [], time: NOW + 300_000, at: NOW + 300_000 },
    { eventId: later[1], eventBusName: 'default', source: SOURCE, detailType: 'Rollout Wave Started', detail: { wave: 3 }, resources: ['arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/w3'], time: NOW - 1500, at: NOW + 300_000 },
  ]);
  expect(emulator.publishedEvents({ detailType: 'Rollout Halted' }).map((e) => e.detail.wave)).toEqual([2]);
  expect(emulator.publishedEvents({ eventBusName: 'ops', source: 'other' })).toEqual([]);
  expect(emulator.snapshot().publishedEvents[2]).toMatchObject({ time: '2030-06-01T12:05:00.000Z', at: '2030-06-01T12:05:00.000Z' });
  expect(emulator.calls('events:PutEvents').map((call) => [call.status, (call.input!.Entries as unknown[]).length])).toEqual([[200, 2], [200, 2]]);
});

test('12 entries reach the emulator as requests of 10 and 2, all recorded', async () => {
  await client().putEvents(Array.from({ length: 12 }, (_, i) => started(i)));
  expect(emulator.calls('PutEvents').map((call) => (call.input!.Entries as unknown[]).length)).toEqual([10, 2]);
  expect(emulator.publishedEvents().map((e) => e.detail.wave)).toEqual(Array.from({ length: 12 }, (_, i) => i));
});

test('the request\'s constraints are refused with a ValidationException in the service\'s message format', async () => {
  expect(await eventsCall(emulator.url, 'PutEvents', {})).toEqual({
    status: 400, json: { __type: 'ValidationException', message: "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null" },
  });
  expect((await eventsCall(emulator.url, 'PutEvents', { Entries: [] })).json.message)
    .toBe("1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1");
  expect((await eventsCall(emulator.url, 'PutEvents', { Entries: Array.from({ length: 11 }, () => entry()) })).json.message)
    .toBe("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10");
  const bad = await eventsCall(emulator.url, 'PutEvents', {
    Entries: [entry(), entry({ EventBusName: 'has space', Source: 7, Resources: 'arn', Time: 'noon', Priority: 1 })],
    Force: true,
  });
  expect(bad).toEqual({
    status: 400,
    json: {
      __type: 'ValidationException',
      message: "6 validation errors detected: Value at 'Force' failed to satisfy constraint: Member is not in the operation's input; " +
        "Value at 'entries.2.member.source' failed to satisfy constraint: Member must be a string; " +
        "Value 'has space' at 'entries.2.member.eventBusName' failed to satisfy constraint: Member must satisfy regular expression pattern: " +
        '^(arn:aws[\\w-]*:events:[a-z]{2}-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/.\\-_A-Za-z0-9]+$; ' +
        "Value at 'entries.2.member.resources' failed to satisfy constraint: Member must be a list of strings; " +
        "Value at 'entries.2.member.time' failed to satisfy constraint: Member must be a timestamp; " +
        "Value at 'entries.2.member.Priority' failed to satisfy constraint: Member is not in the operation's input",
    },
  });
  const tooBig = await eventsCall(emulator.url, 'PutEvents', {
    Entries: [entry({ Detail: JSON.stringify({ pad: 'x'.repeat(200_000) }) }), entry({ Detail: JSON.stringify({ pad: 'y'.repeat(100_000) }) })],
  });
  expect(tooBig).toEqual({ status: 400, json: { __type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' } });
  expect(emulator.publishedEvents()).toEqual([]);
});

test('an entry that cannot be delivered fails on its own (HTTP 200, FailedEntryCount); only accepted entries are recorded', async () => {
  const answer = await eventsCall(emulator.url, 'PutEvents', {
    Entries: [entry(), entry({ Detail: '[1,2]' }), { Source: SOURCE, Detail: '{}' }, entry({ Detail: 'not json' })],
  });
  expect(answer).toEqual({
    status: 200,
    json: {
      FailedEntryCount: 3,
      Entries: [
        { EventId: '00000000-0000-4000-8000-000000000001' },
        { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
        { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter(s) Source, DetailType, or Detail must be specified.' },
        { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      ],
    },
  });
  expect(emulator.publishedEvents().map((e) => e.detailType)).toEqual(['Rollout Halted']);
});

test('faults hit PutEvents as they hit DisableRule: throttling is retried by callService; an applied drop records the event all the same', async () => {
  emulator.faults.failCall('PutEvents', 1, { kind: 'error', type: 'ThrottlingException', message: 'Rate exceeded' });
  const events = client();
  const ids = await callService('PutEvents', () => events.putEvents([started(1)]), { deadline: Date.now() + 60_000, now: Date.now, sleep: async () => undefined });
  expect(ids).toHaveLength(1);
  expect(emulator.calls('PutEvents').map((call) => [call.status, call.fault])).toEqual([[400, 'call #1 of PutEvents: error'], [200, undefined]]);

  emulator.faults.failCall('PutEvents', 1, { kind: 'drop', applied: true });
  const lost = await events.putEvents([started(2)]).catch((e: Error) => e);
  expect(isTransient(lost)).toBe(true);
  // The answer was lost, not the event: a retry would publish it twice, as EventBridge's at-least-once delivery allows.
  expect(emulator.publishedEvents().map((e) => e.detail.wave)).toEqual([1, 2]);

  emulator.faults.reset({ serverErrors: { rate: 1, operations: ['events:PutEvents'] } });
  const failed = await events.putEvents([started(3)]).catch((e: Error) => e);
  expect(failed).toMatchObject({ name: 'InternalException', $metadata: { httpStatusCode: 500 } });
  expect(emulator.publishedEvents()).toHaveLength(2);
});

// ---------------------------------------------------------------------------------------------
// An outside check: the AWS CLI's own serialisation and signature, when the machine has the CLI.

function findAws(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'aws');
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

const aws = findAws();
const withCli = aws ? test : test.skip;

function runAws(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // No profile of the machine's may change the call: empty config files of its own.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-cli-'));
  return new Promise((resolve) => {
    execFile(aws!, args, {
      timeout: 30_000,
      env: {
        // HOME and PYENV_ROOT as they are: a pyenv shim finds its Python through them.
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}),
        AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
        AWS_CONFIG_FILE: path.join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_MAX_ATTEMPTS: '1',
        AWS_RETRY_MODE: 'standard',
      },
    }, (error, stdout, stderr) => {
      fs.rmSync(home, { recursive: true, force: true });
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

withCli('the AWS CLI\'s put-events is accepted, signature verified, and recorded', async () => {
  const entries = [
    { Source: 'cli.test', DetailType: 'Rollout Wave Started', Detail: '{"wave":1}', Resources: ['arn:aws:iot:eu-west-1:123456789012:thing/t1'], Time: '2030-06-01T11:00:00Z' },
    { Source: 'cli.test', DetailType: 'Rollout Halted', Detail: '{"wave":1,"reason":"x"}', EventBusName: 'default' },
  ];
  const ok = await runAws(['events', 'put-events', '--region', 'eu-west-1', '--endpoint-url', emulator.url, '--output', 'json', '--entries', JSON.stringify(entries)]);
  expect(ok.stderr).toBe('');
  expect(JSON.parse(ok.stdout)).toEqual({
    FailedEntryCount: 0, Entries: [{ EventId: '00000000-0000-4000-8000-000000000001' }, { EventId: '00000000-0000-4000-8000-000000000002' }],
  });
  const recorded = emulator.publishedEvents().map(({ eventId: _id, eventBusName: _bus, ...event }) => event);
  expect(recorded).toEqual([
    { source: 'cli.test', detailType: 'Rollout Wave Started', detail: { wave: 1 }, resources: ['arn:aws:iot:eu-west-1:123456789012:thing/t1'], time: Date.parse('2030-06-01T11:00:00Z'), at: NOW },
    { source: 'cli.test', detailType: 'Rollout Halted', detail: { wave: 1, reason: 'x' }, resources: [], time: NOW, at: NOW },
  ]);

  const refused = await runAws(['events', 'put-events', '--region', 'eu-west-1', '--endpoint-url', emulator.url,
    '--entries', JSON.stringify([{ Source: 'cli.test', DetailType: 'x', Detail: '{}', EventBusName: 'has space' }])]);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/ValidationException.*at 'entries\.1\.member\.eventBusName' failed to satisfy constraint/);
});
