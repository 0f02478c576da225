/**
 * Reading a synthesized stack for the replay: the library's custom resources, the provider each
 * ServiceToken leads to (the framework's onEvent function → the user onEvent/isComplete functions →
 * their asset directory in the cloud assembly, whose index.js is the shipped bundle, and the waiter
 * state machine's polling schedule), and a small resolver of the intrinsic functions the library's
 * templates use.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The custom resource types of this library. */
export const LIBRARY_RESOURCE_TYPES: readonly string[] = [
  'Custom::IoTWirelessFuotaTask',
  'Custom::IoTWirelessFuotaRolloutWave',
  'Custom::IoTManagedIntegrationsOtaTask',
  'Custom::IoTManagedIntegrationsOtaTaskConfiguration',
  'Custom::IoTManagedIntegrationsOtaRolloutWave',
];

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: { [name: string]: unknown };
  readonly DependsOn?: string | string[];
}

export interface Template {
  readonly Resources: { [logicalId: string]: TemplateResource };
  readonly Parameters?: { [name: string]: { Default?: unknown } };
}

/** One Lambda function of a provider, as the replay runs it. */
export interface HandlerFunction {
  readonly logicalId: string;
  /** The fake name the function gets (used in the framework's `Logs: /aws/lambda/<name>` line). */
  readonly functionName: string;
  /** Absolute path of the bundle's entry file (`asset.<hash>/index.js`). */
  readonly entry: string;
  /** The exported function (`handler` of `index.handler`). */
  readonly exportName: string;
  readonly timeoutSeconds: number;
  /** The function's environment variables, resolved (e.g. HANDLER_PHASE). */
  readonly environment: { readonly [name: string]: string };
}

/** What a ServiceToken leads to. */
export interface Provider {
  readonly frameworkLogicalId: string;
  readonly onEvent: HandlerFunction;
  readonly isComplete?: HandlerFunction;
  /** The waiter's Retry: first isComplete at once, then up to `maxAttempts` more, `intervalSeconds` × `backoffRate`^n apart. */
  readonly waiter: { readonly intervalSeconds: number; readonly maxAttempts: number; readonly backoffRate: number };
}

export interface CustomResourceDefinition {
  readonly logicalId: string;
  readonly type: string;
  /** Properties as written in the template, intrinsics unresolved. */
  readonly properties: { [name: string]: unknown };
  readonly provider: Provider;
  /** Library custom resources this one needs first (through references or DependsOn, also via ordinary resources). */
  readonly dependencies: readonly string[];
}

export interface StackDefinition {
  readonly stackName: string;
  readonly assemblyDir: string;
  readonly template: Template;
  readonly customResources: ReadonlyMap<string, CustomResourceDefinition>;
}

/** Reads `<stackName>` from the cloud assembly in `assemblyDir` (a `cdk.out`). */
export function readStack(assemblyDir: string, stackName: string): StackDefinition {
  const manifest = readJson(path.join(assemblyDir, 'manifest.json'));
  const artifacts = Object.entries(manifest.artifacts ?? {}) as [string, any][];
  const stackArtifact = artifacts.find(([id, a]) => a.type === 'aws:cloudformation:stack' && (id === stackName || a.displayName === stackName || a.properties?.stackName === stackName));
  if (!stackArtifact) throw new Error(`No stack ${stackName} in the cloud assembly ${assemblyDir}`);
  const template = readJson(path.join(assemblyDir, stackArtifact[1].properties.templateFile)) as Template;
  const assetDirs = readAssetDirs(assemblyDir, artifacts);
  const resources = template.Resources;
  const providers = new Map<string, Provider>();
  const customResources = new Map<string, CustomResourceDefinition>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!LIBRARY_RESOURCE_TYPES.includes(resource.Type)) continue;
    const frameworkId = referencedLogicalId(resource.Properties?.ServiceToken);
    if (!frameworkId) throw new Error(`${logicalId}: its ServiceToken is not a reference to a function of the stack`);
    let provider = providers.get(frameworkId);
    if (!provider) {
      provider = readProvider(stackName, resources, frameworkId, assetDirs);
      providers.set(frameworkId, provider);
    }
    customResources.set(logicalId, {
      logicalId,
      type: resource.Type,
      properties: resource.Properties ?? {},
      provider,
      dependencies: [],
    });
  }
  for (const definition of customResources.values()) {
    (definition as unknown as { dependencies: string[] }).dependencies = libraryDependencies(resources, definition.logicalId, customResources);
  }
  return { stackName, assemblyDir, template, customResources };
}

function readProvider(stackName: string, resources: Template['Resources'], frameworkId: string, assetDirs: Map<string, string>): Provider {
  const framework = resources[frameworkId];
  if (framework?.Type !== 'AWS::Lambda::Function') throw new Error(`ServiceToken ${frameworkId} is not a Lambda function of the stack`);
  const variables = ((framework.Properties?.Environment as any)?.Variables ?? {}) as { [name: string]: unknown };
  const onEventId = referencedLogicalId(variables.USER_ON_EVENT_FUNCTION_ARN);
  if (!onEventId) throw new Error(`${frameworkId} is not a CDK Provider framework function (no USER_ON_EVENT_FUNCTION_ARN)`);
  const isCompleteId = referencedLogicalId(variables.USER_IS_COMPLETE_FUNCTION_ARN);
  const waiterId = referencedLogicalId(variables.WAITER_STATE_MACHINE_ARN);
  const handlerFunction = (logicalId: string) => readHandlerFunction(stackName, resources, logicalId, assetDirs);
  return {
    frameworkLogicalId: frameworkId,
    onEvent: handlerFunction(onEventId),
    isComplete: isCompleteId ? handlerFunction(isCompleteId) : undefined,
    waiter: waiterId ? waiterSchedule(resources[waiterId]) : { intervalSeconds: 5, maxAttempts: 360, backoffRate: 1 },
  };
}

/** One Lambda function of the stack as the replay runs it: its bundle in the assembly's assets. */
function readHandlerFunction(stackName: string, resources: Template['Resources'], logicalId: string, assetDirs: Map<string, string>): HandlerFunction {
  const fn = resources[logicalId];
  const props = fn?.Properties ?? {};
  const s3Key = (props.Code as { S3Key?: unknown } | undefined)?.S3Key;
  if (typeof s3Key !== 'string') throw new Error(`${logicalId}: Code.S3Key is not a literal asset key`);
  const hash = s3Key.replace(/\.[^.]+$/, '');
  const dir = assetDirs.get(hash);
  if (!dir) throw new Error(`${logicalId}: asset ${hash} is not in the assembly's asset manifests`);
  const [file, exportName] = String(props.Handler ?? 'index.handler').split(/\.(?=[^.]+$)/);
  const entry = path.join(dir, `${file}.js`);
  if (!fs.existsSync(entry)) throw new Error(`${logicalId}: ${entry} is missing`);
  const environment = Object.fromEntries(Object.entries(((props.Environment as any)?.Variables ?? {}) as object)
    .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
    .map(([name, value]) => [name, String(value)]));
  return {
    logicalId,
    functionName: fakeName(stackName, logicalId, 64),
    entry,
    exportName,
    timeoutSeconds: Number(props.Timeout ?? 3),
    environment,
  };
}

/** A Lambda function an EventBridge schedule invokes (the campaign monitor), and its schedule. */
export interface ScheduledFunction {
  readonly function: HandlerFunction;
  /** The schedule rule's logical id. */
  readonly ruleLogicalId: string;
  /** From the rule's `rate(N minutes|hours|days)`; undefined for a cron expression. */
  readonly intervalMs?: number;
}

/**
 * The stack's Lambda functions that an EventBridge schedule invokes (the campaign monitor), as the
 * replay would run them; their environment holds only literal values (references are the caller's).
 */
export function readScheduledFunctions(stack: StackDefinition): ScheduledFunction[] {
  const { assemblyDir, stackName, template } = stack;
  const manifest = readJson(path.join(assemblyDir, 'manifest.json'));
  const assetDirs = readAssetDirs(assemblyDir, Object.entries(manifest.artifacts ?? {}) as [string, any][]);
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Events::Rule' && resource.Properties?.ScheduleExpression)
    .flatMap(([ruleId, rule]) => ((rule.Properties?.Targets ?? []) as { Arn?: unknown }[])
      .map((target) => ({ ruleId, rule, logicalId: referencedLogicalId(target.Arn) })))
    .filter(({ logicalId }) => logicalId !== undefined && template.Resources[logicalId]?.Type === 'AWS::Lambda::Function')
    .map(({ ruleId, rule, logicalId }) => ({
      function: readHandlerFunction(stackName, template.Resources, logicalId!, assetDirs),
      ruleLogicalId: ruleId,
      intervalMs: rateMs(String(rule.Properties?.ScheduleExpression)),
    }));
}

/** `rate(5 minutes)` in milliseconds. */
function rateMs(expression: string): number | undefined {
  const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (!match) return undefined;
  return Number(match[1]) * { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[match[2] as 'minute' | 'hour' | 'day'];
}

/** Where each file asset of the assembly is, by its hash. */
function readAssetDirs(assemblyDir: string, artifacts: [string, any][]): Map<string, string> {
  const assetDirs = new Map<string, string>();
  for (const [, artifact] of artifacts.filter(([, a]) => a.type === 'cdk:asset-manifest')) {
    const assets = readJson(path.join(assemblyDir, artifact.properties.file));
    for (const [hash, file] of Object.entries(assets.files ?? {}) as [string, any][]) {
      assetDirs.set(hash, path.resolve(assemblyDir, file.source.path));
    }
  }
  return assetDirs;
}

/** The Retry of the waiter state machine's isComplete task, read from its definition. */
function waiterSchedule(machine: TemplateResource | undefined): Provider['waiter'] {
  const definition = machine?.Properties?.DefinitionString;
  // The definition joins literal JSON with function ARNs; any placeholder string will do to parse it.
  const text = typeof definition === 'string' ? definition
    : ((definition as any)?.['Fn::Join']?.[1] ?? []).map((part: unknown) => (typeof part === 'string' ? part : 'arn')).join('');
  const parsed = JSON.parse(text);
  const task = Object.values(parsed.States ?? {}).find((state: any) => state.Type === 'Task' && Array.isArray(state.Retry)) as any;
  const retry = task?.Retry?.[0] ?? {};
  return { intervalSeconds: retry.IntervalSeconds ?? 1, maxAttempts: retry.MaxAttempts ?? 3, backoffRate: retry.BackoffRate ?? 2 };
}

/** The logical id a `Ref` or `Fn::GetAtt` names, if the value is one. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { [name: string]: unknown };
  if (typeof v.Ref === 'string') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return String(getAtt[0]);
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** Every logical id referenced anywhere in `value` (Ref, Fn::GetAtt, and `${X}`/`${X.Attr}` in Fn::Sub). */
export function references(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((item) => references(item, found));
  } else if (value && typeof value === 'object') {
    const id = referencedLogicalId(value);
    if (id && !id.startsWith('AWS::')) found.add(id);
    const sub = (value as { [name: string]: unknown })['Fn::Sub'];
    if (sub !== undefined) {
      const [text, variables] = Array.isArray(sub) ? sub : [sub, {}];
      for (const match of String(text).matchAll(/\$\{([^}!][^}]*)\}/g)) {
        const name = match[1].split('.')[0];
        if (!name.startsWith('AWS::') && !(variables && name in variables)) found.add(name);
      }
    }
    Object.values(value).forEach((inner) => references(inner, found));
  }
  return found;
}

function libraryDependencies(resources: Template['Resources'], logicalId: string, library: ReadonlyMap<string, unknown>): string[] {
  const found = new Set<string>();
  const seen = new Set<string>([logicalId]);
  const visit = (id: string) => {
    const resource = resources[id];
    if (!resource) return;
    const direct = references(id === logicalId ? { ...resource.Properties, ServiceToken: undefined } : resource.Properties);
    for (const dep of [resource.DependsOn ?? []].flat()) direct.add(dep);
    for (const dep of direct) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      if (library.has(dep)) found.add(dep);
      else visit(dep); // through an ordinary resource (a role, a bucket) to what it needs
    }
  };
  visit(logicalId);
  return [...found].sort();
}

/** A deterministic physical name for an ordinary resource, as CloudFormation would generate one (minus the random suffix). */
export function fakeName(stackName: string, logicalId: string, maxLength: number, lowercase = false): string {
  const name = `${stackName}-${logicalId}`.slice(0, maxLength);
  return lowercase ? name.toLowerCase() : name;
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
