/**
 * SigV4 checks, written from the published algorithm
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html) rather than with the
 * signer the clients use, so a client configured wrongly (S3 signed with the double-encoded path of
 * other services, a query or header left out of the signature) is caught instead of agreed with.
 * Clock skew is not checked: clients sign with real time, the emulator runs on virtual time.
 */
import { createHash, createHmac } from 'node:crypto';

/** What the Authorization header says. */
export interface SigV4Authorization {
  readonly accessKeyId: string;
  /** `YYYYMMDD` of the credential scope. */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** Parses a SigV4 Authorization header; undefined when it is absent or not well formed. */
export function parseAuthorization(authorization: string | undefined): SigV4Authorization | undefined {
  const match = authorization === undefined ? null : AUTHORIZATION.exec(authorization.trim());
  if (!match) return undefined;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

/** A request as received, before any decoding. */
export interface RawRequest {
  readonly method: string;
  /** The path exactly as sent, percent-encoding intact. */
  readonly path: string;
  /** The query string as sent, without `?`. */
  readonly query: string;
  /** Lower-case names; repeated headers joined with `,` as Node does. */
  readonly headers: { readonly [name: string]: string | string[] | undefined };
  readonly body: Buffer;
}

/**
 * Why the signature is wrong, or undefined when it is right. S3 signs the path as sent; other
 * services sign it normalised and URI-encoded once more.
 */
export function signatureProblem(request: RawRequest, auth: SigV4Authorization, secretAccessKey: string): string | undefined {
  const amzDate = header(request, 'x-amz-date');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) return 'x-amz-date is missing or not in YYYYMMDDTHHMMSSZ form';
  if (!amzDate.startsWith(auth.date)) return `x-amz-date ${amzDate} is not on the credential scope's date ${auth.date}`;
  if (!auth.signedHeaders.includes('host')) return 'the host header must be signed';
  const missing = auth.signedHeaders.filter((name) => request.headers[name] === undefined);
  if (missing.length > 0) return `signed headers missing from the request: ${missing.join(', ')}`;

  const s3 = auth.service === 's3';
  const bodyHash = sha256Hex(request.body);
  const declared = header(request, 'x-amz-content-sha256');
  if (s3 && declared === undefined) return 'S3 requests must carry x-amz-content-sha256';
  if (declared !== undefined && declared !== 'UNSIGNED-PAYLOAD' && declared !== bodyHash) {
    return 'x-amz-content-sha256 does not match the body';
  }
  const canonicalRequest = [
    request.method,
    s3 ? request.path : canonicalPath(request.path),
    canonicalQuery(request.query),
    auth.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(request.headers[name])}\n`).join(''),
    auth.signedHeaders.join(';'),
    declared ?? bodyHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, auth.date);
  for (const part of [auth.region, auth.service, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  return expected === auth.signature ? undefined : 'the request signature does not match the signature the emulator calculated';
}

/** Non-S3 canonical URI: dot segments and empty segments removed, then each segment URI-encoded again. */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEncode).join('/')}${trailing}`;
}

/** Decoded name/value pairs, re-encoded RFC 3986 style and sorted by name, then value. */
function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query.split('&').filter((pair) => pair !== '').map((pair) => {
    const [name, value = ''] = pair.split(/=(.*)/s);
    return [uriEncode(decode(name)), uriEncode(decode(value))];
  });
  pairs.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function canonicalHeaderValue(value: string | string[] | undefined): string {
  const joined = Array.isArray(value) ? value.join(',') : value ?? '';
  return joined.trim().replace(/\s+/g, ' ');
}

/** RFC 3986 unreserved characters stay; everything else is %XX, upper case. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function header(request: RawRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
