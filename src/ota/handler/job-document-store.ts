import { escapeUri } from '../../shared/signed-http';
import { SignedXmlClient } from '../../shared/signed-xml-client';
import { xmlServiceClient, XmlServiceClientOptions } from '../../shared/xml-service-client';

/**
 * Options of {@link JobDocumentStore}: the bucket's region (the library's bucket is in the stack's);
 * an `endpoint` sends path-style requests (tests), else AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL,
 * then the bucket's virtual-hosted endpoint.
 */
export type JobDocumentStoreOptions = XmlServiceClientOptions;

/**
 * Writes, reads and removes the library's objects in its bucket (OTA job documents, OTA rollout
 * wave records) with signed S3 requests (PutObject, GetObject, DeleteObject), so the bundles
 * carry no S3 client. The bucket's default
 * encryption (SSE-S3) applies. Like the Managed Integrations client it does not retry: callers
 * wrap calls in `callService`.
 */
export class JobDocumentStore {
  private readonly client: SignedXmlClient;
  private readonly endpoint: URL | undefined;

  constructor(private readonly options: JobDocumentStoreOptions) {
    ({ client: this.client, endpoint: this.endpoint } = xmlServiceClient('s3', options));
  }

  /** PutObject of a JSON document. Writing the same key twice is harmless (a retry). */
  public async put(bucket: string, key: string, content: string): Promise<void> {
    await this.send('PUT', bucket, key, content);
  }

  /** GetObject of a text object; undefined when there is no such key. */
  public async get(bucket: string, key: string): Promise<string | undefined> {
    try {
      return (await this.send('GET', bucket, key, undefined)).body;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  /** DeleteObject; S3 answers 204 whether or not the key existed. */
  public async delete(bucket: string, key: string): Promise<void> {
    await this.send('DELETE', bucket, key, undefined);
  }

  private async send(method: 'PUT' | 'GET' | 'DELETE', bucket: string, key: string, body: string | undefined) {
    const url = this.endpoint ?? new URL(`https://${bucket}.s3.${this.options.region}.amazonaws.com`);
    const objectPath = `/${key.split('/').map(escapeUri).join('/')}`;
    // A configured endpoint (a local S3 stand-in) is addressed path-style; AWS virtual-hosted.
    const path = this.endpoint ? `${url.pathname.replace(/\/+$/, '')}/${escapeUri(bucket)}${objectPath}` : objectPath;
    const headers: Record<string, string> = { host: url.host };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return this.client.send(url, { method, path, headers, body });
  }
}
