/**
 * The replay's CloudFormation stand-in: the query API (form-encoded POST, `Action=...`, XML
 * answers) on a loopback port of its own, which handlers and the campaign monitor reach through
 * AWS_ENDPOINT_URL_CLOUDFORMATION. It serves
 * - DescribeStacks: the replayed stack's current status (the handlers ask it before refusing a
 *   change a rollback must not be refused);
 * - ListStackResources: the replayed stack's resources (the monitor finds its tasks with it).
 *
 * There is no CloudFormation model in ../shared/aws-models, so the few parameters are checked by
 * hand, from the CloudFormation API reference: StackName required, 1 to 128 characters of
 * `[a-zA-Z][-a-zA-Z0-9]*` or a stack ARN; NextToken 1 to 1024 characters and one this stand-in
 * issued for the same stack. Other parameters are ignored (Version, and the SDK sends no others).
 * Assumptions: a page holds `pageSize` summaries (default 100, CloudFormation's page size as we
 * understand it, UNCONFIRMED); a stack that does not exist (never created, or deleted) is
 * `ValidationError: Stack with id <name> does not exist` for both actions; a deleted stack is found
 * by its stack id only (DELETE_COMPLETE, no resources listed).
 * Signatures are checked for form (scope `…/<region>/cloudformation/aws4_request`), not verified.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export interface StackResourceSummary {
  readonly logicalId: string;
  readonly physicalId: string;
  readonly type: string;
  readonly status: string;
  /** Virtual epoch ms. */
  readonly lastUpdated: number;
}

/** What the stand-in reads of the replay, at each request. */
export interface ReplayedStack {
  readonly stackName: string;
  readonly stackId: string;
  /** `DOES_NOT_EXIST` before the first deploy. */
  readonly stackStatus: string;
  resourceSummaries(): readonly StackResourceSummary[];
}

const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const STACK_NAME = /^([a-zA-Z][-a-zA-Z0-9]*|arn:aws[\w-]*:cloudformation:[a-z0-9-]+:\d{12}:stack\/[a-zA-Z][-a-zA-Z0-9]*\/[-a-zA-Z0-9]+)$/;

export class CloudFormationStandIn {
  public static async start(stack: ReplayedStack, options: { pageSize?: number } = {}): Promise<CloudFormationStandIn> {
    const standIn = new CloudFormationStandIn(stack, options.pageSize ?? 100);
    await new Promise<void>((resolve) => standIn.server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  /** The stack status each DescribeStacks call got. */
  public readonly describeStacksCalls: string[] = [];
  /** The NextToken (or '' for the first page) of each ListStackResources call that was answered. */
  public readonly listStackResourcesCalls: string[] = [];
  private readonly server = http.createServer((req, res) => this.receive(req, res));
  private requests = 0;

  private constructor(private readonly stack: ReplayedStack, private readonly pageSize: number) {
    if (!(Number.isInteger(pageSize) && pageSize >= 1)) throw new Error(`CloudFormation pageSize must be a positive integer, got ${pageSize}`);
  }

  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const requestId = `replay-cfn-${String(++this.requests).padStart(8, '0')}`;
      const form = new URLSearchParams(body);
      const answer = (status: number, xml: string) => res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }).end(xml);
      const refuse = (code: string, message: string, status = 400) => answer(status,
        `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escape(message)}</Message></Error>` +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`);
      const action = form.get('Action');
      if (!/AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[^/]+\/cloudformation\/aws4_request/.test(String(req.headers.authorization))) {
        refuse('MissingAuthenticationToken', 'Request is missing a SigV4 Authorization header scoped to cloudformation', 403);
        return;
      }
      if (action !== 'DescribeStacks' && action !== 'ListStackResources') {
        refuse('InvalidAction', `The replay answers DescribeStacks and ListStackResources, not ${action}`);
        return;
      }
      const name = form.get('StackName');
      if (name === null || name === '') {
        refuse('ValidationError', '1 validation error detected: Value null at \'stackName\' failed to satisfy constraint: Member must not be null');
        return;
      }
      if ((name.length > 128 && !name.startsWith('arn:')) || !STACK_NAME.test(name)) {
        refuse('ValidationError', `1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*`);
        return;
      }
      // A deleted stack is still found by its id, as in CloudFormation, not by its name.
      const gone = this.stack.stackStatus === 'DOES_NOT_EXIST' || (this.stack.stackStatus === 'DELETE_COMPLETE' && name !== this.stack.stackId);
      if ((name !== this.stack.stackId && name !== this.stack.stackName) || gone) {
        refuse('ValidationError', `Stack with id ${name} does not exist`);
        return;
      }
      if (action === 'DescribeStacks') {
        this.describeStacksCalls.push(this.stack.stackStatus);
        answer(200, `<DescribeStacksResponse xmlns="${NAMESPACE}"><DescribeStacksResult><Stacks><member><StackId>${this.stack.stackId}</StackId>` +
          `<StackName>${this.stack.stackName}</StackName><StackStatus>${this.stack.stackStatus}</StackStatus></member></Stacks></DescribeStacksResult>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></DescribeStacksResponse>`);
        return;
      }
      const token = form.get('NextToken');
      const offset = token === null ? 0 : this.offset(token);
      if (offset === undefined) {
        refuse('ValidationError', `Invalid NextToken ${token}`);
        return;
      }
      this.listStackResourcesCalls.push(token ?? '');
      const summaries = this.stack.resourceSummaries();
      const end = offset + this.pageSize;
      const next = end < summaries.length ? Buffer.from(`${this.stack.stackId}@${end}`).toString('base64') : undefined;
      const members = summaries.slice(offset, end).map((resource) => '<member>' +
        `<LogicalResourceId>${escape(resource.logicalId)}</LogicalResourceId><PhysicalResourceId>${escape(resource.physicalId)}</PhysicalResourceId>` +
        `<ResourceType>${escape(resource.type)}</ResourceType><LastUpdatedTimestamp>${new Date(resource.lastUpdated).toISOString()}</LastUpdatedTimestamp>` +
        `<ResourceStatus>${resource.status}</ResourceStatus><DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation>` +
        '</member>').join('');
      answer(200, `<ListStackResourcesResponse xmlns="${NAMESPACE}"><ListStackResourcesResult><StackResourceSummaries>${members}</StackResourceSummaries>` +
        `${next ? `<NextToken>${next}</NextToken>` : ''}</ListStackResourcesResult>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></ListStackResourcesResponse>`);
    });
  }

  /** The offset a token this stand-in issued for this stack stands for. */
  private offset(token: string): number | undefined {
    if (token.length < 1 || token.length > 1024) return undefined;
    const decoded = /^(.*)@(\d+)$/s.exec(Buffer.from(token, 'base64').toString('utf8'));
    return decoded && decoded[1] === this.stack.stackId ? Number(decoded[2]) : undefined;
  }
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
