/**
 * IoT Managed Integrations OTA semantics beyond the model's shapes. Choices where the
 * documentation is silent, all assumptions:
 * - A ONE_TIME task needs a non-empty Target and a CONTINUOUS task a non-empty
 *   OtaTargetQueryString (ValidationException otherwise). The other member is not refused.
 * - The S3Url must name an object present in the emulated S3 when the task is created (the
 *   service reads the job document; whether it does so at create time is UNCONFIRMED). Turn it off
 *   with `requireJobDocument: false`, or seed objects of users' own buckets.
 * - A TaskConfigurationId must name an existing configuration (ResourceNotFoundException).
 * - DeleteOtaTask is asynchronous (inferred from the DELETION_IN_PROGRESS status, UNCONFIRMED): the
 *   task answers GetOtaTask with that status until `deletion.polls` GetOtaTask calls have seen it,
 *   or `deletion.afterMs` of virtual time have passed, then it is gone (404).
 * - UpdateOtaTask changes only Description and TaskConfigurationId (the model's whole input); on a
 *   task being deleted it is a ValidationException.
 * - Tagging needs the task's ARN; an ARN of no live task is ResourceNotFoundException.
 * - Status, TaskProcessingDetails and ListOtaTaskExecutions progress on the virtual clock by the
 *   seeded outcome model: ota-progress.ts states the assumptions. ListOtaTaskExecutions pages by
 *   MaxResults, else by the emulator's `listPageSize` (the service's default is UNCONFIRMED).
 * - Switchable (assumptions.ts): normalised values in GetOtaTask, unique configuration names.
 */
import { notFound, validationError } from './errors';
import { defined, epochSeconds, OperationInput, OperationResult, ServiceContext } from './operation';
import { OtaProgress } from './ota-progress';
import { page } from './pagination';
import { OtaTaskRecord, OtaTaskStatus } from './state';

export interface OtaServiceOptions {
  readonly requireJobDocument: boolean;
  /** When a deleted task disappears; each bound alone suffices. `{ polls: 0 }` deletes at once. */
  readonly deletion: { readonly polls?: number; readonly afterMs?: number };
  /** Page size of ListOtaTaskExecutions without MaxResults. */
  readonly listPageSize: number;
}

/** The IoT Managed Integrations operations the library calls: one public method per operation, named as the model names it (see `callOperation`). */
export class OtaService {
  constructor(private readonly ctx: ServiceContext, private readonly options: OtaServiceOptions, public readonly progress: OtaProgress) {}

  public arn(id: string): string {
    return `arn:aws:iotmanagedintegrations:${this.ctx.region}:${this.ctx.accountId}:ota-task/${id}`;
  }

  public status(task: OtaTaskRecord): OtaTaskStatus {
    return this.progress.status(task);
  }

  public CreateOtaTask(input: OperationInput): OperationResult {
    const { state, clock } = this.ctx;
    const id = state.tokens.resolve('OtaTask', input.ClientToken, 'ClientToken', input, () => {
      this.checkTargets(input);
      this.checkJobDocument(String(input.S3Url));
      if (input.TaskConfigurationId !== undefined) this.configuration(input.TaskConfigurationId);
      const created = `otatask${state.nextSerial('OtaTask').toString().padStart(8, '0')}`;
      const { ClientToken: _token, Tags: tags, ...fields } = input;
      state.otaTasks.set(created, {
        id: created,
        arn: this.arn(created),
        createdAt: clock.now(),
        lastUpdatedAt: clock.now(),
        fields,
        status: 'IN_PROGRESS',
        tags: { ...(tags as { [key: string]: string } | undefined) },
      });
      this.progress.start(state.otaTasks.get(created)!);
      return created;
    });
    return { body: defined({ TaskId: id, TaskArn: this.arn(id), Description: state.otaTasks.get(id)?.fields.Description }) };
  }

  /** Each GetOtaTask of a task being deleted counts as one poll. */
  public GetOtaTask(input: OperationInput): OperationResult {
    const task = this.task(input.Identifier, { poll: true });
    const reported = this.ctx.assumptions?.otaTaskAsReported(task.fields) ?? task.fields;
    return {
      body: defined({
        TaskId: task.id,
        TaskArn: task.arn,
        ...reported,
        Status: this.status(task),
        TaskProcessingDetails: this.progress.processingDetails(task),
        CreatedAt: epochSeconds(task.createdAt),
        LastUpdatedAt: epochSeconds(task.lastUpdatedAt),
        Tags: Object.keys(task.tags).length > 0 ? { ...task.tags } : undefined,
      }),
    };
  }

  /** The account's tasks in creation order, tasks being deleted included (they are still there). */
  public ListOtaTasks(input: OperationInput): OperationResult {
    const listed = page([...this.ctx.state.otaTasks.values()], input.MaxResults, input.NextToken, 'ota-tasks', this.options.listPageSize);
    return {
      body: defined({
        Tasks: listed.items.map((task) => defined({
          TaskId: task.id,
          TaskArn: task.arn,
          CreatedAt: epochSeconds(task.createdAt),
          LastUpdatedAt: epochSeconds(task.lastUpdatedAt),
          TaskConfigurationId: task.fields.TaskConfigurationId,
          Status: this.status(task),
        })),
        NextToken: listed.nextToken,
      }),
    };
  }

  public ListOtaTaskExecutions(input: OperationInput): OperationResult {
    const task = this.task(input.Identifier);
    const listed = page(this.progress.executions(task), input.MaxResults, input.NextToken, `executions:${task.id}`, this.options.listPageSize);
    return { body: defined({ ExecutionSummaries: listed.items.map((execution) => this.progress.summary(execution)), NextToken: listed.nextToken }) };
  }

  public UpdateOtaTask(input: OperationInput): OperationResult {
    const task = this.task(input.Identifier);
    if (task.deletion) throw validationError(`OTA task ${task.id} is being deleted`);
    if (input.TaskConfigurationId !== undefined) this.configuration(input.TaskConfigurationId);
    const { Identifier: _id, ...changes } = input;
    task.fields = { ...task.fields, ...changes };
    task.lastUpdatedAt = this.ctx.clock.now();
    return {};
  }

  /** Deleting a task already being deleted is accepted again (the operation is @idempotent). */
  public DeleteOtaTask(input: OperationInput): OperationResult {
    const task = this.task(input.Identifier);
    task.status = 'DELETION_IN_PROGRESS';
    task.deletion ??= { requestedAt: this.ctx.clock.now(), polls: 0 };
    this.finishDeletion(task);
    return {};
  }

  public CreateOtaTaskConfiguration(input: OperationInput): OperationResult {
    const { state, clock } = this.ctx;
    const id = state.tokens.resolve('OtaTaskConfiguration', input.ClientToken, 'ClientToken', input, () => {
      this.ctx.assumptions?.checkConfigurationName(state, input.Name);
      const created = `otaconfig${state.nextSerial('OtaTaskConfiguration').toString().padStart(8, '0')}`;
      const { ClientToken: _token, ...fields } = input;
      state.otaTaskConfigurations.set(created, { id: created, createdAt: clock.now(), fields });
      return created;
    });
    return { body: { TaskConfigurationId: id } };
  }

  public GetOtaTaskConfiguration(input: OperationInput): OperationResult {
    const configuration = this.configuration(input.Identifier);
    return { body: { TaskConfigurationId: configuration.id, ...configuration.fields, CreatedAt: epochSeconds(configuration.createdAt) } };
  }

  public DeleteOtaTaskConfiguration(input: OperationInput): OperationResult {
    this.ctx.state.otaTaskConfigurations.delete(this.configuration(input.Identifier).id);
    return {};
  }

  public TagResource(input: OperationInput): OperationResult {
    Object.assign(this.taskByArn(input.ResourceArn).tags, input.Tags);
    return {};
  }

  public UntagResource(input: OperationInput): OperationResult {
    const task = this.taskByArn(input.ResourceArn);
    for (const key of input.TagKeys as string[]) delete task.tags[key];
    return {};
  }

  public ListTagsForResource(input: OperationInput): OperationResult {
    return { body: { tags: { ...this.taskByArn(input.ResourceArn).tags } } };
  }

  private checkTargets(input: OperationInput): void {
    const targets = input.Target as string[] | undefined;
    const query = input.OtaTargetQueryString as string | undefined;
    if (input.OtaType === 'ONE_TIME' && !(targets && targets.length > 0)) {
      throw validationError('A ONE_TIME OTA task needs Target (at least one managed thing)');
    }
    if (input.OtaType === 'CONTINUOUS' && !(query && query.trim() !== '')) {
      throw validationError('A CONTINUOUS OTA task needs OtaTargetQueryString');
    }
  }

  private checkJobDocument(s3Url: string): void {
    if (!this.options.requireJobDocument) return;
    const location = s3Location(s3Url);
    if (!location) throw validationError(`S3Url ${s3Url} is not the URL of an S3 object`);
    if (!this.ctx.state.s3Objects.has(`${location.bucket}/${location.key}`)) {
      throw validationError(`S3Url ${s3Url}: the object does not exist or cannot be read`);
    }
  }

  /** The task, after letting a pending deletion finish if its time has come. */
  private task(id: unknown, { poll = false } = {}): OtaTaskRecord {
    const task = this.ctx.state.otaTasks.get(String(id));
    if (task?.deletion) {
      this.finishDeletion(task);
      if (poll && this.ctx.state.otaTasks.has(task.id)) task.deletion.polls++;
    }
    if (!task || !this.ctx.state.otaTasks.has(task.id)) throw notFound('OtaTask', String(id));
    return task;
  }

  private finishDeletion(task: OtaTaskRecord): void {
    const { polls, afterMs } = this.options.deletion;
    const deletion = task.deletion!;
    const done = (polls !== undefined && deletion.polls >= polls)
      || (afterMs !== undefined && this.ctx.clock.now() - deletion.requestedAt >= afterMs);
    if (done) this.ctx.state.otaTasks.delete(task.id);
  }

  private taskByArn(arn: unknown): OtaTaskRecord {
    const found = [...this.ctx.state.otaTasks.values()].find((candidate) => candidate.arn === arn);
    if (!found) throw notFound('Resource', String(arn));
    return this.task(found.id);
  }

  private configuration(id: unknown) {
    const configuration = this.ctx.state.otaTaskConfigurations.get(String(id));
    if (!configuration) throw notFound('OtaTaskConfiguration', String(id));
    return configuration;
  }
}

/** Bucket and key of an `s3://bucket/key` URL, or of a virtual-hosted or path-style https S3 URL. */
export function s3Location(url: string): { bucket: string; key: string } | undefined {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (s3) return { bucket: s3[1], key: s3[2] };
  const virtualHosted = /^https:\/\/([^/]+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com\/(.+)$/.exec(url);
  if (virtualHosted) return { bucket: virtualHosted[1], key: decodeURIComponent(virtualHosted[2]) };
  const pathStyle = /^https:\/\/s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com\/([^/]+)\/(.+)$/.exec(url);
  if (pathStyle) return { bucket: pathStyle[1], key: decodeURIComponent(pathStyle[2]) };
  return undefined;
}
