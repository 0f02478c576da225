// Handler code only (the FUOTA handler bundles it with these two): nothing the construct library
// exports reaches this file, so the packages are devDependencies, as for the files under handler/.
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsCredentialIdentityProvider, escapeUri, Sha256 } from './signed-http';
import { serviceError, SignedXmlClient, xmlElement } from './signed-xml-client';

/** Options of {@link CloudFormationStackStatus}. */
export interface CloudFormationStackStatusOptions {
  /** The region of the stack; a handler asks about its own stack, in its own region. */
  readonly region: string;
  /** @default defaultProvider() */
  readonly credentials?: AwsCredentialIdentityProvider;
  /**
   * Base URL to send requests to (tests, local stand-ins).
   * @default AWS_ENDPOINT_URL_CLOUDFORMATION, then AWS_ENDPOINT_URL, then https://cloudformation.<region>.amazonaws.com
   */
  readonly endpoint?: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** Error codes of the CloudFormation query API that mean "slow down"; they come with HTTP 400. */
const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'RequestThrottled', 'TooManyRequestsException']);

/**
 * A stack's current status with one signed DescribeStacks request (the query protocol: a form
 * POST answered in XML), so the handler bundle carries no CloudFormation client. Like the other
 * hand-signed clients it does not retry: callers wrap calls in `callService`. Throttling is marked
 * `$retryable`, since CloudFormation reports it with HTTP 400.
 */
export class CloudFormationStackStatus {
  private readonly client: SignedXmlClient;
  private readonly endpoint?: URL;

  constructor(private readonly options: CloudFormationStackStatusOptions) {
    const configured = options.endpoint
      ?? (process.env.AWS_ENDPOINT_URL_CLOUDFORMATION || process.env.AWS_ENDPOINT_URL || undefined);
    this.endpoint = configured ? new URL(configured) : undefined;
    const signer = new SignatureV4({
      service: 'cloudformation',
      region: options.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Sha256,
    });
    this.client = new SignedXmlClient(signer, { timeoutMs: options.timeoutMs, now: options.now, throttlingCodes: THROTTLING_CODES });
  }

  /** The `StackStatus` of the stack named by `stackId` (its ARN or its name), e.g. `UPDATE_ROLLBACK_IN_PROGRESS`. */
  public async status(stackId: string): Promise<string> {
    const body = `Action=DescribeStacks&StackName=${escapeUri(stackId)}&Version=2010-05-15`;
    const region = this.options.region;
    const url = this.endpoint ?? new URL(`https://cloudformation.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`);
    const path = url.pathname || '/';
    const headers: Record<string, string> = {
      'host': url.host,
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
    };
    const answer = await this.client.send(url, { method: 'POST', path, headers, body });
    const status = xmlElement(answer.body, 'StackStatus');
    if (status === undefined) {
      throw serviceError('MalformedResponse', `DescribeStacks answered without a StackStatus for ${stackId}`, answer.statusCode, false);
    }
    return status;
  }
}

/**
 * Whether a stack in `status` is rolling back: `ROLLBACK_IN_PROGRESS` (a failed create),
 * `UPDATE_ROLLBACK_IN_PROGRESS` or `IMPORT_ROLLBACK_IN_PROGRESS`. The rollback's clean-up phase
 * (`UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS`) only deletes, so it does not count.
 */
export function isRollingBack(status: string): boolean {
  return /(^|_)ROLLBACK_IN_PROGRESS$/.test(status);
}
