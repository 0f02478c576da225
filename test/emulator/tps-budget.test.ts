// Throttling against a TPS budget (a token bucket per operation per account and region, on the
// virtual clock), and the kill fault's plumbing: callers known by their credentials, a listener told
// whom to end.
import { CreateFuotaTaskCommand, GetFuotaTaskCommand, IoTWirelessClient } from '@aws-sdk/client-iot-wireless';
import { VirtualClock } from '../../src/emulator/clock';
import { JournalEntry, ServiceEmulator } from '../../src/emulator/server';
import { ASSUMED_TPS, TpsBudget } from '../../src/emulator/tps-budget';

const START = Date.parse('2030-06-01T12:00:00.000Z');
const HERE = { account: '123456789012', region: 'eu-west-1' };

describe('TpsBudget', () => {
  test('a full bucket lets a burst of one second of the rate through, then refills with virtual time', () => {
    const clock = new VirtualClock(START);
    const budget = new TpsBudget({ defaultTps: 4 }, () => clock.now());
    const take = () => budget.take(HERE, 'iotwireless', 'GetFuotaTask');
    expect([take(), take(), take(), take(), take()]).toEqual([true, true, true, true, false]);
    clock.advance(249);
    expect(take()).toBe(false);
    clock.advance(1);
    expect([take(), take()]).toEqual([true, false]);
    // A long pause fills the bucket, never beyond its size.
    clock.advance(60_000);
    expect(Array.from({ length: 5 }, take)).toEqual([true, true, true, true, false]);
  });

  test('each operation, account and region has its own bucket; S3 is outside the default budget', () => {
    const budget = new TpsBudget({ defaultTps: 1 }, () => START);
    expect(budget.take(HERE, 'iotwireless', 'GetFuotaTask')).toBe(true);
    expect(budget.take(HERE, 'iotwireless', 'GetFuotaTask')).toBe(false);
    expect(budget.take(HERE, 'iotwireless', 'CreateFuotaTask')).toBe(true);
    expect(budget.take({ ...HERE, region: 'ca-central-1' }, 'iotwireless', 'GetFuotaTask')).toBe(true);
    expect(budget.take({ ...HERE, account: '210987654321' }, 'iotwireless', 'GetFuotaTask')).toBe(true);
    expect([1, 2, 3].map(() => budget.take(HERE, 's3', 'PutObject'))).toEqual([true, true, true]);
  });

  test('figures per operation override the default; the default is the ASSUMED one', () => {
    const budget = new TpsBudget({ tps: { 'iotwireless:CreateFuotaTask': 1, '*': 2 }, burstSeconds: 1 }, () => START);
    expect([1, 2].map(() => budget.take(HERE, 'iotwireless', 'CreateFuotaTask'))).toEqual([true, false]);
    expect([1, 2, 3].map(() => budget.take(HERE, 'iotwireless', 'GetFuotaTask'))).toEqual([true, true, false]);
    const assumed = new TpsBudget({}, () => START);
    const passed = Array.from({ length: 50 }, () => assumed.take(HERE, 'iot-managed-integrations', 'CreateOtaTask')).filter(Boolean).length;
    expect(passed).toBe(ASSUMED_TPS);
  });

  test.each([0, -1, NaN])('a rate of %s is refused', (rate) => {
    expect(() => new TpsBudget({ tps: { GetFuotaTask: rate } }, () => START)).toThrow(/TPS budget of GetFuotaTask must be a positive number/);
  });
});

describe('the emulator', () => {
  let emulator: ServiceEmulator;

  afterEach(async () => emulator.stop());

  function wireless(credentials = emulator.credentials): IoTWirelessClient {
    return new IoTWirelessClient({ region: emulator.region, endpoint: emulator.url, credentials, maxAttempts: 1 });
  }

  const outcome = (promise: Promise<unknown>) => promise.then(() => 'ok', (error) => error.name as string);

  test('throttles the calls beyond its TPS budget on the virtual clock, and journals why', async () => {
    emulator = await ServiceEmulator.start({ clockStart: START, faults: { tpsBudget: { defaultTps: 2 } } });
    const client = wireless();
    // A task that does not exist: the call reaches the service only when the budget lets it through.
    const get = () => outcome(client.send(new GetFuotaTaskCommand({ Id: 'missing' })));
    const served = 'ResourceNotFoundException';
    expect([await get(), await get(), await get()]).toEqual([served, served, 'ThrottlingException']);
    emulator.clock.advance(500);
    expect([await get(), await get()]).toEqual([served, 'ThrottlingException']);
    expect(emulator.faults.counts.throttled).toBe(2);
    expect(emulator.journal.map((entry) => entry.fault ?? entry.status)).toEqual([404, 404, 'throttle (TPS budget)', 404, 'throttle (TPS budget)']);
  });

  test('a kill fault applies the call, never answers it, and names the caller to its listener', async () => {
    emulator = await ServiceEmulator.start({ clockStart: START });
    const told = new Promise<string | undefined>((resolve) => emulator.onKill((caller) => resolve(caller)));
    emulator.faults.failCall('CreateFuotaTask', 1, { kind: 'kill' });
    const client = wireless(emulator.credentialsFor('invocation-7'));
    // The listener would end the caller; here the request stays open until the emulator stops.
    client.send(new CreateFuotaTaskCommand({ FirmwareUpdateImage: 's3://fw/v2.bin', FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw' }))
      .catch(() => undefined);
    expect(await told).toBe('invocation-7');
    expect(emulator.state.fuotaTasks.size).toBe(1);
    const last = emulator.journal[emulator.journal.length - 1] as JournalEntry;
    expect(last).toMatchObject({ operation: 'CreateFuotaTask', caller: 'invocation-7', fault: 'call #1 of CreateFuotaTask: kill', executed: true, status: 0 });
    client.destroy();
  });

  test('without a kill listener, a kill only drops the connection', async () => {
    emulator = await ServiceEmulator.start({ clockStart: START });
    emulator.faults.failCall('GetFuotaTask', 1, { kind: 'kill', applied: false });
    const result = await outcome(wireless().send(new GetFuotaTaskCommand({ Id: 'abc' })));
    expect(result).not.toBe('ok');
    expect(emulator.journal[0]).toMatchObject({ fault: 'call #1 of GetFuotaTask: kill', executed: false, status: 0 });
  });
});
