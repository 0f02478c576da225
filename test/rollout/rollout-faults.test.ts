// Seeded fault runs of the rollout controller: a three-wave rollout on the emulator, driven by
// campaign-monitor ticks every 5 virtual minutes while the services throttle, answer 5xx, lose
// answers after applying a change, and one tick of each run dies after a seeded number of
// requests (every later request of that tick fails, as when the Lambda is killed). Whatever
// happens: no wave starts before its gate passed, none starts twice, none is skipped, a failing
// canary halts the rollout (and says so), and a healthy one still reaches its last wave.
import { AssociateWirelessDeviceWithFuotaTaskCommand, CreateFuotaTaskCommand, IoTWirelessClient } from '@aws-sdk/client-iot-wireless';
import { EMULATOR_CREDENTIALS, ServiceEmulator } from '../../src/emulator/server';
import { RolloutEvent } from '../../src/rollout/handler/controller';
import { encodeGate, ROLLOUT_TAGS } from '../../src/rollout/rollout-tags';
import type { StackResourceSummary } from '../../src/shared/cloudformation-stack-status';
import { FAULT_RUN_GATE, faultRunGatePasses, faultRunTick } from '../support/rollout-fault-run';

jest.setTimeout(600_000);

const RUNS = 100;
const REGION = 'eu-west-1';
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Faults/00000000-0000-4000-8000-000000000000';
const SESSION_MS = 20 * 60_000;
const device = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const WAVES = [[device(1), device(2)], [10, 11, 12, 13].map(device), [20, 21, 22, 23, 24, 25].map(device)];

interface RunFigures {
  seed: number; canaryFails: boolean; started: number[]; halted: boolean; faults: number; lostAnswers: number; killedAt?: number;
}

async function run(seed: number): Promise<RunFigures> {
  const canaryFails = seed % 3 === 0;
  const emulator = await ServiceEmulator.start({
    clockStart: Date.parse('2030-06-01T12:00:00Z'),
    fuotaOutcomes: { seed, successShare: 1, durationMs: SESSION_MS, script: canaryFails ? { [WAVES[0][seed % 2]]: 'MissingFrag' } : {} },
  });
  const setup = new IoTWirelessClient({ region: REGION, endpoint: emulator.url, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
  const resources: StackResourceSummary[] = [];
  for (const [i, ids] of WAVES.entries()) {
    const tags = [
      { Key: ROLLOUT_TAGS.rollout, Value: 'fw' }, { Key: ROLLOUT_TAGS.wave, Value: `${i + 1}/3` },
      ...i > 0 ? [{ Key: ROLLOUT_TAGS.gate, Value: encodeGate(FAULT_RUN_GATE) }] : [],
    ];
    const { Id } = await setup.send(new CreateFuotaTaskCommand({ FirmwareUpdateImage: 's3://fw/v2.bin', FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw', Tags: tags }));
    for (const id of ids) await setup.send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id, WirelessDeviceId: id }));
    resources.push({ logicalResourceId: `FirmwareWave${i + 1}`, physicalResourceId: Id!, resourceType: 'Custom::IoTWirelessFuotaRolloutWave', resourceStatus: 'CREATE_COMPLETE' });
  }
  setup.destroy();
  const ids = resources.map((r) => r.physicalResourceId!);

  // Faults from the first tick on: rates, and lost answers of the controller's writes.
  emulator.faults.reset({
    seed,
    throttle: { rate: 0.15 },
    serverErrors: { rate: 0.05 },
    calls: [
      { operation: 'StartFuotaTask', call: 1 + (seed % 3), action: { kind: 'drop', applied: true } },
      { operation: 'TagResource', call: 1 + (seed % 2), action: { kind: 'drop', applied: true } },
    ],
  });
  const killTick = 2 + (seed % 12);
  const killAfter = 1 + (seed % 7);
  let requestsThisTick = 0;
  let killing = false;
  let killedAt: number | undefined;
  const wireless = new IoTWirelessClient({ region: REGION, endpoint: emulator.url, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
  wireless.middlewareStack.add((next) => async (args) => {
    if (killing && ++requestsThisTick > killAfter) {
      killedAt ??= emulator.clock.now();
      throw new Error('the tick was killed');
    }
    return next(args);
  }, { step: 'initialize', name: 'killSwitch' });
  const events: RolloutEvent[] = [];

  // Until the outcome has stood for 10 ticks (all waves started, or halted), or 60 ticks at most.
  let settledTicks = 0;
  for (let tick = 0; tick < 60 && settledTicks < 10; tick++) {
    const startedNow = ids.filter((id) => emulator.state.fuotaTasks.get(id)!.startTime !== undefined).length;
    if (startedNow === 3 || events.some((e) => e.detailType === 'Rollout Halted')) settledTicks++;
    killing = tick === killTick;
    requestsThisTick = 0;
    await faultRunTick({ emulator, stackId: STACK_ID, resources, events, wireless });
  }
  wireless.destroy();

  // What really happened, from the journal: executed starts only (a retried start that met the
  // started task is a ConflictException that changed nothing).
  const starts = emulator.journal.filter((c) => c.operation === 'StartFuotaTask' && c.executed);
  for (const id of ids) expect(starts.filter((c) => c.input!.Id === id).length).toBeLessThanOrEqual(1);
  const started = starts.map((c) => ids.indexOf(c.input!.Id as string) + 1);
  expect(started).toEqual([1, 2, 3].slice(0, started.length));
  for (const start of starts.slice(1)) {
    const previous = ids[ids.indexOf(start.input!.Id as string) - 1];
    expect(gatePassedAt(emulator, previous, start.virtualTime)).toBe(true);
  }
  const halted = events.some((e) => e.detailType === 'Rollout Halted');
  const counts = emulator.faults.counts;
  const faults = counts.throttled + counts.serverErrors + counts.scripted;
  const figures = { seed, canaryFails, started, halted, faults, lostAnswers: counts.scripted, killedAt };
  await emulator.stop();
  return figures;
}

/** The default gate, judged on the emulator's plan of `taskId`'s devices at `time`. */
function gatePassedAt(emulator: ServiceEmulator, taskId: string, time: number): boolean {
  const task = emulator.state.fuotaTasks.get(taskId)!;
  if (!task.startTime) return false;
  const start = Date.parse(task.startTime);
  const finished = time - start >= SESSION_MS;
  const statuses = emulator.fuotaPlan(taskId)!.map((p) => (time >= start + p.finishesAfterMs ? p.outcome : 'Initial'));
  return faultRunGatePasses(statuses, 'Successful', 'Initial', finished);
}

test(`${RUNS} seeded fault runs: no wave before its gate, none twice, none skipped; failing canaries halt, healthy rollouts finish`, async () => {
  const runs: RunFigures[] = [];
  for (let seed = 1; seed <= RUNS; seed++) runs.push(await run(seed));
  for (const r of runs) {
    if (r.canaryFails) {
      expect({ seed: r.seed, started: r.started, halted: r.halted }).toEqual({ seed: r.seed, started: [1], halted: true });
    } else {
      expect({ seed: r.seed, started: r.started }).toEqual({ seed: r.seed, started: [1, 2, 3] });
    }
  }
  const total = (pick: (r: RunFigures) => number) => runs.reduce((sum, r) => sum + pick(r), 0);
  console.log([
    `rollout fault runs: ${runs.length} (${runs.filter((r) => r.canaryFails).length} with a failing canary)`,
    `waves started: ${total((r) => r.started.length)}, each once, in order, after its gate; halted rollouts: ${runs.filter((r) => r.halted).length}`,
    `faults injected: ${total((r) => r.faults)} (lost answers ${total((r) => r.lostAnswers)}); ticks killed mid-way: ${runs.filter((r) => r.killedAt !== undefined).length}`,
  ].join('\n'));
});
