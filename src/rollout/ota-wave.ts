import { WaveGate } from './wave-gate';

/** Options of one wave of an `OtaRollout`. */
export interface OtaWaveOptions {
  /**
   * What the previous wave must reach before this one starts, field by field over the rollout's
   * `gate`. The first wave has no wave before it: a gate there is refused.
   * @default - the rollout's gate
   */
  readonly gate?: WaveGate;

  /**
   * Start this wave only once approved with `npx cdk-iot-ota-tasks approve`, even when the gate
   * has passed; on the first wave, the rollout waits for an approval before anything is sent.
   * @default false
   */
  readonly requireApproval?: boolean;
}

/** One wave of an `OtaRollout`: managed things that become one `ONE_TIME` OTA task. */
export class OtaWave {
  /**
   * A wave of managed things.
   * @param targets managed-thing ARNs, 1 to 100 (a ONE_TIME task's limit); a thing belongs to one wave only
   */
  public static ofThings(targets: string[], options: OtaWaveOptions = {}): OtaWave {
    return new OtaWave(targets, options);
  }

  /** The wave's managed-thing ARNs. */
  public readonly targets: string[];

  /** The wave's options. */
  public readonly options: OtaWaveOptions;

  private constructor(targets: string[], options: OtaWaveOptions) {
    this.targets = targets;
    this.options = options;
  }
}
