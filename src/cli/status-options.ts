// `cdk-iot-ota-tasks status` options, parsed without a dependency: the command is bundled with
// everything it needs, and its flags are few.
import { readArguments } from './arguments';

/** What `status` was asked for. */
export interface StatusOptions {
  readonly stack: string;
  readonly region?: string;
  readonly watch: boolean;
  /** Seconds between refreshes with --watch. */
  readonly intervalSeconds: number;
  /** Fail (exit 1) when a task's failed share is above this ratio, 0 to 1. */
  readonly failAbove?: number;
  /** Print one line per target (device or thing) under each task; off when absent. */
  readonly targets?: boolean;
  /** Target lines shown per task at most, the rest summed up in one line; DEFAULT_TARGETS_LIMIT when absent. */
  readonly targetsLimit?: number;
}

/** Target lines per task unless --targets-limit says otherwise: a screenful for a few tasks. */
export const DEFAULT_TARGETS_LIMIT = 20;

export const STATUS_USAGE = 'usage: cdk-iot-ota-tasks status --stack NAME [--region REGION] [--watch] [--interval SECONDS] [--fail-above PERCENT]'
  + ' [--targets [--targets-limit N]]';

/** Parses the arguments after `status`; throws with the usage on anything it does not know. */
export function parseStatusOptions(args: string[]): StatusOptions {
  let stack: string | undefined;
  let region: string | undefined;
  let watch = false;
  let intervalSeconds = 30;
  let failAbove: number | undefined;
  let targets = false;
  let targetsLimit: number | undefined;
  readArguments(args, STATUS_USAGE, (flag, value) => {
    switch (flag) {
      case '--stack': stack = value(); break;
      case '--region': region = value(); break;
      case '--watch': watch = true; break;
      case '--interval': intervalSeconds = parseInterval(value()); break;
      case '--fail-above': failAbove = parsePercent(value()); break;
      case '--targets': targets = true; break;
      case '--targets-limit': targetsLimit = parseTargetsLimit(value()); break;
      default: throw new Error(`unknown argument ${JSON.stringify(flag)}\n${STATUS_USAGE}`);
    }
  });
  if (!stack) throw new Error(`--stack is required\n${STATUS_USAGE}`);
  if (targetsLimit !== undefined && !targets) throw new Error(`--targets-limit needs --targets\n${STATUS_USAGE}`);
  return { stack, region, watch, intervalSeconds, failAbove, targets, targetsLimit: targetsLimit ?? DEFAULT_TARGETS_LIMIT };
}

/** `5%`, `5` or `0.5%`: a percentage from 0 to 100, returned as a ratio. */
function parsePercent(text: string): number {
  const match = /^(\d+(?:\.\d+)?)%?$/.exec(text.trim());
  const percent = match ? Number(match[1]) : Number.NaN;
  if (!(percent >= 0 && percent <= 100)) throw new Error(`--fail-above must be a percentage from 0 to 100 (e.g. 5%), got ${JSON.stringify(text)}`);
  return percent / 100;
}

function parseInterval(text: string): number {
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 5) throw new Error(`--interval must be a whole number of seconds, at least 5, got ${JSON.stringify(text)}`);
  return seconds;
}

function parseTargetsLimit(text: string): number {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--targets-limit must be a whole number of lines, at least 1, got ${JSON.stringify(text)}`);
  return limit;
}
