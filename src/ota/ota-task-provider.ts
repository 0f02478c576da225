import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { OtaTaskHandlerFunction } from './ota-task-handler-function';
import { OTA_JOB_DOCUMENT_PREFIX } from './ota-task.types';
import {
  buildHandlerProvider,
  PROVIDER_FRAMEWORK_ACKNOWLEDGEMENTS,
  ProviderOptionsRecord,
  TASK_SERVICE_TIMEOUT,
} from '../shared/handler-provider';
import { acknowledgeNagFindings } from '../shared/nag';
import { TaskProviderOptions } from '../shared/task-provider-options';

const PROVIDER_ID = 'CdkIotOtaTasksOtaProvider';

/**
 * The stack's single provider for the Managed Integrations resources (`…OtaTask` and
 * `…OtaTaskConfiguration`): one role, one policy, the same functions however many tasks.
 */
export class OtaTaskProvider extends Construct {
  /** How long CloudFormation waits for one resource. */
  public static readonly SERVICE_TIMEOUT = TASK_SERVICE_TIMEOUT;

  /** The stack's provider, created on first use. */
  public static getOrCreate(scope: Construct, options?: TaskProviderOptions): OtaTaskProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID) as OtaTaskProvider | undefined;
    if (!existing) return new OtaTaskProvider(stack, PROVIDER_ID, scope.node.path, options);
    existing.options.check(scope, options);
    return existing;
  }

  public readonly serviceToken: string;
  private readonly role: iam.Role;
  private documentBucket?: s3.IBucket;

  private readonly options: ProviderOptionsRecord;

  private constructor(scope: Construct, id: string, createdBy: string, options: TaskProviderOptions | undefined) {
    super(scope, id);
    this.options = new ProviderOptionsRecord(this, createdBy, options);
    const { role, serviceToken } = buildHandlerProvider(this, 'IoT Managed Integrations OTA', 'ota',
      (handlerScope, handlerId, props) => new OtaTaskHandlerFunction(handlerScope, handlerId, props), options);
    this.role = role;
    this.serviceToken = serviceToken;

    role.addToPolicy(new iam.PolicyStatement({
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
    // The Service Authorization Reference lists no resource type for CreateOtaTask or for any
    // task-configuration action, so "*" is the only resource that matches; the region condition
    // keeps them to this stack's region.
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'OtaTaskCreateAndConfigurations',
      actions: [
        'iotmanagedintegrations:CreateOtaTask',
        'iotmanagedintegrations:CreateOtaTaskConfiguration',
        'iotmanagedintegrations:GetOtaTaskConfiguration',
        'iotmanagedintegrations:DeleteOtaTaskConfiguration',
      ],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': Aws.REGION } },
    }));

    acknowledgeNagFindings(this, [
      { id: 'AwsSolutions-IAM5', reason: 'OTA task ids are assigned by the service, so task actions are scoped to this account and region\'s ota-task/* ARNs; CreateOtaTask and the task-configuration actions support no resource ARN and are limited by aws:RequestedRegion; job documents are written under the library bucket\'s ota-job-documents/ prefix only.' },
      ...PROVIDER_FRAMEWORK_ACKNOWLEDGEMENTS,
    ]);
  }

  /** Lets the handler write and remove job documents under the library bucket's document prefix. */
  public allowJobDocumentWrites(bucket: s3.IBucket): void {
    if (this.documentBucket) return;
    this.documentBucket = bucket;
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'OtaJobDocuments',
      actions: ['s3:PutObject', 's3:DeleteObject'],
      resources: [bucket.arnForObjects(`${OTA_JOB_DOCUMENT_PREFIX}*`)],
    }));
  }
}
