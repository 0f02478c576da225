// A three-wave rollout, deployed by the replay through the bundled handlers, then driven to its
// end by campaign-monitor ticks on the emulator's virtual clock: waves start in order and only
// after the previous one passed its gate; a failing canary halts the rollout, and an approval or a
// redeployment with a lower bar resumes it exactly as the README says.
import * as s3 from 'aws-cdk-lib/aws-s3';
import { FirmwareImage, FuotaRollout, FuotaWave, WaveGate } from '../../src';
import { runApprove } from '../../src/cli/approve-command';
import { runStatus } from '../../src/cli/status-command';
import type { StackReplay } from '../../src/emulator/replay';
import type { ServiceEmulator, ServiceEmulatorOptions } from '../../src/emulator/server';
import { RolloutReplayHarness } from '../support/rollout-replay-harness';

jest.setTimeout(180_000);

const STACK = 'RolloutReplay';
const device = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const CANARY = [device(1), device(2)];
const FLEET = [device(10), device(11), device(12), device(13)];
const REST = [device(20), device(21), device(22), device(23), device(24), device(25)];

const harness = new RolloutReplayHarness(STACK);
let emulator: ServiceEmulator;
let replay: StackReplay;
const { events, clients, tick, run } = harness.shortcuts();

const synth = (gate?: WaveGate) => harness.synth((stack) => new FuotaRollout(stack, 'Firmware', {
  firmware: FirmwareImage.fromBucket(s3.Bucket.fromBucketName(stack, 'Images', 'images'), 'v2.bin'),
  outputs: false,
  gate,
  waves: [FuotaWave.ofDevices(CANARY), FuotaWave.ofDevices(FLEET), FuotaWave.ofDevices(REST)],
}));

async function deployed(options: ServiceEmulatorOptions, outdir = synth()) {
  ({ emulator, replay } = await harness.deploy(outdir, { knownWirelessDevices: [...CANARY, ...FLEET, ...REST], ...options }));
}

/** The waves' task ids, in order (by the task names the wave tags give). */
function waveTaskIds(): string[] {
  return [1, 2, 3].map((n) => [...emulator.state.fuotaTasks.values()].find((t) => t.tags['cdk-iot-ota-tasks:wave'] === `${n}/3` && !t.deletion)!.id);
}

function starts() {
  const ids = waveTaskIds();
  return emulator.calls('StartFuotaTask').filter((c) => c.status < 300).map((c) => ({ wave: ids.indexOf(c.input!.Id as string) + 1, at: c.virtualTime, startTime: Date.parse(c.input!.LoRaWAN ? (c.input!.LoRaWAN as any).StartTime : '') }));
}

test('three waves start in order, each only after the one before it passed its gate, none twice', async () => {
  await deployed({ fuotaOutcomes: { successShare: 1 } });
  await run(200, () => starts().length === 3);
  const started = starts();
  expect(started.map((s) => s.wave)).toEqual([1, 2, 3]);
  const ids = waveTaskIds();
  for (const [i, s] of started.entries()) {
    // Each start is 31 minutes ahead, the lead IoT Wireless needs (+1 minute).
    expect(s.startTime - s.at).toBeGreaterThanOrEqual(31 * 60_000 - 1000);
    if (i === 0) continue;
    // Every device of the wave before had reported Successful (the default gate: all reported,
    // 90 % succeeded) before this start was decided.
    const before = emulator.state.fuotaTasks.get(ids[i - 1])!;
    const plan = emulator.fuotaPlan(ids[i - 1])!;
    expect(plan.map((p) => p.outcome)).toEqual(plan.map(() => 'Successful'));
    expect(Math.max(...plan.map((p) => Date.parse(before.startTime!) + p.finishesAfterMs))).toBeLessThanOrEqual(s.at);
  }
  expect(events.map((e) => [e.detailType, e.detail.wave])).toEqual([['Rollout Wave Started', 1], ['Rollout Wave Started', 2], ['Rollout Wave Started', 3]]);
  await run(30);
  expect(starts()).toHaveLength(3);
  const last = await tick();
  expect(last.rollout).toMatchObject({ state: 'complete', wavesStarted: 3 });
});

test('a failing canary halts the rollout; later waves never start; an approval resumes it', async () => {
  await deployed({ fuotaOutcomes: { successShare: 1, script: { [CANARY[1]]: 'MissingFrag' } } });
  await run(40);
  expect(starts().map((s) => s.wave)).toEqual([1]);
  const { rollout } = await tick();
  expect(rollout).toMatchObject({ state: 'halted', nextWave: 2, wavesStarted: 1 });
  // Halted at the first failure seen (1 of 2 is over 10 %), the figures kept in the halt tag.
  expect(rollout.reason).toMatch(/^wave 2\/3: halted: wave 1 has 50 percent failed \/ more than max-failure-percent 10 percent: [01] succeeded \/ 1 failed \/ [01] pending of 2$/);
  const halts = events.filter((e) => e.detailType === 'Rollout Halted');
  expect(halts).toHaveLength(1);
  expect(halts[0].detail).toMatchObject({
    rollout: 'Firmware',
    wave: 2,
    failedWave: 1,
    figures: { targets: 2, failed: 1 },
    reason: expect.stringMatching(/^wave 1 has 50% failed, more than max-failure-percent 10% \([01] succeeded, 1 failed, [01] pending of 2\)$/),
  });
  const wave2 = emulator.state.fuotaTasks.get(waveTaskIds()[1])!;
  expect(wave2.tags['cdk-iot-ota-tasks:halted']).toMatch(/^[0-9a-f]{8} wave 1 has 50 percent failed/);

  const { stacks, wireless, managedIntegrations } = clients();
  let halted = '';
  await runStatus({ stack: replay.stackId, watch: false, intervalSeconds: 30 }, {
    stacks, clients: { wireless, managedIntegrations }, write: (t) => { halted += t; }, sleep: async () => {}, now: () => emulator.clock.now(),
  });
  expect(halted).toMatch(/rollout Firmware {2}1\/3 waves started {2}halted: wave 2\/3: halted: wave 1 has 50 percent failed/);

  const output: string[] = [];
  const code = await runApprove({ stack: replay.stackId, rollout: 'Firmware' }, { stacks, wireless, managedIntegrations, write: (t) => output.push(t), now: () => emulator.clock.now() });
  expect(code).toBe(0);
  expect(output.join('')).toContain('approved wave 2/3 of Firmware');

  // The status command shows the rollout's state as the controller sees it.
  let status = '';
  await runStatus({ stack: replay.stackId, watch: false, intervalSeconds: 30 }, {
    stacks, clients: { wireless, managedIntegrations }, write: (t) => { status += t; }, sleep: async () => {}, now: () => emulator.clock.now(),
  });
  expect(status).toMatch(/rollout Firmware {2}1\/3 waves started {2}ready to start: wave 2\/3: starting \(approved at /);
  await tick();
  expect(starts().map((s) => s.wave)).toEqual([1, 2]);
});

test('a redeployment with a lower bar resumes a halted rollout; the started canary is left as it is', async () => {
  await deployed({ fuotaOutcomes: { successShare: 1, script: { [CANARY[1]]: 'MissingFrag' } } });
  await run(40);
  expect((await tick()).rollout.state).toBe('halted');
  expect((await replay.deploy(synth({ minSuccessPercent: 50 }))).succeeded).toBe(true);
  await tick();
  expect(starts().map((s) => s.wave)).toEqual([1, 2]);
});
