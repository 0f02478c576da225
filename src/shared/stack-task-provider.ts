import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { FunctionBundle } from './bundled-function';
import { buildHandlerProvider, PROVIDER_FRAMEWORK_ACKNOWLEDGEMENTS, ProviderOptionsRecord } from './handler-provider';
import { acknowledgeNagFindings } from './nag';
import { TaskProviderOptions } from './task-provider-options';

/** The handler functions of one service's provider. */
export interface TaskHandlers {
  /** The service the handlers call, as the role and function descriptions name it, e.g. `IoT Wireless FUOTA`. */
  readonly service: string;
  /** Names the functions when the user gives a prefix, e.g. `fuota` gives `<prefix>fuota-on-event`. */
  readonly shortName: string;
  /** The package's bundle the onEvent and isComplete functions run. */
  readonly bundle: FunctionBundle;
}

/**
 * What every service's provider shares: a stack has one of it (a stack-level child found by its
 * id, not a module-level map, which would leak across apps and tests), made with the provider
 * options of the first task that asks, which every later task must match; and the handler
 * functions behind the Provider framework with their role, to which the subclass adds its
 * service's permissions.
 */
export abstract class StackTaskProvider extends Construct {
  /**
   * The stack's provider with construct id `id`, made by `create` on first use. A later task may
   * leave `options` out; other options than the first task's fail synth.
   */
  protected static findOrCreate<P extends StackTaskProvider>(
    scope: Construct, id: string, options: TaskProviderOptions | undefined, create: (stack: Stack, createdBy: string) => P,
  ): P {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(id) as P | undefined;
    if (!existing) return create(stack, scope.node.path);
    existing.options.check(scope, options);
    return existing;
  }

  public readonly serviceToken: string;
  protected readonly handlerRole: iam.Role;
  private readonly options: ProviderOptionsRecord;
  private readonly permissionsBoundary?: iam.IManagedPolicy;
  private readonly bounded = new Set<string>();

  protected constructor(scope: Construct, id: string, createdBy: string, handlers: TaskHandlers, options: TaskProviderOptions | undefined) {
    super(scope, id);
    this.options = new ProviderOptionsRecord(this, createdBy, options);
    this.permissionsBoundary = options?.permissionsBoundary;
    const { role, serviceToken } = buildHandlerProvider(this, handlers.service, handlers.shortName, handlers.bundle, options);
    this.handlerRole = role;
    this.serviceToken = serviceToken;
  }

  /**
   * Lets the handlers read their own stack's status (DescribeStacks), and only that: asked only to
   * tell a rollback from an ordinary update when a change the service cannot make would be refused.
   */
  protected allowReadingOwnStackStatus(): void {
    this.handlerRole.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadOwnStackStatus',
      actions: ['cloudformation:DescribeStacks'],
      resources: [Aws.STACK_ID],
    }));
  }

  /**
   * Actions the Service Authorization Reference lists no resource type for: "*" is the only
   * resource that matches, and the region condition keeps them to this stack's region.
   */
  protected allowInStackRegion(sid: string, actions: string[]): void {
    this.handlerRole.addToPolicy(new iam.PolicyStatement({
      sid,
      actions,
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': Aws.REGION } },
    }));
  }

  /** The cdk-nag acknowledgements: the Provider framework's, and why the handler role has wildcards. */
  protected acknowledgeWildcards(reason: string): void {
    acknowledgeNagFindings(this, [{ id: 'AwsSolutions-IAM5', reason }, ...PROVIDER_FRAMEWORK_ACKNOWLEDGEMENTS]);
  }

  /**
   * Puts `providerOptions.permissionsBoundary` on another role the library makes for this service's
   * tasks (the FUOTA FirmwareUpdateRole): an organisation that requires a boundary on every
   * `iam:CreateRole` could not deploy otherwise. Once per role, however many tasks share it.
   */
  public applyPermissionsBoundary(role: iam.Role): void {
    if (!this.permissionsBoundary || this.bounded.has(role.node.path)) return;
    this.bounded.add(role.node.path);
    iam.PermissionsBoundary.of(role).apply(this.permissionsBoundary);
  }
}
