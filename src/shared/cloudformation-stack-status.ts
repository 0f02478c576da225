// Handler code only (the FUOTA handler bundles it with these two): nothing the construct library
// exports reaches this file, so the packages are devDependencies, as for the files under handler/.
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsCredentialIdentityProvider, escapeUri, exchange, Sha256 } from './signed-http';

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
  private readonly signer: SignatureV4;
  private readonly endpoint?: URL;
  private readonly timeoutMs: number;
  private readonly now: () => Date;

  constructor(private readonly options: CloudFormationStackStatusOptions) {
    const configured = options.endpoint
      ?? (process.env.AWS_ENDPOINT_URL_CLOUDFORMATION || process.env.AWS_ENDPOINT_URL || undefined);
    this.endpoint = configured ? new URL(configured) : undefined;
    this.signer = new SignatureV4({
      service: 'cloudformation',
      region: options.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Sha256,
    });
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.now = options.now ?? (() => new Date());
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
    const signed = await this.signer.sign({
      method: 'POST', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path, query: {}, headers, body,
    }, { signingDate: this.now() });
    const answer = await exchange(url, { method: 'POST', path, headers: signed.headers }, body, this.timeoutMs);
    if (answer.statusCode < 200 || answer.statusCode >= 300) {
      // <ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>…</ErrorResponse>
      const code = xmlElement(answer.body, 'Code') ?? `HTTP${answer.statusCode}`;
      const message = xmlElement(answer.body, 'Message') ?? `HTTP ${answer.statusCode}`;
      throw serviceError(code, message, answer.statusCode, THROTTLING_CODES.has(code));
    }
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

/** The text of the first `<name>` element, entities decoded; undefined when there is none. */
function xmlElement(xml: string, name: string): string | undefined {
  const text = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  return text === undefined ? undefined : decodeEntities(text);
}

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (entity, name: string) => {
    switch (name) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'quot': return '"';
      case 'apos': return '\'';
      case 'amp': return '&';
      default: {
        const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      }
    }
  });
}

function serviceError(code: string, message: string, httpStatusCode: number, throttling: boolean): Error {
  const error = new Error(message) as Error & { $metadata: { httpStatusCode: number }; $retryable?: { throttling: boolean } };
  error.name = code;
  error.$metadata = { httpStatusCode };
  if (throttling) error.$retryable = { throttling: true };
  return error;
}
