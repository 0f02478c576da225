// Handler code only: the two hand-signed clients of services that answer in XML (S3 for the
// library's objects, CloudFormation's query API) are made the same way here.
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsCredentialIdentityProvider, Sha256 } from './signed-http';
import { SignedXmlClient } from './signed-xml-client';

/** What both clients are configured with. */
export interface XmlServiceClientOptions {
  readonly region: string;
  /** @default defaultProvider() */
  readonly credentials?: AwsCredentialIdentityProvider;
  /** Base URL to send requests to (tests, local stand-ins). @default - the environment's, else the service's own */
  readonly endpoint?: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * The signing client of `service`, and the endpoint to send to when one is configured: the option,
 * else `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL` (undefined: the service's own).
 */
export function xmlServiceClient(service: 's3' | 'cloudformation', options: XmlServiceClientOptions, throttlingCodes?: ReadonlySet<string>) {
  const configured = options.endpoint ?? (process.env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || process.env.AWS_ENDPOINT_URL || undefined);
  const signer = new SignatureV4({
    service,
    region: options.region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: Sha256,
    // S3 signs the path exactly as sent, unlike other services.
    ...service === 's3' ? { uriEscapePath: false, applyChecksum: true } : {},
  });
  return {
    client: new SignedXmlClient(signer, { timeoutMs: options.timeoutMs, now: options.now, throttlingCodes }),
    endpoint: configured ? new URL(configured) : undefined,
  };
}
