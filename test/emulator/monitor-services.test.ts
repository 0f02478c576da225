// The services a campaign monitor calls besides the two IoT APIs: EventBridge's DescribeRule,
// DisableRule and EnableRule on the emulator (awsJson1_1, checked by hand: no model), and the
// replay's CloudFormation ListStackResources (query API, XML), which lists the replayed stack's
// resources, its schedule rule among them, by page.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IoTWirelessClient, ListWirelessDevicesCommand } from '@aws-sdk/client-iot-wireless';
import { App, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { cloudFormationCall, eventsCall, signedCall, xmlValues } from './support/signed-call';
import { ExampleStack } from '../../example/example-stack';
import { StackReplay } from '../../src/emulator/replay';
import { EMULATOR_CREDENTIALS, ServiceEmulator } from '../../src/emulator/server';

jest.setTimeout(60_000);

const STACK = 'FuotaExample';
const DEVICES = ['1ffd32c8-8130-4194-96df-622f072a315f', '2a7e9c15-0b44-4d8e-9f61-3c5a8e7d2b90', '3c4b8f26-1d55-4e9f-a072-4d6b9f8e3ca1'];
let emulator: ServiceEmulator;

afterEach(async () => {
  await emulator.stop();
});

describe('EventBridge rules', () => {
  beforeEach(async () => {
    emulator = await ServiceEmulator.start({ eventRules: [{ name: 'monitor-schedule', scheduleExpression: 'rate(5 minutes)' }] });
  });

  test('DescribeRule, DisableRule and EnableRule keep the rule\'s state and its history', async () => {
    expect(await eventsCall(emulator.url, 'DescribeRule', { Name: 'monitor-schedule' })).toEqual({
      status: 200,
      json: {
        Name: 'monitor-schedule',
        Arn: 'arn:aws:events:eu-west-1:123456789012:rule/monitor-schedule',
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        EventBusName: 'default',
        CreatedBy: '123456789012',
      },
    });
    emulator.clock.advance(60_000);
    expect(await eventsCall(emulator.url, 'DisableRule', { Name: 'monitor-schedule' })).toEqual({ status: 200, json: {} });
    await eventsCall(emulator.url, 'DisableRule', { Name: 'monitor-schedule', EventBusName: 'default' });
    expect((await eventsCall(emulator.url, 'DescribeRule', { Name: 'monitor-schedule' })).json.State).toBe('DISABLED');
    expect(emulator.rule('monitor-schedule')!.history).toEqual([{ state: 'DISABLED', at: emulator.clock.now() }]);
    await eventsCall(emulator.url, 'EnableRule', { Name: 'monitor-schedule' });
    expect(emulator.rule('monitor-schedule')!.state).toBe('ENABLED');
    expect(emulator.calls('DisableRule').map((entry) => [entry.service, entry.status])).toEqual([['events', 200], ['events', 200]]);
  });

  test('an unknown rule, a bad name, an unknown member or operation are refused as EventBridge does', async () => {
    expect(await eventsCall(emulator.url, 'DisableRule', { Name: 'other' })).toEqual({
      status: 400, json: { __type: 'ResourceNotFoundException', message: 'Rule other does not exist on EventBus default.' },
    });
    const bad = await eventsCall(emulator.url, 'DisableRule', { Name: 'has space', Force: true });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      __type: 'ValidationException',
      message: "2 validation errors detected: Value 'has space' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: " +
        "^[.\\-_A-Za-z0-9]+$; Value at 'Force' failed to satisfy constraint: Member is not in the operation's input",
    });
    expect((await eventsCall(emulator.url, 'EnableRule', {})).json.message).toMatch(/Value null at 'name' failed to satisfy constraint: Member must not be null/);
    expect((await eventsCall(emulator.url, 'PutRule', { Name: 'x' })).json.__type).toBe('UnknownOperationException');
    // Signed for another service: refused before anything else, in EventBridge's error format.
    const wrongScope = await signedCall({
      endpoint: emulator.url, service: 'iotwireless', method: 'POST', path: '/', body: '{}', headers: { 'x-amz-target': 'AWSEvents.DescribeRule' },
    });
    expect(wrongScope.status).toBe(403);
    expect(JSON.parse(wrongScope.body).__type).toBe('AccessDeniedException');
  });
});

describe('the replay\'s ListStackResources', () => {
  let outdir: string;
  let replay: StackReplay;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'monitor-services-'));
    const app = new App({ outdir });
    const stack = new ExampleStack(app, STACK, { env: { account: '123456789012', region: 'eu-west-1' } });
    // What the campaign monitor's schedule will look like; the monitor itself is not needed here.
    new events.Rule(stack, 'CampaignMonitorSchedule', { schedule: events.Schedule.rate(Duration.minutes(5)) });
    app.synth();
  });

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  beforeEach(async () => {
    emulator = await ServiceEmulator.start({ clockStart: Date.now(), knownWirelessDevices: DEVICES, fuotaOutcomes: { successShare: 1, script: { [DEVICES[1]]: 'MissingFrag' } } });
    replay = await StackReplay.start(emulator, { stackName: STACK, listStackResourcesPageSize: 4 });
  });

  afterEach(() => replay.stop());

  async function listAll(stackName: string) {
    const summaries: { logicalId: string; physicalId: string; type: string; status: string }[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const answer = await cloudFormationCall(replay.cloudFormationUrl, 'ListStackResources', { StackName: stackName, ...(token ? { NextToken: token } : {}) });
      expect(answer.status).toBe(200);
      pages++;
      const [logical, physical, types, statuses] = ['LogicalResourceId', 'PhysicalResourceId', 'ResourceType', 'ResourceStatus'].map((tag) => xmlValues(answer.body, tag));
      logical.forEach((logicalId, i) => summaries.push({ logicalId, physicalId: physical[i], type: types[i], status: statuses[i] }));
      token = xmlValues(answer.body, 'NextToken')[0];
    } while (token);
    return { summaries, pages };
  }

  test('lists the replayed resources by page; the schedule rule exists in EventBridge; a replayed campaign runs to its end', async () => {
    const before = await cloudFormationCall(replay.cloudFormationUrl, 'ListStackResources', { StackName: STACK });
    expect([before.status, xmlValues(before.body, 'Message')]).toEqual([400, [`Stack with id ${STACK} does not exist`]]);
    expect((await replay.deploy(outdir)).succeeded).toBe(true);

    const { summaries, pages } = await listAll(replay.stackId);
    const template = JSON.parse(fs.readFileSync(path.join(outdir, `${STACK}.template.json`), 'utf8'));
    expect(summaries.map((s) => s.logicalId).sort()).toEqual(Object.keys(template.Resources).sort());
    expect(pages).toBe(Math.ceil(summaries.length / 4));
    expect(summaries.every((s) => s.status === 'CREATE_COMPLETE' && s.type === template.Resources[s.logicalId].Type)).toBe(true);
    const fuota = summaries.find((s) => s.type === 'Custom::IoTWirelessFuotaTask')!;
    expect(fuota.physicalId).toBe(emulator.snapshot().fuotaTasks[0].id);
    const rule = summaries.find((s) => s.type === 'AWS::Events::Rule')!;
    expect(rule.physicalId).toMatch(/^FuotaExample-CampaignMonitorSchedule[0-9A-F]{8}-[0-9A-F]{13}$/);
    expect(emulator.rule(rule.physicalId)).toMatchObject({ state: 'ENABLED', scheduleExpression: 'rate(5 minutes)' });
    expect(replay.listStackResourcesCalls[0]).toBe('');

    const tampered = await cloudFormationCall(replay.cloudFormationUrl, 'ListStackResources', { StackName: STACK, NextToken: 'bm90LWEtdG9rZW4' });
    expect(xmlValues(tampered.body, 'Code')).toEqual(['ValidationError']);
    const missing = await cloudFormationCall(replay.cloudFormationUrl, 'ListStackResources', {});
    expect(xmlValues(missing.body, 'Message')[0]).toMatch(/Value null at 'stackName'/);

    // The replayed FUOTA task, found through the stack, runs to its end on the virtual clock.
    emulator.clock.set(emulator.campaignEnd(fuota.physicalId)!);
    const client = new IoTWirelessClient({ region: 'eu-west-1', endpoint: emulator.url, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
    const listed = await client.send(new ListWirelessDevicesCommand({ FuotaTaskId: fuota.physicalId }));
    client.destroy();
    expect(Object.fromEntries(listed.WirelessDeviceList!.map((d) => [d.Id, d.FuotaDeviceStatus]))).toEqual({
      [DEVICES[0]]: 'Successful', [DEVICES[1]]: 'MissingFrag', [DEVICES[2]]: 'Successful',
    });

    expect((await replay.destroy()).succeeded).toBe(true);
    expect(emulator.rule(rule.physicalId)).toBeUndefined();
    const gone = await cloudFormationCall(replay.cloudFormationUrl, 'ListStackResources', { StackName: STACK });
    expect(xmlValues(gone.body, 'Message')).toEqual([`Stack with id ${STACK} does not exist`]);
    const byId = await listAll(replay.stackId);
    expect(byId.summaries).toEqual([]);
  });
});
