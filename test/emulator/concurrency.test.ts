// 300 FuotaTasks deployed at once against an emulator that throttles every operation to a TPS
// budget (a token bucket per operation, on the virtual clock). Each resource has its own client and
// context, as separate Lambda invocations would: they share no limiter, only the service's budget.
// Every one must succeed through the library's jittered retries within its invocation deadlines and
// the provider's polling budget, in virtual time.
import { IoTWirelessClient } from '@aws-sdk/client-iot-wireless';
import { CfnResponse, inVirtualTime, provide, virtualInvocation } from './support/mini-provider';
import { seededRandom } from '../../src/emulator/faults';
import { ServiceEmulator } from '../../src/emulator/server';
import { ASSUMED_BURST_SECONDS, ASSUMED_TPS } from '../../src/emulator/tps-budget';
import * as fuota from '../../src/fuota/handler/lifecycle';
import { HandlerPhase } from '../../src/shared/handler-phase';
import { POLLING_BUDGET_SECONDS } from '../../src/shared/polling-budget';
import { ProviderEvent } from '../../src/shared/provider-events';

// A jest limit, not a speed goal (the benchmark measures speed): generous, so a loaded 2-core machine
// that runs the other suites beside it does not fail it.
jest.setTimeout(600_000);

const NOW = Date.parse('2030-06-01T12:00:00.000Z');
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Fleet/6f1b2c90-0000-11ef-8000-0a1b2c3d4e5f';
const TASKS = 300;
/**
 * The emulator's ASSUMED budget (src/emulator/README.md): ASSUMED_TPS calls per second of each
 * operation, the services' real figures being UNCONFIRMED. 300 tasks calling at once are 30 times
 * what one second of it lets through, so the retries are exercised hard.
 */
const TPS_BUDGET = {};

function createEvent(n: number): ProviderEvent {
  return {
    RequestType: 'Create',
    StackId: STACK_ID,
    RequestId: `create-${n}`,
    LogicalResourceId: `FuotaTask${n}`,
    ResourceType: 'Custom::IoTWirelessFuotaTask',
    ResponseURL: 'https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/presigned',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:Fleet-FuotaProviderframeworkonEvent',
      FirmwareUpdateImage: 's3://firmware-bucket/v2.bin',
      FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw',
      Name: `campaign-${n}`,
      RfRegion: 'EU868',
      WirelessDeviceIds: [`device-${n}-a`, `device-${n}-b`],
      StartDelaySeconds: '3600',
      Tags: [{ Key: 'fleet', Value: 'spring' }],
    },
  };
}

let emulator: ServiceEmulator;

beforeAll(async () => {
  emulator = await ServiceEmulator.start({ clockStart: NOW, faults: { seed: 42, tpsBudget: TPS_BUDGET } });
});

afterAll(async () => {
  await emulator.stop();
});

test(`${TASKS} FuotaTasks created in parallel against an emulator's TPS budget all succeed`, async () => {
  const clients: IoTWirelessClient[] = [];
  const startedAt = Date.now();
  const runs = Array.from({ length: TASKS }, (_, i) => () => {
    const n = i + 1;
    // One Lambda per resource: its own client, its own jitter, nothing shared but the service.
    const client = new IoTWirelessClient({ region: emulator.region, endpoint: emulator.url, credentials: emulator.credentials, maxAttempts: 1 });
    clients.push(client);
    const random = seededRandom(1000 + n);
    const context = (phase: HandlerPhase): fuota.FuotaLifecycleContext => ({
      client,
      ...virtualInvocation(emulator.clock, phase, () => 'CREATE_IN_PROGRESS', random),
    });
    return provide(createEvent(n), fuota, context, emulator.clock);
  });
  let responses: CfnResponse[];
  try {
    responses = await inVirtualTime(emulator.clock, runs);
  } finally {
    clients.forEach((client) => client.destroy());
  }

  const failed = responses.filter((response) => response.Status !== 'SUCCESS');
  const virtualSeconds = (emulator.clock.now() - NOW) / 1000;
  const figures = {
    tasks: TASKS,
    assumedTpsPerOperation: ASSUMED_TPS,
    burstSeconds: ASSUMED_BURST_SECONDS,
    calls: emulator.journal.length,
    throttledCalls: emulator.faults.counts.throttled,
    succeeded: responses.length - failed.length,
    maxIsCompleteCalls: Math.max(...responses.map((response) => response.polls)),
    createFuotaTaskAttempts: emulator.calls('CreateFuotaTask').length,
    virtualTimeSeconds: virtualSeconds,
    realTimeMs: Date.now() - startedAt,
  };
  console.log(`concurrency figures: ${JSON.stringify(figures, null, 2)}`);

  expect(failed.map((response) => response.Reason)).toEqual([]);
  expect(emulator.faults.counts.throttled).toBeGreaterThan(TASKS);
  // One task per resource, each started, holding its two devices.
  expect(emulator.state.fuotaTasks.size).toBe(TASKS);
  expect(new Set(responses.map((response) => response.PhysicalResourceId)).size).toBe(TASKS);
  for (const task of emulator.state.fuotaTasks.values()) {
    expect(task.startTime).toBeDefined();
    expect(task.wirelessDeviceIds).toHaveLength(2);
    expect(task.tags).toEqual({ fleet: 'spring' });
  }
  // Every Create ends inside the provider's polling budget.
  expect(virtualSeconds).toBeLessThan(POLLING_BUDGET_SECONDS);
});
