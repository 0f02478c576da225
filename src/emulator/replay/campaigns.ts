/**
 * The campaigns of a replayed stack, run to their end on the virtual clock: the stack's bundled
 * campaign monitor is invoked at each tick of its schedule (`rate(…)` of its EventBridge rule), in a
 * fresh process like Lambda, with the emulator's virtual time as its clock. What it logs is read as
 * CloudWatch and the operator would: its Embedded Metric Format lines become each task's progress
 * and the template's metric alarms are evaluated over them; its rollout lines say each rollout's
 * state and the waves it started.
 *
 * It ends when the monitor disables its own schedule (every campaign finished), when every rollout
 * left is halted or awaiting an approval with nothing else running, after `maxHours` virtual
 * hours, or after three failed invocations in a row.
 *
 * Alarms are evaluated one datapoint per tick (a period equal to the schedule), a breach after
 * `DatapointsToAlarm` (else `EvaluationPeriods`) breaching datapoints in a row; alarms on a math
 * expression are listed as not evaluated.
 */
import { invokeHandler, InvocationEnvironment } from './invoke';
import { readScheduledFunctions, readStack, referencedLogicalId, TemplateResource } from './template';
// Types only: erased when compiled, so lib/emulator still needs nothing outside itself at run time.
import type { TaskProgress } from '../../monitoring/task-progress';
import type { RolloutState } from '../../rollout/handler/decide';
import type { StackReplay } from '../replay';
import { EMULATOR_CREDENTIALS, ServiceEmulator } from '../server';

/** One task's figures as the monitor published them, with its logical id. */
export interface CampaignTaskProgress extends TaskProgress {
  /** The task's logical id in the stack, when it is one of its resources (an OTA wave's task is not). */
  readonly logicalId?: string;
}

/** A rollout's state as the controller decided it at one tick. */
export interface CampaignRolloutState {
  readonly rollout: string;
  readonly state: string;
  readonly reason: string;
  readonly wavesStarted: number;
  readonly waves: number;
  /**
   * Whether the rollout waits for a person: halted, or its next wave awaits an approval. Not the
   * controller's `waiting` state, which waits for the wave before to pass its gate.
   */
  readonly awaitsSomeone: boolean;
}

/** The rollout states in which nothing changes until someone approves or redeploys. */
const AWAITING_SOMEONE: readonly RolloutState[] = ['halted', 'awaiting-approval'];

/** A wave the controller started: a FUOTA wave's StartFuotaTask, an OTA wave's CreateOtaTask. */
export interface CampaignWaveStart {
  readonly rollout: string;
  readonly wave: number;
  readonly operation: string;
  readonly taskId: string;
  /** The FUOTA session's start (ISO 8601). */
  readonly startTime?: string;
  readonly because: string;
}

/** A finished task's targets, counted by their final status. */
export interface CampaignTaskOutcomes {
  readonly taskType: string;
  readonly taskId: string;
  readonly logicalId?: string;
  readonly byStatus: { readonly [status: string]: number };
}

/** An alarm of the template going into ALARM. */
export interface CampaignAlarm {
  readonly logicalId: string;
  readonly metricName: string;
  readonly value: number;
  readonly threshold: number;
  readonly comparison: string;
  /** Virtual time of the datapoint that tripped it (epoch milliseconds). */
  readonly at: number;
}

/** What the controller and the alarms did: at one tick, or over the whole run. */
export interface CampaignActivity {
  /** Each rollout's state (over the run: its last). */
  readonly rollouts: readonly CampaignRolloutState[];
  readonly waveStarts: readonly CampaignWaveStart[];
  readonly alarms: readonly CampaignAlarm[];
}

/** What one invocation of the monitor showed. */
export interface CampaignTick extends CampaignActivity {
  /** 1 for the first invocation. */
  readonly tick: number;
  /** Virtual time of the invocation (epoch milliseconds). */
  readonly virtualTime: number;
  /** The tasks it published (unfinished ones; a finished task is not published). */
  readonly tasks: readonly CampaignTaskProgress[];
  /** The monitor's own count of the service calls it made. */
  readonly apiCalls?: number;
  /** Why the invocation failed, if it did. */
  readonly error?: string;
}

/**
 * Where the campaigns stand between two ticks, for a caller that acts on them (an approval, say):
 * the endpoints and the credentials the monitor used, and the stack's id.
 */
export interface CampaignStage {
  readonly region: string;
  readonly serviceUrl: string;
  readonly cloudFormationUrl: string;
  readonly stackId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The virtual clock. */
  readonly now: () => number;
}

export interface CampaignRunOptions {
  /** At most this many virtual hours of ticks. Default 24. */
  readonly maxHours?: number;
  /**
   * Told after each tick; resolving `true` says it acted on the campaigns (it approved a wave), so a
   * halted rollout is not taken for the end. Default: nobody.
   */
  readonly onTick?: (tick: CampaignTick, stage: CampaignStage) => boolean | void | Promise<boolean | void>;
}

/** How the campaigns' run ended. */
export type CampaignEnding =
  /** The stack has no campaign monitor (no task of it has an alarm, a dashboard or a rollout). */
  | 'no-monitor'
  /** Every task finished: the monitor disabled its schedule. */
  | 'finished'
  /** Every rollout left is halted or awaiting an approval, and nothing else runs. */
  | 'waiting'
  | 'time-limit'
  /** Three invocations in a row failed. */
  | 'monitor-failing';

export interface CampaignRunResult extends CampaignActivity {
  readonly ending: CampaignEnding;
  readonly ticks: readonly CampaignTick[];
  readonly failedTicks: number;
  /** Virtual minutes from the first tick to the last. */
  readonly virtualMinutes: number;
  /** Each task's last published figures, by task id. */
  readonly lastProgress: readonly CampaignTaskProgress[];
  /**
   * When the campaigns finished: each published task's targets by final status, from the
   * emulator's seeded outcome model (a finished task is no longer published, so its last figures
   * may fall short of its end). Empty otherwise.
   */
  readonly outcomes: readonly CampaignTaskOutcomes[];
  /** The template's alarms this run evaluates, by logical id. */
  readonly alarmsEvaluated: readonly string[];
  /** Metric alarms of the template this run does not evaluate (math expressions), by logical id. */
  readonly alarmsNotEvaluated: readonly string[];
}

const MAX_FAILED_IN_A_ROW = 3;
/** What EventBridge sends a scheduled target. */
const SCHEDULED_EVENT = { 'source': 'aws.events', 'detail-type': 'Scheduled Event' };
const DEFAULT_MAX_HOURS = 24;

/** Runs the deployed stack's campaigns with its bundled monitor until they end (see the file's comment). */
export async function runCampaigns(
  emulator: ServiceEmulator, replay: StackReplay, assemblyDir: string, options: CampaignRunOptions = {},
): Promise<CampaignRunResult> {
  const stack = readStack(assemblyDir, replay.stackName);
  const [monitor] = readScheduledFunctions(stack);
  const { template } = stack;
  const physicalIds = new Map(replay.resourceSummaries().map((resource) => [resource.logicalId, resource.physicalId]));
  const { alarms, notEvaluated } = readMetricAlarms(template.Resources, (value) => dimensionValue(value, physicalIds, replay.stackName));
  const alarmsEvaluated = alarms.map((alarm) => alarm.logicalId);
  const empty = {
    ticks: [],
    failedTicks: 0,
    virtualMinutes: 0,
    lastProgress: [],
    outcomes: [],
    rollouts: [],
    waveStarts: [],
    alarms: [],
    alarmsEvaluated,
    alarmsNotEvaluated: notEvaluated,
  };
  if (!monitor) return { ending: 'no-monitor', ...empty };

  const ruleName = physicalIds.get(monitor.ruleLogicalId) ?? monitor.ruleLogicalId;
  const fn = { ...monitor.function, environment: { ...monitor.function.environment, STACK_ID: replay.stackId, SCHEDULE_RULE_NAME: ruleName } };
  const credentials = emulator.credentialsFor(`campaign monitor ${fn.logicalId}`);
  const env: InvocationEnvironment = {
    region: emulator.region,
    endpoint: emulator.url,
    cloudFormationEndpoint: replay.cloudFormationUrl,
    ...credentials,
    accountId: emulator.accountId,
  };
  const stage: CampaignStage = {
    region: emulator.region,
    serviceUrl: emulator.url,
    cloudFormationUrl: replay.cloudFormationUrl,
    stackId: replay.stackId,
    ...EMULATOR_CREDENTIALS,
    now: () => emulator.clock.now(),
  };
  const logicalIds = new Map([...physicalIds].map(([logicalId, physicalId]) => [physicalId, logicalId]));
  const intervalMs = monitor.intervalMs ?? 5 * 60_000;
  const maxTicks = Math.max(1, Math.floor(((options.maxHours ?? DEFAULT_MAX_HOURS) * 3_600_000) / intervalMs));
  const ticks: CampaignTick[] = [];
  const lastProgress = new Map<string, CampaignTaskProgress>();
  const rollouts = new Map<string, CampaignRolloutState>();
  /** `rollout/wave` of each wave seen started. */
  const started = new Set<string>();
  const alarmStates = new AlarmStates(alarms);
  const startedAt = emulator.clock.now();
  let failedInARow = 0;
  let ending: CampaignEnding = 'time-limit';

  for (let number = 1; number <= maxTicks; number++) {
    if (number > 1) emulator.clock.advance(intervalMs);
    const virtualTime = emulator.clock.now();
    const outcome = await invokeHandler(fn, SCHEDULED_EVENT, { ...env, virtualNow: virtualTime }, `campaign-tick-${number}`);
    const lines = outcome.logs.flatMap((line) => { try { return [JSON.parse(line)]; } catch { return []; } });
    const tasks = lines.filter((line) => line._aws && line.TaskId !== undefined && line.Targets !== undefined)
      .map((line) => toProgress(line, lines, logicalIds));
    const summary = lines.find((line) => line.message === 'campaign monitor tick');
    const tick: CampaignTick = {
      tick: number,
      virtualTime,
      tasks,
      rollouts: lines.filter((line) => line.message === 'rollout').map((line) => ({
        rollout: line.rollout,
        state: line.state,
        reason: line.reason,
        wavesStarted: line.wavesStarted,
        waves: line.waves,
        awaitsSomeone: AWAITING_SOMEONE.includes(line.state),
      })),
      // A wave once: a start retried after a lost answer (it reads "already started") or a create
      // finished a tick later is the same start.
      waveStarts: lines.filter((line) => (line.operation === 'StartFuotaTask' || line.operation === 'CreateOtaTask')
        && line.level !== 'ERROR' && !started.has(`${line.rollout}/${line.wave}`)).map((line) => ({
        rollout: line.rollout, wave: line.wave, operation: line.operation, taskId: line.taskId, startTime: line.startTime, because: line.because,
      })),
      alarms: alarmStates.evaluate(lines.filter((line) => line._aws), virtualTime),
      apiCalls: summary?.apiCalls,
      error: outcome.ok ? undefined : `${outcome.errorType}: ${outcome.errorMessage}`,
    };
    ticks.push(tick);
    for (const start of tick.waveStarts) started.add(`${start.rollout}/${start.wave}`);
    for (const task of tasks) lastProgress.set(task.taskId, task);
    for (const rollout of tick.rollouts) rollouts.set(rollout.rollout, rollout);
    const acted = await options.onTick?.(tick, stage);

    failedInARow = outcome.ok ? 0 : failedInARow + 1;
    if (failedInARow >= MAX_FAILED_IN_A_ROW) {
      ending = 'monitor-failing';
      break;
    }
    if (emulator.rule(ruleName)?.state === 'DISABLED') {
      ending = 'finished';
      break;
    }
    if (!acted && outcome.ok && summary && onlyWaitingRolloutsLeft(summary, tick.rollouts)) {
      ending = 'waiting';
      break;
    }
  }
  return {
    ending,
    ticks,
    failedTicks: ticks.filter((tick) => tick.error !== undefined).length,
    virtualMinutes: (emulator.clock.now() - startedAt) / 60_000,
    lastProgress: [...lastProgress.values()],
    outcomes: ending === 'finished' ? [...lastProgress.values()].flatMap((task) => finalOutcomes(emulator, task)) : [],
    rollouts: [...rollouts.values()],
    waveStarts: ticks.flatMap((tick) => tick.waveStarts),
    alarms: ticks.flatMap((tick) => tick.alarms),
    alarmsEvaluated,
    alarmsNotEvaluated: notEvaluated,
  };
}

/**
 * Every rollout not complete is halted or awaits an approval, and every task is finished but the
 * waves those rollouts have not started: nothing changes until someone approves or redeploys.
 */
function onlyWaitingRolloutsLeft(summary: { tasks: number; finished: number }, rollouts: readonly CampaignRolloutState[]): boolean {
  const open = rollouts.filter((rollout) => rollout.state !== 'complete');
  if (open.length === 0 || !open.every((rollout) => rollout.awaitsSomeone)) return false;
  const unstarted = open.reduce((sum, rollout) => sum + rollout.waves - rollout.wavesStarted, 0);
  return summary.finished + unstarted >= summary.tasks;
}

/** The task's targets by the final status the emulator's outcome model gave them. */
function finalOutcomes(emulator: ServiceEmulator, task: CampaignTaskProgress): CampaignTaskOutcomes[] {
  const plan = emulator.fuotaPlan(task.taskId) ?? emulator.otaPlan(task.taskId)?.plan;
  if (!plan) return [];
  const byStatus: { [status: string]: number } = {};
  for (const target of plan) byStatus[target.outcome] = (byStatus[target.outcome] ?? 0) + 1;
  return [{ taskType: task.taskType, taskId: task.taskId, logicalId: task.logicalId, byStatus }];
}

/** The figures of one EMF task line, with the failure reasons from the lines beside it. */
function toProgress(line: any, lines: any[], logicalIds: ReadonlyMap<string, string>): CampaignTaskProgress {
  return {
    taskType: line.TaskType as TaskProgress['taskType'],
    taskId: line.TaskId,
    logicalId: logicalIds.get(line.TaskId),
    status: line.Status,
    finished: false,
    running: line.Running === 1,
    targets: line.Targets,
    succeeded: line.Succeeded,
    failed: line.Failed,
    pending: line.Pending,
    granularity: line.Granularity,
    failuresByReason: Object.fromEntries(lines.filter((l) => l.TaskId === line.TaskId && l.Reason).map((l) => [l.Reason, l.FailedByReason])),
  };
}

/** A metric alarm of the template on one metric, its dimensions resolved. */
interface MetricAlarm {
  readonly logicalId: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: { readonly [name: string]: string | undefined };
  readonly threshold: number;
  readonly comparison: string;
  readonly datapointsToAlarm: number;
}

function readMetricAlarms(resources: { [logicalId: string]: TemplateResource }, resolve: (value: unknown) => string | undefined) {
  const alarms: MetricAlarm[] = [];
  const notEvaluated: string[] = [];
  for (const [logicalId, resource] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')) {
    const p = resource.Properties as any;
    if (typeof p.MetricName !== 'string' || typeof p.Threshold !== 'number') {
      notEvaluated.push(logicalId);
      continue;
    }
    alarms.push({
      logicalId,
      namespace: p.Namespace,
      metricName: p.MetricName,
      dimensions: Object.fromEntries(((p.Dimensions ?? []) as { Name: string; Value: unknown }[]).map((d) => [d.Name, resolve(d.Value)])),
      threshold: p.Threshold,
      comparison: p.ComparisonOperator,
      datapointsToAlarm: p.DatapointsToAlarm ?? p.EvaluationPeriods ?? 1,
    });
  }
  return { alarms, notEvaluated };
}

/** A dimension value of the template: a literal, the stack's name, or a resource's physical id. */
function dimensionValue(value: unknown, physicalIds: ReadonlyMap<string, string>, stackName: string): string | undefined {
  if (typeof value === 'string') return value;
  if ((value as { Ref?: unknown })?.Ref === 'AWS::StackName') return stackName;
  const logicalId = referencedLogicalId(value);
  return logicalId === undefined ? undefined : physicalIds.get(logicalId);
}

const COMPARE: { readonly [operator: string]: (value: number, threshold: number) => boolean } = {
  GreaterThanThreshold: (v, t) => v > t,
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t,
};

/** Each alarm's run of breaching datapoints and whether it is in ALARM. */
class AlarmStates {
  private readonly breaching = new Map<string, number>();
  private readonly inAlarm = new Set<string>();

  constructor(private readonly alarms: readonly MetricAlarm[]) {}

  /** The alarms that go into ALARM with these EMF documents; a tick without an alarm's datapoint leaves it as it was. */
  public evaluate(documents: any[], at: number): CampaignAlarm[] {
    const tripped: CampaignAlarm[] = [];
    for (const alarm of this.alarms) {
      const value = datapoint(alarm, documents);
      if (value === undefined) continue;
      const breach = COMPARE[alarm.comparison]?.(value, alarm.threshold) ?? false;
      const run = breach ? (this.breaching.get(alarm.logicalId) ?? 0) + 1 : 0;
      this.breaching.set(alarm.logicalId, run);
      if (!breach) {
        this.inAlarm.delete(alarm.logicalId);
      } else if (run >= alarm.datapointsToAlarm && !this.inAlarm.has(alarm.logicalId)) {
        this.inAlarm.add(alarm.logicalId);
        const { logicalId, metricName, threshold, comparison } = alarm;
        tripped.push({ logicalId, metricName, value, threshold, comparison, at });
      }
    }
    return tripped;
  }
}

/** The alarm's metric in the document of its namespace and exact dimension set, if one holds it. */
function datapoint(alarm: MetricAlarm, documents: any[]): number | undefined {
  const names = Object.keys(alarm.dimensions).sort().join(',');
  for (const document of documents) {
    for (const directive of document._aws.CloudWatchMetrics ?? []) {
      if (directive.Namespace !== alarm.namespace) continue;
      if (!(directive.Metrics ?? []).some((metric: { Name: string }) => metric.Name === alarm.metricName)) continue;
      const sets: string[][] = directive.Dimensions ?? [];
      const matches = sets.some((set) => [...set].sort().join(',') === names)
        && Object.entries(alarm.dimensions).every(([name, value]) => value !== undefined && document[name] === value);
      if (matches && typeof document[alarm.metricName] === 'number') return document[alarm.metricName];
    }
  }
  return undefined;
}
