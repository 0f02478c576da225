// Seeded fault runs of the controller on OTA rollouts: a three-wave OtaRollout's records in the
// emulator's S3, driven by campaign-monitor ticks every 5 virtual minutes while the services
// throttle, answer 5xx, lose answers after applying a change (CreateOtaTask, the record's
// PutObject), and one tick of each run dies after a seeded number of requests. An OTA wave starts
// by being created, so "started twice" would be two tasks: whatever happens, each wave has at most
// one task, created only after the wave before it passed its gate, in order, and every task ends
// up named in its wave's record (so the stack's deletion finds it).
import { createHash } from 'node:crypto';
import { EMULATOR_CREDENTIALS, ServiceEmulator } from '../../src/emulator/server';
import { JobDocumentStore } from '../../src/ota/handler/job-document-store';
import { ManagedIntegrationsClient } from '../../src/ota/handler/managed-integrations-client';
import { RolloutEvent } from '../../src/rollout/handler/controller';
import { OtaWaveRecord, recordLocation, recordPhysicalId, WAVE_RECORD_FORMAT } from '../../src/rollout/handler/ota-wave-record';
import { encodeGate, ROLLOUT_TAGS } from '../../src/rollout/rollout-tags';
import type { StackResourceSummary } from '../../src/shared/cloudformation-stack-status';
import { FAULT_RUN_GATE, faultRunGatePasses, faultRunTick } from '../support/rollout-fault-run';

jest.setTimeout(600_000);

const RUNS = 100;
const REGION = 'eu-west-1';
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/OtaFaults/00000000-0000-4000-8000-000000000000';
const BUCKET = 'library-bucket';
const DURATION_MS = 20 * 60_000;
const thing = (name: string) => `arn:aws:iotmanagedintegrations:${REGION}:123456789012:managed-thing/${name}`;
const WAVES = [['canary1', 'canary2'], ['hub10', 'hub11', 'hub12'], ['hub20', 'hub21', 'hub22', 'hub23']];

interface RunFigures {
  seed: number; canaryFails: boolean; created: number[]; halted: boolean; faults: number; lostAnswers: number; killed: boolean;
}

/** Calls through `target` fail once `killed()` says so, as when the Lambda is killed mid-tick. */
function killable<T extends object>(target: T, killed: () => boolean): T {
  return new Proxy(target, {
    get(object, property) {
      const value = (object as any)[property];
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (killed() ? Promise.reject(new Error('the tick was killed')) : value.apply(object, args));
    },
  });
}

async function run(seed: number): Promise<RunFigures> {
  const canaryFails = seed % 3 === 0;
  const emulator = await ServiceEmulator.start({
    clockStart: Date.parse('2030-06-01T12:00:00Z'),
    otaOutcomes: { seed, successShare: 1, durationMs: DURATION_MS, script: canaryFails ? { [WAVES[0][seed % 2]]: 'FAILED' } : {} },
  });
  const resources: StackResourceSummary[] = [];
  emulator.state.putObject(BUCKET, 'ota-job-documents/v3.json', '{"version":"3"}', 'application/json', emulator.clock.now());
  for (const [i, names] of WAVES.entries()) {
    const token = createHash('sha256').update(`${seed}/${i}`).digest('hex');
    const tags = {
      [ROLLOUT_TAGS.stack]: 'OtaFaults',
      [ROLLOUT_TAGS.rollout]: 'hubs',
      [ROLLOUT_TAGS.wave]: `${i + 1}/3`,
      ...i > 0 ? { [ROLLOUT_TAGS.gate]: encodeGate(FAULT_RUN_GATE) } : {},
    };
    const record: OtaWaveRecord = {
      format: WAVE_RECORD_FORMAT,
      request: { OtaType: 'ONE_TIME', Target: names.map(thing), S3Url: `s3://${BUCKET}/ota-job-documents/v3.json`, Tags: tags },
      clientToken: token,
      tags,
    };
    const physicalId = recordPhysicalId(BUCKET, token);
    const location = recordLocation(physicalId)!;
    emulator.state.putObject(location.bucket, location.key, JSON.stringify(record), 'application/json', emulator.clock.now());
    resources.push({ logicalResourceId: `HubsWave${i + 1}`, physicalResourceId: physicalId, resourceType: 'Custom::IoTManagedIntegrationsOtaRolloutWave', resourceStatus: 'CREATE_COMPLETE' });
  }

  emulator.faults.reset({
    seed,
    throttle: { rate: 0.15 },
    serverErrors: { rate: 0.05 },
    calls: [
      { operation: 'CreateOtaTask', call: 1 + (seed % 3), action: { kind: 'drop', applied: true } },
      { operation: 'PutObject', call: 1 + (seed % 4), action: { kind: 'drop', applied: true } },
    ],
  });
  const killTick = 1 + (seed % 12);
  const killAfter = 1 + (seed % 9);
  let requestsThisTick = 0;
  let killing = false;
  let killed = false;
  const dies = () => {
    if (!killing || ++requestsThisTick <= killAfter) return false;
    killed = true;
    return true;
  };
  const credentials = async () => EMULATOR_CREDENTIALS;
  const client = new ManagedIntegrationsClient({ region: REGION, endpoint: emulator.url, credentials, timeoutMs: 2_000 });
  const managedIntegrations = killable(client, dies);
  const records = killable(new JobDocumentStore({ region: REGION, endpoint: emulator.url, credentials, timeoutMs: 2_000 }), dies);
  const events: RolloutEvent[] = [];

  const tasksOf = (wave: number) => [...emulator.state.otaTasks.values()]
    .filter((t) => JSON.stringify(t.fields.Target) === JSON.stringify(WAVES[wave].map(thing)));
  let settledTicks = 0;
  for (let tick = 0; tick < 60 && settledTicks < 10; tick++) {
    if (tasksOf(2).length > 0 || events.some((e) => e.detailType === 'Rollout Halted')) settledTicks++;
    killing = tick === killTick;
    requestsThisTick = 0;
    await faultRunTick({ emulator, stackId: STACK_ID, resources, events, managedIntegrations, records });
  }

  // At most one task per wave, in order, each after its predecessor passed the gate.
  const created: number[] = [];
  for (const wave of [0, 1, 2]) {
    const tasks = tasksOf(wave);
    expect({ seed, wave, tasks: tasks.length }).toEqual({ seed, wave, tasks: Math.min(tasks.length, 1) });
    if (tasks.length === 0) continue;
    created.push(wave + 1);
    if (wave > 0) {
      const previous = tasksOf(wave - 1)[0];
      expect({ seed, wave, passed: gatePassedAt(emulator, previous.id, tasks[0].createdAt) }).toEqual({ seed, wave, passed: true });
    }
    // The record names the task: the stack's deletion would find it without looking.
    const location = recordLocation(resources[wave].physicalResourceId!)!;
    const record = JSON.parse(emulator.state.s3Objects.get(`${location.bucket}/${location.key}`)!.body) as OtaWaveRecord;
    expect({ seed, wave, taskId: record.taskId }).toEqual({ seed, wave, taskId: tasks[0].id });
  }
  expect(created).toEqual([1, 2, 3].slice(0, created.length));
  const counts = emulator.faults.counts;
  const figures = {
    seed,
    canaryFails,
    created,
    halted: events.some((e) => e.detailType === 'Rollout Halted'),
    faults: counts.throttled + counts.serverErrors + counts.scripted,
    lostAnswers: counts.scripted,
    killed,
  };
  await emulator.stop();
  return figures;
}

/** The default gate, judged on the emulator's plan of `taskId`'s things at `time`. */
function gatePassedAt(emulator: ServiceEmulator, taskId: string, time: number): boolean {
  const { startsAt, plan } = emulator.otaPlan(taskId)!;
  const finished = time - startsAt >= DURATION_MS;
  const outcomes = plan.map((p) => (time >= startsAt + p.finishesAfterMs ? p.outcome : 'QUEUED'));
  return faultRunGatePasses(outcomes, 'SUCCEEDED', 'QUEUED', finished);
}

test(`${RUNS} seeded OTA fault runs: one task per wave at most, none before its gate, none skipped, each recorded`, async () => {
  const runs: RunFigures[] = [];
  for (let seed = 1; seed <= RUNS; seed++) runs.push(await run(seed));
  for (const r of runs) {
    if (r.canaryFails) {
      expect({ seed: r.seed, created: r.created, halted: r.halted }).toEqual({ seed: r.seed, created: [1], halted: true });
    } else {
      expect({ seed: r.seed, created: r.created }).toEqual({ seed: r.seed, created: [1, 2, 3] });
    }
  }
  const total = (pick: (r: RunFigures) => number) => runs.reduce((sum, r) => sum + pick(r), 0);
  console.log([
    `OTA rollout fault runs: ${runs.length} (${runs.filter((r) => r.canaryFails).length} with a failing canary)`,
    `wave tasks created: ${total((r) => r.created.length)}, one per wave at most, in order, after its gate, each named in its record; halted rollouts: ${runs.filter((r) => r.halted).length}`,
    `faults injected: ${total((r) => r.faults)} (lost answers ${total((r) => r.lostAnswers)}); ticks killed mid-way: ${runs.filter((r) => r.killed).length}`,
  ].join('\n'));
});
