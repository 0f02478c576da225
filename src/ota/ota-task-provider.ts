import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { OTA_JOB_DOCUMENT_PREFIX } from './ota-task.types';
import { waveRecordStatements } from './wave-record-policy';
import { StackTaskProvider } from '../shared/stack-task-provider';
import { TaskProviderOptions } from '../shared/task-provider-options';

const PROVIDER_ID = 'CdkIotOtaTasksOtaProvider';

/**
 * The stack's single provider for the Managed Integrations resources (`…OtaTask` and
 * `…OtaTaskConfiguration`): one role, one policy, the same functions however many tasks.
 */
export class OtaTaskProvider extends StackTaskProvider {
  /** The stack's provider, created on first use. */
  public static getOrCreate(scope: Construct, options?: TaskProviderOptions): OtaTaskProvider {
    return OtaTaskProvider.findOrCreate(scope, PROVIDER_ID, options,
      (stack, createdBy) => new OtaTaskProvider(stack, PROVIDER_ID, createdBy, options));
  }

  private documentBucket?: s3.IBucket;
  private recordBucket?: s3.IBucket;

  private constructor(scope: Construct, id: string, createdBy: string, options: TaskProviderOptions | undefined) {
    super(scope, id, createdBy, { service: 'IoT Managed Integrations OTA', shortName: 'ota', bundle: 'ota/ota-task-handler.lambda' }, options);

    this.handlerRole.addToPolicy(new iam.PolicyStatement({
      sid: 'OtaTasks',
      actions: [
        'iotmanagedintegrations:GetOtaTask',
        'iotmanagedintegrations:UpdateOtaTask',
        'iotmanagedintegrations:DeleteOtaTask',
        'iotmanagedintegrations:TagResource',
        'iotmanagedintegrations:UntagResource',
      ],
      resources: [`arn:${Aws.PARTITION}:iotmanagedintegrations:${Aws.REGION}:${Aws.ACCOUNT_ID}:ota-task/*`],
    }));
    // A description or task configuration the service cannot clear was removed: a rollback keeps
    // it, an update is refused.
    this.allowReadingOwnStackStatus();
    this.allowInStackRegion('OtaTaskCreateAndConfigurations', [
      'iotmanagedintegrations:CreateOtaTask',
      'iotmanagedintegrations:CreateOtaTaskConfiguration',
      'iotmanagedintegrations:GetOtaTaskConfiguration',
      'iotmanagedintegrations:DeleteOtaTaskConfiguration',
    ]);
    this.acknowledgeWildcards('OTA task ids are assigned by the service, so task actions are scoped to this account and region\'s ota-task/* ARNs; CreateOtaTask and the task-configuration actions support no resource ARN and are limited by aws:RequestedRegion; job documents are written under the library bucket\'s ota-job-documents/ prefix only.');
  }

  /** Lets the handler write and remove job documents under the library bucket's document prefix. */
  public allowJobDocumentWrites(bucket: s3.IBucket): void {
    if (this.documentBucket) return;
    this.documentBucket = bucket;
    this.handlerRole.addToPolicy(new iam.PolicyStatement({
      sid: 'OtaJobDocuments',
      actions: ['s3:PutObject', 's3:DeleteObject'],
      resources: [bucket.arnForObjects(`${OTA_JOB_DOCUMENT_PREFIX}*`)],
    }));
  }

  /**
   * Lets the handler keep the records of OtaRollout waves (under their own prefix of the library
   * bucket) and find a wave's task by its tags when its record could not name it (ListOtaTasks,
   * which has no resource type).
   */
  public allowWaveRecords(bucket: s3.IBucket): void {
    if (this.recordBucket) return;
    this.recordBucket = bucket;
    for (const statement of waveRecordStatements('OtaRolloutWaveRecords', bucket, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'])) {
      this.handlerRole.addToPolicy(statement);
    }
    this.allowInStackRegion('FindOtaRolloutWaveTasks', ['iotmanagedintegrations:ListOtaTasks']);
  }
}
