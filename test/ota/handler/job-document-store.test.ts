// The job-document store against a real loopback HTTP server: the S3 requests on the wire
// (path-style when an endpoint is configured), a SigV4 signature for S3 that an independent signer
// reproduces, the XML error mapping, and the default virtual-hosted address.
import * as crypto from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { JobDocumentStore, JobDocumentStoreOptions } from '../../../src/ota/handler/job-document-store';
import { isNotFound, isTransient } from '../../../src/shared/service-call';
import * as signedHttp from '../../../src/shared/signed-http';
import { LoopbackServer, ReceivedRequest, startXmlService, stopLoopbackServers, XmlAnswer } from '../../support/loopback-server';
import { VerifierSha256 } from '../../support/verifier-sha256';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const REGION = 'eu-west-1';
const SIGNING_DATE = new Date('2030-06-01T12:00:00.000Z');
const BUCKET = 'demo-otajobdocuments1a2b3c-4d5e6f';
const KEY = 'ota-job-documents/5f0e2c0b4b1f0f7d5c9e3a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d.json';
/** Non-ASCII on purpose: content-length counts bytes, not characters. */
const DOCUMENT = JSON.stringify({ firmware: 's3://fw/v2.bin', note: 'mise à jour' });
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const savedEnv = { ...process.env };

afterEach(async () => {
  process.env = { ...savedEnv };
  jest.restoreAllMocks();
  await stopLoopbackServers();
});

/** A loopback S3 that gives each request the next answer (the last repeats), 200 when none is scripted. */
function startS3(...answers: XmlAnswer[]): Promise<LoopbackServer> {
  return startXmlService('application/xml', answers, { status: 200 });
}

function storeFor(endpoint: string | undefined, overrides: Partial<JobDocumentStoreOptions> = {}): JobDocumentStore {
  return new JobDocumentStore({ region: REGION, endpoint, credentials: async () => CREDENTIALS, now: () => SIGNING_DATE, ...overrides });
}

// ---------------------------------------------------------------------------------------------
// An independent check of the signature, from the request as received.


const sha256Hex = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** Recomputes the Authorization header with S3's signing rules: the path signed as sent, the payload hash signed. */
type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
async function recomputedAuthorization(received: ReceivedRequest, credentials: Credentials = CREDENTIALS) {
  const names = /SignedHeaders=([^,]+)/.exec(received.headers.authorization ?? '')?.[1].split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of names) if (name !== 'x-amz-content-sha256') headers[name] = String(received.headers[name]);
  const verifier = new SignatureV4({
    service: 's3', region: REGION, credentials, sha256: VerifierSha256, uriEscapePath: false, applyChecksum: true,
  });
  const signed = await verifier.sign({
    method: received.method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    path: received.url,
    query: {},
    headers,
    body: received.body === '' ? undefined : received.body,
  }, { signingDate: SIGNING_DATE });
  return signed.headers.authorization;
}

// ---------------------------------------------------------------------------------------------

describe('PutObject', () => {
  test('sends PUT /<bucket>/<key> path-style with the document as the body', async () => {
    const s3 = await startS3();

    await storeFor(s3.endpoint).put(BUCKET, KEY, DOCUMENT);

    expect(s3.requests).toHaveLength(1);
    expect(s3.requests[0]).toMatchObject({ method: 'PUT', url: `/${BUCKET}/${KEY}`, body: DOCUMENT });
  });

  test('sends host, content type, byte length, payload hash and date headers', async () => {
    const s3 = await startS3();

    await storeFor(s3.endpoint).put(BUCKET, KEY, DOCUMENT);

    expect(s3.requests[0].headers).toMatchObject({
      'host': s3.host,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(DOCUMENT)),
      'x-amz-content-sha256': sha256Hex(DOCUMENT),
      'x-amz-date': '20300601T120000Z',
    });
    expect(Buffer.byteLength(DOCUMENT)).toBeGreaterThan(DOCUMENT.length);
  });

  test('is signed with SigV4 for the s3 service, over the payload hash, reproducibly', async () => {
    const s3 = await startS3();

    await storeFor(s3.endpoint).put(BUCKET, KEY, DOCUMENT);

    const authorization = String(s3.requests[0].headers.authorization);
    expect(authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20300601\/eu-west-1\/s3\/aws4_request, SignedHeaders=/);
    expect(authorization).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256/);
    expect(authorization).toMatch(/SignedHeaders=[^,]*content-type/);
    expect(authorization).toBe(await recomputedAuthorization(s3.requests[0]));
  });

  test('a key that needs escaping is sent escaped once and signed as sent, as S3 requires', async () => {
    const s3 = await startS3();

    await storeFor(s3.endpoint).put(BUCKET, 'ota-job-documents/a b+c(1).json', DOCUMENT);

    expect(s3.requests[0].url).toBe(`/${BUCKET}/ota-job-documents/a%20b%2Bc%281%29.json`);
    expect(s3.requests[0].headers.authorization).toBe(await recomputedAuthorization(s3.requests[0]));
  });

  test('a session token is sent and signed', async () => {
    const s3 = await startS3();
    const credentials = { ...CREDENTIALS, sessionToken: 'session-token' };

    await storeFor(s3.endpoint, { credentials: async () => credentials }).put(BUCKET, KEY, DOCUMENT);

    expect(s3.requests[0].headers['x-amz-security-token']).toBe('session-token');
    expect(s3.requests[0].headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
    expect(s3.requests[0].headers.authorization).toBe(await recomputedAuthorization(s3.requests[0], credentials));
  });

  test('an endpoint with a base path keeps it in front of the bucket', async () => {
    const s3 = await startS3();

    await storeFor(`${s3.endpoint}/s3-proxy/`).put(BUCKET, KEY, DOCUMENT);

    expect(s3.requests[0].url).toBe(`/s3-proxy/${BUCKET}/${KEY}`);
    expect(s3.requests[0].headers.authorization).toBe(await recomputedAuthorization(s3.requests[0]));
  });
});

describe('DeleteObject', () => {
  test('sends DELETE /<bucket>/<key> without a body, signed over the empty payload', async () => {
    const s3 = await startS3({ status: 204 });

    await expect(storeFor(s3.endpoint).delete(BUCKET, KEY)).resolves.toBeUndefined();

    expect(s3.requests).toHaveLength(1);
    expect(s3.requests[0]).toMatchObject({ method: 'DELETE', url: `/${BUCKET}/${KEY}`, body: '' });
    expect(s3.requests[0].headers['x-amz-content-sha256']).toBe(EMPTY_SHA256);
    expect(s3.requests[0].headers).not.toHaveProperty('content-type');
    expect(s3.requests[0].headers.authorization).toBe(await recomputedAuthorization(s3.requests[0]));
  });
});

describe('S3 errors', () => {
  const xmlError = (code: string, message: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`;

  test('403 AccessDenied becomes an error named AccessDenied with the status', async () => {
    const s3 = await startS3({ status: 403, body: xmlError('AccessDenied', 'Access Denied') });

    const error = await storeFor(s3.endpoint).put(BUCKET, KEY, DOCUMENT).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'AccessDenied', message: 'Access Denied', $metadata: { httpStatusCode: 403 } });
    expect(isTransient(error)).toBe(false);
  });

  test('503 SlowDown is transient', async () => {
    const s3 = await startS3({ status: 503, body: xmlError('SlowDown', 'Please reduce your request rate.') });

    const error = await storeFor(s3.endpoint).put(BUCKET, KEY, DOCUMENT).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    expect(isTransient(error)).toBe(true);
  });

  test('404 NoSuchBucket on delete is recognised as not found', async () => {
    const s3 = await startS3({ status: 404, body: xmlError('NoSuchBucket', 'The specified bucket does not exist') });

    const error = await storeFor(s3.endpoint).delete(BUCKET, KEY).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'NoSuchBucket', message: 'The specified bucket does not exist' });
    expect(isNotFound(error)).toBe(true);
  });

  test('a message with XML entities reaches the user decoded', async () => {
    const s3 = await startS3({ status: 400, body: xmlError('InvalidArgument', 'Header &apos;x-amz-acl&apos; &amp; bucket policy disagree') });

    await expect(storeFor(s3.endpoint).put(BUCKET, KEY, DOCUMENT))
      .rejects.toMatchObject({ name: 'InvalidArgument', message: 'Header \'x-amz-acl\' & bucket policy disagree' });
  });

  test('an error without an XML body is named after its status', async () => {
    const s3 = await startS3({ status: 500 });

    await expect(storeFor(s3.endpoint).delete(BUCKET, KEY))
      .rejects.toMatchObject({ name: 'HTTP500', message: 'HTTP 500', $metadata: { httpStatusCode: 500 } });
  });
});

describe('where requests go', () => {
  function captureExchange() {
    return jest.spyOn(signedHttp, 'exchange').mockResolvedValue({ statusCode: 200, headers: {}, body: '' });
  }

  test('without an endpoint: the virtual-hosted https://<bucket>.s3.<region>.amazonaws.com/<key>', async () => {
    delete process.env.AWS_ENDPOINT_URL_S3;
    delete process.env.AWS_ENDPOINT_URL;
    const exchange = captureExchange();

    await storeFor(undefined).put(BUCKET, KEY, DOCUMENT);

    expect(exchange).toHaveBeenCalledTimes(1);
    const [url, request, body] = exchange.mock.calls[0];
    expect(url.href).toBe(`https://${BUCKET}.s3.${REGION}.amazonaws.com/`);
    expect(request.method).toBe('PUT');
    expect(request.path).toBe(`/${KEY}`);
    expect(request.headers.host).toBe(`${BUCKET}.s3.${REGION}.amazonaws.com`);
    expect(body).toBe(DOCUMENT);
  });

  test('AWS_ENDPOINT_URL_S3 makes requests path-style to that endpoint', async () => {
    const s3 = await startS3();
    process.env.AWS_ENDPOINT_URL_S3 = s3.endpoint;
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';

    await storeFor(undefined).put(BUCKET, KEY, DOCUMENT);

    expect(s3.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`PUT /${BUCKET}/${KEY}`]);
  });

  test('AWS_ENDPOINT_URL applies when AWS_ENDPOINT_URL_S3 is empty', async () => {
    const s3 = await startS3();
    process.env.AWS_ENDPOINT_URL_S3 = '';
    process.env.AWS_ENDPOINT_URL = s3.endpoint;

    await storeFor(undefined).delete(BUCKET, KEY);

    expect(s3.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`DELETE /${BUCKET}/${KEY}`]);
  });

  test('the endpoint option wins over the environment', async () => {
    const s3 = await startS3();
    process.env.AWS_ENDPOINT_URL_S3 = 'http://127.0.0.1:9';

    await storeFor(s3.endpoint).put(BUCKET, KEY, DOCUMENT);

    expect(s3.requests).toHaveLength(1);
  });
});
