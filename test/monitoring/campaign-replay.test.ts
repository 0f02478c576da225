// A campaign runs to its end on the emulator's virtual clock, and what the campaign monitor
// publishes (and the status command prints) matches the emulator's device states exactly: the
// example app, replayed through its bundled handlers with a monitor, then monitor ticks with the
// real clients pointed at the emulator.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IoTWirelessClient, ListWirelessDevicesCommand } from '@aws-sdk/client-iot-wireless';
import { App } from 'aws-cdk-lib';
import { ExampleStack } from '../../example/example-stack';
import { FuotaTask } from '../../src';
import { runStatus } from '../../src/cli/status-command';
import { StackReplay } from '../../src/emulator/replay';
import { EMULATOR_CREDENTIALS, ServiceEmulator } from '../../src/emulator/server';
import { EventBridge } from '../../src/monitoring/handler/event-bridge';
import { runTick } from '../../src/monitoring/handler/monitor';
import { ManagedIntegrationsClient } from '../../src/ota/handler/managed-integrations-client';
import { CloudFormationStackStatus } from '../../src/shared/cloudformation-stack-status';

jest.setTimeout(120_000);

const STACK = 'FuotaExample';
const DEVICES = ['1ffd32c8-8130-4194-96df-622f072a315f', '2a7e9c15-0b44-4d8e-9f61-3c5a8e7d2b90', '3c4b8f26-1d55-4e9f-a072-4d6b9f8e3ca1'];
const RULE = `${STACK}-campaign-monitor`;

let outdir: string;
let emulator: ServiceEmulator;
let replay: StackReplay;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'campaign-replay-'));
  const app = new App({ outdir });
  const stack = new ExampleStack(app, STACK, { env: { account: '123456789012', region: 'eu-west-1' } });
  for (const task of stack.node.findAll().filter((c): c is FuotaTask => c instanceof FuotaTask)) task.addFailureAlarm('Failures');
  app.synth();
});
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

beforeEach(async () => {
  emulator = await ServiceEmulator.start({ clockStart: Date.now(), knownWirelessDevices: DEVICES, fuotaOutcomes: { successShare: 1, script: { [DEVICES[1]]: 'MissingFrag' } } });
  replay = await StackReplay.start(emulator, { stackName: STACK });
});
afterEach(async () => {
  await replay.stop();
  await emulator.stop();
});

function clients() {
  const endpoint = emulator.url;
  const credentials = async () => EMULATOR_CREDENTIALS;
  return {
    stacks: new CloudFormationStackStatus({ region: 'eu-west-1', endpoint: replay.cloudFormationUrl, credentials }),
    rule: new EventBridge({ region: 'eu-west-1', endpoint, credentials }),
    wireless: new IoTWirelessClient({ region: 'eu-west-1', endpoint, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 }),
    managedIntegrations: new ManagedIntegrationsClient({ region: 'eu-west-1', endpoint, credentials }),
    events: { put: async () => { throw new Error('the example has no rollout: no event expected'); } },
  };
}

async function tick() {
  const lines: string[] = [];
  const summary = await runTick({
    stackId: replay.stackId,
    scheduleRuleName: RULE,
    ...clients(),
    deadline: Date.now() + 60_000,
    now: Date.now,
    writeLine: (line) => lines.push(line),
  });
  const documents = lines.map((line) => JSON.parse(line));
  return { summary, documents, metrics: documents.filter((d) => d._aws && d.TaskType === 'FuotaTask' && d.Targets !== undefined) };
}

async function deviceStatuses(taskId: string) {
  const client = new IoTWirelessClient({ region: 'eu-west-1', endpoint: emulator.url, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
  const listed = await client.send(new ListWirelessDevicesCommand({ FuotaTaskId: taskId }));
  client.destroy();
  return listed.WirelessDeviceList!.map((d) => d.FuotaDeviceStatus);
}

test('published figures match the devices mid-campaign and at the end; then the monitor pauses its schedule', async () => {
  expect((await replay.deploy(outdir)).succeeded).toBe(true);
  const taskId = emulator.snapshot().fuotaTasks[0].id;
  expect(emulator.rule(RULE)).toMatchObject({ state: 'ENABLED', scheduleExpression: 'rate(5 minutes)' });

  const end = emulator.campaignEnd(taskId)!;
  for (const at of [end - 20 * 60_000, end]) {
    emulator.clock.set(at);
    const statuses = await deviceStatuses(taskId);
    const { metrics, summary } = await tick();
    const count = (status: string) => statuses.filter((s) => s === status).length;
    if (at < end) {
      expect(summary.ruleDisabled).toBe(false);
      expect(metrics).toHaveLength(1);
      expect(metrics[0]).toMatchObject({
        TaskId: taskId, Targets: 3, Succeeded: count('Successful'), Failed: statuses.length - count('Successful') - count('Initial'), Pending: count('Initial'), Running: 1,
      });
    } else {
      // Finished (the example's OTA task, 30 virtual minutes long, too): no more datapoints, and the
      // monitor turns its own schedule off.
      expect(metrics).toHaveLength(0);
      expect(statuses.sort()).toEqual(['MissingFrag', 'Successful', 'Successful']);
      expect(summary).toMatchObject({ tasks: 2, finished: 2, published: 0, ruleDisabled: true });
      expect(emulator.rule(RULE)!.state).toBe('DISABLED');
    }
  }
});

test('the status command prints each campaign and gates on the failed share', async () => {
  expect((await replay.deploy(outdir)).succeeded).toBe(true);
  const taskId = emulator.snapshot().fuotaTasks[0].id;
  emulator.clock.set(emulator.campaignEnd(taskId)!);
  const { stacks, wireless, managedIntegrations } = clients();
  let output = '';
  const deps = { stacks, clients: { wireless, managedIntegrations }, write: (text: string) => { output += text; }, sleep: async () => {} };
  const code = await runStatus({ stack: replay.stackId, watch: false, intervalSeconds: 30, failAbove: 0.05 }, deps);
  expect(output).toMatch(/FuotaTask SensorFirmwareV2[0-9A-F]{8}\s+\[#{20}\]\s+100%\s+2 ok\s+1 failed\s+0 pending\s+of 3 targets\s+FuotaDone\s+\(MissingFrag 1\)/);
  expect(output).toContain(`FuotaTask ${taskId}: 1 of 3 failed, above --fail-above 5%`);
  expect(code).toBe(1);
  expect(await runStatus({ stack: replay.stackId, watch: false, intervalSeconds: 30, failAbove: 0.5 }, { ...deps, write: () => {} })).toBe(0);
});
