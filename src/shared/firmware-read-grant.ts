import * as iam from 'aws-cdk-lib/aws-iam';
import { FirmwareImageConfig } from './firmware-image';

/**
 * Lets `grantee` read one image and nothing else of its bucket: `s3:GetObject` on the object, the
 * list actions the IoT Wireless guide asks for limited to the key by `s3:prefix`, and `kms:Decrypt`
 * when the bucket has a customer key. (`Asset.grantRead` would open the whole assets bucket.)
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
  image.bucket.encryptionKey?.grantDecrypt(grantee);
}
