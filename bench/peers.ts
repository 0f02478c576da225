// The three ways to declare N FUOTA tasks that the benchmark compares, with the same content where
// each can express it: one firmware image in an existing bucket, one FirmwareUpdateRole, and per task
// a name, a description and the RF region; outputs with each task's ARN and id when asked.
import {
  App, CfnOutput, Duration, Stack, aws_iam as iam, aws_iotwireless as iotwireless, aws_s3 as s3,
  custom_resources as cr,
} from 'aws-cdk-lib';
import { FirmwareImage, FuotaTask, FuotaTaskStart, RfRegion } from '../src';

/** Who declares the tasks. */
export type Peer = 'library' | 'l1' | 'aws-custom-resource';

export const PEERS: readonly Peer[] = ['library', 'l1', 'aws-custom-resource'];

export const PEER_NAMES: Record<Peer, string> = {
  'library': 'FuotaTask (this library)',
  'l1': 'CfnFuotaTask (L1)',
  'aws-custom-resource': 'AwsCustomResource',
};

export interface BenchAppOptions {
  readonly peer: Peer;
  readonly tasks: number;
  readonly outputs: boolean;
  readonly outdir: string;
}

export const BENCH_STACK = 'Bench';
const ENV = { account: '123456789012', region: 'eu-west-1' };
const BUCKET = 'firmware-images-123456789012';
const KEY = 'sensor/v2.bin';

/** The firmware role every peer uses: IoT Wireless reads the image with it. */
function firmwareRole(stack: Stack, bucket: s3.IBucket): iam.Role {
  const role = new iam.Role(stack, 'FirmwareUpdateRole', {
    assumedBy: new iam.ServicePrincipal('iotwireless.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  });
  bucket.grantRead(role, KEY);
  return role;
}

const taskName = (i: number) => `sensor-fw-v2-${i}`;
const DESCRIPTION = 'Sensor firmware 2.0';

/** The app of one peer with `tasks` tasks, not yet synthesized. */
export function buildBenchApp(options: BenchAppOptions): App {
  const app = new App({ outdir: options.outdir });
  const stack = new Stack(app, BENCH_STACK, { env: ENV });
  const bucket = s3.Bucket.fromBucketName(stack, 'FirmwareBucket', BUCKET);
  const role = firmwareRole(stack, bucket);
  for (let i = 0; i < options.tasks; i++) {
    const id = `Task${i}`;
    switch (options.peer) {
      case 'library':
        new FuotaTask(stack, id, {
          firmware: FirmwareImage.fromBucket(bucket, KEY),
          firmwareUpdateRole: role,
          fuotaTaskName: taskName(i),
          description: DESCRIPTION,
          rfRegion: RfRegion.EU868,
          outputs: options.outputs,
        });
        break;
      case 'l1': {
        const task = new iotwireless.CfnFuotaTask(stack, id, {
          firmwareUpdateImage: `s3://${BUCKET}/${KEY}`,
          firmwareUpdateRole: role.roleArn,
          name: taskName(i),
          description: DESCRIPTION,
          loRaWan: { rfRegion: 'EU868' },
        });
        if (options.outputs) {
          new CfnOutput(stack, `${id}Arn`, { value: task.attrArn });
          new CfnOutput(stack, `${id}Id`, { value: task.attrId });
        }
        break;
      }
      case 'aws-custom-resource':
        awsCustomResourceTask(stack, id, i, role, options.outputs);
        break;
    }
  }
  return app;
}

/**
 * A FUOTA task as a careful user hand-rolls it with AwsCustomResource: create, update and delete
 * calls, the physical id from the create answer, least-privilege statements like the library's, and
 * no SDK install at run time.
 */
function awsCustomResourceTask(stack: Stack, id: string, i: number, role: iam.IRole, outputs: boolean): void {
  const fields = {
    Name: taskName(i),
    Description: DESCRIPTION,
    LoRaWAN: { RfRegion: 'EU868' },
    FirmwareUpdateImage: `s3://${BUCKET}/${KEY}`,
    FirmwareUpdateRole: role.roleArn,
  };
  const taskArns = stack.formatArn({ service: 'iotwireless', resource: 'FuotaTask', resourceName: '*' });
  const task = new cr.AwsCustomResource(stack, id, {
    onCreate: {
      service: 'IoTWireless',
      action: 'CreateFuotaTask',
      parameters: fields,
      physicalResourceId: cr.PhysicalResourceId.fromResponse('Id'),
    },
    onUpdate: {
      service: 'IoTWireless', action: 'UpdateFuotaTask', parameters: { Id: new cr.PhysicalResourceIdReference(), ...fields },
    },
    onDelete: {
      service: 'IoTWireless',
      action: 'DeleteFuotaTask',
      parameters: { Id: new cr.PhysicalResourceIdReference() },
      ignoreErrorCodesMatching: 'ResourceNotFoundException',
    },
    policy: cr.AwsCustomResourcePolicy.fromStatements([
      new iam.PolicyStatement({ actions: ['iotwireless:CreateFuotaTask'], resources: ['*'] }),
      new iam.PolicyStatement({ actions: ['iotwireless:UpdateFuotaTask', 'iotwireless:DeleteFuotaTask'], resources: [taskArns] }),
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'iotwireless.amazonaws.com' } },
      }),
    ]),
    installLatestAwsSdk: false,
    timeout: Duration.minutes(2),
  });
  if (outputs) {
    new CfnOutput(stack, `${id}Arn`, { value: task.getResponseField('Arn') });
    new CfnOutput(stack, `${id}Id`, { value: task.getResponseField('Id') });
  }
}

/** One library task for `devices` devices, for the API-call count; started an hour after deployment if asked. */
export function lifecycleApp(outdir: string, devices: readonly string[], started: boolean): App {
  const app = new App({ outdir });
  const stack = new Stack(app, BENCH_STACK, { env: ENV });
  const bucket = s3.Bucket.fromBucketName(stack, 'FirmwareBucket', BUCKET);
  new FuotaTask(stack, 'Task', {
    firmware: FirmwareImage.fromBucket(bucket, KEY),
    firmwareUpdateRole: firmwareRole(stack, bucket),
    fuotaTaskName: taskName(0),
    description: DESCRIPTION,
    rfRegion: RfRegion.EU868,
    wirelessDeviceIds: [...devices],
    start: started ? FuotaTaskStart.afterDeployment(Duration.hours(1)) : undefined,
  });
  return app;
}
