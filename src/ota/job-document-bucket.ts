import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { OTA_JOB_DOCUMENT_PREFIX } from './ota-task.types';
import { acknowledgeNagFindings } from '../shared/nag';

const BUCKET_ID = 'CdkIotOtaTasksJobDocuments';

/**
 * The stack's bucket for OTA job documents that come from a file or from JSON. A stack cannot change
 * the CDK bootstrap bucket's policy, so the library keeps its own: TLS-only, SSE-S3, no public
 * access, and one grant that lets IoT Managed Integrations read the document prefix, however many
 * tasks use it. The handler writes each document on create and removes it on delete.
 *
 * It is retained when the stack is deleted: a task kept with `RemovalPolicy.RETAIN` still needs its
 * document.
 */
export function jobDocumentBucket(scope: Construct): s3.Bucket {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(BUCKET_ID) as s3.Bucket | undefined;
  if (existing) return existing;

  const bucket = new s3.Bucket(stack, BUCKET_ID, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
    // Versioned, so a document removed by mistake can be recovered for a while; old versions go.
    versioned: true,
    lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
  });
  bucket.addToResourcePolicy(jobDocumentReadStatement(bucket.arnForObjects(`${OTA_JOB_DOCUMENT_PREFIX}*`), stack.account));
  acknowledgeNagFindings(bucket, [
    { id: 'AwsSolutions-S1', reason: 'The bucket holds only small OTA job documents written by the library\'s own handler; CloudTrail records the service\'s reads, so server access logs would add a second bucket without insight.' },
  ]);
  return bucket;
}

/**
 * Lets IoT Managed Integrations read job documents at `objectArn`. The service passes no role, so
 * the bucket policy is what grants it. Whether it sends `aws:SourceAccount` on these reads is not
 * documented, so the confused-deputy condition is `…IfExists`: it cannot lock the service out.
 */
export function jobDocumentReadStatement(objectArn: string, account: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('iotmanagedintegrations.amazonaws.com')],
    actions: ['s3:GetObject'],
    resources: [objectArn],
    conditions: { StringEqualsIfExists: { 'aws:SourceAccount': account } },
  });
}
