// Hand-signed calls to the emulator for operations no client in the repository sends yet: EventBridge
// (awsJson1_1), the replay's CloudFormation query API (form-encoded, XML answers), and Managed
// Integrations' ListOtaTaskExecutions (the library's ManagedIntegrationsClient has no method for it).
import * as http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { EMULATOR_CREDENTIALS } from '../../../src/emulator/server';
import { VerifierSha256 } from '../../support/verifier-sha256';

export interface SignedAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface SignedCall {
  readonly endpoint: string;
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly region?: string;
}

export async function signedCall(call: SignedCall): Promise<SignedAnswer> {
  const url = new URL(call.endpoint);
  const signer = new SignatureV4({ service: call.service, region: call.region ?? 'eu-west-1', credentials: EMULATOR_CREDENTIALS, sha256: VerifierSha256 });
  const headers: Record<string, string> = { host: url.host, ...call.headers };
  if (call.body !== undefined) headers['content-length'] = String(Buffer.byteLength(call.body));
  const signed = await signer.sign({
    method: call.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: call.path, query: call.query ?? {}, headers, body: call.body,
  });
  const query = Object.entries(call.query ?? {}).map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: url.hostname, port: url.port, method: call.method, path: `${call.path}${query ? `?${query}` : ''}`, headers: signed.headers,
    }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end(call.body);
  });
}

/** One EventBridge call: `AWSEvents.<operation>` with a JSON body. */
export async function eventsCall(endpoint: string, operation: string, input: object): Promise<{ status: number; json: any }> {
  const answer = await signedCall({
    endpoint,
    service: 'events',
    method: 'POST',
    path: '/',
    body: JSON.stringify(input),
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${operation}` },
  });
  return { status: answer.status, json: answer.body === '' ? {} : JSON.parse(answer.body) };
}

/** One CloudFormation query-API call. */
export async function cloudFormationCall(endpoint: string, action: string, parameters: Record<string, string>): Promise<SignedAnswer> {
  const body = new URLSearchParams({ Action: action, Version: '2010-05-15', ...parameters }).toString();
  return signedCall({ endpoint, service: 'cloudformation', method: 'POST', path: '/', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

/** The text of every `<tag>…</tag>` in `xml`, in order. */
export function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((match) => match[1]);
}
