// A three-wave OtaRollout, deployed by the replay through the bundled handlers, then driven by
// campaign-monitor ticks on the emulator's virtual clock. An OTA task starts when it is created,
// so no wave's task exists after the deployment; the controller creates each one, in order, only
// after the wave before it passed its gate, and never twice. A failing canary halts; approve and a
// redeployment with a lower bar resume; a started wave refuses what its task cannot change; the
// stack's deletion deletes every task the controller created, and every record.
import { Duration, Tags } from 'aws-cdk-lib';
import { OtaJobDocument, OtaRollout, OtaWave, WaveGate } from '../../src';
import { runApprove } from '../../src/cli/approve-command';
import { runStatus } from '../../src/cli/status-command';
import type { StackReplay } from '../../src/emulator/replay';
import type { ServiceEmulator, ServiceEmulatorOptions } from '../../src/emulator/server';
import { REPLAY_REGION, RolloutReplayHarness } from '../support/rollout-replay-harness';

jest.setTimeout(180_000);

const STACK = 'OtaRolloutReplay';
const thing = (name: string) => `arn:aws:iotmanagedintegrations:${REPLAY_REGION}:123456789012:managed-thing/${name}`;
const CANARY = [thing('canary1'), thing('canary2')];
const FLEET = [thing('hub10'), thing('hub11'), thing('hub12')];
const REST = [thing('hub20'), thing('hub21'), thing('hub22'), thing('hub23')];
const WAVES = [CANARY, FLEET, REST];

const harness = new RolloutReplayHarness(STACK);
let emulator: ServiceEmulator;
let replay: StackReplay;
const { events, clients, tick, run } = harness.shortcuts();

function synth(options: { gate?: WaveGate; fleet?: string[]; description?: string; tags?: Record<string, string> } = {}): string {
  return harness.synth((stack) => {
    new OtaRollout(stack, 'HubFirmware', {
      jobDocument: OtaJobDocument.fromJson({ operation: 'firmware-update', version: '3.0.0' }),
      gate: options.gate,
      description: options.description,
      waves: [OtaWave.ofThings(CANARY), OtaWave.ofThings(options.fleet ?? FLEET), OtaWave.ofThings(REST)],
    });
    for (const [key, value] of Object.entries(options.tags ?? {})) Tags.of(stack).add(key, value);
  });
}

async function deployed(options: ServiceEmulatorOptions, outdir = synth()) {
  ({ emulator, replay } = await harness.deploy(outdir, options));
}

/** The successful CreateOtaTask calls: which wave (by its targets), when. */
function creates() {
  return emulator.calls('CreateOtaTask').filter((c) => c.status < 300)
    .map((c) => ({ wave: WAVES.findIndex((targets) => JSON.stringify(targets) === JSON.stringify(c.input!.Target)) + 1, at: c.virtualTime }));
}

function liveTasks() {
  return [...emulator.state.otaTasks.values()].filter((task) => !task.deletion);
}

function records() {
  return [...emulator.state.s3Objects.keys()].filter((key) => key.includes('/ota-rollout-waves/'));
}

test('no task exists after the deployment; three waves are created in order, each after its gate, none twice', async () => {
  await deployed({ otaOutcomes: { successShare: 1 } });
  expect(liveTasks()).toHaveLength(0);
  expect(records()).toHaveLength(3);

  await run(100, () => creates().length === 3);
  const created = creates();
  expect(created.map((c) => c.wave)).toEqual([1, 2, 3]);
  for (const [i, c] of created.entries()) {
    if (i === 0) continue;
    // Every thing of the wave before had SUCCEEDED before this create was decided.
    const before = liveTasks().find((task) => JSON.stringify(task.fields.Target) === JSON.stringify(WAVES[i - 1]))!;
    const { startsAt, plan } = emulator.otaPlan(before.id)!;
    expect(plan.map((p) => p.outcome)).toEqual(plan.map(() => 'SUCCEEDED'));
    expect(Math.max(...plan.map((p) => startsAt + p.finishesAfterMs))).toBeLessThanOrEqual(c.at);
  }
  // Each task carries the rollout's tags and the one job document the handler stored.
  const tasks = liveTasks();
  expect(tasks.map((task) => task.tags['cdk-iot-ota-tasks:wave']).sort()).toEqual(['1/3', '2/3', '3/3']);
  expect(new Set(tasks.map((task) => task.fields.S3Url)).size).toBe(3);
  expect(events.map((e) => [e.detailType, e.detail.wave])).toEqual([['Rollout Wave Started', 1], ['Rollout Wave Started', 2], ['Rollout Wave Started', 3]]);

  await run(20);
  expect(creates()).toHaveLength(3);
  expect((await tick()).rollout).toMatchObject({ state: 'complete', wavesStarted: 3 });

  // Deleting the stack deletes every task the controller created, every record and document.
  expect((await replay.destroy()).succeeded).toBe(true);
  expect(liveTasks()).toHaveLength(0);
  expect(records()).toHaveLength(0);
  expect([...emulator.state.s3Objects.keys()].filter((key) => key.includes('/ota-job-documents/'))).toHaveLength(0);
});

test('a failing canary halts the rollout; status shows it; an approval resumes it', async () => {
  await deployed({ otaOutcomes: { successShare: 1, script: { canary2: 'FAILED' } } });
  await run(20);
  expect(creates().map((c) => c.wave)).toEqual([1]);
  const { rollout } = await tick();
  expect(rollout).toMatchObject({ state: 'halted', nextWave: 2, wavesStarted: 1 });
  expect(rollout.reason).toMatch(/^wave 2\/3: halted: wave 1 has 50 percent failed \/ more than max-failure-percent 10 percent/);
  const halts = events.filter((e) => e.detailType === 'Rollout Halted');
  expect(halts).toHaveLength(1);
  expect(halts[0].detail).toMatchObject({ rollout: 'HubFirmware', wave: 2, failedWave: 1, figures: { targets: 2, failed: 1 } });
  // The halt is in wave 2's record, which names no task.
  expect(halts[0].resources[1]).toMatch(/^arn:aws:s3:::.+\/ota-rollout-waves\/[0-9a-f]{64}\.json$/);

  const { stacks, wireless, managedIntegrations, records: store } = clients();
  let status = '';
  await runStatus({ stack: replay.stackId, watch: false, intervalSeconds: 30 }, {
    stacks,
    clients: { wireless, managedIntegrations, records: store },
    write: (t) => { status += t; },
    sleep: async () => {},
    now: () => emulator.clock.now(),
  });
  expect(status).toMatch(/rollout HubFirmware {2}1\/3 waves started {2}halted: wave 2\/3: halted: wave 1 has 50 percent failed/);
  expect(status).toMatch(/NOT_CREATED/);

  const output: string[] = [];
  const code = await runApprove({ stack: replay.stackId, rollout: 'HubFirmware' }, { stacks, wireless, managedIntegrations, records: store, write: (t) => output.push(t), now: () => emulator.clock.now() });
  expect(code).toBe(0);
  expect(output.join('')).toMatch(/approved wave 2\/3 of HubFirmware \(record s3:\/\/.+\) at .*\n.*its OTA task is created then/);
  await tick();
  expect(creates().map((c) => c.wave)).toEqual([1, 2]);
  // Approving a started wave is refused.
  expect(await runApprove({ stack: replay.stackId, rollout: 'HubFirmware', wave: 2 }, { stacks, wireless, managedIntegrations, records: store, write: () => {}, now: () => emulator.clock.now() })).toBe(2);
});

test('a redeployment with a lower bar resumes a halted rollout and keeps what was recorded', async () => {
  await deployed({ otaOutcomes: { successShare: 1, script: { canary2: 'FAILED' } } });
  await run(20);
  expect((await tick()).rollout.state).toBe('halted');
  const halted = recordBody(2).tags['cdk-iot-ota-tasks:halted'];
  expect(halted).toMatch(/wave 1 has 50 percent failed/);
  expect((await replay.deploy(synth({ gate: { minSuccessPercent: 50 } })))).toMatchObject({ succeeded: true });
  // The redeployment rewrote wave 2's request and kept the halt the controller had recorded.
  expect(recordBody(2).tags['cdk-iot-ota-tasks:halted']).toBe(halted);
  await tick();
  expect(creates().map((c) => c.wave)).toEqual([1, 2]);
  expect(recordBody(2)).toMatchObject({ taskId: liveTasks()[1].id, announced: true, tags: { 'cdk-iot-ota-tasks:gate-passed': expect.any(String) } });
});

test('a wave that times out in its gate halts the rollout with the timeout in the reason', async () => {
  // canary2 answers only after 10 hours; the gate gives the canary 2.
  await deployed({ otaOutcomes: { successShare: 1, durationMs: 10 * 3600_000, script: { canary2: { outcome: 'SUCCEEDED', afterMs: 10 * 3600_000 } } } },
    synth({ gate: { timeout: Duration.hours(2) } }));
  await run(40);
  const { rollout } = await tick();
  expect(rollout).toMatchObject({ state: 'halted', nextWave: 2, wavesStarted: 1 });
  expect(rollout.reason).toMatch(/^wave 2\/3: halted: wave 1 did not pass its gate within the timeout of 7200 seconds after its start at 2030-06-01T12:0/);
  expect(creates().map((c) => c.wave)).toEqual([1]);
});

test('a create the service refuses starts nothing: the mark is cleared and a later tick creates the task once', async () => {
  await deployed({ otaOutcomes: { successShare: 1 } });
  const base = clients().managedIntegrations;
  const refusing = Object.create(base) as typeof base;
  refusing.createOtaTask = async () => {
    throw Object.assign(new Error('Too many OTA tasks'), { name: 'LimitExceededException', $metadata: { httpStatusCode: 410 } });
  };
  const { lines } = await harness.tick(undefined, { managedIntegrations: refusing }).catch((error: { lines: string[] }) => error);
  expect(lines.map((line: string) => JSON.parse(line)).find((l: { operation?: string }) => l.operation === 'CreateOtaTask')).toMatchObject({ level: 'ERROR', wave: 1, refused: expect.stringContaining('Too many OTA tasks') });
  expect(recordBody(1).creating).toBeUndefined();
  expect(liveTasks()).toHaveLength(0);
  await tick();
  expect(creates().map((c) => c.wave)).toEqual([1]);
  expect(events.filter((e) => e.detailType === 'Rollout Wave Started')).toHaveLength(1);
});

test('while a create may be on its way, an update is refused and a deletion waits for it, then deletes what it made', async () => {
  await deployed({ otaOutcomes: { successShare: 1 } });
  const base = clients().managedIntegrations;
  const lost = Object.create(base) as typeof base;
  lost.createOtaTask = async () => { throw new Error('socket hang up'); };
  await harness.tick(undefined, { managedIntegrations: lost }).catch(() => undefined);
  expect(recordBody(1)).toMatchObject({ creating: expect.any(String) });
  expect(liveTasks()).toHaveLength(0);

  const refused = await replay.deploy(synth({ description: 'v3 rollout' }));
  expect(refused.failure).toMatch(/OtaRollout wave .* \(HubFirmware wave 1\/3\): the rollout controller began creating its OTA task at 2030-06-01T12:00:00\.000Z and may not have finished; deploy again in a few minutes/);

  // The lost create arrives while the stack is being deleted: the deletion finds it and deletes it.
  const destroying = replay.destroy();
  await base.createOtaTask({ ...recordBody(1).request, ClientToken: recordBody(1).clientToken });
  const destroyed = await destroying;
  expect(destroyed).toMatchObject({ succeeded: true });
  expect(liveTasks()).toHaveLength(0);
  expect(records()).toHaveLength(0);
  expect(emulator.clock.now() - Date.parse('2030-06-01T12:00:00Z')).toBeGreaterThanOrEqual(6 * 60_000);
});

test('a started wave refuses what its task cannot change; a wave not started takes any change', async () => {
  await deployed({ otaOutcomes: { successShare: 1 } });
  await tick();
  expect(creates().map((c) => c.wave)).toEqual([1]);

  // Wave 2 has not started: new targets are an ordinary update, sent when it is created.
  const fleet = [thing('hub10'), thing('hub19')];
  expect((await replay.deploy(synth({ fleet })))).toMatchObject({ succeeded: true });
  // The description changes in place on the created task (UpdateOtaTask).
  expect((await replay.deploy(synth({ fleet, description: 'v3 rollout' })))).toMatchObject({ succeeded: true });
  expect(liveTasks()[0].fields.Description).toBe('v3 rollout');

  await run(30, () => creates().length === 2);
  expect(JSON.parse(JSON.stringify(liveTasks()[1].fields.Target))).toEqual(fleet);

  // Wave 2 has started: moving a thing out of it is refused, with the task's name and the way on.
  const refused = await replay.deploy(synth({ fleet: [thing('hub10')], description: 'v3 rollout' }));
  expect(refused.succeeded).toBe(false);
  expect(refused.failure).toMatch(/OtaRollout wave .* \(HubFirmware wave 2\/3\) has started: the rollout controller created OTA task \w+, and IoT Managed Integrations accepts no change to a task's Target after CreateOtaTask\. Create a new rollout/);
  expect(refused.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(liveTasks()).toHaveLength(2);
});

test('a started wave takes tag changes in place and refuses to lose its description', async () => {
  await deployed({ otaOutcomes: { successShare: 1 } }, synth({ description: 'v3 rollout' }));
  await tick();
  expect(creates().map((c) => c.wave)).toEqual([1]);
  expect((await replay.deploy(synth({ description: 'v3 rollout', tags: { team: 'hubs' } })))).toMatchObject({ succeeded: true });
  expect(liveTasks()[0].tags).toMatchObject({ 'team': 'hubs', 'cdk-iot-ota-tasks:wave': '1/3' });
  expect(recordBody(1).request.Tags).toMatchObject({ team: 'hubs' });
  expect((await replay.deploy(synth({ description: 'v3 rollout' })))).toMatchObject({ succeeded: true });
  expect(liveTasks()[0].tags.team).toBeUndefined();

  const refused = await replay.deploy(synth());
  expect(refused.failure).toMatch(/OtaRollout wave .* \(OTA task \w+\): cannot remove description\. UpdateOtaTask cannot clear it .* Keep description \(any value\), or create a new rollout/);
  expect(refused.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(liveTasks()[0].fields.Description).toBe('v3 rollout');
});

test('a tick cut off between CreateOtaTask and recording the task leaves nothing behind: the next tick, or the deletion, finds the task', async () => {
  for (const then of ['tick', 'destroy'] as const) {
    await deployed({ otaOutcomes: { successShare: 1 } });
    // The first tick's last record write (the task's id) never happens.
    const base = clients();
    let writes = 0;
    const failingRecords = {
      get: base.records.get.bind(base.records),
      delete: base.records.delete.bind(base.records),
      put: async (bucket: string, key: string, content: string) => {
        if (++writes >= 2) throw new Error('the tick was killed');
        return base.records.put(bucket, key, content);
      },
    };
    await harness.tick(failingRecords).catch(() => undefined);
    expect(liveTasks()).toHaveLength(1);
    const record = JSON.parse(emulator.state.s3Objects.get(recordOfWave(1))!.body);
    expect(record).toMatchObject({ creating: expect.any(String) });
    expect(record.taskId).toBeUndefined();

    if (then === 'tick') {
      await tick();
      expect(liveTasks()).toHaveLength(1);
      expect(JSON.parse(emulator.state.s3Objects.get(recordOfWave(1))!.body).taskId).toBe(liveTasks()[0].id);
      expect(emulator.calls('CreateOtaTask').filter((c) => c.status < 300).map((c) => c.input!.ClientToken)).toEqual([record.clientToken, record.clientToken]);
    } else {
      const destroyed = await replay.destroy();
      expect(destroyed.failure).toBeUndefined();
      expect(destroyed.succeeded).toBe(true);
      expect(liveTasks()).toHaveLength(0);
      expect(records()).toHaveLength(0);
    }
    await harness.stop();
  }
});

/** The record of wave `n`, as stored. */
function recordBody(n: number) {
  return JSON.parse(emulator.state.s3Objects.get(recordOfWave(n))!.body);
}

/** The S3 map key of the record of wave `n`. */
function recordOfWave(n: number): string {
  return records().find((key) => JSON.parse(emulator.state.s3Objects.get(key)!.body).tags['cdk-iot-ota-tasks:wave'] === `${n}/3`)!;
}
