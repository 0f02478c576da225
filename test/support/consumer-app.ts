// An app of a library user that is not the example: two stacks with tasks of this library, a
// token-valued property, and the user's own Lambda and bucket beside them. The replay tests
// synthesize it in two versions, the second changing both stacks' descriptions.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { FirmwareImage, FuotaRollout, FuotaTask, FuotaTaskStart, FuotaWave, OtaJobDocument, OtaTask, OtaType, RfRegion } from '../../src';

export const CONSUMER_STACKS = { sensors: 'Sensors', hubs: 'Hubs', rollouts: 'Rollouts' } as const;

export const CONSUMER_DEVICES = ['1ffd32c8-8130-4194-96df-622f072a315f', '2a7e9c15-0b44-4d8e-9f61-3c5a8e7d2b90'];

/** The Rollouts stack's staged rollout `meters-v5`: a canary of one meter, then two more. */
export const CONSUMER_ROLLOUT = {
  name: 'meters-v5',
  canary: ['7c0d1e2f-3a4b-4c5d-8e6f-000000000001'],
  fleet: ['7c0d1e2f-3a4b-4c5d-8e6f-000000000002', '7c0d1e2f-3a4b-4c5d-8e6f-000000000003'],
};

/** Synthesizes version `version` (1 or 2) of the app into a new temporary directory and returns it. */
export function synthConsumerApp(version: 1 | 2): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `consumer-app-v${version}-`));
  const app = new App({ outdir });
  const env = { account: '123456789012', region: 'eu-west-1' };

  const sensors = new Stack(app, CONSUMER_STACKS.sensors, { env });
  const uploads = new s3.Bucket(sensors, 'FirmwareUploads');
  new lambda.Function(sensors, 'UploadNotifier', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    environment: { BUCKET: uploads.bucketName },
  });
  const sensorFirmware = new FuotaTask(sensors, 'SensorFirmware', {
    firmware: FirmwareImage.fromAsset(path.join(__dirname, '..', '..', 'example', 'firmware', 'sensor-v2.bin')),
    rfRegion: RfRegion.EU868,
    // A token: the user's bucket name, resolved by the replay to its placeholder.
    description: Fn.join(' ', [version === 1 ? 'Sensor firmware from' : 'Sensor firmware 2 from', uploads.bucketName]),
    wirelessDeviceIds: CONSUMER_DEVICES,
    start: FuotaTaskStart.afterDeployment(Duration.hours(1)),
  });
  // Watched: the alarm gives the stack its campaign monitor.
  sensorFirmware.addFailureAlarm('Failures', { threshold: 0.2 });

  const hubs = new Stack(app, CONSUMER_STACKS.hubs, { env });
  new OtaTask(hubs, 'HubFirmware', {
    jobDocument: OtaJobDocument.fromJson({ version: '4.0', url: 'https://firmware.example.com/hub-4.0.bin' }),
    otaType: OtaType.ONE_TIME,
    targets: ['arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/hub0001'],
    description: version === 1 ? 'Hub firmware 4_0' : 'Hub firmware 4_0 for all hubs',
  });

  const rollouts = new Stack(app, CONSUMER_STACKS.rollouts, { env });
  new FuotaRollout(rollouts, 'Meters', {
    rolloutName: CONSUMER_ROLLOUT.name,
    firmware: FirmwareImage.fromAsset(path.join(__dirname, '..', '..', 'example', 'firmware', 'sensor-v2.bin')),
    rfRegion: RfRegion.EU868,
    waves: [FuotaWave.ofDevices(CONSUMER_ROLLOUT.canary), FuotaWave.ofDevices(CONSUMER_ROLLOUT.fleet)],
  }).addHaltedAlarm('Halted');

  app.synth();
  return outdir;
}
