// EventBridge DisableRule, hand-signed (JSON 1.1 protocol: POST / with X-Amz-Target), because no
// EventBridge client is among the SDK packages the library builds with and one operation does not
// justify a new one in the bundle. Like the other hand-signed clients it does not retry: callers
// wrap calls in `callService`.
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsCredentialIdentityProvider, exchange, Sha256 } from '../../shared/signed-http';
import { serviceError } from '../../shared/signed-xml-client';

/** Options of {@link ScheduleRule}. */
export interface ScheduleRuleOptions {
  readonly region: string;
  /** @default defaultProvider() */
  readonly credentials?: AwsCredentialIdentityProvider;
  /**
   * @default AWS_ENDPOINT_URL_EVENTBRIDGE, then AWS_ENDPOINT_URL, then https://events.<region>.amazonaws.com
   */
  readonly endpoint?: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** The monitor's own schedule, which it turns off once there is nothing left to watch. */
export class ScheduleRule {
  private readonly url: URL;
  private readonly signer: SignatureV4;

  constructor(private readonly options: ScheduleRuleOptions) {
    const region = options.region;
    const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    this.url = new URL(options.endpoint
      ?? (process.env.AWS_ENDPOINT_URL_EVENTBRIDGE || process.env.AWS_ENDPOINT_URL || `https://events.${region}.${suffix}`));
    this.signer = new SignatureV4({ service: 'events', region, credentials: options.credentials ?? defaultProvider(), sha256: Sha256 });
  }

  /** `DisableRule` on the default event bus; disabling a disabled rule succeeds. */
  public async disable(name: string): Promise<void> {
    const body = JSON.stringify({ Name: name });
    const path = this.url.pathname || '/';
    const headers: Record<string, string> = {
      'host': this.url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSEvents.DisableRule',
      'content-length': String(Buffer.byteLength(body)),
    };
    const port = this.url.port ? Number(this.url.port) : undefined;
    const request = { method: 'POST', protocol: this.url.protocol, hostname: this.url.hostname, port, path, query: {}, headers, body };
    const signed = await this.signer.sign(request, { signingDate: (this.options.now ?? (() => new Date()))() });
    const answer = await exchange(this.url, { method: 'POST', path, headers: signed.headers }, body, this.options.timeoutMs ?? 10_000);
    if (answer.statusCode >= 200 && answer.statusCode < 300) return;
    // JSON 1.1 errors: `__type` (maybe namespaced `aws.events#…`) and `message`.
    const error = parseJsonObject(answer.body);
    const type = String(error.__type ?? `HTTP${answer.statusCode}`).split('#').pop()!;
    throw serviceError(type, String(error.message ?? error.Message ?? `HTTP ${answer.statusCode}`), answer.statusCode, type === 'ThrottlingException');
  }
}

function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? parsed as Record<string, unknown> : {};
  } catch {
    return {};
  }
}
