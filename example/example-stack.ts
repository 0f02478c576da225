import * as path from 'path';
import { Duration, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  FirmwareImage,
  FuotaTask,
  FuotaTaskStart,
  OtaFailureType,
  OtaJobDocument,
  OtaTask,
  OtaTaskConfiguration,
  OtaType,
  RfRegion,
} from '../src';

/** What the demo's later versions of the app change; left out, the example is as described below. */
export interface ExampleStackProps extends StackProps {
  /** @default 'Sensor firmware 2.0' */
  readonly sensorDescription?: string;
  /** @default the two hubs hub0001 and hub0002 */
  readonly hubTargets?: string[];
  /** @default 'Hub firmware 3_1' */
  readonly hubDescription?: string;
}

/**
 * Two firmware campaigns in eu-west-1, where both services run: LoRaWAN sensor firmware 2.0 from a
 * file in this repository, sent to three devices and started an hour after deployment; and hub
 * firmware 3.1 for two Managed Integrations things, rolled out slowly with abort rules.
 */
export class ExampleStack extends Stack {
  constructor(scope: Construct, id: string, props: ExampleStackProps = {}) {
    super(scope, id, props);

    const task = new FuotaTask(this, 'SensorFirmwareV2', {
      firmware: FirmwareImage.fromAsset(path.join(__dirname, 'firmware', 'sensor-v2.bin')),
      rfRegion: RfRegion.EU868,
      fuotaTaskName: 'sensor-fw-v2',
      description: props.sensorDescription ?? 'Sensor firmware 2.0',
      redundancyPercent: 20,
      fragmentIntervalMs: 1000,
      descriptor: 'AAAAAQ==',
      wirelessDeviceIds: [
        '1ffd32c8-8130-4194-96df-622f072a315f',
        '2a7e9c15-0b44-4d8e-9f61-3c5a8e7d2b90',
        '3c4b8f26-1d55-4e9f-a072-4d6b9f8e3ca1',
      ],
      start: FuotaTaskStart.afterDeployment(Duration.hours(1)),
    });
    Tags.of(task).add('campaign', 'sensor-v2');

    const cautious = new OtaTaskConfiguration(this, 'CautiousRollout', {
      otaTaskConfigurationName: 'cautious',
      description: 'Slow rollout abort on failures',
      pushConfig: {
        abortCriteria: [{ failureType: OtaFailureType.FAILED, minNumberOfExecutedThings: 10, thresholdPercentage: 20 }],
        rollout: { baseRatePerMinute: 5, incrementFactor: 2, rateIncreaseCriteria: { numberOfSucceededThings: 10 }, maximumPerMinute: 100 },
        inProgressTimeout: Duration.hours(2),
      },
    });
    const hub = new OtaTask(this, 'HubFirmware', {
      jobDocument: OtaJobDocument.fromAsset(path.join(__dirname, 'ota', 'hub-job.json')),
      otaType: OtaType.ONE_TIME,
      targets: props.hubTargets ?? [
        'arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/hub0001',
        'arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/hub0002',
      ],
      description: props.hubDescription ?? 'Hub firmware 3_1',
      taskConfiguration: cautious,
    });
    Tags.of(hub).add('campaign', 'hub-3.1');
  }
}
