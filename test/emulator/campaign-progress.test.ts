// Campaign progress on the emulator's virtual clock, read the way a campaign monitor reads it:
// GetFuotaTask and ListWirelessDevices by FuotaTaskId (all pages) with the real IoT Wireless SDK
// client; GetOtaTask with the library's signed ManagedIntegrationsClient and ListOtaTaskExecutions
// hand-signed. Counts are compared with the seeded outcome model's exact shares and its plan.
import {
  AssociateMulticastGroupWithFuotaTaskCommand, CreateFuotaTaskCommand, GetFuotaTaskCommand,
  ListMulticastGroupsByFuotaTaskCommand, ListWirelessDevicesCommand, ListWirelessDevicesCommandInput, StartFuotaTaskCommand,
} from '@aws-sdk/client-iot-wireless';
import { CAMPAIGN_NOW, CAMPAIGN_START, useCampaignEmulators } from './support/campaign-emulator';
import { signedCall } from './support/signed-call';
import { FuotaOutcomeOptions, OtaOutcomeOptions } from '../../src/emulator/campaign-outcomes';
import { MulticastFuotaStatusReading } from '../../src/emulator/fuota-progress';
import { ServiceEmulator } from '../../src/emulator/server';

jest.setTimeout(30_000);

const NOW = CAMPAIGN_NOW;
const MINUTE = 60_000;
const START = CAMPAIGN_START;
const devices = (n: number) => Array.from({ length: n }, (_, i) => `dev-${String(i + 1).padStart(3, '0')}`);
const thing = (n: number) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/hub${String(n).padStart(4, '0')}`;

const { start, wireless, managed, startedFuotaTask } = useCampaignEmulators();

/** Every page of ListWirelessDevices, as a monitor reads it: device id → FuotaDeviceStatus. */
async function allDevices(emulator: ServiceEmulator, filter: ListWirelessDevicesCommandInput, maxResults?: number) {
  const statuses = new Map<string, string | undefined>();
  let pages = 0;
  let token: string | undefined;
  do {
    const page = await wireless(emulator).send(new ListWirelessDevicesCommand({ ...filter, MaxResults: maxResults, NextToken: token }));
    pages++;
    for (const device of page.WirelessDeviceList ?? []) statuses.set(device.Id!, device.FuotaDeviceStatus);
    token = page.NextToken;
  } while (token);
  return { statuses, pages };
}

function countOf(values: Iterable<string | undefined>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

const CAMPAIGN: FuotaOutcomeOptions = {
  seed: 7, successShare: 0.9, failureWeights: { MissingFrag: 3, MICError: 1 }, durationMs: 60 * MINUTE, completionSpread: 0.5,
};

describe('FUOTA tasks on the virtual clock', () => {
  test('a campaign of 100 devices runs to FuotaDone; the counts are the model\'s exact shares at every step', async () => {
    const emulator = await start({ fuotaOutcomes: CAMPAIGN });
    const id = await startedFuotaTask(emulator, devices(100));
    const client = wireless(emulator);
    const plan = emulator.fuotaPlan(id)!;
    expect(plan).toHaveLength(100);
    // 90 % of 100 succeed; the 10 failures split 3:1 = 7.5 : 2.5, the tie going to the reason listed first.
    expect(countOf(plan.map((entry) => entry.outcome))).toEqual({ Successful: 90, MissingFrag: 8, MICError: 2 });
    // Spread 0.5: every device finishes in the second half of the session.
    expect(Math.min(...plan.map((entry) => entry.finishesAfterMs))).toBeGreaterThanOrEqual(30 * MINUTE);
    expect(Math.max(...plan.map((entry) => entry.finishesAfterMs))).toBeLessThanOrEqual(60 * MINUTE);

    expect((await client.send(new GetFuotaTaskCommand({ Id: id }))).Status).toBe('FuotaSession_Waiting');
    expect(countOf((await allDevices(emulator, { FuotaTaskId: id })).statuses.values())).toEqual({ Initial: 100 });

    // Minutes into the session: a monitor's polls.
    for (const minutes of [0, 30, 40, 45, 55, 59.99, 60, 90]) {
      emulator.clock.set(START + minutes * MINUTE);
      const finished = plan.filter((entry) => entry.finishesAfterMs <= minutes * MINUTE);
      const expected = countOf(finished.map((entry) => entry.outcome));
      if (finished.length < 100) expected.Initial = 100 - finished.length;
      const { statuses } = await allDevices(emulator, { FuotaTaskId: id }, 50);
      expect(countOf(statuses.values())).toEqual(expected);
      expect((await client.send(new GetFuotaTaskCommand({ Id: id }))).Status).toBe(minutes < 60 ? 'In_FuotaSession' : 'FuotaDone');
    }
    const { statuses } = await allDevices(emulator, { FuotaTaskId: id });
    expect(countOf(statuses.values())).toEqual({ Successful: 90, MissingFrag: 8, MICError: 2 });
    expect(new Map(plan.map((entry) => [entry.targetId, entry.outcome]))).toEqual(statuses);
    expect(emulator.campaignEnd(id)).toBe(START + 60 * MINUTE);
  });

  test('pagination: MaxResults pages, the default page size, tokens bound to their listing, the model\'s bounds', async () => {
    const emulator = await start({ listPageSize: 7 });
    const id = await startedFuotaTask(emulator, devices(23));
    const client = wireless(emulator);

    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListWirelessDevicesCommand({ FuotaTaskId: id, MaxResults: 10, NextToken: token }));
      sizes.push(page.WirelessDeviceList!.length);
      token = page.NextToken;
    } while (token);
    expect(sizes).toEqual([10, 10, 3]);
    expect((await allDevices(emulator, { FuotaTaskId: id })).pages).toBe(4); // 7 + 7 + 7 + 2 without MaxResults
    expect((await allDevices(emulator, { FuotaTaskId: id }, 250)).pages).toBe(1);

    const first = await client.send(new ListWirelessDevicesCommand({ FuotaTaskId: id, MaxResults: 5 }));
    const other = await startedFuotaTask(emulator, devices(3));
    await expect(client.send(new ListWirelessDevicesCommand({ FuotaTaskId: other, NextToken: first.NextToken }))).rejects.toMatchObject({
      name: 'ValidationException', message: expect.stringMatching(/NextToken .* is not valid for this request/),
    });
    await expect(client.send(new ListWirelessDevicesCommand({ FuotaTaskId: id, MaxResults: 251 }))).rejects.toMatchObject({
      name: 'ValidationException', message: expect.stringMatching(/maxResults.*less than or equal to 250/),
    });
    // An unknown task lists nothing (the operation declares no ResourceNotFoundException).
    expect((await client.send(new ListWirelessDevicesCommand({ FuotaTaskId: 'no-such-task' }))).WirelessDeviceList).toEqual([]);
  });

  test('deterministic for a seed, whatever the reads; another seed deals the outcomes differently', async () => {
    const run = async (seed: number, readEveryMinutes?: number) => {
      const emulator = await start({ fuotaOutcomes: { ...CAMPAIGN, seed } });
      const id = await startedFuotaTask(emulator, devices(40));
      const seen: string[] = [];
      for (let minutes = 0; minutes <= 60; minutes += 5) {
        emulator.clock.set(START + minutes * MINUTE);
        if (readEveryMinutes !== undefined && minutes % readEveryMinutes === 0) {
          seen.push(JSON.stringify([...(await allDevices(emulator, { FuotaTaskId: id }, 9)).statuses]));
        }
      }
      return { final: (await allDevices(emulator, { FuotaTaskId: id })).statuses, seen, plan: emulator.fuotaPlan(id) };
    };
    const a = await run(11, 5);
    const b = await run(11, 5);
    const quiet = await run(11);
    const other = await run(12);
    expect(b.seen).toEqual(a.seen);
    expect(b.plan).toEqual(a.plan);
    expect(quiet.final).toEqual(a.final);
    expect(countOf(other.final.values())).toEqual(countOf(a.final.values())); // the shares are the model's, not the seed's
    expect(other.final).not.toEqual(a.final);
  });

  test('scripted devices: a failure reason, a success at a given time; the rest share the model', async () => {
    const emulator = await start({
      fuotaOutcomes: { successShare: 1, script: { 'dev-007': 'MissingFrag', 'dev-010': { outcome: 'Successful', afterMs: 0 }, 'dev-002': { outcome: 'Not_enough_memory', afterMs: 10 * MINUTE } } },
    });
    const id = await startedFuotaTask(emulator, devices(12));
    emulator.clock.set(START);
    let { statuses } = await allDevices(emulator, { FuotaTaskId: id });
    expect(statuses.get('dev-010')).toBe('Successful');
    expect(statuses.get('dev-002')).toBe('Initial');
    emulator.clock.set(START + 10 * MINUTE);
    ({ statuses } = await allDevices(emulator, { FuotaTaskId: id }));
    expect(statuses.get('dev-002')).toBe('Not_enough_memory');
    emulator.clock.set(START + 60 * MINUTE);
    ({ statuses } = await allDevices(emulator, { FuotaTaskId: id }));
    expect(countOf(statuses.values())).toEqual({ Successful: 10, MissingFrag: 1, Not_enough_memory: 1 });
    expect(statuses.get('dev-007')).toBe('MissingFrag');
  });

  test('bad outcome options are refused when the emulator starts, with the value and the rule', async () => {
    await expect(start({ fuotaOutcomes: { successShare: 1.5 } })).rejects.toThrow(/fuota outcome model: successShare must be from 0 to 1, got 1.5/);
    await expect(start({ fuotaOutcomes: { failureWeights: { Broken: 1 } as any } })).rejects.toThrow(/failureWeights: Broken is not one of Package_Not_Supported/);
    await expect(start({ otaOutcomes: { script: { hub1: 'Successful' as any } } })).rejects.toThrow(/script.hub1: Successful is not SUCCEEDED or one of FAILED/);
    await expect(start({ multicastFuotaStatus: 'maybe' as any })).rejects.toThrow(/multicastFuotaStatus must be one of by-group, by-task, unreported/);
  });
});

describe('FUOTA tasks of multicast groups: the ASSUMED readings', () => {
  const GROUPS = { g1: ['m1', 'm2', 'm3', 'm4', 'm5'], g2: ['m6', 'm7'] };

  async function finishedGroupTask(reading: MulticastFuotaStatusReading) {
    const emulator = await start({ multicastFuotaStatus: reading, multicastGroupMembers: GROUPS, fuotaOutcomes: { successShare: 1, script: { m3: 'MICError' } } });
    const client = wireless(emulator);
    const { Id } = await client.send(new CreateFuotaTaskCommand({ FirmwareUpdateImage: 's3://fw/v2.bin', FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw' }));
    for (const group of Object.keys(GROUPS)) await client.send(new AssociateMulticastGroupWithFuotaTaskCommand({ Id, MulticastGroupId: group }));
    await client.send(new StartFuotaTaskCommand({ Id, LoRaWAN: { StartTime: new Date(START) } }));
    emulator.clock.set(START + 60 * MINUTE);
    expect((await client.send(new GetFuotaTaskCommand({ Id }))).Status).toBe('FuotaDone');
    expect((await client.send(new ListMulticastGroupsByFuotaTaskCommand({ Id }))).MulticastGroupList).toEqual([{ Id: 'g1' }, { Id: 'g2' }]);
    return {
      byTask: (await allDevices(emulator, { FuotaTaskId: Id })).statuses,
      g1: (await allDevices(emulator, { MulticastGroupId: 'g1' }, 2)).statuses,
    };
  }

  test('by-group (default): members listed by MulticastGroupId carry the FuotaDeviceStatus; nothing under FuotaTaskId', async () => {
    const { byTask, g1 } = await finishedGroupTask('by-group');
    expect(byTask.size).toBe(0);
    expect(Object.fromEntries(g1)).toEqual({ m1: 'Successful', m2: 'Successful', m3: 'MICError', m4: 'Successful', m5: 'Successful' });
  });

  test('by-task: the groups\' members are listed under FuotaTaskId; by MulticastGroupId without a status', async () => {
    const { byTask, g1 } = await finishedGroupTask('by-task');
    expect(countOf(byTask.values())).toEqual({ Successful: 6, MICError: 1 });
    expect([...g1.values()]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  test('unreported: no listing carries a member\'s status; only the task status and the groups are knowable', async () => {
    const { byTask, g1 } = await finishedGroupTask('unreported');
    expect(byTask.size).toBe(0);
    expect([...g1.keys()]).toEqual(GROUPS.g1);
    expect([...g1.values()].every((status) => status === undefined)).toBe(true);
  });
});

describe('OTA tasks on the virtual clock', () => {
  const S3_URL = 's3://jobs/hub.json';

  async function oneTimeTask(emulator: ServiceEmulator, targets: readonly string[], extra: object = {}): Promise<string> {
    emulator.putObject('jobs', 'hub.json', '{}');
    const created = await managed(emulator).createOtaTask({ S3Url: S3_URL, OtaType: 'ONE_TIME', Target: [...targets], Protocol: 'HTTP', ...extra });
    return created.TaskId!;
  }

  async function executions(emulator: ServiceEmulator, taskId: string, maxResults?: number) {
    const statuses = new Map<string, string>();
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const query: Record<string, string> = {};
      if (maxResults !== undefined) query.MaxResults = String(maxResults);
      if (token) query.NextToken = token;
      const answer = await signedCall({ endpoint: emulator.url, service: 'iotmanagedintegrations', method: 'GET', path: `/ota-tasks/${taskId}/devices`, query });
      expect(answer.status).toBe(200);
      const page = JSON.parse(answer.body);
      sizes.push(page.ExecutionSummaries.length);
      for (const summary of page.ExecutionSummaries) statuses.set(summary.ManagedThingId, summary.TaskExecutionSummary.Status);
      token = page.NextToken;
    } while (token);
    return { statuses, sizes };
  }

  const ROLLOUT: OtaOutcomeOptions = { seed: 3, successShare: 0.75, durationMs: 30 * MINUTE };

  test('40 things go QUEUED → IN_PROGRESS → an outcome; TaskProcessingDetails counts them; COMPLETED at the end', async () => {
    const emulator = await start({ otaOutcomes: ROLLOUT });
    const targets = Array.from({ length: 40 }, (_, i) => thing(i + 1));
    const id = await oneTimeTask(emulator, targets);
    const { plan, startsAt } = emulator.otaPlan(id)!;
    expect(startsAt).toBe(NOW);
    // 30 of 40 succeed; 10 failures by the default weights FAILED 2, TIMED_OUT 1, REJECTED 1 = 5 : 2.5 : 2.5.
    expect(countOf(plan.map((entry) => entry.outcome))).toEqual({ SUCCEEDED: 30, FAILED: 5, TIMED_OUT: 3, REJECTED: 2 });

    const member = { QUEUED: 'numberOfQueuedThings', IN_PROGRESS: 'NumberOfInProgressThings', SUCCEEDED: 'numberOfSucceededThings', FAILED: 'NumberOfFailedThings', TIMED_OUT: 'numberOfTimedOutThings', REJECTED: 'numberOfRejectedThings', REMOVED: 'numberOfRemovedThings', CANCELED: 'NumberOfCanceledThings' } as const;
    for (const minutes of [0, 5, 15, 29, 30, 45]) {
      emulator.clock.set(NOW + minutes * MINUTE);
      const elapsed = minutes * MINUTE;
      const expected = countOf(plan.map((entry) => (elapsed < entry.startsAfterMs ? 'QUEUED' : elapsed < entry.finishesAfterMs ? 'IN_PROGRESS' : entry.outcome)));
      const task = await managed(emulator).getOtaTask({ Identifier: id });
      expect(task.Status).toBe(minutes < 30 ? 'IN_PROGRESS' : 'COMPLETED');
      const details = task.TaskProcessingDetails!;
      for (const [status, name] of Object.entries(member)) expect([status, details[name]]).toEqual([status, expected[status] ?? 0]);
      expect(details.processingTargets).toHaveLength((expected.QUEUED ?? 0) + (expected.IN_PROGRESS ?? 0));
      const { statuses } = await executions(emulator, id, 15);
      expect(countOf(statuses.values())).toEqual(expected);
    }
    const { statuses, sizes } = await executions(emulator, id, 15);
    expect(sizes).toEqual([15, 15, 10]);
    expect(statuses).toEqual(new Map(plan.map((entry) => [entry.targetId.split('/').pop()!, entry.outcome])));
    expect((await executions(emulator, id)).sizes).toEqual([10, 10, 10, 10]); // listPageSize without MaxResults
  });

  test('scripted things by id or ARN, determinism for a seed, and the model\'s bounds on ListOtaTaskExecutions', async () => {
    const options = { otaOutcomes: { ...ROLLOUT, script: { hub0002: 'REJECTED', [thing(3)]: { outcome: 'TIMED_OUT', afterMs: MINUTE } } } } as const;
    const a = await start(options);
    const b = await start(options);
    const targets = [thing(1), thing(2), thing(3), thing(4), thing(5)];
    const [idA, idB] = [await oneTimeTask(a, targets), await oneTimeTask(b, targets)];
    a.clock.set(NOW + MINUTE);
    expect((await executions(a, idA)).statuses.get('hub0003')).toBe('TIMED_OUT');
    a.clock.set(NOW + 30 * MINUTE);
    b.clock.set(NOW + 30 * MINUTE);
    const final = (await executions(a, idA)).statuses;
    expect(final.get('hub0002')).toBe('REJECTED');
    expect(final).toEqual((await executions(b, idB)).statuses);

    const bad = await signedCall({ endpoint: a.url, service: 'iotmanagedintegrations', method: 'GET', path: `/ota-tasks/${idA}/devices`, query: { MaxResults: '0' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['x-amzn-errortype']).toBe('ValidationException');
    const missing = await signedCall({ endpoint: a.url, service: 'iotmanagedintegrations', method: 'GET', path: '/ota-tasks/nosuchtask/devices' });
    expect([missing.status, missing.headers['x-amzn-errortype']]).toEqual([404, 'ResourceNotFoundException']);
  });

  test('a scheduled start: SCHEDULED and every thing QUEUED until OtaSchedulingConfig.StartTime', async () => {
    const emulator = await start({ otaOutcomes: { successShare: 1 } });
    const id = await oneTimeTask(emulator, [thing(1), thing(2)], { OtaSchedulingConfig: { StartTime: new Date(NOW + 60 * MINUTE).toISOString() } });
    expect((await managed(emulator).getOtaTask({ Identifier: id })).Status).toBe('SCHEDULED');
    expect([...(await executions(emulator, id)).statuses.values()]).toEqual(['QUEUED', 'QUEUED']);
    emulator.clock.set(NOW + 90 * MINUTE);
    const done = await managed(emulator).getOtaTask({ Identifier: id });
    expect(done).toMatchObject({ Status: 'COMPLETED', TaskProcessingDetails: { numberOfSucceededThings: 2, processingTargets: [] } });
  });
});
