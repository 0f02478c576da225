// Handler code only (the FUOTA handler bundles it with these two): nothing the construct library
// exports reaches this file, so the packages are devDependencies, as for the files under handler/.
import { escapeUri } from './signed-http';
import { serviceError, SignedXmlClient, xmlElement } from './signed-xml-client';
import { xmlServiceClient, XmlServiceClientOptions } from './xml-service-client';

/**
 * Options of {@link CloudFormationStackStatus}: the stack's region (a handler asks about its own
 * stack, in its own region); `endpoint` else AWS_ENDPOINT_URL_CLOUDFORMATION, then AWS_ENDPOINT_URL,
 * then https://cloudformation.<region>.amazonaws.com.
 */
export type CloudFormationStackStatusOptions = XmlServiceClientOptions;

/** Error codes of the CloudFormation query API that mean "slow down"; they come with HTTP 400. */
const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'RequestThrottled', 'TooManyRequestsException']);

/**
 * A stack's current status (DescribeStacks) and its resources (ListStackResources), each page one
 * signed request of the query protocol (a form POST answered in XML), so the handler bundles carry
 * no CloudFormation client. Like the other
 * hand-signed clients it does not retry: callers wrap calls in `callService`. Throttling is marked
 * `$retryable`, since CloudFormation reports it with HTTP 400.
 */
export class CloudFormationStackStatus {
  private readonly client: SignedXmlClient;
  private readonly endpoint: URL | undefined;

  constructor(private readonly options: CloudFormationStackStatusOptions) {
    ({ client: this.client, endpoint: this.endpoint } = xmlServiceClient('cloudformation', options, THROTTLING_CODES));
  }

  /** The `StackStatus` of the stack named by `stackId` (its ARN or its name), e.g. `UPDATE_ROLLBACK_IN_PROGRESS`. */
  public async status(stackId: string): Promise<string> {
    const answer = await this.query('DescribeStacks', { StackName: stackId });
    const status = xmlElement(answer.body, 'StackStatus');
    if (status === undefined) {
      throw serviceError('MalformedResponse', `DescribeStacks answered without a StackStatus for ${stackId}`, answer.statusCode, false);
    }
    return status;
  }

  /**
   * One page of ListStackResources (at most 100 resources, CloudFormation's fixed page size) and
   * the token of the next page, if any. One page per call, so each page is retried on its own.
   */
  public async resources(stackId: string, nextToken?: string): Promise<StackResourcePage> {
    const answer = await this.query('ListStackResources', { StackName: stackId, ...(nextToken ? { NextToken: nextToken } : {}) });
    const summaries = /<StackResourceSummaries>([\s\S]*?)<\/StackResourceSummaries>/.exec(answer.body)?.[1] ?? '';
    const resources = [...summaries.matchAll(/<member>([\s\S]*?)<\/member>/g)].map(([, member]) => ({
      logicalResourceId: xmlElement(member, 'LogicalResourceId') ?? '',
      physicalResourceId: xmlElement(member, 'PhysicalResourceId'),
      resourceType: xmlElement(member, 'ResourceType') ?? '',
      resourceStatus: xmlElement(member, 'ResourceStatus') ?? '',
    }));
    // The summaries come first, and no member holds a NextToken: the first one is the page's.
    const token = xmlElement(answer.body.slice(answer.body.indexOf('</StackResourceSummaries>') + 1), 'NextToken');
    return { resources, nextToken: token || undefined };
  }

  /** One query-protocol request: a signed form POST, answered in XML. */
  private async query(action: string, fields: Record<string, string>) {
    const form = Object.entries({ Action: action, ...fields, Version: '2010-05-15' });
    const body = form.map(([name, value]) => `${name}=${escapeUri(value)}`).join('&');
    const region = this.options.region;
    const url = this.endpoint ?? new URL(`https://cloudformation.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`);
    const path = url.pathname || '/';
    const headers: Record<string, string> = {
      'host': url.host,
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
    };
    return this.client.send(url, { method: 'POST', path, headers, body });
  }
}

/** One resource of a ListStackResources answer (`StackResourceSummary`), the members the library reads. */
export interface StackResourceSummary {
  readonly logicalResourceId: string;
  /** Absent while a resource is being created and after a failed create without one. */
  readonly physicalResourceId?: string;
  readonly resourceType: string;
  /** e.g. `CREATE_COMPLETE`, `UPDATE_FAILED`. */
  readonly resourceStatus: string;
}

/** One page of ListStackResources. */
export interface StackResourcePage {
  readonly resources: readonly StackResourceSummary[];
  readonly nextToken?: string;
}

/**
 * Whether a stack in `status` is rolling back: `ROLLBACK_IN_PROGRESS` (a failed create),
 * `UPDATE_ROLLBACK_IN_PROGRESS` or `IMPORT_ROLLBACK_IN_PROGRESS`. The rollback's clean-up phase
 * (`UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS`) only deletes, so it does not count.
 */
export function isRollingBack(status: string): boolean {
  return /(^|_)ROLLBACK_IN_PROGRESS$/.test(status);
}
