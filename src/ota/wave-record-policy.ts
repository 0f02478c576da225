import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { OTA_WAVE_RECORD_PREFIX } from './ota-task.types';

/**
 * Access to the OTA rollout wave records in the library bucket: the given object actions under
 * the records' prefix, and listing that prefix only. The listing is what makes S3 answer a
 * missing record with 404 rather than 403 (AccessDenied), which readers take as "no record yet".
 */
export function waveRecordStatements(sid: string, bucket: s3.IBucket, objectActions: readonly string[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ sid, actions: [...objectActions], resources: [bucket.arnForObjects(`${OTA_WAVE_RECORD_PREFIX}*`)] }),
    new iam.PolicyStatement({
      sid: `${sid}List`,
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': `${OTA_WAVE_RECORD_PREFIX}*` } },
    }),
  ];
}
