// The rollout lines of `cdk-iot-ota-tasks status`: after the tasks, one line per rollout of the
// stack with the controller's own verdict (the same decision function, from the same reads), so
// the terminal says what the next monitor run will do, e.g.
//   rollout sensors-v2  1/3 waves started  halted: wave 1 has 50% failed, more than …
import { IoTWirelessClient } from '@aws-sdk/client-iot-wireless';
import { serviceCaller } from '../monitoring/status/read-options';
import type { TaskRead } from '../monitoring/status/read-stack-task';
import { decideRollout } from '../rollout/handler/decide';
import { readRollouts, WaveRead } from '../rollout/handler/wave-snapshots';

export async function rolloutLines(reads: readonly TaskRead[], wireless: IoTWirelessClient, now: number): Promise<string[]> {
  const waves = reads.flatMap((read): WaveRead[] => ('progress' in read && read.task.rolloutWave ? [read] : []));
  if (waves.length === 0) return [];
  const errors: string[] = [];
  const { rollouts } = await readRollouts(waves, {
    wireless,
    call: serviceCaller(),
    writeLine: (line) => {
      const entry = JSON.parse(line);
      errors.push(entry.error ?? entry.message);
    },
  });
  const lines = [...rollouts.entries()].map(([name, snapshots]) => {
    const decision = decideRollout(name, snapshots, now);
    // `starting` is what the next run will do; the command itself never starts anything.
    const state = decision.state === 'starting' ? 'ready to start' : decision.state;
    return `rollout ${name}  ${decision.wavesStarted}/${decision.waves} waves started  ${state}: ${decision.reason}`;
  });
  return [...lines, ...errors.map((error) => `rollout wave could not be read: ${error}`)];
}
