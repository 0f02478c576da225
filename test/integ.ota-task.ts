// Integration test: an OTA task configuration and two OTA tasks of IoT Managed Integrations, one
// with a generated job document (stored in the library's bucket), one with a document in a bucket
// of the app. `npx projen integ` compares the synthesized template with the committed snapshot;
// deploying it needs an account in eu-west-1 or ca-central-1 with the named managed things.
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { OtaEndBehavior, OtaFailureType, OtaJobDocument, OtaRetryFailureType, OtaTask, OtaTaskConfiguration, OtaType } from '../src';

const app = new App();
const stack = new Stack(app, 'OtaTaskInteg');

const firmware = new s3.Bucket(stack, 'Firmware', {
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  removalPolicy: RemovalPolicy.DESTROY,
});

const config = new OtaTaskConfiguration(stack, 'Cautious', {
  otaTaskConfigurationName: 'integ-cautious',
  pushConfig: {
    abortCriteria: [{ failureType: OtaFailureType.ALL, minNumberOfExecutedThings: 5, thresholdPercentage: 50 }],
    rollout: { baseRatePerMinute: 2, incrementFactor: 1.5, rateIncreaseCriteria: { numberOfNotifiedThings: 5 }, maximumPerMinute: 20 },
    inProgressTimeout: Duration.hours(1),
  },
});

const oneTime = new OtaTask(stack, 'HubFirmware', {
  jobDocument: OtaJobDocument.fromJson({ operation: 'firmware-update', url: firmware.s3UrlForObject('hub/3.1.0.bin'), version: '3.1.0' }),
  otaType: OtaType.ONE_TIME,
  targets: ['arn:aws:iotmanagedintegrations:eu-west-1:111111111111:managed-thing/integ0001'],
  description: 'integ one time',
  taskConfiguration: config,
  scheduling: { endBehavior: OtaEndBehavior.STOP_ROLLOUT, maintenanceWindows: [{ startTime: 'cron(0 2 * * ? *)', duration: Duration.hours(3) }] },
  retryCriteria: [{ failureType: OtaRetryFailureType.FAILED, minNumberOfRetries: 2 }],
});
Tags.of(oneTime).add('purpose', 'integ');

const documents = new s3.Bucket(stack, 'Documents', {
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  removalPolicy: RemovalPolicy.DESTROY,
});
new OtaTask(stack, 'Continuous', {
  jobDocument: OtaJobDocument.fromBucket(documents, 'ota/continuous.json'),
  otaType: OtaType.CONTINUOUS,
  otaTargetQueryString: 'attributes.owner=integ',
  outputs: false,
});

// Managed Integrations runs in eu-west-1 and ca-central-1 only. There is no assertion call: the
// integ-tests assertion provider calls services through the AWS SDK, which has no Managed
// Integrations client; the task's outputs show its ARN and Id after a deployment.
new IntegTest(app, 'OtaTaskIntegTest', { testCases: [stack], regions: ['eu-west-1'] });
