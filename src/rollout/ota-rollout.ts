import { Construct } from 'constructs';
import { OtaWave } from './ota-wave';
import { RolloutBase } from './rollout-base';
import { grantOtaRolloutControl } from './rollout-control-grants';
import { WaveGate } from './wave-gate';
import { jobDocumentBucket } from '../ota/job-document-bucket';
import { OtaType } from '../ota/ota-enums';
import { OtaMaintenanceWindow, OtaTask } from '../ota/ota-task';
import { OtaTaskProvider } from '../ota/ota-task-provider';
import { OtaTaskSettings } from '../ota/ota-task-settings';
import { OTA_ROLLOUT_WAVE_RESOURCE_TYPE } from '../ota/ota-task.types';

/** Properties of an `OtaRollout`. */
export interface OtaRolloutProps extends OtaTaskSettings {
  /**
   * The waves, in order: each becomes one `ONE_TIME` OTA task, which the stack's campaign monitor
   * creates (an OTA task starts when it is created) once the wave before it passed its gate.
   * 1 to 20 waves of 1 to 100 managed things; a thing belongs to one wave only.
   */
  readonly waves: OtaWave[];

  /**
   * The gate every wave after the first waits on, unless the wave sets its own fields; judged on
   * the previous wave's `TaskProcessingDetails`.
   * @default - at least 90 % of the previous wave's things succeeded, judged when all reported,
   * halting as soon as more than 10 % failed; no soak time, no timeout
   */
  readonly gate?: WaveGate;

  /**
   * The rollout's name, unique in its stack: the `Rollout` dimension of its metrics, in its tags,
   * events and the `approve` command. 1 to 64 letters, digits, `.`, `_` or `-`.
   * @default - the construct's id
   */
  readonly rolloutName?: string;

  /**
   * Windows in which each wave's task may run.
   * @default - no maintenance windows
   */
  readonly maintenanceWindows?: OtaMaintenanceWindow[];
}

/**
 * A staged Managed Integrations OTA rollout: one job document sent in waves of managed things (a
 * canary, then more), each wave a `ONE_TIME` OTA task created only when the wave before it passed
 * its gate. An OTA task starts when it is created, so no wave's task exists at deployment: each
 * wave's custom resource keeps a record of its request in the library's bucket, and the stack's
 * campaign monitor, the controller, creates the task (the first wave's at its first run, unless
 * it needs an approval). Deleting the stack deletes every task the controller created.
 *
 * @example
 * new OtaRollout(this, 'HubFirmwareV3', {
 *   jobDocument: OtaJobDocument.fromAsset(path.join(__dirname, 'ota/v3.json')),
 *   waves: [
 *     OtaWave.ofThings(['arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/canary1']),
 *     OtaWave.ofThings(['arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/hub2'], { gate: { soakTime: Duration.hours(6) } }),
 *   ],
 * });
 */
export class OtaRollout extends RolloutBase {
  /** Waves the rollout declares. */
  public readonly waveCount: number;

  constructor(scope: Construct, id: string, props: OtaRolloutProps) {
    super(scope, id, props.waves.map((wave) => ({ ...wave.options, targets: wave.targets, kind: 'managed thing' })), props.rolloutName);
    const bucket = jobDocumentBucket(this);
    const provider = OtaTaskProvider.getOrCreate(this, props.providerOptions);
    provider.allowWaveRecords(bucket);
    grantOtaRolloutControl(this, bucket);

    const { waves, gate, rolloutName: _name, maintenanceWindows, ...settings } = props;
    const declared = waves.map((wave) => ({ ...wave.options, targets: [], kind: '' }));
    waves.forEach((wave, index) => {
      // The OtaTask construct checks and renders the wave's request; its resource is then a wave's.
      const task = new OtaTask(this, `Wave${index + 1}`, {
        ...settings,
        otaType: OtaType.ONE_TIME,
        targets: wave.targets,
        scheduling: maintenanceWindows && { maintenanceWindows },
        outputs: false,
      });
      this._declareWave(task, index, declared, gate, OTA_ROLLOUT_WAVE_RESOURCE_TYPE).addPropertyOverride('WaveRecordBucket', bucket.bucketName);
    });
    this.waveCount = waves.length;
  }
}
