import * as path from 'path';
import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FirmwareImage, FuotaRollout, FuotaWave, OtaJobDocument, OtaRollout, OtaWave, RfRegion } from '../src';

const sensor = (i: number) => `5e000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
/** The demo's sensors: two canaries and six more per rollout. */
export const ROLLOUT_DEVICES = {
  v3: { canary: [sensor(1), sensor(2)], fleet: [3, 4, 5, 6, 7, 8].map(sensor) },
  v4: { canary: [sensor(11), sensor(12)], fleet: [13, 14, 15, 16, 17, 18].map(sensor) },
};

const hub = (name: string) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/${name}`;
/** The demo's hubs (Managed Integrations managed things): a canary of two, then four more. */
export const ROLLOUT_HUBS = { canary: [hub('hubcanary1'), hub('hubcanary2')], fleet: [hub('hub03'), hub('hub04'), hub('hub05'), hub('hub06')] };

/**
 * Two staged rollouts of sensor firmware, a canary of two devices, then the rest: v3, whose canary
 * does well, and v4, whose canary fails (the demo scripts a device failure) and halts it; and one
 * OTA rollout of hub firmware, whose wave tasks the controller creates.
 */
export class RolloutStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const firmware = FirmwareImage.fromAsset(path.join(__dirname, 'firmware', 'sensor-v2.bin'));
    for (const [version, devices] of Object.entries(ROLLOUT_DEVICES)) {
      new FuotaRollout(this, `Sensor${version.toUpperCase()}`, {
        rolloutName: `sensors-${version}`,
        firmware,
        rfRegion: RfRegion.EU868,
        outputs: false,
        waves: [FuotaWave.ofDevices(devices.canary), FuotaWave.ofDevices(devices.fleet)],
      }).addHaltedAlarm('Halted');
    }
    new OtaRollout(this, 'HubsV3', {
      rolloutName: 'hubs-v3',
      jobDocument: OtaJobDocument.fromJson({ operation: 'firmware-update', version: '3.0.0' }),
      waves: [OtaWave.ofThings(ROLLOUT_HUBS.canary), OtaWave.ofThings(ROLLOUT_HUBS.fleet)],
    }).addHaltedAlarm('Halted');
  }
}
