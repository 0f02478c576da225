// `cdk-iot-ota-tasks approve` arguments, parsed without a dependency like `status`'s.
import { readArguments } from './arguments';

export const APPROVE_USAGE = 'usage: cdk-iot-ota-tasks approve --stack NAME [--region REGION] ROLLOUT [WAVE]';

export interface ApproveOptions {
  readonly stack: string;
  readonly region?: string;
  readonly rollout: string;
  /** 1-based; the rollout's next wave when absent. */
  readonly wave?: number;
}

export function parseApproveOptions(args: string[]): ApproveOptions {
  let stack: string | undefined;
  let region: string | undefined;
  const positional: string[] = [];
  readArguments(args, APPROVE_USAGE, (flag, value) => {
    if (flag === '--stack') stack = value();
    else if (flag === '--region') region = value();
    else throw new Error(`unknown argument ${JSON.stringify(flag)}\n${APPROVE_USAGE}`);
  }, (word) => positional.push(word));
  if (!stack) throw new Error(`--stack is required\n${APPROVE_USAGE}`);
  if (positional.length < 1 || positional.length > 2) throw new Error(`approve takes a ROLLOUT and optionally a WAVE\n${APPROVE_USAGE}`);
  const wave = positional[1] === undefined ? undefined : Number(positional[1]);
  if (wave !== undefined && !(Number.isInteger(wave) && wave >= 1)) throw new Error(`WAVE must be a wave number from 1, got ${JSON.stringify(positional[1])}\n${APPROVE_USAGE}`);
  return { stack, region, rollout: positional[0], wave };
}
