// Integration test: a FUOTA task for a multicast group from an asset image, tagged and started
// after deployment, plus a second task for devices from a bucket image with its own role.
// `npx projen integ` compares the synthesized template with the committed snapshot; deploying it
// (integ-runner without --dry-run) needs an AWS account with the named devices and group.
import * as path from 'path';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { FirmwareImage, FuotaTask, FuotaTaskStart, RfRegion } from '../src';

const app = new App();
const stack = new Stack(app, 'FuotaTaskInteg');

const multicast = new FuotaTask(stack, 'MulticastCampaign', {
  firmware: FirmwareImage.fromAsset(path.join(__dirname, '..', 'example', 'firmware', 'sensor-v2.bin')),
  rfRegion: RfRegion.EU868,
  fuotaTaskName: 'integ-multicast',
  redundancyPercent: 10,
  fragmentSizeBytes: 200,
  fragmentIntervalMs: 2000,
  multicastGroupIds: ['integ-multicast-group'],
  start: FuotaTaskStart.afterDeployment(Duration.minutes(45)),
});
Tags.of(multicast).add('purpose', 'integ');

const images = new s3.Bucket(stack, 'Images', {
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  removalPolicy: RemovalPolicy.DESTROY,
});
const role = new iam.Role(stack, 'OwnFirmwareRole', { assumedBy: new iam.ServicePrincipal('iotwireless.amazonaws.com') });
new FuotaTask(stack, 'DeviceCampaign', {
  firmware: FirmwareImage.fromBucket(images, 'firmware/v2.bin'),
  firmwareUpdateRole: role,
  rfRegion: RfRegion.US915,
  description: 'Devices from a bucket image',
  wirelessDeviceIds: ['integ-device-1', 'integ-device-2'],
  outputs: false,
});

const integ = new IntegTest(app, 'FuotaTaskIntegTest', { testCases: [stack] });
integ.assertions
  .awsApiCall('IoTWireless', 'getFuotaTask', { Id: multicast.fuotaTaskId })
  .expect(ExpectedResult.objectLike({ Name: 'integ-multicast', RedundancyPercent: 10 }));
