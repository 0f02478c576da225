/**
 * A typed client for the OTA operations of AWS IoT Managed Integrations, which has no SDK client on
 * npm. It speaks the service's restJson1 protocol over node:https and signs with SigV4.
 *
 * Shapes, member names, paths and status codes follow the Smithy model
 * `iot-managed-integrations.json` (version 2025-03-03). Member names are the model's JSON names,
 * casing included: the model mixes `NumberOfFailedThings` with `numberOfQueuedThings`, and
 * `ListTagsForResource` answers with lower-case `tags`.
 *
 * The client does not retry: one method call is one HTTP request, bounded by `timeoutMs`. Wrap each
 * call in `callService` (src/shared/service-call.ts), which retries throttling, 5xx answers,
 * timeouts and network errors within the Lambda invocation's deadline, as the FUOTA handler does
 * with the SDK's own retries turned off. For the same reason the client never invents a
 * `ClientToken`: a token made per call would differ on every retry and defeat the idempotency it is
 * for, so callers pass a deterministic one.
 *
 * Errors are thrown as {@link ManagedIntegrationsServiceError}, shaped like SDK errors (`name`,
 * `message`, `$metadata.httpStatusCode`) so `isTransient` and `isNotFound` classify them.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsCredentialIdentityProvider, escapeUri, exchange, HttpAnswer, Sha256 } from '../../shared/signed-http';

export type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '../../shared/signed-http';

// ---------------------------------------------------------------------------------------------
// Shapes of the model. Enums are string unions of the model's values.
// ---------------------------------------------------------------------------------------------

/** `OtaType`: a fixed target list (ONE_TIME) or a continually re-evaluated query (CONTINUOUS). */
export type OtaType = 'ONE_TIME' | 'CONTINUOUS';
/** `OtaProtocol`. */
export type OtaProtocol = 'HTTP';
/** `OtaMechanism`. */
export type OtaMechanism = 'PUSH';
/** `OtaStatus`. `DELETION_IN_PROGRESS` suggests deletion finishes after `DeleteOtaTask` returns. */
export type OtaStatus = 'IN_PROGRESS' | 'CANCELED' | 'COMPLETED' | 'DELETION_IN_PROGRESS' | 'SCHEDULED';
/** `SchedulingConfigEndBehavior`. */
export type SchedulingConfigEndBehavior = 'STOP_ROLLOUT' | 'CANCEL' | 'FORCE_CANCEL';
/** `RetryCriteriaFailureType`. */
export type RetryCriteriaFailureType = 'FAILED' | 'TIMED_OUT' | 'ALL';
/** `AbortCriteriaAction`. */
export type AbortCriteriaAction = 'CANCEL';
/** `AbortCriteriaFailureType`. */
export type AbortCriteriaFailureType = 'FAILED' | 'REJECTED' | 'TIMED_OUT' | 'ALL';
/** `TagsMap`: 1 to 50 entries, keys 1..128 and values 0..256 characters; `@sensitive`. */
export type TagsMap = { readonly [key: string]: string };

/** `ScheduleMaintenanceWindow`. */
export interface ScheduleMaintenanceWindow {
  /** 1..1430. */
  readonly DurationInMinutes?: number;
  /** Free-form in the model; the guide shows `2024-10-20T17:00`. */
  readonly StartTime?: string;
}

/** `OtaTaskSchedulingConfig`. The times are unconstrained strings in the model. */
export interface OtaTaskSchedulingConfig {
  readonly EndBehavior?: SchedulingConfigEndBehavior;
  readonly EndTime?: string;
  readonly MaintenanceWindows?: readonly ScheduleMaintenanceWindow[];
  readonly StartTime?: string;
}

/** `RetryConfigCriteria`. */
export interface RetryConfigCriteria {
  readonly FailureType?: RetryCriteriaFailureType;
  /** 0..10. */
  readonly MinNumberOfRetries?: number;
}

/** `OtaTaskExecutionRetryConfig`. */
export interface OtaTaskExecutionRetryConfig {
  readonly RetryConfigCriteria?: readonly RetryConfigCriteria[];
}

/** `TaskProcessingDetails`. The casing mix is the model's and therefore the wire format's. */
export interface TaskProcessingDetails {
  readonly NumberOfCanceledThings?: number;
  readonly NumberOfFailedThings?: number;
  readonly NumberOfInProgressThings?: number;
  readonly numberOfQueuedThings?: number;
  readonly numberOfRejectedThings?: number;
  readonly numberOfRemovedThings?: number;
  readonly numberOfSucceededThings?: number;
  readonly numberOfTimedOutThings?: number;
  readonly processingTargets?: readonly string[];
}

/** `AbortConfigCriteria`. */
export interface AbortConfigCriteria {
  readonly Action?: AbortCriteriaAction;
  readonly FailureType?: AbortCriteriaFailureType;
  /** 1..100. */
  readonly MinNumberOfExecutedThings?: number;
  /** At most 100 (a double). */
  readonly ThresholdPercentage?: number;
}

/** `OtaTaskAbortConfig`. */
export interface OtaTaskAbortConfig {
  readonly AbortConfigCriteriaList?: readonly AbortConfigCriteria[];
}

/** `RolloutRateIncreaseCriteria`: lower-case member names in the model. */
export interface RolloutRateIncreaseCriteria {
  /** 1..100. */
  readonly numberOfNotifiedThings?: number;
  /** 1..100. */
  readonly numberOfSucceededThings?: number;
}

/** `ExponentialRolloutRate`. */
export interface ExponentialRolloutRate {
  /** 1..100. */
  readonly BaseRatePerMinute?: number;
  /** 1.1..5 (a double). */
  readonly IncrementFactor?: number;
  readonly RateIncreaseCriteria?: RolloutRateIncreaseCriteria;
}

/** `OtaTaskExecutionRolloutConfig`. */
export interface OtaTaskExecutionRolloutConfig {
  readonly ExponentialRolloutRate?: ExponentialRolloutRate;
  /** At least 1. */
  readonly MaximumPerMinute?: number;
}

/** `OtaTaskTimeoutConfig`. */
export interface OtaTaskTimeoutConfig {
  /** 1..10080 (a long). */
  readonly InProgressTimeoutInMinutes?: number;
}

/** `PushConfig`. */
export interface PushConfig {
  readonly AbortConfig?: OtaTaskAbortConfig;
  readonly RolloutConfig?: OtaTaskExecutionRolloutConfig;
  readonly TimeoutConfig?: OtaTaskTimeoutConfig;
}

/** Input of `CreateOtaTask`; every member goes in the JSON body. */
export interface CreateOtaTaskRequest {
  /** 1..256, `^[0-9A-Za-z_\- ]+$`. */
  readonly Description?: string;
  /** Where the OTA job document is (not the firmware itself); 1..1000 characters. */
  readonly S3Url: string;
  readonly Protocol?: OtaProtocol;
  /** Managed-thing ARNs, for ONE_TIME tasks. */
  readonly Target?: readonly string[];
  /** 1..64, `^[a-zA-Z0-9]*$`. */
  readonly TaskConfigurationId?: string;
  readonly OtaMechanism?: OtaMechanism;
  readonly OtaType: OtaType;
  /** For CONTINUOUS tasks. */
  readonly OtaTargetQueryString?: string;
  /** Idempotency token, 1..64, `^[a-zA-Z0-9=_-]+$`. Not generated by this client: pass one. */
  readonly ClientToken?: string;
  readonly OtaSchedulingConfig?: OtaTaskSchedulingConfig;
  readonly OtaTaskExecutionRetryConfig?: OtaTaskExecutionRetryConfig;
  readonly Tags?: TagsMap;
}

/** Output of `CreateOtaTask`. */
export interface CreateOtaTaskResponse {
  readonly TaskId?: string;
  readonly TaskArn?: string;
  readonly Description?: string;
}

/** Input of `GetOtaTask`. */
export interface GetOtaTaskRequest {
  /** The task id (path label). */
  readonly Identifier: string;
}

/** Output of `GetOtaTask`. */
export interface GetOtaTaskResponse {
  readonly TaskId?: string;
  readonly TaskArn?: string;
  readonly Description?: string;
  readonly S3Url?: string;
  readonly Protocol?: OtaProtocol;
  readonly OtaType?: OtaType;
  readonly OtaTargetQueryString?: string;
  readonly OtaMechanism?: OtaMechanism;
  readonly Target?: readonly string[];
  /** restJson1 default timestamp format: epoch seconds, a JSON number. */
  readonly CreatedAt?: number;
  /** Epoch seconds. */
  readonly LastUpdatedAt?: number;
  readonly TaskConfigurationId?: string;
  readonly TaskProcessingDetails?: TaskProcessingDetails;
  readonly OtaSchedulingConfig?: OtaTaskSchedulingConfig;
  readonly OtaTaskExecutionRetryConfig?: OtaTaskExecutionRetryConfig;
  readonly Status?: OtaStatus;
  readonly Tags?: TagsMap;
}

/** Input of `ListOtaTaskExecutions`. */
export interface ListOtaTaskExecutionsRequest {
  /** The task id (path label). */
  readonly Identifier: string;
  /** Query `NextToken`: the previous page's `NextToken`. */
  readonly NextToken?: string;
  /** Query `MaxResults`, 1..1000. */
  readonly MaxResults?: number;
}

/** `OtaTaskExecutionStatus`: where one thing's update is. */
export type OtaTaskExecutionStatus = 'QUEUED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'REJECTED' | 'REMOVED' | 'CANCELED';

/** `OtaTaskExecutionSummary`. Timestamps are epoch seconds (restJson1's default). */
export interface OtaTaskExecutionSummary {
  /** A long in the model. */
  readonly ExecutionNumber?: number;
  readonly LastUpdatedAt?: number;
  readonly QueuedAt?: number;
  readonly RetryAttempt?: number;
  readonly StartedAt?: number;
  readonly Status?: OtaTaskExecutionStatus;
}

/** `OtaTaskExecutionSummaries`: one thing's execution (the model's plural name for one item). */
export interface OtaTaskExecutionSummaries {
  readonly TaskExecutionSummary?: OtaTaskExecutionSummary;
  /** 1..64, `^[a-zA-Z0-9:_-]*$`. */
  readonly ManagedThingId?: string;
}

/** Output of `ListOtaTaskExecutions`. */
export interface ListOtaTaskExecutionsResponse {
  readonly ExecutionSummaries?: readonly OtaTaskExecutionSummaries[];
  readonly NextToken?: string;
}

/** Input of `ListOtaTasks`. */
export interface ListOtaTasksRequest {
  readonly NextToken?: string;
  /** 1 to 1000. */
  readonly MaxResults?: number;
}

/** One task of `ListOtaTasks` (model `OtaTaskSummary`). */
export interface OtaTaskSummary {
  readonly TaskId?: string;
  readonly TaskArn?: string;
  /** Epoch seconds. */
  readonly CreatedAt?: number;
  readonly LastUpdatedAt?: number;
  readonly TaskConfigurationId?: string;
  readonly Status?: string;
}

/** Output of `ListOtaTasks`. */
export interface ListOtaTasksResponse {
  readonly Tasks?: readonly OtaTaskSummary[];
  readonly NextToken?: string;
}

/** Input of `UpdateOtaTask`: the only two members that can change in place. */
export interface UpdateOtaTaskRequest {
  /** The task id (path label). */
  readonly Identifier: string;
  readonly Description?: string;
  readonly TaskConfigurationId?: string;
}

/** Input of `DeleteOtaTask`. */
export interface DeleteOtaTaskRequest {
  /** The task id (path label). */
  readonly Identifier: string;
}

/** Input of `CreateOtaTaskConfiguration`; every member goes in the JSON body. */
export interface CreateOtaTaskConfigurationRequest {
  readonly Description?: string;
  /** 1..128, `^[A-Za-z0-9-_ ]+$`; `@sensitive`. */
  readonly Name?: string;
  readonly PushConfig?: PushConfig;
  /** Idempotency token, 1..64, `^[a-zA-Z0-9=_-]+$`. Not generated by this client: pass one. */
  readonly ClientToken?: string;
}

/** Output of `CreateOtaTaskConfiguration`. */
export interface CreateOtaTaskConfigurationResponse {
  readonly TaskConfigurationId?: string;
}

/** Input of `GetOtaTaskConfiguration`. */
export interface GetOtaTaskConfigurationRequest {
  /** The task configuration id (path label). */
  readonly Identifier: string;
}

/** Output of `GetOtaTaskConfiguration`. */
export interface GetOtaTaskConfigurationResponse {
  readonly TaskConfigurationId?: string;
  readonly Name?: string;
  readonly PushConfig?: PushConfig;
  readonly Description?: string;
  /** Epoch seconds. */
  readonly CreatedAt?: number;
}

/** Input of `DeleteOtaTaskConfiguration`. */
export interface DeleteOtaTaskConfigurationRequest {
  /** The task configuration id (path label). */
  readonly Identifier: string;
}

/** Input of `TagResource`. */
export interface TagResourceRequest {
  /** The resource's ARN, sent percent-encoded in the path. */
  readonly ResourceArn: string;
  readonly Tags: TagsMap;
}

/** Input of `UntagResource`. */
export interface UntagResourceRequest {
  /** The resource's ARN, sent percent-encoded in the path. */
  readonly ResourceArn: string;
  /** Sent as a repeated `tagKeys` query parameter; 0..200 keys. */
  readonly TagKeys: readonly string[];
}

/** Input of `ListTagsForResource`. */
export interface ListTagsForResourceRequest {
  /** The resource's ARN, sent percent-encoded in the path. */
  readonly ResourceArn: string;
}

/** Output of `ListTagsForResource`. */
export interface ListTagsForResourceResponse {
  /** Lower-case `tags`: the model's member name. */
  readonly tags?: TagsMap;
}

// ---------------------------------------------------------------------------------------------
// The client.
// ---------------------------------------------------------------------------------------------

/** Options of {@link ManagedIntegrationsClient}. */
export interface ManagedIntegrationsClientOptions {
  /** The region requests are signed for and, without `endpoint`, sent to. */
  readonly region: string;
  /**
   * @default defaultProvider() - the SDK's chain: environment, then the Lambda role and so on.
   */
  readonly credentials?: AwsCredentialIdentityProvider;
  /**
   * Base URL; `http://` is allowed (loopback tests).
   * @default the environment variable AWS_ENDPOINT_URL_IOT_MANAGED_INTEGRATIONS, then AWS_ENDPOINT_URL,
   * then https://api.iotmanagedintegrations.{region}.api.aws
   */
  readonly endpoint?: string;
  /**
   * Time allowed for one request, from sending to the last byte of the answer.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * Clock used for the signature.
   * @default () => new Date()
   */
  readonly now?: () => Date;
}

/**
 * An error answer from the service, shaped like an SDK service exception so the retry helpers in
 * src/shared/service-call.ts recognise it by `name` and `$metadata.httpStatusCode`.
 */
export class ManagedIntegrationsServiceError extends Error {
  /** The HTTP status and, when the service sent one, its request id. */
  public readonly $metadata: { readonly httpStatusCode: number; readonly requestId?: string };
  /** `server` for 5xx answers, `client` otherwise, as in SDK exceptions. */
  public readonly $fault: 'client' | 'server';

  constructor(name: string, message: string, httpStatusCode: number, requestId?: string) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode, requestId };
    this.$fault = httpStatusCode >= 500 ? 'server' : 'client';
  }
}

const SIGNING_NAME = 'iotmanagedintegrations';
const DEFAULT_TIMEOUT_MS = 10_000;
/** Longest piece of an unparseable body quoted in an error message. */
const MAX_BODY_SNIPPET_CHARS = 300;

/**
 * One method per OTA operation of AWS IoT Managed Integrations. Each method sends exactly one signed
 * request; it does not retry (wrap calls in `callService`).
 */
export class ManagedIntegrationsClient {
  /** The base URL requests go to. */
  public readonly endpoint: string;
  private readonly url: URL;
  private readonly signer: SignatureV4;
  private readonly timeoutMs: number;
  private readonly now: () => Date;

  constructor(options: ManagedIntegrationsClientOptions) {
    this.endpoint = resolveEndpoint(options.region, options.endpoint);
    this.url = new URL(this.endpoint);
    if (this.url.protocol !== 'https:' && this.url.protocol !== 'http:') {
      throw new Error(`ManagedIntegrationsClient: endpoint must be an http(s) URL, got ${this.endpoint}`);
    }
    this.signer = new SignatureV4({
      service: SIGNING_NAME,
      region: options.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Sha256,
      // Non-S3 services sign the path URI-encoded once more than it is sent (the default).
      uriEscapePath: true,
    });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? (() => new Date());
  }

  /** `CreateOtaTask`: `POST /ota-tasks` → 201. */
  public async createOtaTask(input: CreateOtaTaskRequest): Promise<CreateOtaTaskResponse> {
    return parseJson<CreateOtaTaskResponse>(await this.send({ method: 'POST', path: '/ota-tasks', body: input }));
  }

  /** `GetOtaTask`: `GET /ota-tasks/{Identifier}` → 200. */
  public async getOtaTask(input: GetOtaTaskRequest): Promise<GetOtaTaskResponse> {
    const path = `/ota-tasks/${label('Identifier', input.Identifier)}`;
    return parseJson<GetOtaTaskResponse>(await this.send({ method: 'GET', path }));
  }

  /** `ListOtaTaskExecutions`: `GET /ota-tasks/{Identifier}/devices?NextToken=…&MaxResults=…` → 200; one page. */
  public async listOtaTaskExecutions(input: ListOtaTaskExecutionsRequest): Promise<ListOtaTaskExecutionsResponse> {
    const path = `/ota-tasks/${label('Identifier', input.Identifier)}/devices`;
    const query: { [name: string]: string[] } = {};
    if (input.NextToken !== undefined) query.NextToken = [input.NextToken];
    if (input.MaxResults !== undefined) query.MaxResults = [String(input.MaxResults)];
    return parseJson<ListOtaTaskExecutionsResponse>(await this.send({ method: 'GET', path, query }));
  }

  /** `ListOtaTasks`: `GET /ota-tasks?NextToken=…&MaxResults=…` → 200; one page of the account's tasks in the region. */
  public async listOtaTasks(input: ListOtaTasksRequest = {}): Promise<ListOtaTasksResponse> {
    const query: { [name: string]: string[] } = {};
    if (input.NextToken !== undefined) query.NextToken = [input.NextToken];
    if (input.MaxResults !== undefined) query.MaxResults = [String(input.MaxResults)];
    return parseJson<ListOtaTasksResponse>(await this.send({ method: 'GET', path: '/ota-tasks', query }));
  }

  /** `UpdateOtaTask`: `PUT /ota-tasks/{Identifier}` → 204. Only Description and TaskConfigurationId can change. */
  public async updateOtaTask(input: UpdateOtaTaskRequest): Promise<void> {
    const path = `/ota-tasks/${label('Identifier', input.Identifier)}`;
    const body = { Description: input.Description, TaskConfigurationId: input.TaskConfigurationId };
    await this.send({ method: 'PUT', path, body });
  }

  /** `DeleteOtaTask`: `DELETE /ota-tasks/{Identifier}` → 200 (not 204); may answer LimitExceededException (410). */
  public async deleteOtaTask(input: DeleteOtaTaskRequest): Promise<void> {
    await this.send({ method: 'DELETE', path: `/ota-tasks/${label('Identifier', input.Identifier)}` });
  }

  /** `CreateOtaTaskConfiguration`: `POST /ota-task-configurations` → 201. */
  public async createOtaTaskConfiguration(input: CreateOtaTaskConfigurationRequest): Promise<CreateOtaTaskConfigurationResponse> {
    return parseJson<CreateOtaTaskConfigurationResponse>(
      await this.send({ method: 'POST', path: '/ota-task-configurations', body: input }),
    );
  }

  /** `GetOtaTaskConfiguration`: `GET /ota-task-configurations/{Identifier}` → 200. */
  public async getOtaTaskConfiguration(input: GetOtaTaskConfigurationRequest): Promise<GetOtaTaskConfigurationResponse> {
    const path = `/ota-task-configurations/${label('Identifier', input.Identifier)}`;
    return parseJson<GetOtaTaskConfigurationResponse>(await this.send({ method: 'GET', path }));
  }

  /** `DeleteOtaTaskConfiguration`: `DELETE /ota-task-configurations/{Identifier}` → 204. */
  public async deleteOtaTaskConfiguration(input: DeleteOtaTaskConfigurationRequest): Promise<void> {
    await this.send({ method: 'DELETE', path: `/ota-task-configurations/${label('Identifier', input.Identifier)}` });
  }

  /** `TagResource`: `POST /tags/{ResourceArn}` → 200, body `{ Tags }`. */
  public async tagResource(input: TagResourceRequest): Promise<void> {
    const path = `/tags/${label('ResourceArn', input.ResourceArn)}`;
    await this.send({ method: 'POST', path, body: { Tags: input.Tags } });
  }

  /** `UntagResource`: `DELETE /tags/{ResourceArn}?tagKeys=a&tagKeys=b` → 200. */
  public async untagResource(input: UntagResourceRequest): Promise<void> {
    const path = `/tags/${label('ResourceArn', input.ResourceArn)}`;
    await this.send({ method: 'DELETE', path, query: { tagKeys: [...input.TagKeys] } });
  }

  /** `ListTagsForResource`: `GET /tags/{ResourceArn}` → 200, `{ tags }`. */
  public async listTagsForResource(input: ListTagsForResourceRequest): Promise<ListTagsForResourceResponse> {
    const path = `/tags/${label('ResourceArn', input.ResourceArn)}`;
    return parseJson<ListTagsForResourceResponse>(await this.send({ method: 'GET', path }));
  }

  /** Signs and sends one request; resolves with a 2xx answer, throws the service's error otherwise. */
  private async send(operation: OperationRequest): Promise<HttpAnswer> {
    const path = this.url.pathname.replace(/\/+$/, '') + operation.path;
    const body = operation.body === undefined ? undefined : JSON.stringify(operation.body);
    const headers: Record<string, string> = {
      'host': this.url.host,
      'content-type': 'application/json',
    };
    if (body !== undefined) {
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const signed = await this.signer.sign({
      method: operation.method,
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port ? Number(this.url.port) : undefined,
      path,
      // The signer escapes query names and values itself: give it the raw strings.
      query: operation.query ?? {},
      headers,
      body,
    }, { signingDate: this.now() });

    const answer = await exchange(this.url, {
      method: operation.method,
      path: path + queryString(operation.query),
      headers: signed.headers,
    }, body, this.timeoutMs);

    if (answer.statusCode < 200 || answer.statusCode >= 300) {
      throw parseError(answer);
    }
    return answer;
  }
}

/** What one operation puts on the wire before signing. */
interface OperationRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with labels already percent-encoded. */
  readonly path: string;
  /** Raw (unencoded) query values; an array repeats the name. */
  readonly query?: { [name: string]: string[] };
  /** Serialised as JSON; absent for operations without body members. */
  readonly body?: object;
}

/**
 * Endpoint rules of the model: a configured endpoint wins; otherwise the dual-stack host. The
 * service has no IPv4-only `amazonaws.com` host and no UseDualStack switch. It is offered only in
 * the `aws` partition (eu-west-1, ca-central-1), so other partitions' DNS suffixes are not derived:
 * pass `endpoint` there. The environment variable names follow the SDK's rule for the service's
 * sdkId "IoT Managed Integrations"; an empty variable counts as unset.
 */
function resolveEndpoint(region: string, configured: string | undefined): string {
  const fromEnv = process.env.AWS_ENDPOINT_URL_IOT_MANAGED_INTEGRATIONS || process.env.AWS_ENDPOINT_URL || undefined;
  return configured ?? fromEnv ?? `https://api.iotmanagedintegrations.${region}.api.aws`;
}

/**
 * A path label, percent-encoded as Smithy clients do (`encodeURIComponent` plus `!'()*`): the
 * labels here are not greedy, so an ARN's `:` and `/` are encoded. An empty label would silently
 * turn `GET /ota-tasks/{id}` into the list operation, so it is refused.
 */
function label(name: string, value: string): string {
  if (!value) {
    throw new Error(`ManagedIntegrationsClient: empty value for the path label ${name}`);
  }
  return escapeUri(value);
}

function queryString(query: OperationRequest['query']): string {
  const pairs = Object.entries(query ?? {}).flatMap(([name, values]) => values.map((value) => `${escapeUri(name)}=${escapeUri(value)}`));
  return pairs.length ? `?${pairs.join('&')}` : '';
}

/** The JSON body of a 2xx answer; an empty body (all output members absent) is `{}`. */
function parseJson<T>(answer: HttpAnswer): T {
  if (!answer.body.trim()) {
    return {} as T;
  }
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    throw new ManagedIntegrationsServiceError('InvalidResponseError',
      `HTTP ${answer.statusCode} answer is not JSON: ${snippet(answer.body)}`, answer.statusCode, requestIdOf(answer));
  }
}

/**
 * restJson1 error rules: the type comes from the `x-amzn-errortype` header, else the body's `code`
 * or `__type`; either may carry a namespace (`com.amazonaws.…#`) or a suffix (`:http://…`), both
 * dropped. The message is the body's `message` or `Message` (the model's error shapes say `Message`).
 */
function parseError(answer: HttpAnswer): ManagedIntegrationsServiceError {
  const body = parseErrorBody(answer.body);
  const rawType = headerValue(answer.headers['x-amzn-errortype']) ?? stringField(body, 'code') ?? stringField(body, '__type');
  const type = rawType === undefined ? undefined : sanitizeErrorType(rawType);
  const message = stringField(body, 'message') ?? stringField(body, 'Message');
  if (!type) {
    const detail = message ?? (answer.body.trim() ? snippet(answer.body) : 'empty body');
    return new ManagedIntegrationsServiceError('UnknownError', `HTTP ${answer.statusCode} with no error type: ${detail}`,
      answer.statusCode, requestIdOf(answer));
  }
  return new ManagedIntegrationsServiceError(type, message ?? `HTTP ${answer.statusCode} with no message`,
    answer.statusCode, requestIdOf(answer));
}

function sanitizeErrorType(raw: string): string {
  let type = raw.trim();
  if (type.includes(':')) type = type.split(':')[0];
  if (type.includes('#')) type = type.split('#')[1];
  return type;
}

function parseErrorBody(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

function stringField(body: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = body?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first : undefined;
}

function requestIdOf(answer: HttpAnswer): string | undefined {
  return headerValue(answer.headers['x-amzn-requestid']);
}

function snippet(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_BODY_SNIPPET_CHARS ? `${trimmed.slice(0, MAX_BODY_SNIPPET_CHARS)}...` : trimmed;
}
