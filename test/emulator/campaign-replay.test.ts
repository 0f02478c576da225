// replayStack({ runCampaigns }): after the deployment the stack's bundled campaign monitor runs on
// the virtual clock until the campaigns end, on the consumer app (not the example): a staged
// rollout that completes, one whose canary fails and halts it (the Halted alarm goes off), the same
// resumed by an approval as `cdk-iot-ota-tasks approve` gives it, a watched task whose failures
// trip its alarm, a stack without a monitor, a time limit, and seeded faults.
import * as fs from 'node:fs';
import { approveWhenWaiting } from '../../src/cli/replay-approvals';
import { ReplayStackResult, replayStack } from '../../src/emulator/replay-stack';
import { CONSUMER_DEVICES, CONSUMER_ROLLOUT, CONSUMER_STACKS, synthConsumerApp } from '../support/consumer-app';

jest.setTimeout(120_000);

let app: string;

beforeAll(() => {
  app = synthConsumerApp(2);
});

afterAll(() => {
  fs.rmSync(app, { recursive: true, force: true });
});

/** StartFuotaTask calls the service executed, by task id. */
function startsByTask(result: ReplayStackResult): Map<string, number> {
  const starts = new Map<string, number>();
  for (const entry of result.journal.filter((e) => e.operation === 'StartFuotaTask' && e.executed)) {
    const id = String(entry.path).split('/')[2];
    starts.set(id, (starts.get(id) ?? 0) + 1);
  }
  return starts;
}

const canaryFails = { fuotaOutcomes: { successShare: 1, script: { [CONSUMER_ROLLOUT.canary[0]]: 'MissingFrag' as const } } };

test('a rollout whose canary passes runs both waves, in order, each once, and the monitor turns itself off', async () => {
  const result = await replayStack(app, { stack: CONSUMER_STACKS.rollouts, runCampaigns: true, emulator: { fuotaOutcomes: { successShare: 1 } } });
  const campaigns = result.campaigns!;
  expect(result.succeeded).toBe(true);
  expect(campaigns.ending).toBe('finished');
  expect(campaigns.waveStarts.map((start) => `${start.rollout} ${start.wave} ${start.operation}`)).toEqual([
    'meters-v5 1 StartFuotaTask', 'meters-v5 2 StartFuotaTask',
  ]);
  expect(campaigns.waveStarts[1].because).toMatch(/wave 1 passed its gate: 100% succeeded/);
  expect(campaigns.rollouts).toEqual([expect.objectContaining({ rollout: 'meters-v5', state: 'complete', wavesStarted: 2, waves: 2, awaitsSomeone: false })]);
  expect([...startsByTask(result).values()]).toEqual([1, 1]);
  // Waiting for a gate is not waiting for a person: the run never stopped on it.
  const waitingForGate = campaigns.ticks.flatMap((tick) => tick.rollouts).filter((rollout) => rollout.state === 'waiting' || rollout.state === 'soaking');
  expect(waitingForGate.length).toBeGreaterThan(0);
  expect(waitingForGate.every((rollout) => !rollout.awaitsSomeone)).toBe(true);
  // Wave 2 is started only after wave 1's devices all reported.
  const wave1Done = campaigns.ticks.find((tick) => tick.tasks.some((task) => task.targets === 1 && task.succeeded === 1))!;
  const wave2Start = campaigns.ticks.find((tick) => tick.waveStarts.some((start) => start.wave === 2))!;
  expect(wave2Start.tick).toBeGreaterThanOrEqual(wave1Done.tick);
  expect(campaigns.alarms).toEqual([]);
  expect(result.journal.filter((entry) => entry.operation === 'DisableRule' && entry.executed)).toHaveLength(1);
  expect(result.leftAfterDelete).toEqual([]);
});

test('a failing canary halts the rollout: the Halted alarm goes off, wave 2 never starts, the run ends waiting', async () => {
  const result = await replayStack(app, { stack: CONSUMER_STACKS.rollouts, runCampaigns: true, emulator: canaryFails });
  const campaigns = result.campaigns!;
  expect(result.succeeded).toBe(true);
  expect(campaigns.ending).toBe('waiting');
  expect(campaigns.rollouts).toEqual([expect.objectContaining({ state: 'halted', wavesStarted: 1, waves: 2, awaitsSomeone: true })]);
  expect(campaigns.outcomes).toEqual([]);
  expect(campaigns.rollouts[0].reason).toMatch(/MissingFrag|failed/);
  expect(campaigns.waveStarts.map((start) => start.wave)).toEqual([1]);
  expect(campaigns.alarms).toEqual([expect.objectContaining({ metricName: 'RolloutHalted', value: 1, threshold: 1, comparison: 'GreaterThanOrEqualToThreshold' })]);
  expect(campaigns.alarms[0].logicalId).toMatch(/^MetersHalted/);
  expect(startsByTask(result).size).toBe(1);
  expect(result.leftAfterDelete).toEqual([]);
});

test('an approval given when it halts resumes the rollout: wave 2 starts because approved', async () => {
  const written: string[] = [];
  const result = await replayStack(app, {
    stack: CONSUMER_STACKS.rollouts,
    emulator: canaryFails,
    runCampaigns: { onTick: approveWhenWaiting([CONSUMER_ROLLOUT.name], (line) => written.push(line)) },
  });
  const campaigns = result.campaigns!;
  expect(campaigns.ending).toBe('finished');
  expect(written[0]).toBe(`$ cdk-iot-ota-tasks approve --stack ${CONSUMER_STACKS.rollouts} ${CONSUMER_ROLLOUT.name}`);
  expect(written.join('\n')).toMatch(/approved wave 2\/2 of meters-v5 \(task \S+\) at /);
  expect(campaigns.waveStarts.map((start) => start.wave)).toEqual([1, 2]);
  expect(campaigns.waveStarts[1].because).toMatch(/^approved at /);
  expect(campaigns.rollouts[0]).toEqual(expect.objectContaining({ state: 'complete', wavesStarted: 2 }));
  expect([...startsByTask(result).values()]).toEqual([1, 1]);
});

test("a watched task's failures trip its failure alarm once, with the ratio the monitor published", async () => {
  const result = await replayStack(app, {
    stack: CONSUMER_STACKS.sensors,
    runCampaigns: true,
    emulator: { fuotaOutcomes: { successShare: 1, script: { [CONSUMER_DEVICES[0]]: 'MissingFrag' } } },
  });
  const campaigns = result.campaigns!;
  expect(campaigns.ending).toBe('finished');
  expect(campaigns.alarms).toEqual([expect.objectContaining({ metricName: 'FailureRatio', value: 0.5, threshold: 0.2 })]);
  expect(campaigns.alarms[0].logicalId).toMatch(/^SensorFirmwareFailures/);
  const last = campaigns.lastProgress[0];
  expect(last).toEqual(expect.objectContaining({ logicalId: expect.stringMatching(/^SensorFirmware/), targets: 2 }));
  expect(campaigns.ticks.some((tick) => tick.tasks.some((task) => task.failuresByReason.MissingFrag === 1))).toBe(true);
  // The final statuses: the last published figures may stop short of them.
  expect(campaigns.outcomes).toEqual([expect.objectContaining({ taskType: 'FuotaTask', byStatus: { MissingFrag: 1, Successful: 1 } })]);
});

test('a stack without a campaign monitor says so and runs nothing', async () => {
  const result = await replayStack(app, { stack: CONSUMER_STACKS.hubs, runCampaigns: true });
  expect(result.campaigns).toEqual(expect.objectContaining({ ending: 'no-monitor', ticks: [] }));
  expect(result.succeeded).toBe(true);
});

test('the virtual time limit ends a run whose campaigns still go on', async () => {
  const result = await replayStack(app, { stack: CONSUMER_STACKS.rollouts, runCampaigns: { maxHours: 0.5 } });
  expect(result.campaigns!.ending).toBe('time-limit');
  // 30 minutes of a 5-minute schedule: 6 runs, 25 virtual minutes from the first to the last.
  expect(result.campaigns!.ticks).toHaveLength(6);
  expect(result.campaigns!.virtualMinutes).toBe(25);
  expect(result.leftAfterDelete).toEqual([]);
});

test.each([17])('seeded faults (seed %i): the campaigns still end, no wave starts twice, nothing is left', async (seed) => {
  const result = await replayStack(app, {
    stack: CONSUMER_STACKS.rollouts,
    seed,
    throttleRate: 0.2,
    serverErrorRate: 0.05,
    runCampaigns: true,
    emulator: { fuotaOutcomes: { successShare: 1 } },
  });
  expect(result.faultsInjected).toBeGreaterThan(0);
  if (!result.succeeded) return expect(result.leftAfterDelete).toEqual([]);
  expect(result.campaigns!.ending).toBe('finished');
  expect([...startsByTask(result).values()]).toEqual([1, 1]);
  expect(result.campaigns!.waveStarts.map((start) => start.wave)).toEqual([1, 2]);
  expect(result.leftAfterDelete).toEqual([]);
});

test('a start whose answer is lost is one start: retried, it finds the wave started, and is reported once', async () => {
  const lost = { operation: 'StartFuotaTask', call: 1, action: { kind: 'drop' as const, applied: true } };
  const result = await replayStack(app, {
    stack: CONSUMER_STACKS.rollouts,
    runCampaigns: true,
    emulator: { fuotaOutcomes: { successShare: 1 }, faults: { calls: [lost] } },
  });
  expect(result.journal.filter((entry) => entry.operation === 'StartFuotaTask' && entry.fault !== undefined)).toHaveLength(1);
  expect(result.campaigns!.ending).toBe('finished');
  expect(result.campaigns!.waveStarts.map((start) => start.wave)).toEqual([1, 2]);
  expect([...startsByTask(result).values()]).toEqual([1, 1]);
});
