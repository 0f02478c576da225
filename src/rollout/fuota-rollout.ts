import { Construct } from 'constructs';
import { FuotaWave } from './fuota-wave';
import { RolloutBase } from './rollout-base';
import { WaveGate } from './wave-gate';
import { FuotaTask } from '../fuota/fuota-task';
import { FuotaTaskSettings } from '../fuota/fuota-task-settings';
import { FuotaTaskStart } from '../fuota/fuota-task-start';
import { FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE } from '../fuota/fuota-task.types';

/** Properties of a `FuotaRollout`. */
export interface FuotaRolloutProps extends FuotaTaskSettings {
  /**
   * The waves, in order: each becomes one FUOTA task, created at deployment and started by the
   * stack's campaign monitor once the wave before it passed its gate. 1 to 20 waves; a device or
   * group belongs to one wave only.
   */
  readonly waves: FuotaWave[];

  /**
   * The gate every wave after the first waits on, unless the wave sets its own fields.
   * @default - at least 90 % of the previous wave's devices succeeded, judged when all reported,
   * halting as soon as more than 10 % failed; no soak time, no timeout
   */
  readonly gate?: WaveGate;

  /**
   * When the first wave starts. Later waves start when their gate passes, 31 minutes after the
   * controller's decision (IoT Wireless needs the start 30 minutes ahead).
   * @default - the campaign monitor starts the first wave at its first run after the deployment
   */
  readonly start?: FuotaTaskStart;

  /**
   * The rollout's name, unique in its stack: the `Rollout` dimension of its metrics, in its tags,
   * events and the `approve` command. 1 to 64 letters, digits, `.`, `_` or `-`.
   * @default - the construct's id
   */
  readonly rolloutName?: string;
}

/**
 * A staged LoRaWAN firmware rollout: one image sent in waves (a canary, then more), each wave a
 * FUOTA task that starts only when the wave before it passed its gate. The stack's campaign
 * monitor is the controller: on each run it reads the waves, records a passed gate or a halt in
 * the next wave's tags, and starts it. A halted rollout stays halted until approved
 * (`npx cdk-iot-ota-tasks approve`) or redeployed with another gate.
 *
 * @example
 * new FuotaRollout(this, 'SensorFirmwareV2', {
 *   firmware: FirmwareImage.fromAsset(path.join(__dirname, 'firmware/v2.bin')),
 *   rfRegion: RfRegion.EU868,
 *   waves: [
 *     FuotaWave.ofDevices(['1ffd32c8-8130-4194-96df-622f072a315f', '7a2e2c1b-52b5-4a8b-9a1d-1e5b7d8c2f10']),
 *     FuotaWave.ofDevices(['b0c5d7e1-3f4a-4c2b-8e9d-0a1b2c3d4e5f'], { gate: { soakTime: Duration.hours(12) } }),
 *   ],
 * });
 */
export class FuotaRollout extends RolloutBase {
  /** The waves' FUOTA tasks, in order: each has the campaign metrics and alarms of a `FuotaTask`. */
  public readonly waves: FuotaTask[];

  constructor(scope: Construct, id: string, props: FuotaRolloutProps) {
    super(scope, id, props.waves.map((wave, index) => {
      const targets = wave.wirelessDeviceIds ?? wave.multicastGroupIds ?? [];
      if (index === 0 && props.start && wave.options.requireApproval) {
        throw new Error(`${scope.node.path}/${id}: start and waves[0].requireApproval contradict each other: a started first wave cannot wait for an approval`);
      }
      return { ...wave.options, targets, kind: wave.wirelessDeviceIds ? 'device' : 'multicast group' };
    }), props.rolloutName);
    const { waves, gate, start, rolloutName: _name, fuotaTaskName, ...settings } = props;
    const declared = waves.map((wave) => ({ ...wave.options, targets: [], kind: '' }));
    this.waves = waves.map((wave, index) => {
      const position = index + 1;
      const task = new FuotaTask(this, `Wave${position}`, {
        ...settings,
        fuotaTaskName: fuotaTaskName === undefined ? undefined : `${fuotaTaskName}-wave${position}`,
        wirelessDeviceIds: wave.wirelessDeviceIds,
        multicastGroupIds: wave.multicastGroupIds,
        start: position === 1 ? start : undefined,
      });
      this._declareWave(task, index, declared, gate, FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE);
      return task;
    });
  }
}
