// What the seeded fault runs of the rollout controller share (test/rollout/rollout-faults and
// ota-rollout-faults): the gate every wave after the first carries, one monitor tick against the
// emulator with the stack's resources as given (a tick that dies is what the run is about, so its
// error is swallowed), and the gate judged from the emulator's own outcome plan.
import { IoTWirelessClient } from '@aws-sdk/client-iot-wireless';
import { TICK_MS } from './rollout-replay-harness';
import { ServiceEmulator } from '../../src/emulator/server';
import { runTick } from '../../src/monitoring/handler/monitor';
import type { ManagedIntegrationsClient } from '../../src/ota/handler/managed-integrations-client';
import type { RolloutEvent } from '../../src/rollout/handler/controller';
import type { RecordObjects } from '../../src/rollout/handler/ota-wave-record';
import type { GateSpec } from '../../src/rollout/rollout-tags';
import type { StackResourceSummary } from '../../src/shared/cloudformation-stack-status';

export const FAULT_RUN_GATE: GateSpec = { minSuccessPercent: 90, maxFailurePercent: 10, advanceAtPercent: 100, soakSeconds: 0 };

export interface FaultRunTick {
  readonly emulator: ServiceEmulator;
  readonly stackId: string;
  readonly resources: readonly StackResourceSummary[];
  /** Where the tick's EventBridge events go. */
  readonly events: RolloutEvent[];
  readonly wireless?: IoTWirelessClient;
  readonly managedIntegrations?: ManagedIntegrationsClient;
  readonly records?: RecordObjects;
}

/** One monitor tick at the emulator's now, then the clock 5 minutes on. */
export async function faultRunTick(tick: FaultRunTick): Promise<void> {
  const { emulator } = tick;
  await runTick({
    stackId: tick.stackId,
    scheduleRuleName: 'fault-run-campaign-monitor',
    stacks: { resources: async () => ({ resources: [...tick.resources] }), status: async () => 'CREATE_COMPLETE' },
    rule: { disableRule: async () => {} },
    events: { put: async (batch) => { tick.events.push(...batch); } },
    wireless: tick.wireless ?? undefined as never,
    managedIntegrations: tick.managedIntegrations ?? undefined as never,
    records: tick.records,
    deadline: emulator.clock.now() + 60_000,
    now: () => emulator.clock.now(),
    sleep: async () => {},
    random: () => 0.5,
    writeLine: () => {},
  }).catch(() => undefined);
  emulator.clock.advance(TICK_MS);
}

/**
 * Whether FAULT_RUN_GATE passes on a wave whose targets stand at `outcomes` (`success`, `pending`
 * or a failure each), once it is `finished` or every target reported.
 */
export function faultRunGatePasses(outcomes: readonly string[], success: string, pending: string, finished: boolean): boolean {
  const succeeded = outcomes.filter((o) => o === success).length;
  const failed = outcomes.filter((o) => o !== success && o !== pending).length;
  if (failed * 100 > FAULT_RUN_GATE.maxFailurePercent! * outcomes.length) return false;
  const ready = finished || succeeded + failed === outcomes.length;
  return ready && succeeded * 100 >= FAULT_RUN_GATE.minSuccessPercent * (finished ? outcomes.length : succeeded + failed);
}
