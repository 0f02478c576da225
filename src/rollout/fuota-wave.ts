import { WaveGate } from './wave-gate';

/** Options of one wave of a `FuotaRollout`. */
export interface FuotaWaveOptions {
  /**
   * What the previous wave must reach before this one starts, field by field over the rollout's
   * `gate`. The first wave has no wave before it: a gate there is refused.
   * @default - the rollout's gate
   */
  readonly gate?: WaveGate;

  /**
   * Start this wave only once approved with `npx cdk-iot-ota-tasks approve`, even when the gate
   * has passed (the controller shows the gate's verdict to help decide).
   * @default false
   */
  readonly requireApproval?: boolean;
}

/**
 * One wave of a `FuotaRollout`: a set of wireless devices or of multicast groups (IoT Wireless
 * takes one or the other in a FUOTA task), which becomes one FUOTA task.
 */
export class FuotaWave {
  /**
   * A wave of wireless devices.
   * @param wirelessDeviceIds the devices, at least one; a device belongs to one wave only
   */
  public static ofDevices(wirelessDeviceIds: string[], options: FuotaWaveOptions = {}): FuotaWave {
    return new FuotaWave(wirelessDeviceIds, undefined, options);
  }

  /**
   * A wave of multicast groups. ASSUMED: IoT Wireless reports no per-device outcome for the
   * devices of a group, so the wave after it starts only once approved (README, "Rolling out in
   * waves").
   * @param multicastGroupIds the groups, at least one; a group belongs to one wave only
   */
  public static ofMulticastGroups(multicastGroupIds: string[], options: FuotaWaveOptions = {}): FuotaWave {
    return new FuotaWave(undefined, multicastGroupIds, options);
  }

  /**
   * The wave's devices.
   * @default - a wave of multicast groups
   */
  public readonly wirelessDeviceIds?: string[];

  /**
   * The wave's multicast groups.
   * @default - a wave of devices
   */
  public readonly multicastGroupIds?: string[];

  /** The wave's options. */
  public readonly options: FuotaWaveOptions;

  private constructor(wirelessDeviceIds: string[] | undefined, multicastGroupIds: string[] | undefined, options: FuotaWaveOptions) {
    this.wirelessDeviceIds = wirelessDeviceIds;
    this.multicastGroupIds = multicastGroupIds;
    this.options = options;
  }
}
