// The DescribeStacks client against a real loopback HTTP server: the query-protocol request on the
// wire, a SigV4 signature for CloudFormation that an independent signer reproduces, the XML answer
// and error mapping, and the default regional endpoint.
import * as crypto from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { CloudFormationStackStatus, CloudFormationStackStatusOptions, isRollingBack } from '../../src/shared/cloudformation-stack-status';
import { callService, isNotFound, isTransient } from '../../src/shared/service-call';
import * as signedHttp from '../../src/shared/signed-http';
import { LoopbackServer, ReceivedRequest, startLoopbackServer, startXmlService, stopLoopbackServers, XmlAnswer } from '../support/loopback-server';
import { VerifierSha256 } from '../support/verifier-sha256';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const REGION = 'eu-west-1';
const SIGNING_DATE = new Date('2030-06-01T12:00:00.000Z');
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Demo-Stack/6f1b2c90-0000-11ef-8000-0a1b2c3d4e5f';
const FORM = 'Action=DescribeStacks&StackName=arn%3Aaws%3Acloudformation%3Aeu-west-1%3A123456789012%3Astack%2FDemo-Stack%2F6f1b2c90-0000-11ef-8000-0a1b2c3d4e5f&Version=2010-05-15';

const savedEnv = { ...process.env };

afterEach(async () => {
  process.env = { ...savedEnv };
  jest.restoreAllMocks();
  await stopLoopbackServers();
});

/** A loopback CloudFormation that gives each request the next answer (the last repeats). */
function startCloudFormation(...answers: XmlAnswer[]): Promise<LoopbackServer> {
  return startXmlService('text/xml', answers, { status: 200, body: describeStacksXml('UPDATE_IN_PROGRESS') });
}

function clientFor(endpoint: string | undefined, overrides: Partial<CloudFormationStackStatusOptions> = {}): CloudFormationStackStatus {
  return new CloudFormationStackStatus({ region: REGION, endpoint, credentials: async () => CREDENTIALS, now: () => SIGNING_DATE, ...overrides });
}

/** DescribeStacks as CloudFormation answers it (abridged, but with the outputs and parameters that hold other elements). */
function describeStacksXml(status: string): string {
  return `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <DescribeStacksResult>
    <Stacks>
      <member>
        <StackName>Demo-Stack</StackName>
        <StackId>${STACK_ID}</StackId>
        <Parameters>
          <member><ParameterKey>BootstrapVersion</ParameterKey><ParameterValue>/cdk-bootstrap/hnb659fds/version</ParameterValue></member>
        </Parameters>
        <CreationTime>2030-05-01T10:00:00.000Z</CreationTime>
        <StackStatus>${status}</StackStatus>
        <StackStatusReason>Resource creation cancelled</StackStatusReason>
        <DisableRollback>false</DisableRollback>
      </member>
    </Stacks>
  </DescribeStacksResult>
  <ResponseMetadata><RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId></ResponseMetadata>
</DescribeStacksResponse>`;
}

function errorXml(code: string, message: string, type = 'Sender'): string {
  return `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error>
  <RequestId>4442587f-b7d0-a2f9-example</RequestId>
</ErrorResponse>`;
}

// ---------------------------------------------------------------------------------------------
// An independent check of the signature, from the request as received.


type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** Recomputes the Authorization header with CloudFormation's signing rules from what the server received. */
async function recomputedAuthorization(received: ReceivedRequest, credentials: Credentials = CREDENTIALS) {
  const names = /SignedHeaders=([^,]+)/.exec(received.headers.authorization ?? '')?.[1].split(';') ?? [];
  const headers: Record<string, string> = {};
  // The payload hash is recomputed from the body received, not taken from the header.
  for (const name of names) if (name !== 'x-amz-content-sha256') headers[name] = String(received.headers[name]);
  const verifier = new SignatureV4({ service: 'cloudformation', region: REGION, credentials, sha256: VerifierSha256 });
  const signed = await verifier.sign({
    method: received.method, protocol: 'http:', hostname: '127.0.0.1', path: received.url, query: {}, headers, body: received.body,
  }, { signingDate: SIGNING_DATE });
  return signed.headers.authorization;
}

// ---------------------------------------------------------------------------------------------

describe('DescribeStacks request', () => {
  test('is a form POST to / with the action, the stack id escaped, and the API version', async () => {
    const cfn = await startCloudFormation();

    await clientFor(cfn.endpoint).status(STACK_ID);

    expect(cfn.requests).toHaveLength(1);
    expect(cfn.requests[0]).toMatchObject({ method: 'POST', url: '/', body: FORM });
    expect(new URLSearchParams(cfn.requests[0].body).get('StackName')).toBe(STACK_ID);
  });

  test('sends host, form content type, byte length and date headers', async () => {
    const cfn = await startCloudFormation();

    await clientFor(cfn.endpoint).status(STACK_ID);

    expect(cfn.requests[0].headers).toMatchObject({
      'host': cfn.host,
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'content-length': String(Buffer.byteLength(FORM)),
      'x-amz-date': '20300601T120000Z',
    });
  });

  test('is signed with SigV4 for the cloudformation service, reproducibly', async () => {
    const cfn = await startCloudFormation();

    await clientFor(cfn.endpoint).status(STACK_ID);

    const authorization = String(cfn.requests[0].headers.authorization);
    expect(authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20300601\/eu-west-1\/cloudformation\/aws4_request, SignedHeaders=/);
    expect(authorization).toMatch(/SignedHeaders=[^,]*content-type/);
    expect(authorization).toMatch(/SignedHeaders=[^,]*host/);
    expect(cfn.requests[0].headers['x-amz-content-sha256']).toBe(crypto.createHash('sha256').update(FORM).digest('hex'));
    expect(authorization).toBe(await recomputedAuthorization(cfn.requests[0]));
  });

  test('a changed body does not verify, so the body is part of the signature', async () => {
    const cfn = await startCloudFormation();

    await clientFor(cfn.endpoint).status(STACK_ID);

    const tampered = { ...cfn.requests[0], body: FORM.replace('Demo-Stack', 'Other-Stak') };
    expect(cfn.requests[0].headers.authorization).not.toBe(await recomputedAuthorization(tampered));
  });

  test('a session token is sent and signed', async () => {
    const cfn = await startCloudFormation();
    const credentials = { ...CREDENTIALS, sessionToken: 'session-token' };

    await clientFor(cfn.endpoint, { credentials: async () => credentials }).status(STACK_ID);

    expect(cfn.requests[0].headers['x-amz-security-token']).toBe('session-token');
    expect(cfn.requests[0].headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
    expect(cfn.requests[0].headers.authorization).toBe(await recomputedAuthorization(cfn.requests[0], credentials));
  });

  test('a stack name with characters to escape is escaped as RFC 3986 and signed as sent', async () => {
    const cfn = await startCloudFormation();

    await clientFor(cfn.endpoint).status('My Stack (1)*');

    expect(cfn.requests[0].body).toBe('Action=DescribeStacks&StackName=My%20Stack%20%281%29%2A&Version=2010-05-15');
    expect(cfn.requests[0].headers.authorization).toBe(await recomputedAuthorization(cfn.requests[0]));
  });
});

describe('DescribeStacks answer', () => {
  test.each(['UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS'])('reads StackStatus %s', async (status) => {
    const cfn = await startCloudFormation({ status: 200, body: describeStacksXml(status) });

    await expect(clientFor(cfn.endpoint).status(STACK_ID)).resolves.toBe(status);
  });

  test('an answer without a StackStatus fails instead of guessing', async () => {
    const cfn = await startCloudFormation({ status: 200, body: '<DescribeStacksResponse><DescribeStacksResult><Stacks/></DescribeStacksResult></DescribeStacksResponse>' });

    const error = await clientFor(cfn.endpoint).status(STACK_ID).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'MalformedResponse', message: `DescribeStacks answered without a StackStatus for ${STACK_ID}` });
    expect(isTransient(error)).toBe(false);
  });
});

describe('DescribeStacks errors', () => {
  test('403 AccessDenied becomes an error named after the code, with the message and status', async () => {
    const cfn = await startCloudFormation({
      status: 403,
      body: errorXml('AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/h/f is not authorized to perform: cloudformation:DescribeStacks'),
    });

    const error = await clientFor(cfn.endpoint).status(STACK_ID).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'AccessDenied',
      message: 'User: arn:aws:sts::123456789012:assumed-role/h/f is not authorized to perform: cloudformation:DescribeStacks',
      $metadata: { httpStatusCode: 403 },
    });
    expect(isTransient(error)).toBe(false);
  });

  test('a ValidationError for a stack that does not exist keeps its message, entities decoded', async () => {
    const cfn = await startCloudFormation({ status: 400, body: errorXml('ValidationError', 'Stack with id &quot;Demo&quot; &amp; co does not exist') });

    await expect(clientFor(cfn.endpoint).status('Demo')).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id "Demo" & co does not exist',
      $metadata: { httpStatusCode: 400 },
    });
  });

  test('Throttling, which CloudFormation answers with 400, is transient', async () => {
    const cfn = await startCloudFormation({ status: 400, body: errorXml('Throttling', 'Rate exceeded') });

    const error = await clientFor(cfn.endpoint).status(STACK_ID).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'Throttling', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    expect(isTransient(error)).toBe(true);
    expect(isNotFound(error)).toBe(false);
  });

  test('callService retries the throttled request and gets the status', async () => {
    const cfn = await startCloudFormation({ status: 400, body: errorXml('Throttling', 'Rate exceeded') }, { status: 200, body: describeStacksXml('UPDATE_ROLLBACK_IN_PROGRESS') });
    const client = clientFor(cfn.endpoint);

    const status = await callService('DescribeStacks', () => client.status(STACK_ID), { deadline: Date.now() + 60_000, now: Date.now, sleep: async () => {} });

    expect(status).toBe('UPDATE_ROLLBACK_IN_PROGRESS');
    expect(cfn.requests).toHaveLength(2);
  });

  test('a 500 without an XML body is named after its status and is transient', async () => {
    const cfn = await startCloudFormation({ status: 500 });

    const error = await clientFor(cfn.endpoint).status(STACK_ID).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'HTTP500', message: 'HTTP 500', $metadata: { httpStatusCode: 500 } });
    expect(isTransient(error)).toBe(true);
  });

  test('a server that does not answer in time fails with a transient TimeoutError', async () => {
    const server = await startLoopbackServer(() => { /* never answers */ });

    const error = await clientFor(server.endpoint, { timeoutMs: 100 }).status(STACK_ID).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(isTransient(error)).toBe(true);
  });
});

describe('where requests go', () => {
  function captureExchange() {
    return jest.spyOn(signedHttp, 'exchange').mockResolvedValue({ statusCode: 200, headers: {}, body: describeStacksXml('UPDATE_COMPLETE') });
  }

  test('without an endpoint: POST https://cloudformation.<region>.amazonaws.com/', async () => {
    delete process.env.AWS_ENDPOINT_URL_CLOUDFORMATION;
    delete process.env.AWS_ENDPOINT_URL;
    const exchange = captureExchange();

    await expect(clientFor(undefined).status(STACK_ID)).resolves.toBe('UPDATE_COMPLETE');

    expect(exchange).toHaveBeenCalledTimes(1);
    const [url, request, body] = exchange.mock.calls[0];
    expect(url.href).toBe('https://cloudformation.eu-west-1.amazonaws.com/');
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/');
    expect(request.headers.host).toBe('cloudformation.eu-west-1.amazonaws.com');
    expect(request.headers.authorization).toMatch(/\/eu-west-1\/cloudformation\/aws4_request/);
    expect(body).toBe(FORM);
  });

  test('a China region uses the amazonaws.com.cn domain', async () => {
    delete process.env.AWS_ENDPOINT_URL_CLOUDFORMATION;
    delete process.env.AWS_ENDPOINT_URL;
    const exchange = captureExchange();

    await clientFor(undefined, { region: 'cn-north-1' }).status(STACK_ID);

    expect(exchange.mock.calls[0][0].href).toBe('https://cloudformation.cn-north-1.amazonaws.com.cn/');
  });

  test('AWS_ENDPOINT_URL_CLOUDFORMATION wins over AWS_ENDPOINT_URL', async () => {
    const cfn = await startCloudFormation();
    process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = cfn.endpoint;
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';

    await clientFor(undefined).status(STACK_ID);

    expect(cfn.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /']);
  });

  test('AWS_ENDPOINT_URL applies when AWS_ENDPOINT_URL_CLOUDFORMATION is empty', async () => {
    const cfn = await startCloudFormation();
    process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = '';
    process.env.AWS_ENDPOINT_URL = cfn.endpoint;

    await clientFor(undefined).status(STACK_ID);

    expect(cfn.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /']);
  });

  test('the endpoint option wins over the environment', async () => {
    const cfn = await startCloudFormation();
    process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = 'http://127.0.0.1:9';

    await clientFor(cfn.endpoint).status(STACK_ID);

    expect(cfn.requests).toHaveLength(1);
  });

  test('an endpoint with a base path is posted to that path and signed for it', async () => {
    const cfn = await startCloudFormation();

    await clientFor(`${cfn.endpoint}/cfn-proxy/`).status(STACK_ID);

    expect(cfn.requests[0].url).toBe('/cfn-proxy/');
    expect(cfn.requests[0].headers.authorization).toBe(await recomputedAuthorization(cfn.requests[0]));
  });
});

describe('isRollingBack', () => {
  test.each(['ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'IMPORT_ROLLBACK_IN_PROGRESS'])('%s is a rollback', (status) => {
    expect(isRollingBack(status)).toBe(true);
  });

  test.each([
    'CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
    'UPDATE_ROLLBACK_COMPLETE', 'ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED', 'IMPORT_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'REVIEW_IN_PROGRESS',
  ])('%s is not', (status) => {
    expect(isRollingBack(status)).toBe(false);
  });
});
