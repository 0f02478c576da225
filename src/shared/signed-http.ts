/**
 * The HTTP pieces shared by the handler's hand-signed clients (Managed Integrations and the job
 * document store): one bounded exchange over node:http(s), RFC 3986 escaping as SigV4 canonicalises
 * it, and SHA-256 for the signer, so the bundle needs neither an SDK client nor @smithy/hash-node.
 */
import { createHash, createHmac, Hash, Hmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';


/** AWS credentials, as `@smithy/types` defines `AwsCredentialIdentity`. */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** A source of credentials; `defaultProvider()` from `@aws-sdk/credential-provider-node` is one. */
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/** A complete HTTP answer. */
export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** RFC 3986 escaping, as the SigV4 signer canonicalises: encodeURIComponent leaves `!'()*` alone. */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * One HTTP exchange. The timer covers the whole exchange, not just idle time, so a server that
 * trickles bytes cannot hold the Lambda past its deadline; on expiry the socket is destroyed and
 * the call fails with a `TimeoutError`, which `isTransient` treats as worth retrying.
 */
export function exchange(
  url: URL,
  request: { method: string; path: string; headers: http.OutgoingHttpHeaders },
  body: string | undefined,
  timeoutMs: number,
): Promise<HttpAnswer> {
  // Node's default agents keep connections alive (Node >= 19), so warm Lambda invocations reuse them.
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const outgoing = transport.request({
      protocol: url.protocol,
      // URL keeps the brackets of an IPv6 literal; node:http wants the bare address.
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || undefined,
      method: request.method,
      path: request.path,
      headers: request.headers,
    }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', fail);
      incoming.on('end', () => {
        clearTimeout(timer);
        resolve({ statusCode: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => {
      const error = new Error(`${request.method} ${url.host} got no complete answer within ${timeoutMs} ms`);
      error.name = 'TimeoutError';
      fail(error);
      outgoing.destroy(error);
    }, timeoutMs);
    function fail(error: Error) {
      clearTimeout(timer);
      reject(error);
    }
    outgoing.on('error', fail);
    outgoing.end(body);
  });
}

/** What the signer hands to a hash: `SourceData` in `@smithy/types`. */
export type SourceData = string | ArrayBuffer | ArrayBufferView;

/**
 * SHA-256 and HMAC-SHA-256 over node:crypto, in the shape SignatureV4 expects (`@smithy/types`
 * `Hash`): a secret makes it an HMAC. Written here so the bundle needs no `@smithy/hash-node`.
 */
export class Sha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }

  public update(data: SourceData): void {
    this.hash.update(toBuffer(data));
  }

  public digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}
