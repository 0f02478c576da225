// `cdk-iot-ota-tasks replay`: replays a synthesized stack's resources of this library against the
// emulator shipped in the package (lib/emulator), with a progress line per request and a summary.
// The emulator is loaded from the installed package at run time, not bundled into the command: it
// needs only Node.js built-ins, and the command's bundle stays the size the other commands need.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CampaignLines, campaignSummaryLines } from './campaign-lines';
import { LiveRequests } from './live-requests';
import { approveWhenWaiting } from './replay-approvals';
import { ReplayOptions } from './replay-options';
import type { ReplayStep } from '../emulator/replay';
import type { ReplayStackOptions, ReplayStackResult, SkippedResource } from '../emulator/replay-stack';

export type ReplayStackFn = (assemblyDir: string, options?: ReplayStackOptions) => Promise<ReplayStackResult>;

/** The package's compiled replay, found from the command's bundle (assets/cli/<name>/index.js) or from src/cli under ts-node. */
function loadReplayStack(): ReplayStackFn {
  const candidates = [
    path.join(__dirname, '..', '..', '..', 'lib', 'emulator', 'replay-stack.js'),
    path.join(__dirname, '..', '..', 'lib', 'emulator', 'replay-stack.js'),
  ];
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) throw new Error(`cdk-iot-ota-tasks replay: the package's emulator is missing (looked for ${candidates.join(', ')})`);
  // A computed path: the bundler leaves this require to run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(found) as { replayStack: ReplayStackFn }).replayStack;
}

/**
 * Runs the replay and prints it; 0 when it succeeded (see `failures`), 1 otherwise. `replayStack` is
 * the package's compiled one; the repository's demo passes the one of its sources.
 */
export async function runReplay(
  options: ReplayOptions, out: (line: string) => void = console.log, replayStack: ReplayStackFn = loadReplayStack(),
): Promise<number> {
  const stdout = process.stdout;
  const terminal = stdout.isTTY ? { get columns() { return stdout.columns ?? 80; }, write: (text: string) => stdout.write(text) } : undefined;
  const live = new LiveRequests(terminal, (step) => out(stepLine(step)));
  const campaignLines = new CampaignLines();
  const approve = approveWhenWaiting(options.approve, out);
  const result = await replayStack(options.assemblyDir, {
    stack: options.stack,
    updateFrom: options.updateFrom,
    seed: options.seed,
    throttleRate: options.throttleRate,
    serverErrorRate: options.serverErrorRate,
    delete: !options.keep,
    onProgress: (progress) => live.report(progress),
    outcomes: options.runCampaigns ? { successShare: options.successShare, byTarget: options.outcomes } : undefined,
    runCampaigns: options.runCampaigns && {
      maxHours: options.campaignHours,
      onTick: async (tick, stage) => {
        if (tick.tick === 1) out('Campaigns: the stack\'s bundled campaign monitor at each tick of its schedule, on the virtual clock');
        for (const line of campaignLines.tick(tick)) out(line);
        return approve(tick, stage);
      },
    },
  });
  for (const line of summaryLines(result)) out(line);
  return failures(result).length === 0 ? 0 : 1;
}

/** One line per request: its outcome, what it was, and how it ended. */
export function stepLine(step: ReplayStep): string {
  const mark = step.status === 'FAILED' ? 'FAILED ' : step.status === 'IGNORED' ? 'ignored' : 'ok     ';
  const phase = step.phase === 'deploy' || step.phase === 'delete' ? '' : ` (${step.phase})`;
  const polls = step.isCompleteCalls > 0 ? `, isComplete ×${step.isCompleteCalls}` : '';
  const reason = step.reason ? `: ${step.reason.split('\n')[0]}` : '';
  return `  ${mark} ${step.requestType.padEnd(6)} ${step.logicalId} [${step.resourceType}]${phase}${polls}${reason}`;
}

/** The summary: each operation's end, the calls per operation, the tasks, what was skipped, and what was left. */
export function summaryLines(result: ReplayStackResult): string[] {
  const lines = [`\nStack ${result.stackName}:`];
  for (const operation of result.operations) {
    lines.push(`  ${operation.operation.padEnd(6)} → ${operation.stackStatus}${operation.failure ? `: ${operation.failure.split('\n')[0]}` : ''}`);
  }
  lines.push('Calls:');
  const calls = Object.entries(result.callsByOperation).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(0, ...calls.map(([operation]) => operation.length));
  for (const [operation, count] of calls) lines.push(`  ${operation.padEnd(width)}  ${count}`);
  if (result.faultsInjected > 0) lines.push(`  (${result.faultsInjected} answered with an injected fault)`);
  if (result.campaigns) lines.push(...campaignSummaryLines(result.campaigns));
  lines.push(`Tasks after the deployment${result.campaigns ? ' and the campaigns' : ''}: ${result.tasksAfterDeploy.length}`);
  for (const task of result.tasksAfterDeploy) lines.push(`  ${task.kind} ${task.id}${task.name ? ` ${task.name}` : ''}${task.status ? ` ${task.status}` : ''}`);
  lines.push(`Skipped (not deployed; their Ref and attributes resolve to placeholders): ${result.skipped.length}`);
  const library = byType(result.skipped.filter((resource) => resource.ofLibrary));
  if (library.size > 0) {
    const counts = [...library].map(([type, ids]) => `${type} ×${ids.length}`).join(', ');
    lines.push(`  the library's own (providers, campaign monitor, roles, logs): ${counts}`);
  }
  const app = byType(result.skipped.filter((resource) => !resource.ofLibrary));
  if (app.size > 0) lines.push('  the app\'s:');
  for (const [type, ids] of app) lines.push(`    ${type} ×${ids.length}: ${ids.slice(0, 4).join(', ')}${ids.length > 4 ? ', …' : ''}`);
  if (result.leftAfterDelete.length > 0) {
    lines.push(`Left after the deletion (orphans): ${result.leftAfterDelete.length}`);
    for (const task of result.leftAfterDelete) lines.push(`  ${task.kind} ${task.id}`);
  }
  const failed = failures(result);
  lines.push(failed.length === 0 ? 'Replay succeeded.' : `Replay FAILED: ${failed.join('; ')}.`);
  return lines;
}

/** Logical ids by resource type, in the template's order. */
function byType(resources: readonly SkippedResource[]): Map<string, string[]> {
  const types = new Map<string, string[]>();
  for (const resource of resources) types.set(resource.type, [...(types.get(resource.type) ?? []), resource.logicalId]);
  return types;
}

/**
 * What makes the command exit 1: a failed operation, an orphan, and with --run-campaigns campaigns
 * that did not finish (a rollout left halted, the time limit, a monitor that kept failing). An
 * alarm that went off is reported, not a failure: it is what the outcome model asked for.
 */
export function failures(result: ReplayStackResult): string[] {
  const failed = result.operations.filter((operation) => !operation.succeeded).map((operation) => `${operation.operation} ended ${operation.stackStatus}`);
  if (result.leftAfterDelete.length > 0) failed.push(`${result.leftAfterDelete.length} left after the deletion`);
  const ending = result.campaigns?.ending;
  if (ending !== undefined && ending !== 'finished' && ending !== 'no-monitor') failed.push(`the campaigns did not finish (${ending})`);
  return failed;
}
