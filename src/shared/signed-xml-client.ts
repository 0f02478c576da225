// Handler code only, like signed-http.ts. The signer is imported as a type, so neither the
// construct library nor this file's bundle gains a dependency through it.
import type { SignatureV4 } from '@smithy/signature-v4';
import { exchange, HttpAnswer } from './signed-http';

/** One request to a service that answers errors in XML: S3, and CloudFormation's query protocol. */
export interface XmlServiceRequest {
  readonly method: string;
  /** The path as sent, already escaped. */
  readonly path: string;
  /** The headers to sign and send, `host` among them. */
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Options of {@link SignedXmlClient}. */
export interface SignedXmlClientOptions {
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /**
   * Error codes that mean "slow down" although the service sends them with HTTP 400 (the query
   * protocol does), marked `$retryable` so that `isTransient` retries them.
   * @default - none
   */
  readonly throttlingCodes?: ReadonlySet<string>;
}

/**
 * Signs and sends requests to a service that answers errors in XML. Any status but 2xx throws an
 * error shaped as the SDK clients throw theirs (named after the XML `<Code>`, with the `<Message>`
 * and `$metadata.httpStatusCode`), so `callService` and its checks treat both alike. It does not
 * retry: callers wrap calls in `callService`.
 */
export class SignedXmlClient {
  private readonly timeoutMs: number;
  private readonly now: () => Date;
  private readonly throttlingCodes: ReadonlySet<string>;

  constructor(private readonly signer: SignatureV4, options: SignedXmlClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.now = options.now ?? (() => new Date());
    this.throttlingCodes = options.throttlingCodes ?? new Set();
  }

  /** Signs `request` for `url`, sends it and returns the answer when it is a 2xx. */
  public async send(url: URL, request: XmlServiceRequest): Promise<HttpAnswer> {
    const { method, path, headers, body } = request;
    const signed = await this.signer.sign({
      method, protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path, query: {}, headers, body,
    }, { signingDate: this.now() });
    const answer = await exchange(url, { method, path, headers: signed.headers }, body, this.timeoutMs);
    if (answer.statusCode >= 200 && answer.statusCode < 300) return answer;
    // S3 answers <Error><Code>…</Code><Message>…</Message></Error>; the query protocol wraps the
    // same in <ErrorResponse>. Without such a body the status names the error.
    const code = xmlElement(answer.body, 'Code') ?? `HTTP${answer.statusCode}`;
    const message = xmlElement(answer.body, 'Message') ?? `HTTP ${answer.statusCode}`;
    throw serviceError(code, message, answer.statusCode, this.throttlingCodes.has(code));
  }
}

/** The text of the first `<name>` element, entities decoded; undefined when there is none. */
export function xmlElement(xml: string, name: string): string | undefined {
  const text = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  return text === undefined ? undefined : decodeEntities(text);
}

/** An error as the SDK clients throw them: `name` is the service's error code. */
export function serviceError(code: string, message: string, httpStatusCode: number, throttling: boolean): Error {
  const error = new Error(message) as Error & { $metadata: { httpStatusCode: number }; $retryable?: { throttling: boolean } };
  error.name = code;
  error.$metadata = { httpStatusCode };
  if (throttling) error.$retryable = { throttling: true };
  return error;
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
