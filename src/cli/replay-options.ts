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
  /** Run the campaigns and rollouts to their end with the stack's campaign monitor, on the virtual clock. */
  readonly runCampaigns: boolean;
  /** With `runCampaigns`: at most this many virtual hours. */
  readonly campaignHours?: number;
  /** With `runCampaigns`: rollouts whose next wave is approved, once, when they halt or await an approval. */
  readonly approve: readonly string[];
  /** Share of the targets not named in `outcomes` that succeed, 0 to 1. */
  readonly successShare?: number;
  /** Named targets' outcomes (a FUOTA device status or an OTA execution status), by target id. */
  readonly outcomes: { readonly [targetId: string]: string };
}

export const REPLAY_USAGE = 'usage: cdk-iot-ota-tasks replay [CDK_OUT] [--stack NAME] [--update-from OLD_CDK_OUT] [--seed N]'
  + ' [--faults throttle=RATE,5xx=RATE] [--keep] [--run-campaigns [--campaign-hours N] [--approve ROLLOUT]...'
  + ' [--success-share RATE] [--outcome TARGET=STATUS]...]';

/** Parses the arguments after `replay`; throws with the usage on anything it does not know. */
export function parseReplayOptions(args: string[]): ReplayOptions {
  const words: string[] = [];
  let stack: string | undefined;
  let updateFrom: string | undefined;
  let seed: number | undefined;
  let faults: { throttleRate?: number; serverErrorRate?: number } = {};
  let keep = false;
  let runCampaigns = false;
  let campaignHours: number | undefined;
  const approve: string[] = [];
  let successShare: number | undefined;
  const outcomes: { [targetId: string]: string } = {};
  readArguments(args, REPLAY_USAGE, (flag, value) => {
    switch (flag) {
      case '--stack': stack = value(); break;
      case '--update-from': updateFrom = value(); break;
      case '--seed': seed = parseSeed(value()); break;
      case '--faults': faults = parseFaults(value()); break;
      case '--keep': keep = true; break;
      case '--run-campaigns': runCampaigns = true; break;
      case '--campaign-hours': campaignHours = parseHours(value()); break;
      case '--approve': approve.push(value()); break;
      case '--success-share': successShare = parseShare(flag, value()); break;
      case '--outcome': {
        const [target, status] = value().split('=', 2);
        if (!target || !status) throw new Error(`--outcome is TARGET=STATUS, e.g. --outcome 5e000000-0000-4000-8000-000000000012=MissingFrag\n${REPLAY_USAGE}`);
        outcomes[target] = status;
        break;
      }
      default: throw new Error(`unknown option ${flag}\n${REPLAY_USAGE}`);
    }
  }, (word) => words.push(word));
  if (words.length > 1) throw new Error(`one cloud assembly at most, got ${words.join(' ')}\n${REPLAY_USAGE}`);
  if (!runCampaigns && (campaignHours !== undefined || approve.length > 0 || successShare !== undefined || Object.keys(outcomes).length > 0)) {
    throw new Error(`--campaign-hours, --approve, --success-share and --outcome need --run-campaigns\n${REPLAY_USAGE}`);
  }
  return { assemblyDir: words[0] ?? 'cdk.out', stack, updateFrom, seed, ...faults, keep, runCampaigns, campaignHours, approve, successShare, outcomes };
}

function parseShare(flag: string, text: string): number {
  const share = Number(text);
  if (text.trim() === '' || !Number.isFinite(share) || share < 0 || share > 1) throw new Error(`${flag} must be a share from 0 to 1, got ${JSON.stringify(text)}`);
  return share;
}

function parseHours(text: string): number {
  const hours = Number(text);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 31) throw new Error(`--campaign-hours must be a number of virtual hours above 0 and at most 744 (31 days), got ${JSON.stringify(text)}`);
  return hours;
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
