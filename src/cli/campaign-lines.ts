// What `replay --run-campaigns` prints of the campaigns: at each monitor tick what changed (a
// task's progress bar, a rollout's state, a wave started, an alarm going off), then a summary.
import { progressLine } from './progress-line';
import type { CampaignRunResult, CampaignTick } from '../emulator/replay/campaigns';

const ENDINGS: { readonly [ending in CampaignRunResult['ending']]: string } = {
  'no-monitor': 'the stack has no campaign monitor (add an alarm, a dashboard or a rollout to a task to get one)',
  'finished': 'every task finished: the monitor disabled its schedule',
  'waiting': 'every rollout left is halted or awaits an approval, and nothing else runs',
  'time-limit': 'the virtual time limit was reached with campaigns still running (--campaign-hours)',
  'monitor-failing': 'the campaign monitor failed three times in a row',
};

/** Keeps what was shown last, so each tick prints only what changed. */
export class CampaignLines {
  private firstTick?: number;
  private readonly shownTasks = new Map<string, string>();
  private readonly shownRollouts = new Map<string, string>();

  /** The lines of one tick: nothing when nothing changed. */
  public tick(tick: CampaignTick): string[] {
    this.firstTick ??= tick.virtualTime;
    const at = `t+${String(Math.round((tick.virtualTime - this.firstTick) / 60_000)).padStart(4)} min`;
    const lines: string[] = [];
    if (tick.error) lines.push(`${at}  monitor failed: ${tick.error.split('\n')[0]}`);
    for (const task of tick.tasks) {
      const line = progressLine(task, task.logicalId ?? task.taskId);
      if (this.shownTasks.get(task.taskId) !== line) lines.push(`${at}  ${line}`);
      this.shownTasks.set(task.taskId, line);
    }
    for (const start of tick.waveStarts) {
      const session = start.startTime ? `, its FUOTA session at ${start.startTime.slice(11, 16)} UTC` : ` (task ${start.taskId})`;
      lines.push(`${at}  ${start.rollout}: started wave ${start.wave} with ${start.operation}${session}: ${start.because}`);
    }
    for (const rollout of tick.rollouts) {
      // `starting` is said by the wave's own line.
      if (rollout.state === 'starting' || this.shownRollouts.get(rollout.rollout) === rollout.state) continue;
      this.shownRollouts.set(rollout.rollout, rollout.state);
      lines.push(`${at}  rollout ${rollout.rollout}: ${rollout.wavesStarted}/${rollout.waves} waves started; ${rollout.state}: ${rollout.reason}`);
    }
    for (const alarm of tick.alarms) {
      lines.push(`${at}  ALARM ${alarm.logicalId}: ${alarm.metricName} ${+alarm.value.toFixed(4)} ${COMPARISON[alarm.comparison] ?? alarm.comparison} ${alarm.threshold}`);
    }
    return lines.map((line) => `  ${line}`);
  }
}

const COMPARISON: { readonly [operator: string]: string } = {
  GreaterThanThreshold: '>', GreaterThanOrEqualToThreshold: '>=', LessThanThreshold: '<', LessThanOrEqualToThreshold: '<=',
};

/** How the run ended, each rollout's last state, the last figures of each task and the alarms that went off. */
export function campaignSummaryLines(result: CampaignRunResult): string[] {
  const lines = [`Campaigns: ${ENDINGS[result.ending]}`];
  if (result.ending === 'no-monitor') return lines;
  lines.push(`  ${result.ticks.length} monitor runs over ${Math.round(result.virtualMinutes)} virtual minutes${result.failedTicks ? `, ${result.failedTicks} failed` : ''}`);
  for (const rollout of result.rollouts) {
    lines.push(`  rollout ${rollout.rollout}  ${rollout.wavesStarted}/${rollout.waves} waves started  ${rollout.state}: ${rollout.reason}`);
  }
  if (result.outcomes.length > 0) {
    lines.push('  Outcomes (each target\'s final status, from the emulator\'s outcome model):');
    for (const task of result.outcomes) {
      const counts = Object.entries(task.byStatus).map(([status, count]) => `${count} ${status}`).join(', ');
      lines.push(`    ${`${task.taskType} ${task.logicalId ?? task.taskId}`.padEnd(40)}  ${counts}`);
    }
  } else if (result.lastProgress.length > 0) {
    lines.push('  Last published progress:');
    for (const task of result.lastProgress) lines.push(`    ${progressLine(task, task.logicalId ?? task.taskId)}`);
  }
  const wentOff = [...new Set(result.alarms.map((alarm) => alarm.logicalId))];
  lines.push(`  Alarms: ${result.alarmsEvaluated.length} evaluated, ${wentOff.length === 0 ? 'none went off' : `went off: ${wentOff.join(', ')}`}`);
  if (result.alarmsNotEvaluated.length > 0) lines.push(`  Not evaluated (math-expression alarms): ${result.alarmsNotEvaluated.join(', ')}`);
  return lines;
}
