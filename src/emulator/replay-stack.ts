/**
 * `replayStack()`: one call that replays a user's synthesized stack against a fresh emulator, for
 * test suites (Jest, node:test) and for the `cdk-iot-ota-tasks replay` command. It deploys the
 * stack (first from an older assembly when `updateFrom` is given, then the new one as an update),
 * lets its campaigns run to their end on the virtual clock when asked (`runCampaigns`), deletes it,
 * and reports what happened: each operation's steps, the calls per API operation, the tasks the
 * deployment left in the services, the campaigns' progress, and anything the deletion left behind.
 *
 *   const result = await replayStack('cdk.out', { stack: 'Sensors' });
 *   expect(result.succeeded).toBe(true);
 *   expect(result.leftAfterDelete).toEqual([]);
 *
 * Not part of the jsii API: it runs the cloud assembly's bundled handlers in child processes and
 * needs Node.js, so other languages get the command.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FUOTA_FAILURE_STATUSES, FuotaDeviceOutcome, OTA_FAILURE_STATUSES, OtaExecutionOutcome } from './campaign-outcomes';
import { ReplayProgress, ReplayResult, StackReplay } from './replay';
import { CampaignRunOptions, CampaignRunResult, runCampaigns } from './replay/campaigns';
import { physicalName } from './replay/intrinsics';
import { LIBRARY_RESOURCE_TYPES, readStack, Template } from './replay/template';
import { EmulatorSnapshot, JournalEntry, ServiceEmulator, ServiceEmulatorOptions } from './server';

export interface ReplayStackOptions {
  /** The stack (its artifact id, display name or stack name). Default: the assembly's only stack with resources of this library. */
  readonly stack?: string;
  /** An older cloud assembly of the same app: it is deployed first, then `assemblyDir` updates it. Default: none (create, then delete). */
  readonly updateFrom?: string;
  /** Seed of the injected faults. Default 1. */
  readonly seed?: number;
  /** Share (0 to 1) of the two services' calls answered with a throttling error. Default 0. */
  readonly throttleRate?: number;
  /** Share (0 to 1) of the two services' calls answered with a server error (HTTP 5xx). Default 0. */
  readonly serverErrorRate?: number;
  /** Whether the stack is deleted at the end. Default true. */
  readonly delete?: boolean;
  /** Told as each request starts, polls and ends (see `ReplayProgress`). Default: nobody. */
  readonly onProgress?: (progress: ReplayProgress) => void;
  /**
   * After the last deployment, run the stack's campaigns and rollouts to their end with its bundled
   * campaign monitor on the virtual clock (see `CampaignRunOptions`), before the deletion.
   * Default: false.
   */
  readonly runCampaigns?: boolean | CampaignRunOptions;
  /**
   * The campaigns' outcome model, for both services: the share of targets that succeed, and the
   * outcome of named targets (a wireless device id, a managed thing id or ARN), e.g.
   * `{ successShare: 1, byTarget: { 'sensor-7': 'MissingFrag' } }`. Default: the emulator's model
   * (90 % succeed; see the README's assumptions).
   */
  readonly outcomes?: TargetOutcomes;
  /** Further emulator options (outcome models, known devices, assumptions). Default: the emulator's defaults. */
  readonly emulator?: ServiceEmulatorOptions;
}

export interface TargetOutcomes {
  /** Share (0 to 1) of the targets not named in `byTarget` that succeed. Default 0.9. */
  readonly successShare?: number;
  /**
   * Each named target's outcome: a FUOTA device status (`Successful`, `MissingFrag`, …) or an OTA
   * execution status (`SUCCEEDED`, `FAILED`, `TIMED_OUT`, …). Default: none named.
   */
  readonly byTarget?: { readonly [targetId: string]: string };
}

/** A template resource the replay does not deploy, and why. */
export interface SkippedResource {
  readonly logicalId: string;
  readonly type: string;
  /** The placeholder its Ref resolves to for the library's handlers. */
  readonly placeholder: string;
  readonly reason: string;
  /**
   * One of the library's own supporting resources (its providers, campaign monitor, roles, log
   * groups, job-document bucket: the stack-level constructs it names `CdkIotOtaTasks…`), not the app's.
   */
  readonly ofLibrary: boolean;
}

/** A task or task configuration as the emulated services hold it. */
export interface ServiceTaskSummary {
  readonly kind: 'FuotaTask' | 'OtaTask' | 'OtaTaskConfiguration';
  readonly id: string;
  readonly name?: string;
  readonly status?: string;
}

export interface ReplayStackResult {
  readonly stackName: string;
  /** Every operation replayed, in order: CREATE (of `updateFrom`, else of `assemblyDir`), UPDATE, DELETE. */
  readonly operations: readonly ReplayResult[];
  /** Whether every operation succeeded (and, with `runCampaigns`, the monitor did not keep failing). */
  readonly succeeded: boolean;
  /** Requests the emulated services answered, by `Service:Operation`. */
  readonly callsByOperation: { readonly [operation: string]: number };
  /** Calls answered with an injected fault. */
  readonly faultsInjected: number;
  /** The tasks and configurations after the last deployment and, with `runCampaigns`, the campaigns (before the deletion). */
  readonly tasksAfterDeploy: readonly ServiceTaskSummary[];
  /** The campaigns' run, with `runCampaigns` after a successful deployment. */
  readonly campaigns?: CampaignRunResult;
  /** What the deletion left in the services (orphans); empty when it cleaned up, or when `delete` was false. */
  readonly leftAfterDelete: readonly ServiceTaskSummary[];
  readonly skipped: readonly SkippedResource[];
  readonly journal: readonly JournalEntry[];
  /** The emulator's final state. */
  readonly finalState: EmulatorSnapshot;
}

/** Replays the stack of the cloud assembly in `assemblyDir` (a `cdk.out`) against a fresh emulator. */
export async function replayStack(assemblyDir: string, options: ReplayStackOptions = {}): Promise<ReplayStackResult> {
  for (const dir of [assemblyDir, options.updateFrom]) if (dir !== undefined) assertCloudAssembly(dir);
  const stackName = options.stack ?? onlyLibraryStack(assemblyDir);
  const seed = options.seed ?? 1;
  const emulator = await ServiceEmulator.start({
    ...options.emulator,
    ...options.outcomes ? outcomeModels(options.outcomes, options.emulator ?? {}) : {},
    faults: {
      ...options.emulator?.faults,
      seed,
      ...(options.throttleRate ? { throttle: { rate: options.throttleRate } } : {}),
      ...(options.serverErrorRate ? { serverErrors: { rate: options.serverErrorRate } } : {}),
    },
  });
  const replay = await StackReplay.start(emulator, { stackName, onProgress: options.onProgress });
  const operations: ReplayResult[] = [];
  try {
    const assemblies = options.updateFrom ? [options.updateFrom, assemblyDir] : [assemblyDir];
    for (const assembly of assemblies) {
      const result = await replay.deploy(assembly);
      operations.push(result);
      if (!result.succeeded) break;
    }
    const deployed = operations.every((operation) => operation.succeeded);
    const campaigns = options.runCampaigns && deployed
      ? await runCampaigns(emulator, replay, assemblyDir, options.runCampaigns === true ? {} : options.runCampaigns)
      : undefined;
    const tasksAfterDeploy = tasksOf(emulator.snapshot());
    const exists = !['DOES_NOT_EXIST', 'DELETE_COMPLETE'].includes(replay.stackStatus);
    if (options.delete !== false && exists) operations.push(await replay.destroy());
    const finalState = emulator.snapshot();
    return {
      stackName,
      operations,
      succeeded: operations.every((operation) => operation.succeeded) && campaigns?.ending !== 'monitor-failing',
      callsByOperation: countCalls(emulator.journal),
      faultsInjected: emulator.journal.filter((entry) => entry.fault !== undefined).length,
      tasksAfterDeploy,
      campaigns,
      leftAfterDelete: options.delete === false ? [] : tasksOf(finalState),
      skipped: skippedResources(assemblyDir, stackName),
      journal: [...emulator.journal],
      finalState,
    };
  } finally {
    await replay.stop();
    await emulator.stop();
  }
}

const FUOTA_OUTCOMES: readonly string[] = ['Successful', ...FUOTA_FAILURE_STATUSES];
const OTA_OUTCOMES: readonly string[] = ['SUCCEEDED', ...OTA_FAILURE_STATUSES];

/** The emulator's two outcome models with `outcomes` laid over them; each named target goes to the service its status belongs to. */
function outcomeModels(outcomes: TargetOutcomes, emulator: ServiceEmulatorOptions): Pick<ServiceEmulatorOptions, 'fuotaOutcomes' | 'otaOutcomes'> {
  const fuota: { [target: string]: FuotaDeviceOutcome } = {};
  const ota: { [target: string]: OtaExecutionOutcome } = {};
  for (const [target, outcome] of Object.entries(outcomes.byTarget ?? {})) {
    if (FUOTA_OUTCOMES.includes(outcome)) fuota[target] = outcome as FuotaDeviceOutcome;
    else if (OTA_OUTCOMES.includes(outcome)) ota[target] = outcome as OtaExecutionOutcome;
    else throw new Error(`outcome ${JSON.stringify(outcome)} of ${target} is neither a FUOTA device status (${FUOTA_OUTCOMES.join(', ')}) nor an OTA execution status (${OTA_OUTCOMES.join(', ')})`);
  }
  const share = outcomes.successShare === undefined ? {} : { successShare: outcomes.successShare };
  return {
    fuotaOutcomes: { ...emulator.fuotaOutcomes, ...share, script: { ...emulator.fuotaOutcomes?.script, ...fuota } },
    otaOutcomes: { ...emulator.otaOutcomes, ...share, script: { ...emulator.otaOutcomes?.script, ...ota } },
  };
}

/** The stacks of a cloud assembly that hold resources of this library, by artifact id. */
export function libraryStacks(assemblyDir: string): string[] {
  return stackArtifacts(assemblyDir)
    .filter(({ template }) => Object.values(template.Resources).some((resource) => LIBRARY_RESOURCE_TYPES.includes(resource.Type)))
    .map(({ id }) => id);
}

function onlyLibraryStack(assemblyDir: string): string {
  const stacks = libraryStacks(assemblyDir);
  if (stacks.length === 1) return stacks[0];
  if (stacks.length === 0) throw new Error(`No stack in ${assemblyDir} has resources of cdk-iot-ota-tasks`);
  throw new Error(`Several stacks in ${assemblyDir} have resources of cdk-iot-ota-tasks (${stacks.join(', ')}): name one`);
}

/** Throws the way to get one when `dir` holds no cloud assembly. */
function assertCloudAssembly(dir: string): void {
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) throw new Error(`${dir} is not a cloud assembly (no manifest.json): run cdk synth first, or name the directory`);
}

/** Every stack artifact's id and template (readStack reads one stack, with its handlers). */
function stackArtifacts(assemblyDir: string): { id: string; template: Template }[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8'));
  return Object.entries(manifest.artifacts ?? {})
    .filter(([, artifact]: [string, any]) => artifact.type === 'aws:cloudformation:stack')
    .map(([id, artifact]: [string, any]) => ({
      id,
      template: JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.properties.templateFile), 'utf8')) as Template,
    }));
}

/** The id prefix of the stack-level constructs the library makes for its tasks (providers, monitor, shared roles and bucket). */
const LIBRARY_CONSTRUCT_PREFIX = 'CdkIotOtaTasks';

/** The template's resources that are not of this library: listed with the placeholder the replay resolves their Ref to, never deployed. */
function skippedResources(assemblyDir: string, stackName: string): SkippedResource[] {
  return Object.entries(readStack(assemblyDir, stackName).template.Resources)
    .filter(([, resource]) => !LIBRARY_RESOURCE_TYPES.includes(resource.Type))
    .map(([logicalId, resource]) => ({
      logicalId,
      type: resource.Type,
      placeholder: physicalName(stackName, logicalId, resource.Type),
      ofLibrary: logicalId.startsWith(LIBRARY_CONSTRUCT_PREFIX),
      reason: resource.Type === 'AWS::Lambda::Function'
        ? 'not deployed: a function of this library (a provider\'s, the campaign monitor) runs from its bundled asset, any other is not run'
        : 'not deployed: not a resource of this library, its Ref and attributes resolve to placeholders',
    }));
}

function tasksOf(snapshot: EmulatorSnapshot): ServiceTaskSummary[] {
  return [
    ...snapshot.fuotaTasks.map((task) => ({ kind: 'FuotaTask' as const, id: task.id, name: textField(task.fields.Name), status: task.status })),
    ...snapshot.otaTasks.map((task) => ({ kind: 'OtaTask' as const, id: task.id, name: textField(task.fields.Description), status: task.status })),
    ...snapshot.otaTaskConfigurations.map((configuration) => ({
      kind: 'OtaTaskConfiguration' as const, id: configuration.id, name: textField(configuration.fields.Name),
    })),
  ];
}

function textField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function countCalls(journal: readonly JournalEntry[]): { [operation: string]: number } {
  const counts: { [operation: string]: number } = {};
  for (const entry of journal) {
    const key = `${entry.service}:${entry.operation}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
