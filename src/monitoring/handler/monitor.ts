// One tick of the campaign monitor: find the stack's tasks, read each, publish the unfinished ones
// as Embedded Metric Format lines, and turn the schedule off once nothing is left to watch.
//
// Level-triggered: each tick decides from what it reads, nothing is remembered between ticks. A
// finished or deleted task publishes nothing (its last datapoints were those of the tick before),
// and when every task is finished (or there is none) the monitor disables its own rule, so a stack
// whose campaigns are over costs nothing. The next deployment that changes a task re-enables it
// (the construct sees to that).
import { IoTWirelessClient } from '@aws-sdk/client-iot-wireless';
import { withAddedTasks } from './added-tasks';
import { boundedMap } from './bounded-map';
import { embeddedMetricDocuments } from './embedded-metrics';
import { listStackTasks, StackResourceReader } from './stack-tasks';
import { ManagedIntegrationsClient } from '../../ota/handler/managed-integrations-client';
import { controlRollouts, RolloutEvent } from '../../rollout/handler/controller';
import { resolveOtaWaves } from '../../rollout/handler/ota-wave-reads';
import type { RecordObjects } from '../../rollout/handler/ota-wave-record';
import type { AddedTask } from '../monitor-input';
import { ReadOptions, serviceCaller } from '../status/read-options';
import { readStackTask } from '../status/read-stack-task';

/** Tasks read at once: enough to finish 100 tasks well inside a minute, few enough not to be throttled. */
export const READ_CONCURRENCY = 5;

/** What one tick works with; tests pass mocked and loopback clients and a fixed clock. */
export interface MonitorContext {
  /** The ARN of the monitor's own stack (`STACK_ID`). */
  readonly stackId: string;
  /** The name of the monitor's own EventBridge rule (`SCHEDULE_RULE_NAME`). */
  readonly scheduleRuleName: string;
  /** Tasks added with `CampaignMonitor.addTask` (the event's `addedTasks`), read besides the stack's own. */
  readonly addedTasks?: readonly AddedTask[];
  /** ListStackResources, and DescribeStacks before the rollout controller acts. */
  readonly stacks: StackResourceReader & { status(stackId: string): Promise<string> };
  /** Where the rollout controller's events go (the default bus). */
  readonly events: { put(events: RolloutEvent[]): Promise<void> };
  /** DisableRule of the monitor's own schedule (EventBridge, ./event-bridge.ts). */
  readonly rule: { disableRule(name: string): Promise<void> };
  readonly wireless: IoTWirelessClient;
  readonly managedIntegrations: ManagedIntegrationsClient;
  /** The records of OTA rollout waves (S3 objects in the library bucket); needed once the stack has an OtaRollout. */
  readonly records?: RecordObjects;
  /** Epoch milliseconds after which no new service call starts. */
  readonly deadline: number;
  readonly now: () => number;
  /** Writes one line to the function's log (EMF lines included, so no prefix may be added). */
  readonly writeLine: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** What a tick did, as its summary line says. */
export interface TickSummary {
  readonly tasks: number;
  readonly published: number;
  readonly finished: number;
  readonly failedReads: number;
  /** Rollouts among the stack's tasks, and the waves the controller started this tick. */
  readonly rollouts: number;
  readonly wavesStarted: number;
  readonly apiCalls: number;
  readonly ruleDisabled: boolean;
  readonly durationMs: number;
}

export async function runTick(ctx: MonitorContext): Promise<TickSummary> {
  const started = ctx.now();
  let apiCalls = 0;
  const options: ReadOptions = { deadline: ctx.deadline, now: ctx.now, sleep: ctx.sleep, random: ctx.random, onRequest: () => apiCalls++ };
  const call = serviceCaller(options);

  const listed = withAddedTasks(await listStackTasks(ctx.stacks, ctx.stackId, call), ctx.addedTasks ?? []);
  // OTA rollout waves are read through their records: created ones as their tasks, the others
  // (which never count as finished: the controller has yet to start them) as they are.
  const { tasks: readable, unstarted, errors: unreadRecords } = await resolveOtaWaves(listed, ctx.records, call);
  const reads = [...unreadRecords, ...await boundedMap(readable, READ_CONCURRENCY, (task) => readStackTask(task, ctx, options))];
  const tasks = [...readable, ...unreadRecords.map((read) => read.task), ...unstarted.map((read) => read.task)];
  const timestamp = ctx.now();
  let published = 0;
  for (const read of reads) {
    if ('error' in read) {
      ctx.writeLine(JSON.stringify({ level: 'ERROR', taskType: read.task.taskType, taskId: read.task.taskId, logicalId: read.task.logicalId, error: read.error }));
    } else if (!read.progress.finished) {
      for (const document of embeddedMetricDocuments(read.progress, timestamp)) ctx.writeLine(JSON.stringify(document));
      published++;
    }
  }
  const finished = reads.filter((read) => 'progress' in read && read.progress.finished).length;
  const failedReads = reads.filter((read) => 'error' in read).length;

  // The waves of the stack's rollouts: the controller decides from what was just read (a wave
  // that could not be read holds its rollout back, since nothing is decided without it).
  const waves = [...reads.flatMap((read) => ('progress' in read && read.task.rolloutWave ? [read] : [])), ...unstarted];
  const control = waves.length > 0
    ? await controlRollouts(waves, { ...ctx, call })
    : { decisions: [], wavesStarted: 0, failures: 0 };

  // A task that could not be read may still run: only tasks known finished let the rule go off.
  const ruleDisabled = finished === tasks.length;
  if (ruleDisabled) {
    ctx.writeLine(JSON.stringify({
      message: tasks.length === 0
        ? `no task in the stack: disabling the schedule ${ctx.scheduleRuleName}; the next deployment that changes a task turns it back on`
        : `every task of the stack is finished or deleted: disabling the schedule ${ctx.scheduleRuleName}; the next deployment that changes a task turns it back on`,
    }));
    await call('DisableRule', () => ctx.rule.disableRule(ctx.scheduleRuleName));
  }
  const summary: TickSummary = {
    tasks: tasks.length,
    published,
    finished,
    failedReads,
    rollouts: control.decisions.length,
    wavesStarted: control.wavesStarted,
    apiCalls,
    ruleDisabled,
    durationMs: ctx.now() - started,
  };
  ctx.writeLine(JSON.stringify({ message: 'campaign monitor tick', ...summary }));
  if (failedReads > 0 || control.failures > 0) {
    // After every other task is published: the invocation fails so the function's Errors metric shows it.
    const problems = [
      ...failedReads > 0 ? [`${failedReads} of ${tasks.length} tasks could not be read`] : [],
      ...control.failures > 0 ? [`${control.failures} rollout steps failed`] : [],
    ];
    throw new Error(`campaign monitor: ${problems.join('; ')} (see the ERROR lines above)`);
  }
  return summary;
}

