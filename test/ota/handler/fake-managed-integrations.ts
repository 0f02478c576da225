// A small stand-in for AWS IoT Managed Integrations (the OTA task and task-configuration operations)
// and for path-style S3 PutObject/DeleteObject, on a real loopback HTTP server. It keeps state,
// honours ClientToken idempotency, answers restJson1 errors as the model defines them, records every
// call, and can be told to fail chosen calls. It checks that requests are signed (an Authorization
// header naming the service) but not the signature itself: the client tests do that.
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import { LoopbackServer, ReceivedRequest, startLoopbackServer } from '../../support/loopback-server';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

export type Operation =
  | 'CreateOtaTask' | 'GetOtaTask' | 'UpdateOtaTask' | 'DeleteOtaTask'
  | 'CreateOtaTaskConfiguration' | 'GetOtaTaskConfiguration' | 'DeleteOtaTaskConfiguration'
  | 'TagResource' | 'UntagResource' | 'ListTagsForResource'
  | 'PutObject' | 'DeleteObject';

/** One request as the fake received it, and the status it answered. */
export interface JournalEntry {
  readonly operation: Operation | 'Unknown';
  readonly method: string;
  /** The raw request target, percent-encoding intact. */
  readonly url: string;
  /** The parsed JSON body (Managed Integrations) or the raw text (S3); undefined without a body. */
  readonly body: unknown;
  readonly status: number;
}

/** A scripted error answer. */
export interface Failure {
  readonly status: number;
  /** The `x-amzn-errortype` (Managed Integrations) or `<Code>` (S3). */
  readonly type: string;
  readonly message: string;
  /** Carry the request out before answering with the error, as when an answer is lost. */
  readonly applied?: boolean;
}

export const throttled = (): Failure => ({ status: 429, type: 'ThrottlingException', message: 'Rate exceeded' });
export const internalError = (applied = false): Failure => ({ status: 500, type: 'InternalServerException', message: 'Internal failure', applied });

/** A task as the fake holds it: the CreateOtaTask members plus what the service adds. */
export interface FakeTask {
  readonly TaskId: string;
  readonly TaskArn: string;
  Description?: string;
  TaskConfigurationId?: string;
  Status: 'IN_PROGRESS' | 'DELETION_IN_PROGRESS';
  Tags: Record<string, string>;
  readonly request: Record<string, unknown>;
  /** GetOtaTask calls still answered while the deletion is in progress. */
  deletionPollsLeft?: number;
}

interface Answer {
  readonly status: number;
  readonly body?: unknown;
}

class ServiceError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
}

const notFound = (what: string, id: string) => new ServiceError(404, 'ResourceNotFoundException', `${what} ${id} does not exist`);
const invalid = (message: string) => new ServiceError(400, 'ValidationException', message);

export class FakeManagedIntegrations {
  /** Starts a fake on 127.0.0.1 with an ephemeral port. */
  public static async start(): Promise<FakeManagedIntegrations> {
    const fake = new FakeManagedIntegrations();
    fake.server = await startLoopbackServer((request, response) => fake.receive(request, response));
    return fake;
  }

  public readonly journal: JournalEntry[] = [];
  public readonly tasks = new Map<string, FakeTask>();
  public readonly configurations = new Map<string, Record<string, unknown> & { TaskConfigurationId: string }>();
  /** Stored objects by `bucket/key`. */
  public readonly objects = new Map<string, string>();
  /**
   * Members the service fills in when CreateOtaTask leaves them out (for example Protocol 'HTTP'),
   * which GetOtaTask then answers as if they had been sent. None unless a test sets some.
   */
  public taskDefaults: Record<string, unknown> = {};

  /** Set by start(), before any request can arrive. */
  private server!: LoopbackServer;
  /** ClientToken → the canonical request it came with and the id it made. */
  private readonly tokens = new Map<string, { request: string; id: string }>();
  private readonly failures: { operation: Operation; call: number | 'every'; failure: Failure }[] = [];
  private lingeringPolls = 0;
  private nextId = 1;

  private constructor() {}

  public get url(): string {
    return this.server.endpoint;
  }

  public async stop(): Promise<void> {
    await this.server.close();
  }

  /** Answers the `call`-th call (1-based) of `operation` with `failure`, or every call. */
  public fail(operation: Operation, call: number | 'every', failure: Failure): void {
    this.failures.push({ operation, call, failure });
  }

  /** After DeleteOtaTask, a task stays DELETION_IN_PROGRESS for `polls` GetOtaTask calls, then is gone. */
  public lingerOnDelete(polls: number): void {
    this.lingeringPolls = polls;
  }

  /** The operations received, in order, or the journal entries of one operation. */
  public operations(): string[] {
    return this.journal.map((entry) => entry.operation);
  }

  public calls(operation: Operation): JournalEntry[] {
    return this.journal.filter((entry) => entry.operation === operation);
  }

  public clearJournal(): void {
    this.journal.length = 0;
  }

  public taskArn(id: string): string {
    return `arn:aws:iotmanagedintegrations:${REGION}:${ACCOUNT}:ota-task/${id}`;
  }

  // -------------------------------------------------------------------------------------------

  private receive(request: ReceivedRequest, res: http.ServerResponse): void {
    const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(request.headers.authorization ?? '')?.[1];
    const s3 = service === 's3';
    const [path, query = ''] = request.url.split('?');
    const segments = path.split('/').slice(1).map(decodeURIComponent);
    const operation = s3 ? s3Operation(request.method) : serviceOperation(request.method, segments);
    let answer: Answer;
    try {
      if (service !== 's3' && service !== 'iotmanagedintegrations') {
        throw new ServiceError(403, 'AccessDeniedException', 'Missing or malformed Authorization header');
      }
      if (operation === 'Unknown') throw new ServiceError(404, 'UnknownOperationException', `No operation for ${request.method} ${path}`);
      const body = s3 ? request.body : jsonBody(request.body);
      const count = this.journal.filter((entry) => entry.operation === operation).length + 1;
      const scripted = this.failures.find((f) => f.operation === operation && (f.call === 'every' || f.call === count));
      if (scripted && !scripted.failure.applied) throw new ServiceError(scripted.failure.status, scripted.failure.type, scripted.failure.message);
      answer = s3 ? this.s3(operation, segments, request.body, request.headers) : this.handle(operation, segments, new URLSearchParams(query), body);
      if (scripted) throw new ServiceError(scripted.failure.status, scripted.failure.type, scripted.failure.message);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      res.setHeader(s3 ? 'content-type' : 'x-amzn-errortype', s3 ? 'application/xml' : error.type);
      answer = {
        status: error.status,
        body: s3 ? `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${error.type}</Code><Message>${error.message}</Message></Error>`
          : { message: error.message },
      };
    }
    this.journal.push({ operation, method: request.method, url: request.url, body: parseOrText(request.body, s3), status: answer.status });
    const payload = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    if (!s3) res.setHeader('content-type', 'application/json');
    res.writeHead(answer.status).end(payload);
  }

  private handle(operation: Operation, segments: string[], query: URLSearchParams, body: any): Answer {
    const id = segments[1];
    switch (operation) {
      case 'CreateOtaTask': {
        if (typeof body?.S3Url !== 'string' || body.S3Url.length < 1 || body.S3Url.length > 1000) throw invalid('S3Url is required (1..1000)');
        if (!['ONE_TIME', 'CONTINUOUS'].includes(body.OtaType)) throw invalid('OtaType must be ONE_TIME or CONTINUOUS');
        return this.idempotent('task', body, () => {
          const taskId = `task${this.nextId++}`;
          const { ClientToken: _token, Tags, ...sent } = body;
          const request = { ...structuredClone(this.taskDefaults), ...sent };
          this.tasks.set(taskId, {
            TaskId: taskId,
            TaskArn: this.taskArn(taskId),
            Description: request.Description,
            TaskConfigurationId: request.TaskConfigurationId,
            Status: 'IN_PROGRESS',
            Tags: { ...Tags },
            request,
          });
          return taskId;
        }, (taskId) => {
          const task = this.tasks.get(taskId)!;
          return { status: 201, body: { TaskId: task.TaskId, TaskArn: task.TaskArn, Description: task.Description } };
        });
      }
      case 'GetOtaTask': {
        const task = this.task(id);
        if (task.deletionPollsLeft !== undefined) {
          if (task.deletionPollsLeft === 0) {
            this.tasks.delete(id);
            throw notFound('OTA task', id);
          }
          task.deletionPollsLeft--;
        }
        // Every member the task was created with (S3Url, OtaType, Target, OtaTargetQueryString,
        // Protocol, OtaMechanism, OtaSchedulingConfig, OtaTaskExecutionRetryConfig), then what can
        // change since: Description and TaskConfigurationId (UpdateOtaTask), Status, and the ids.
        const { request, deletionPollsLeft: _polls, Tags, ...live } = task;
        return {
          status: 200,
          body: { ...request, ...live, ...(Object.keys(Tags).length > 0 ? { Tags } : {}), CreatedAt: 1_906_545_600 },
        };
      }
      case 'UpdateOtaTask': {
        const task = this.task(id);
        if (body?.Description !== undefined) task.Description = body.Description;
        if (body?.TaskConfigurationId !== undefined) task.TaskConfigurationId = body.TaskConfigurationId;
        return { status: 204 };
      }
      case 'DeleteOtaTask': {
        const task = this.task(id);
        if (this.lingeringPolls === 0) {
          this.tasks.delete(id);
        } else {
          task.Status = 'DELETION_IN_PROGRESS';
          task.deletionPollsLeft ??= this.lingeringPolls;
        }
        return { status: 200 };
      }
      case 'CreateOtaTaskConfiguration':
        return this.idempotent('configuration', body ?? {}, () => {
          const configurationId = `config${this.nextId++}`;
          const { ClientToken: _token, ...request } = body ?? {};
          this.configurations.set(configurationId, { ...request, TaskConfigurationId: configurationId });
          return configurationId;
        }, (configurationId) => ({ status: 201, body: { TaskConfigurationId: configurationId } }));
      case 'GetOtaTaskConfiguration': {
        const configuration = this.configurations.get(id);
        if (!configuration) throw notFound('OTA task configuration', id);
        // Name, Description and PushConfig as created, and the id.
        return { status: 200, body: { ...configuration, CreatedAt: 1_906_545_600 } };
      }
      case 'DeleteOtaTaskConfiguration':
        if (!this.configurations.delete(id)) throw notFound('OTA task configuration', id);
        return { status: 204 };
      case 'TagResource': {
        if (body?.Tags === null || typeof body?.Tags !== 'object') throw invalid('Tags is required');
        const task = this.taskByArn(id);
        Object.assign(task.Tags, body.Tags);
        return { status: 200 };
      }
      case 'UntagResource': {
        const task = this.taskByArn(id);
        for (const key of query.getAll('tagKeys')) delete task.Tags[key];
        return { status: 200 };
      }
      case 'ListTagsForResource':
        return { status: 200, body: { tags: this.taskByArn(id).Tags } };
      default:
        throw new ServiceError(404, 'UnknownOperationException', operation);
    }
  }

  /** The same ClientToken with the same request makes nothing new; with another request it is a conflict. */
  private idempotent(kind: string, body: Record<string, unknown>, make: () => string, answer: (id: string) => Answer): Answer {
    const token = body.ClientToken;
    if (token === undefined) return answer(make());
    if (typeof token !== 'string' || !/^[a-zA-Z0-9=_-]{1,64}$/.test(token)) throw invalid('ClientToken must match ^[a-zA-Z0-9=_-]+$ (1..64)');
    const request = canonical(body);
    const earlier = this.tokens.get(`${kind}:${token}`);
    if (earlier && earlier.request !== request) {
      throw new ServiceError(409, 'ConflictException', `ClientToken ${token} was already used with different parameters`);
    }
    if (earlier) return answer(earlier.id);
    const id = make();
    this.tokens.set(`${kind}:${token}`, { request, id });
    return answer(id);
  }

  private s3(operation: Operation, segments: string[], body: string, headers: http.IncomingHttpHeaders): Answer {
    const [bucket, ...key] = segments;
    if (!bucket || key.length === 0 || key.join('/') === '') throw new ServiceError(400, 'InvalidRequest', 'Path-style /bucket/key expected');
    const location = `${bucket}/${key.join('/')}`;
    if (operation === 'PutObject') {
      if (headers['x-amz-content-sha256'] !== crypto.createHash('sha256').update(body).digest('hex')) {
        throw new ServiceError(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
      }
      this.objects.set(location, body);
      return { status: 200 };
    }
    this.objects.delete(location);
    return { status: 204 };
  }

  private task(id: string): FakeTask {
    const task = this.tasks.get(id);
    if (!task) throw notFound('OTA task', id);
    return task;
  }

  private taskByArn(arn: string): FakeTask {
    const task = [...this.tasks.values()].find((candidate) => candidate.TaskArn === arn);
    if (!task) throw notFound('Resource', arn);
    return task;
  }
}

function serviceOperation(method: string, segments: string[]): Operation | 'Unknown' {
  const [collection, id, extra] = segments;
  if (extra !== undefined) return 'Unknown';
  const key = `${method} ${collection}${id === undefined ? '' : '/{id}'}`;
  const operations: Record<string, Operation> = {
    'POST ota-tasks': 'CreateOtaTask',
    'GET ota-tasks/{id}': 'GetOtaTask',
    'PUT ota-tasks/{id}': 'UpdateOtaTask',
    'DELETE ota-tasks/{id}': 'DeleteOtaTask',
    'POST ota-task-configurations': 'CreateOtaTaskConfiguration',
    'GET ota-task-configurations/{id}': 'GetOtaTaskConfiguration',
    'DELETE ota-task-configurations/{id}': 'DeleteOtaTaskConfiguration',
    'POST tags/{id}': 'TagResource',
    'DELETE tags/{id}': 'UntagResource',
    'GET tags/{id}': 'ListTagsForResource',
  };
  return operations[key] ?? 'Unknown';
}

function s3Operation(method: string): Operation | 'Unknown' {
  return method === 'PUT' ? 'PutObject' : method === 'DELETE' ? 'DeleteObject' : 'Unknown';
}

function jsonBody(text: string): any {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ServiceError(400, 'SerializationException', 'The request body is not JSON');
  }
}

function parseOrText(text: string, raw: boolean): unknown {
  if (text === '') return undefined;
  if (raw) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** JSON with object keys sorted, so two equal requests compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
