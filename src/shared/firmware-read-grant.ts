import { Aws, Resource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { FirmwareImageConfig } from './firmware-image';

/**
 * Lets `grantee` read one image and nothing else of its bucket: `s3:GetObject` on the object, the
 * list actions the IoT Wireless guide asks for limited to the key by `s3:prefix`, and `kms:Decrypt`:
 * on the image's key when it is known, otherwise (the CDK assets bucket, an imported bucket) on any
 * key of the account but only through S3 and only for this object (its SSE-KMS encryption context
 * is the object's ARN, or the bucket's with S3 Bucket Keys). That covers a bootstrap customer key
 * without knowing it, and is harmless for an unencrypted image. (`Asset.grantRead` would open the
 * whole assets bucket.)
 */
export function grantFirmwareRead(grantee: iam.IGrantable, image: FirmwareImageConfig): void {
  const principal = grantee.grantPrincipal;
  principal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:GetObject'],
    resources: [image.bucket.arnForObjects(image.objectKey)],
  }));
  principal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket', 's3:ListBucketVersions'],
    resources: [image.bucket.bucketArn],
    conditions: { StringEquals: { 's3:prefix': image.objectKey } },
  }));
  const key = image.encryptionKey ?? image.bucket.encryptionKey;
  if (key) {
    key.grantDecrypt(grantee);
  } else if (!Resource.isOwnedResource(image.bucket)) {
    principal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [Stack.of(image.bucket).formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
      conditions: {
        StringEquals: {
          'kms:ViaService': `s3.${Stack.of(image.bucket).region}.${Aws.URL_SUFFIX}`,
          'kms:EncryptionContext:aws:s3:arn': [image.bucket.arnForObjects(image.objectKey), image.bucket.bucketArn],
        },
      },
    }));
  }
}

/** The cdk-nag acknowledgement of the statement above, on the library's own firmware role. */
export const FIRMWARE_KEY_NAG_REASON = 'kms:Decrypt on key/* is limited by kms:ViaService to S3 in this region and by the ' +
  'aws:s3:arn encryption context to the firmware image object: the key of the CDK assets bucket (or of an imported bucket) ' +
  'cannot be known at synth.';
