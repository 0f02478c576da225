// `cdk-iot-ota-tasks replay` options, parsed without a dependency like the other commands'.
import { readArguments } from './arguments';

/** What `replay` was asked for. */
export interface ReplayOptions {
  /** The cloud assembly to replay; `cdk.out` when absent. */
  readonly assemblyDir: string;
  readonly stack?: string;
  readonly updateFrom?: string;
  readonly seed?: number;
  /** Share of calls throttled, 0 to 1. */
  readonly throttleRate?: number;
  /** Share of calls answered with a server error, 0 to 1. */
  readonly serverErrorRate?: number;
  /** Keep the stack at the end instead of deleting it. */
  readonly keep: boolean;
}

export const REPLAY_USAGE = 'usage: cdk-iot-ota-tasks replay [CDK_OUT] [--stack NAME] [--update-from OLD_CDK_OUT] [--seed N]'
  + ' [--faults throttle=RATE,5xx=RATE] [--keep]';

/** Parses the arguments after `replay`; throws with the usage on anything it does not know. */
export function parseReplayOptions(args: string[]): ReplayOptions {
  const words: string[] = [];
  let stack: string | undefined;
  let updateFrom: string | undefined;
  let seed: number | undefined;
  let faults: { throttleRate?: number; serverErrorRate?: number } = {};
  let keep = false;
  readArguments(args, REPLAY_USAGE, (flag, value) => {
    switch (flag) {
      case '--stack': stack = value(); break;
      case '--update-from': updateFrom = value(); break;
      case '--seed': seed = parseSeed(value()); break;
      case '--faults': faults = parseFaults(value()); break;
      case '--keep': keep = true; break;
      default: throw new Error(`unknown option ${flag}\n${REPLAY_USAGE}`);
    }
  }, (word) => words.push(word));
  if (words.length > 1) throw new Error(`one cloud assembly at most, got ${words.join(' ')}\n${REPLAY_USAGE}`);
  return { assemblyDir: words[0] ?? 'cdk.out', stack, updateFrom, seed, ...faults, keep };
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed must be a whole number of 0 or more, got ${JSON.stringify(text)}`);
  return seed;
}

/** `throttle=0.2,5xx=0.05`: each a share of the services' calls, 0 to 1. */
function parseFaults(text: string): { throttleRate?: number; serverErrorRate?: number } {
  const faults: { throttleRate?: number; serverErrorRate?: number } = {};
  for (const part of text.split(',')) {
    const [kind, rateText] = part.split('=', 2);
    const rate = Number(rateText);
    if (rateText === undefined || rateText.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new Error(`--faults ${JSON.stringify(part)}: each fault is KIND=RATE with a rate from 0 to 1, e.g. throttle=0.2,5xx=0.05`);
    }
    if (kind === 'throttle') faults.throttleRate = rate;
    else if (kind === '5xx') faults.serverErrorRate = rate;
    else throw new Error(`--faults ${JSON.stringify(part)}: the fault kinds are throttle and 5xx`);
  }
  return faults;
}
