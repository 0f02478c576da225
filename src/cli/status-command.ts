// `cdk-iot-ota-tasks status`: one line per campaign of a deployed stack, from the same status reader
// the campaign monitor publishes with; with --targets, one line per device or thing under each.
// Exit codes: 0 fine, 1 a task's failed share is above
// --fail-above, 2 bad usage or a stack or task that could not be read.
import { commandRegion, readStackTasks, StackClients } from './cli-clients';
import { progressLine, targetLines, tasksFailingAbove } from './progress-line';
import { rolloutLines } from './rollout-lines';
import { DEFAULT_TARGETS_LIMIT, StatusOptions } from './status-options';
import { iotWirelessClient } from '../fuota/handler/iot-wireless-client';
import type { StackResourceReader } from '../monitoring/handler/stack-tasks';
import type { TaskRead } from '../monitoring/status/read-stack-task';
import { TaskProgress } from '../monitoring/task-progress';
import { JobDocumentStore } from '../ota/handler/job-document-store';
import { ManagedIntegrationsClient } from '../ota/handler/managed-integrations-client';
import { CloudFormationStackStatus } from '../shared/cloudformation-stack-status';

/** What the command talks to; tests pass fakes and a clock. */
export interface StatusDependencies {
  readonly stacks: StackResourceReader;
  readonly clients: StackClients;
  readonly write: (text: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  /** The clock the rollout lines judge gates by (soak times, timeouts). @default Date.now */
  readonly now?: () => number;
  /** Clears the terminal between --watch refreshes (only when writing to a terminal). */
  readonly clear?: () => void;
}

export async function runStatus(options: StatusOptions, dependencies?: StatusDependencies): Promise<number> {
  const deps = dependencies ?? realDependencies(options);
  for (;;) {
    const reads = await readStackTasks(deps.stacks, options.stack, deps.clients, { withTargets: options.targets });
    deps.clear?.();
    deps.write(`${options.stack}: ${reads.length} task${reads.length === 1 ? '' : 's'}\n`);
    for (const read of reads) {
      deps.write(`${'error' in read ? `${read.task.taskType} ${read.task.logicalId}  could not be read: ${read.error}` : progressLine(read.progress, read.task.logicalId)}\n`);
      const targets = 'progress' in read ? read.progress.targetStatuses : undefined;
      if (options.targets && targets) for (const line of targetLines(targets, options.targetsLimit ?? DEFAULT_TARGETS_LIMIT)) deps.write(`${line}\n`);
    }
    for (const line of await rolloutLines(reads, deps.clients.wireless, (deps.now ?? Date.now)())) deps.write(`${line}\n`);
    const progress = reads.flatMap((read) => ('progress' in read ? [read.progress] : []));
    const done = progress.length === reads.length && progress.every((task) => task.finished);
    if (!options.watch || done) return exitCode(options, reads, progress, deps);
    await deps.sleep(options.intervalSeconds * 1000);
  }
}

function exitCode(options: StatusOptions, reads: TaskRead[], progress: TaskProgress[], deps: StatusDependencies): number {
  if (reads.some((read) => 'error' in read)) return 2;
  if (options.failAbove === undefined) return 0;
  const failing = tasksFailingAbove(progress, options.failAbove);
  for (const task of failing) deps.write(`${task.taskType} ${task.taskId}: ${task.failed} of ${task.targets} failed, above --fail-above ${+(options.failAbove * 100).toFixed(2)}%\n`);
  return failing.length > 0 ? 1 : 0;
}

function realDependencies(options: StatusOptions): StatusDependencies {
  const region = commandRegion(options.region);
  return {
    stacks: new CloudFormationStackStatus({ region }),
    clients: {
      wireless: iotWirelessClient({ region }),
      managedIntegrations: new ManagedIntegrationsClient({ region }),
      records: new JobDocumentStore({ region }),
    },
    write: (text) => process.stdout.write(text),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    clear: process.stdout.isTTY ? () => process.stdout.write('\x1b[2J\x1b[H') : undefined,
  };
}
