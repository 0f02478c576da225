/**
 * Replays a synthesized app's deployments against the ServiceEmulator: the library's custom
 * resources of one stack, run through the bundled handler assets of the cloud assembly (the
 * `asset.<hash>/index.js` that ships) the way CloudFormation and the CDK Provider framework would.
 *
 * - Properties as CloudFormation delivers them: intrinsics resolved (replay/intrinsics.ts), every
 *   leaf a string, ServiceToken included.
 * - Each invocation in a child process of its own (fresh module state, as separate Lambdas), with
 *   the function's own environment (HANDLER_PHASE) and timeout, AWS_ENDPOINT_URL = the emulator.
 * - The Provider framework: onEvent, its result merged into the event; then isComplete at once and
 *   again on the waiter's schedule (interval × backoff, on the emulator's virtual clock) up to its
 *   MaxAttempts, then "Operation timed out"; isComplete Data merged over onEvent Data; a failed
 *   Create without a physical id answers the marker AWSCDK::CustomResourceProviderFramework::CREATE_FAILED,
 *   whose later Delete the framework ignores.
 * - CloudFormation: resources in dependency order, independent ones in parallel; resources whose
 *   resolved properties did not change are not updated; on the first failure nothing new starts and
 *   the operations in flight finish. Create failed → ROLLBACK: Delete of every resource that got a
 *   physical id, dependents first. Update: a changed physical id is a replacement, whose old id is
 *   deleted in UPDATE_COMPLETE_CLEANUP_IN_PROGRESS with resources the new template dropped. Update
 *   failed → UPDATE_ROLLBACK: Update back to the old properties of every resource updated in place
 *   (including the one that failed), then Delete of what the update created (new resources and
 *   replacements' new ids). A replaced resource gets no rollback Update: its old physical resource
 *   was never changed (an ASSUMPTION about CloudFormation's handling of custom resources).
 * - The handlers' DescribeStacks (asked before refusing a change a rollback must not be refused:
 *   a started FUOTA task, a value the service cannot clear) and the campaign monitor's
 *   ListStackResources are answered by a loopback stand-in (replay/cloudformation.ts) with the
 *   replay's current stack status and resources. ListStackResources lists the custom resources the
 *   replay deployed (physical id as the handler answered, CREATE_COMPLETE or UPDATE_COMPLETE) and
 *   the template's other resources as CloudFormation would have created them: CREATE_COMPLETE,
 *   with a made-up physical id `<stack>-<LogicalId>-<hash>` (an AWS::Events::Rule: its Name if
 *   given). Those rules also exist in the emulator's EventBridge (state from the template's
 *   `State`, default ENABLED) until the stack is deleted or drops them, so a monitor that disables
 *   its own schedule can be asserted with `emulator.rule(name)`. The replay runs no handler of
 *   ordinary resources: they are listed, not simulated (an ASSUMPTION that suffices for the monitor).
 * - Each invocation signs with credentials of its own (`ServiceEmulator.credentialsFor`), so a `kill`
 *   fault on one of its calls ends that invocation's process before it reads the answer; the
 *   framework then gets Lambda's timeout error, as from a handler killed mid-step.
 *
 *   const replay = await StackReplay.start(emulator, { stackName: 'FuotaExample' });
 *   const created = await replay.deploy('cdk.out');      // Create (the stack does not exist yet)
 *   const updated = await replay.deploy('cdk.out.v2');   // Update
 *   const deleted = await replay.destroy();
 *   await replay.stop();
 *
 * Shipped in the package (lib/emulator) for `replayStack()` and `cdk-iot-ota-tasks replay`; not part of the jsii API.
 */
import { createHash, randomUUID } from 'node:crypto';
import { CloudFormationStandIn, StackResourceSummary } from './replay/cloudformation';
import { resolveProperties } from './replay/intrinsics';
import { invokeHandler, InvocationOutcome } from './replay/invoke';
import { CustomResourceDefinition, HandlerFunction, readStack, StackDefinition, TemplateResource } from './replay/template';
import { ServiceEmulator } from './server';

export { LIBRARY_RESOURCE_TYPES } from './replay/template';

/** The physical id the Provider framework reports for a Create that failed before it had one. */
export const CREATE_FAILED_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

export type RequestType = 'Create' | 'Update' | 'Delete';

/** Which part of a stack operation a step belongs to. */
export type ReplayPhase = 'deploy' | 'cleanup' | 'rollback' | 'rollback-cleanup' | 'delete';

/** One custom resource request, as CloudFormation sent it and the framework answered it. */
export interface ReplayStep {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly requestType: RequestType;
  readonly phase: ReplayPhase;
  /** The physical id the request was about (Update, Delete). */
  readonly requestPhysicalId?: string;
  /** The physical id of the response (the marker for a Create that failed in onEvent). */
  readonly physicalId?: string;
  /** SUCCESS or FAILED as the framework answered CloudFormation; IGNORED: the marker's Delete. */
  readonly status: 'SUCCESS' | 'FAILED' | 'IGNORED';
  /** The framework's reason for a failure: the handler's message and its log group. */
  readonly reason?: string;
  /** How many times isComplete ran. */
  readonly isCompleteCalls: number;
  readonly data?: { readonly [name: string]: unknown };
  /** What the handler invocations printed. */
  readonly logs: readonly string[];
}

/** A whole stack operation. */
export interface ReplayResult {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  /** The final stack status, e.g. CREATE_COMPLETE, ROLLBACK_COMPLETE, UPDATE_ROLLBACK_COMPLETE. */
  readonly stackStatus: string;
  /** Whether the operation did what was asked (CREATE_COMPLETE, UPDATE_COMPLETE, DELETE_COMPLETE) with no failed step. */
  readonly succeeded: boolean;
  readonly steps: readonly ReplayStep[];
  /** The first failure's reason, as the stack events would show it. */
  readonly failure?: string;
}

/** A custom resource as the replay's CloudFormation keeps it. */
export interface DeployedResource {
  readonly definition: CustomResourceDefinition;
  readonly physicalId: string;
  /** The resolved properties it was last deployed with. */
  readonly properties: { readonly [name: string]: unknown };
  readonly data: { readonly [name: string]: unknown };
}

export interface StackReplayOptions {
  readonly stackName: string;
  /** Default: a fixed ARN in the emulator's region and account. */
  readonly stackId?: string;
  /** Caps the isComplete calls of one request below the waiter's own 1 + MaxAttempts. */
  readonly maxIsCompleteCalls?: number;
  /** Summaries per ListStackResources page. Default 100 (UNCONFIRMED, see replay/cloudformation.ts). */
  readonly listStackResourcesPageSize?: number;
  /** Told as each request starts, polls and ends, for a live progress view. Default: nobody. */
  readonly onProgress?: (progress: ReplayProgress) => void;
}

/** What `StackReplayOptions.onProgress` hears: a request began, isComplete ran again, or it ended. */
export type ReplayProgress =
  | { readonly kind: 'start'; readonly logicalId: string; readonly resourceType: string; readonly requestType: RequestType; readonly phase: ReplayPhase }
  | { readonly kind: 'poll'; readonly logicalId: string; readonly requestType: RequestType; readonly phase: ReplayPhase; readonly attempt: number; readonly virtualTime: number }
  | { readonly kind: 'end'; readonly step: ReplayStep };

export class StackReplay {
  /** Starts the replay's CloudFormation stand-in; stop it with `stop()`. */
  public static async start(emulator: ServiceEmulator, options: StackReplayOptions): Promise<StackReplay> {
    const replay = new StackReplay(emulator, options);
    replay.cloudFormation = await CloudFormationStandIn.start(replay, { pageSize: options.listStackResourcesPageSize });
    emulator.onKill((caller) => caller !== undefined && replay.killers.get(caller)?.());
    return replay;
  }

  public readonly stackName: string;
  public readonly stackId: string;
  /** The status the DescribeStacks stand-in answers; `DOES_NOT_EXIST` before the first deploy. */
  public stackStatus = 'DOES_NOT_EXIST';
  private deployed = new Map<string, DeployedResource>();
  private stack?: StackDefinition;
  private busy = 0;
  /** Ends a running invocation, by the caller name its credentials carry. */
  private readonly killers = new Map<string, () => void>();
  private cloudFormation!: CloudFormationStandIn;
  /** Status and time of each custom resource's last successful operation, by logical id. */
  private readonly customStatus = new Map<string, { status: string; at: number }>();
  /** The template's other resources as CloudFormation would hold them, by logical id. */
  private ordinary = new Map<string, StackResourceSummary>();

  private constructor(private readonly emulator: ServiceEmulator, private readonly options: StackReplayOptions) {
    this.stackName = options.stackName;
    this.stackId = options.stackId
      ?? `arn:aws:cloudformation:${emulator.region}:${emulator.accountId}:stack/${options.stackName}/00000000-0000-4000-8000-00000000replay`;
  }

  /** The custom resources deployed now, by logical id. */
  public get resources(): ReadonlyMap<string, DeployedResource> {
    return this.deployed;
  }

  /** How many DescribeStacks calls the handlers made, with the status each got. */
  public get describeStacksCalls(): string[] {
    return this.cloudFormation.describeStacksCalls;
  }

  /** The NextToken ('' for the first page) of each ListStackResources call answered. */
  public get listStackResourcesCalls(): string[] {
    return this.cloudFormation.listStackResourcesCalls;
  }

  /** Where the stand-in listens: give it as AWS_ENDPOINT_URL_CLOUDFORMATION (the replay does so for handlers). */
  public get cloudFormationUrl(): string {
    return this.cloudFormation.url;
  }

  /** What ListStackResources lists now: the deployed custom resources, then the template's other resources. */
  public resourceSummaries(): StackResourceSummary[] {
    const custom = [...this.deployed.values()].map((resource) => ({
      logicalId: resource.definition.logicalId,
      physicalId: resource.physicalId,
      type: resource.definition.type,
      status: this.customStatus.get(resource.definition.logicalId)?.status ?? 'CREATE_COMPLETE',
      lastUpdated: this.customStatus.get(resource.definition.logicalId)?.at ?? this.emulator.clock.now(),
    }));
    return [...custom, ...this.ordinary.values()];
  }

  public async stop(): Promise<void> {
    this.emulator.onKill(undefined);
    await this.cloudFormation.stop();
  }

  /** Creates the stack from the cloud assembly in `assemblyDir`, or updates it if it exists. */
  public async deploy(assemblyDir: string): Promise<ReplayResult> {
    const stack = readStack(assemblyDir, this.stackName);
    return this.stack ? this.update(stack) : this.create(stack);
  }

  /** Deletes the stack's custom resources, dependents first. */
  public async destroy(): Promise<ReplayResult> {
    if (!this.stack) throw new Error(`Stack ${this.stackName} does not exist`);
    const stack = this.stack;
    const steps: ReplayStep[] = [];
    this.stackStatus = 'DELETE_IN_PROGRESS';
    const failed = await this.deleteAll(stack, [...this.deployed.values()], 'delete', steps);
    if (failed) {
      this.stackStatus = 'DELETE_FAILED';
    } else {
      this.stackStatus = 'DELETE_COMPLETE';
      this.stack = undefined;
      this.syncOrdinaryResources(undefined);
    }
    return this.result('DELETE', steps, 'DELETE_COMPLETE');
  }

  // ---------------------------------------------------------------------------------------------

  private async create(stack: StackDefinition): Promise<ReplayResult> {
    const steps: ReplayStep[] = [];
    this.stack = stack;
    this.stackStatus = 'CREATE_IN_PROGRESS';
    const attempted = new Map<string, DeployedResource>();
    const failedAny = await runInOrder([...stack.customResources.keys()], (id) => stack.customResources.get(id)!.dependencies, async (id) => {
      const definition = stack.customResources.get(id)!;
      const properties = this.resolve(stack, definition, this.deployed, 'Create', steps);
      if (!properties) return false;
      const step = await this.request(definition, 'Create', 'deploy', properties);
      steps.push(step);
      if (step.physicalId) attempted.set(id, { definition, physicalId: step.physicalId, properties, data: step.data ?? {} });
      if (step.status === 'SUCCESS') {
        this.deployed.set(id, attempted.get(id)!);
        this.customStatus.set(id, { status: 'CREATE_COMPLETE', at: this.emulator.clock.now() });
      }
      return step.status === 'SUCCESS';
    });
    if (!failedAny) {
      this.syncOrdinaryResources(stack);
      this.stackStatus = 'CREATE_COMPLETE';
      return this.result('CREATE', steps, 'CREATE_COMPLETE');
    }
    // ROLLBACK: every resource CloudFormation has a physical id for is deleted, the failed one too.
    this.stackStatus = 'ROLLBACK_IN_PROGRESS';
    const rollbackFailed = await this.deleteAll(stack, [...attempted.values()], 'rollback', steps);
    this.stackStatus = rollbackFailed ? 'ROLLBACK_FAILED' : 'ROLLBACK_COMPLETE';
    if (!rollbackFailed) this.stack = undefined;
    return this.result('CREATE', steps, 'CREATE_COMPLETE');
  }

  private async update(stack: StackDefinition): Promise<ReplayResult> {
    const steps: ReplayStep[] = [];
    const oldStack = this.stack!;
    const before = new Map(this.deployed);
    const current = new Map(this.deployed);
    /** What the update created: new resources and replacements' new ids, to delete if it rolls back. */
    const created: DeployedResource[] = [];
    /** Resources updated in place (or whose update failed), with what they had before. */
    const updatedInPlace: { previous: DeployedResource; now: DeployedResource }[] = [];
    /** Old ids of replaced resources, deleted in cleanup. */
    const replaced: DeployedResource[] = [];
    this.stackStatus = 'UPDATE_IN_PROGRESS';
    const failedAny = await runInOrder([...stack.customResources.keys()], (id) => stack.customResources.get(id)!.dependencies, async (id) => {
      const definition = stack.customResources.get(id)!;
      const previous = before.get(id);
      const properties = this.resolve(stack, definition, current, previous ? 'Update' : 'Create', steps);
      if (!properties) return false;
      if (!previous || previous.definition.type !== definition.type) {
        const step = await this.request(definition, 'Create', 'deploy', properties);
        steps.push(step);
        if (step.physicalId) created.push({ definition, physicalId: step.physicalId, properties, data: step.data ?? {} });
        if (step.status === 'SUCCESS') {
          current.set(id, { definition, physicalId: step.physicalId!, properties, data: step.data ?? {} });
          this.customStatus.set(id, { status: previous ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE', at: this.emulator.clock.now() });
          if (previous) replaced.push(previous);
        }
        return step.status === 'SUCCESS';
      }
      if (sameJson(previous.properties, properties)) return true; // unchanged: CloudFormation sends nothing
      const step = await this.request(definition, 'Update', 'deploy', properties, previous);
      steps.push(step);
      const physicalId = step.physicalId ?? previous.physicalId;
      const now: DeployedResource = { definition, physicalId, properties, data: step.status === 'SUCCESS' ? step.data ?? {} : previous.data };
      if (physicalId !== previous.physicalId) {
        created.push(now);
        if (step.status === 'SUCCESS') replaced.push(previous);
      } else {
        updatedInPlace.push({ previous, now });
      }
      if (step.status === 'SUCCESS') {
        current.set(id, now);
        this.customStatus.set(id, { status: 'UPDATE_COMPLETE', at: this.emulator.clock.now() });
      }
      return step.status === 'SUCCESS';
    });

    if (!failedAny) {
      this.deployed = current;
      this.stack = stack;
      this.syncOrdinaryResources(stack);
      // Cleanup: replaced resources' old ids and resources the new template dropped.
      this.stackStatus = 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS';
      const removed = [...before.values()].filter((resource) => !stack.customResources.has(resource.definition.logicalId));
      for (const resource of removed) this.deployed.delete(resource.definition.logicalId);
      await this.deleteAll(oldStack, [...replaced, ...removed], 'cleanup', steps);
      this.stackStatus = 'UPDATE_COMPLETE';
      return this.result('UPDATE', steps, 'UPDATE_COMPLETE');
    }

    // UPDATE_ROLLBACK: back to the old properties, in the old template's order, then delete what the update made.
    this.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
    const toRevert = new Map(updatedInPlace.map((entry) => [entry.now.definition.logicalId, entry]));
    const rollbackFailed = await runInOrder([...toRevert.keys()], (id) => oldStack.customResources.get(id)?.dependencies ?? [], async (id) => {
      const { previous, now } = toRevert.get(id)!;
      const step = await this.request(previous.definition, 'Update', 'rollback', previous.properties, now);
      steps.push(step);
      if (step.physicalId && step.physicalId !== now.physicalId) {
        created.push(now); // the rollback replaced it: the id the update left is deleted in cleanup
      }
      return step.status === 'SUCCESS';
    });
    if (rollbackFailed) {
      this.stackStatus = 'UPDATE_ROLLBACK_FAILED';
      return this.result('UPDATE', steps, 'UPDATE_COMPLETE');
    }
    this.deployed = before;
    this.stackStatus = 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';
    await this.deleteAll(stack, created, 'rollback-cleanup', steps);
    this.stackStatus = 'UPDATE_ROLLBACK_COMPLETE';
    return this.result('UPDATE', steps, 'UPDATE_COMPLETE');
  }

  /**
   * Deletes `targets` dependents first (by the dependencies of `stack`, the template they came
   * from); independent ones in parallel. Returns whether any failed.
   */
  private async deleteAll(stack: StackDefinition, resources: DeployedResource[], phase: ReplayPhase, steps: ReplayStep[]): Promise<boolean> {
    const byKey = new Map(resources.map((resource) => [`${resource.definition.logicalId}|${resource.physicalId}`, resource]));
    const dependents = (key: string) => {
      const logicalId = key.split('|')[0];
      return [...byKey.keys()].filter((other) => {
        const otherId = other.split('|')[0];
        const deps = stack.customResources.get(otherId)?.dependencies ?? byKey.get(other)!.definition.dependencies;
        return otherId !== logicalId && deps.includes(logicalId);
      });
    };
    return runInOrder([...byKey.keys()], dependents, async (key) => {
      const resource = byKey.get(key)!;
      const step = await this.request(resource.definition, 'Delete', phase, resource.properties, resource);
      steps.push(step);
      if (step.status !== 'FAILED' && this.deployed.get(resource.definition.logicalId)?.physicalId === resource.physicalId) {
        this.deployed.delete(resource.definition.logicalId);
      }
      return step.status !== 'FAILED';
    }, { continueAfterFailure: phase === 'cleanup' || phase === 'rollback-cleanup' });
  }

  /** The resolved properties, or undefined (and a failed step, as CloudFormation fails the resource) when they cannot be resolved. */
  private resolve(
    stack: StackDefinition, definition: CustomResourceDefinition, deployed: ReadonlyMap<string, DeployedResource>,
    requestType: RequestType, steps: ReplayStep[],
  ): { [name: string]: unknown } | undefined {
    try {
      return this.resolveNow(stack, definition, deployed);
    } catch (error) {
      steps.push({
        logicalId: definition.logicalId,
        resourceType: definition.type,
        requestType,
        phase: 'deploy',
        status: 'FAILED',
        reason: (error as Error).message,
        isCompleteCalls: 0,
        logs: [],
      });
      return undefined;
    }
  }

  private resolveNow(stack: StackDefinition, definition: CustomResourceDefinition, deployed: ReadonlyMap<string, DeployedResource>) {
    return resolveProperties(definition.properties, {
      stackName: this.stackName,
      stackId: this.stackId,
      region: this.emulator.region,
      accountId: this.emulator.accountId,
      template: stack.template,
      customResource: (id) => {
        const resource = deployed.get(id);
        return resource && { physicalId: resource.physicalId, data: { ...resource.data } };
      },
    });
  }

  /** One CloudFormation request to the Provider framework, and the framework's answer, told to `onProgress`. */
  private async request(
    definition: CustomResourceDefinition, requestType: RequestType, phase: ReplayPhase,
    properties: { readonly [name: string]: unknown }, previous?: DeployedResource,
  ): Promise<ReplayStep> {
    this.options.onProgress?.({ kind: 'start', logicalId: definition.logicalId, resourceType: definition.type, requestType, phase });
    const step = await this.frameworkRequest(definition, requestType, phase, properties, previous);
    this.options.onProgress?.({ kind: 'end', step });
    return step;
  }

  private async frameworkRequest(
    definition: CustomResourceDefinition, requestType: RequestType, phase: ReplayPhase,
    properties: { readonly [name: string]: unknown }, previous?: DeployedResource,
  ): Promise<ReplayStep> {
    const logs: string[] = [];
    const base = {
      logicalId: definition.logicalId, resourceType: definition.type, requestType, phase, requestPhysicalId: previous?.physicalId, logs,
    };
    const cfnRequest: { [name: string]: unknown } = {
      RequestType: requestType,
      ServiceToken: properties.ServiceToken,
      ResponseURL: `https://cloudformation-custom-resource-response-${this.emulator.region.replace(/-/g, '')}.s3.amazonaws.com/replay`,
      StackId: this.stackId,
      RequestId: randomUUID(),
      LogicalResourceId: definition.logicalId,
      ResourceType: definition.type,
      ResourceProperties: properties,
      ...(previous ? { PhysicalResourceId: previous.physicalId } : {}),
      ...(requestType === 'Update' ? { OldResourceProperties: previous!.properties } : {}),
    };
    if (requestType === 'Delete' && previous?.physicalId === CREATE_FAILED_MARKER) {
      return { ...base, physicalId: CREATE_FAILED_MARKER, status: 'IGNORED', isCompleteCalls: 0 };
    }
    const { onEvent, isComplete, waiter } = definition.provider;
    // What the framework's safeHandler reports on a failure: the physical id of the event it had.
    let failureEvent = cfnRequest;
    let isCompleteCalls = 0;
    const fail = (reason: string): ReplayStep => ({
      ...base,
      physicalId: (failureEvent.PhysicalResourceId as string | undefined) ?? (requestType === 'Create' ? CREATE_FAILED_MARKER : undefined),
      status: 'FAILED',
      reason,
      isCompleteCalls,
    });
    const onEventAnswer = await this.invoke(onEvent, cfnRequest, logs);
    if (!onEventAnswer.ok) return fail(frameworkReason(onEvent, onEventAnswer));
    const onEventResult = (onEventAnswer.result ?? {}) as { PhysicalResourceId?: string; Data?: { [name: string]: unknown } };
    const physicalId = onEventResult.PhysicalResourceId || (requestType === 'Create' ? cfnRequest.RequestId as string : previous!.physicalId);
    if (requestType === 'Delete' && physicalId !== previous!.physicalId) {
      return fail(`DELETE: cannot change the physical resource ID from "${previous!.physicalId}" to "${onEventResult.PhysicalResourceId}" during deletion`);
    }
    const resourceEvent = { ...cfnRequest, ...onEventResult, PhysicalResourceId: physicalId };
    failureEvent = resourceEvent;
    if (!isComplete) {
      return { ...base, physicalId, status: 'SUCCESS', isCompleteCalls, data: onEventResult.Data ?? {} };
    }
    const limit = Math.min(1 + waiter.maxAttempts, this.options.maxIsCompleteCalls ?? Infinity);
    for (let attempt = 0; attempt < limit; attempt++) {
      if (attempt > 0) await this.waitVirtual(waiter.intervalSeconds * 1000 * waiter.backoffRate ** (attempt - 1));
      isCompleteCalls++;
      if (attempt > 0) {
        this.options.onProgress?.({
          kind: 'poll', logicalId: definition.logicalId, requestType, phase, attempt: isCompleteCalls, virtualTime: this.emulator.clock.now(),
        });
      }
      const answer = await this.invoke(isComplete, resourceEvent, logs);
      if (!answer.ok) return fail(frameworkReason(isComplete, answer));
      const result = (answer.result ?? {}) as { IsComplete?: boolean; Data?: { [name: string]: unknown } };
      if (result.IsComplete) {
        return { ...base, physicalId, status: 'SUCCESS', isCompleteCalls, data: { ...onEventResult.Data, ...result.Data } };
      }
      if (result.Data && Object.keys(result.Data).length > 0) return fail('"Data" is not allowed if "IsComplete" is "False"');
    }
    return fail('Operation timed out');
  }

  private async invoke(fn: HandlerFunction, event: object, logs: string[]): Promise<InvocationOutcome> {
    this.busy++;
    const requestId = randomUUID();
    const caller = `${fn.functionName} ${requestId}`;
    const credentials = this.emulator.credentialsFor(caller);
    const kill = new AbortController();
    this.killers.set(caller, () => kill.abort());
    try {
      const outcome = await invokeHandler(fn, event, {
        region: this.emulator.region,
        accountId: this.emulator.accountId,
        endpoint: this.emulator.url,
        cloudFormationEndpoint: this.cloudFormationUrl,
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        // The handler's clock is the emulator's: its polling budget, its start times and its
        // records' instants agree with what the services and the monitor's ticks see.
        virtualNow: this.emulator.clock.now(),
      }, requestId, kill.signal);
      logs.push(...outcome.logs);
      return outcome;
    } finally {
      this.killers.delete(caller);
      this.busy--;
      this.tick();
    }
  }

  /**
   * Waits `ms` of virtual time. The clock moves (to the earliest sleeper) only when no handler
   * invocation is running, so parallel waits overlap as they would in real time.
   */
  private async waitVirtual(ms: number): Promise<void> {
    const woken = this.emulator.clock.sleep(ms);
    this.tick();
    await woken;
  }

  private tick(): void {
    setImmediate(() => {
      const next = this.emulator.clock.nextWakeUp();
      if (this.busy === 0 && next !== undefined) this.emulator.clock.set(Math.max(next, this.emulator.clock.now()));
    });
  }

  /**
   * The template's ordinary resources after a successful create or update (none after a delete):
   * new ones appear, dropped ones go, kept ones stay as they were. Their AWS::Events::Rule
   * resources are created in, and removed from, the emulator's EventBridge alike.
   */
  private syncOrdinaryResources(stack: StackDefinition | undefined): void {
    const wanted = Object.entries(stack?.template.Resources ?? {}).filter(([logicalId]) => !stack!.customResources.has(logicalId));
    const next = new Map<string, StackResourceSummary>();
    for (const [logicalId, resource] of wanted) {
      const kept = this.ordinary.get(logicalId);
      if (kept && kept.type === resource.Type) {
        next.set(logicalId, kept);
        continue;
      }
      const physicalId = physicalIdOf(this.stackName, this.stackId, logicalId, resource);
      next.set(logicalId, { logicalId, physicalId, type: resource.Type, status: 'CREATE_COMPLETE', lastUpdated: this.emulator.clock.now() });
      if (resource.Type === 'AWS::Events::Rule') this.emulator.putRule(ruleSeed(physicalId, resource));
    }
    for (const [logicalId, gone] of this.ordinary) {
      if (next.get(logicalId) !== gone && gone.type === 'AWS::Events::Rule') this.emulator.removeRule(gone.physicalId);
    }
    this.ordinary = next;
  }

  private result(operation: ReplayResult['operation'], steps: ReplayStep[], goal: string): ReplayResult {
    const failure = steps.find((step) => step.status === 'FAILED');
    return {
      operation,
      stackStatus: this.stackStatus,
      succeeded: this.stackStatus === goal && !failure,
      steps,
      failure: failure && `${failure.logicalId} ${failure.requestType}: ${failure.reason}`,
    };
  }
}

/** The reason the framework sends for a handler's FunctionError (without the stack trace lines). */
function frameworkReason(fn: HandlerFunction, outcome: Extract<InvocationOutcome, { ok: false }>): string {
  return [outcome.errorMessage || 'error', '', `Logs: /aws/lambda/${fn.functionName}`, ''].join('\n');
}

/** CloudFormation's generated physical name: `<stack>-<LogicalId>-<13 characters>`, at most 64 characters; a rule's own Name if it has one. */
function physicalIdOf(stackName: string, stackId: string, logicalId: string, resource: TemplateResource): string {
  const name = resource.Properties?.Name;
  if (resource.Type === 'AWS::Events::Rule' && typeof name === 'string') return name;
  const suffix = createHash('sha256').update(`${stackId}/${logicalId}`).digest('hex').slice(0, 13).toUpperCase();
  return `${`${stackName}-${logicalId}`.slice(0, 50)}-${suffix}`;
}

function ruleSeed(name: string, resource: TemplateResource) {
  const properties = resource.Properties ?? {};
  const { ScheduleExpression: schedule, EventPattern: pattern, State: state, Description: description, EventBusName: bus } = properties;
  return {
    name,
    eventBusName: typeof bus === 'string' ? bus : undefined,
    scheduleExpression: typeof schedule === 'string' ? schedule : undefined,
    eventPattern: pattern === undefined ? undefined : JSON.stringify(pattern),
    description: typeof description === 'string' ? description : undefined,
    state: state === 'DISABLED' ? 'DISABLED' as const : 'ENABLED' as const,
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Runs `action` for every node once all the nodes it depends on (among `nodes`) have succeeded;
 * independent nodes run in parallel. After a failure no new node starts (unless
 * `continueAfterFailure`), the running ones finish. Returns whether any failed.
 */
async function runInOrder(
  nodes: readonly string[], dependenciesOf: (node: string) => readonly string[], action: (node: string) => Promise<boolean>,
  options: { continueAfterFailure?: boolean } = {},
): Promise<boolean> {
  const members = new Set(nodes);
  const done = new Map<string, boolean>();
  const running = new Map<string, Promise<void>>();
  let failed = false;
  for (;;) {
    const ready = nodes.filter((node) => !done.has(node) && !running.has(node)
      && dependenciesOf(node).every((dep) => !members.has(dep) || done.get(dep) === true || (options.continueAfterFailure && done.has(dep))));
    if (!failed || options.continueAfterFailure) {
      for (const node of ready) {
        running.set(node, action(node).catch(() => false).then((ok) => {
          done.set(node, ok);
          if (!ok) failed = true;
          running.delete(node);
        }));
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  return failed;
}
