// The demo's campaign step: after the create, the example's campaigns run on the emulator's virtual
// clock and the stack's bundled campaign monitor is invoked every 5 virtual minutes, as its schedule
// would, in a fresh process like Lambda. Its Embedded Metric Format lines are what CloudWatch would
// extract; the demo prints them as progress bars and evaluates the failure alarms' thresholds over
// them, as CloudWatch would.
import { progressLine } from '../src/cli/progress-line';
import { StackReplay } from '../src/emulator/replay';
import { invokeHandler } from '../src/emulator/replay/invoke';
import { readScheduledFunctions } from '../src/emulator/replay/template';
import { EMULATOR_CREDENTIALS, ServiceEmulator } from '../src/emulator/server';
import { TaskProgress } from '../src/monitoring/task-progress';

const TICK_MS = 5 * 60_000;

/** A failure alarm of the template: the task it watches and its threshold. */
export interface FailureAlarm {
  readonly logicalId: string;
  readonly taskLogicalId: string;
  readonly threshold: number;
}

/** Runs the campaigns to their end; returns false if the monitor failed. */
export async function runCampaigns(
  emulator: ServiceEmulator, replay: StackReplay, assemblyDir: string, stackName: string, alarms: FailureAlarm[],
): Promise<boolean> {
  const invocation = monitorInvocation(emulator, replay, assemblyDir, stackName);
  if (!invocation) {
    console.log('  (the stack has no campaign monitor)');
    return true;
  }
  const { fn, env } = invocation;
  const tripped = new Set<string>();
  const logicalIds = new Map([...replay.resources.entries()].map(([logicalId, resource]) => [resource.physicalId, logicalId]));
  let previous = '';
  for (let tick = 1; tick <= 48; tick++) {
    emulator.clock.advance(TICK_MS);
    const outcome = await invokeHandler(fn, { 'source': 'aws.events', 'detail-type': 'Scheduled Event' }, env, `tick-${tick}`);
    if (!outcome.ok) {
      console.error(`  monitor tick ${tick} failed: ${outcome.errorMessage}`);
      return false;
    }
    const lines = outcome.logs.flatMap((line) => { try { return [JSON.parse(line)]; } catch { return []; } });
    const progress = lines.filter((line) => line._aws && line.Targets !== undefined).map(toProgress(lines));
    const summary = lines.find((line) => line.message === 'campaign monitor tick');
    // A tick that changed nothing is left out, so the bars are seen moving.
    const seen = JSON.stringify(progress);
    if (seen !== previous || summary?.ruleDisabled) {
      console.log(`  t+${String(tick * 5).padStart(3)} min  monitor: ${summary?.tasks ?? '?'} tasks, ${summary?.apiCalls ?? '?'} API calls, ${progress.length} published`);
      for (const task of progress) console.log(`    ${progressLine(task, logicalIds.get(task.taskId) ?? task.taskId)}`);
    }
    previous = seen;
    for (const alarm of alarms) {
      const task = progress.find((p) => p.taskId === replay.resources.get(alarm.taskLogicalId)?.physicalId);
      if (task && !tripped.has(alarm.logicalId) && task.failed / Math.max(task.targets, 1) > alarm.threshold) {
        tripped.add(alarm.logicalId);
        console.log(`    ALARM ${alarm.logicalId}: FailureRatio ${(task.failed / task.targets).toFixed(2)} > ${alarm.threshold} (evaluated over the published datapoint, as CloudWatch would)`);
      }
    }
    if (summary?.ruleDisabled) {
      console.log(`  every campaign finished: the monitor disabled its schedule (${emulator.rule(fn.environment.SCHEDULE_RULE_NAME)?.state})`);
      break;
    }
  }
  return true;
}

/** The stack's bundled campaign monitor as the replay deployed it, and where its calls go; undefined without one. */
export function monitorInvocation(emulator: ServiceEmulator, replay: StackReplay, assemblyDir: string, stackName: string) {
  const [monitor] = readScheduledFunctions(assemblyDir, stackName);
  if (!monitor) return undefined;
  const fn = { ...monitor, environment: { ...monitor.environment, STACK_ID: replay.stackId } as Record<string, string> };
  const env = {
    region: emulator.region,
    endpoint: emulator.url,
    cloudFormationEndpoint: replay.cloudFormationUrl,
    accessKeyId: EMULATOR_CREDENTIALS.accessKeyId,
    secretAccessKey: EMULATOR_CREDENTIALS.secretAccessKey,
    accountId: emulator.accountId,
  };
  return { fn, env };
}

/** The template's failure alarms (FailureRatio above a threshold), with the task each one watches. */
export function failureAlarms(template: { Resources: Record<string, any> }): FailureAlarm[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === 'FailureRatio')
    .map(([logicalId, r]) => ({
      logicalId,
      threshold: r.Properties.Threshold,
      taskLogicalId: (r.Properties.Dimensions as { Name: string; Value: any }[]).find((d) => d.Name === 'TaskId')?.Value?.Ref,
    }));
}

/** The figures of one EMF task line, with the reasons from the lines beside it. */
function toProgress(lines: any[]) {
  return (line: any): TaskProgress => ({
    taskType: line.TaskType,
    taskId: line.TaskId,
    status: line.Status,
    finished: false,
    running: line.Running === 1,
    targets: line.Targets,
    succeeded: line.Succeeded,
    failed: line.Failed,
    pending: line.Pending,
    granularity: line.Granularity,
    failuresByReason: Object.fromEntries(lines.filter((l) => l.TaskId === line.TaskId && l.Reason).map((l) => [l.Reason, l.FailedByReason])),
  });
}
