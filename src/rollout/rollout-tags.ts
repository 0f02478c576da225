// Where a rollout keeps what the services do not: the tags of its wave tasks. The construct writes
// what the user declared (which rollout, which wave, the gate it waits on, whether it needs an
// approval); `approve` and the controller write what happened since (an approval, the instant a
// gate passed, a halt). Tags are durable, visible in the console and the CLI, and survive every
// redeployment: the FUOTA handler only ever removes tag keys that the previous properties
// declared, never the ones written after deployment. Shared by the construct, the controller and
// the command, so nothing here imports aws-cdk-lib.
import * as crypto from 'crypto';

/** Tag keys on a wave's task. */
export const ROLLOUT_TAGS = {
  /** Declared: the stack's name, which the controller's IAM conditions `StartFuotaTask` and `TagResource` on. */
  stack: 'cdk-iot-ota-tasks:stack',
  /** Declared: the rollout's name, unique in its stack. */
  rollout: 'cdk-iot-ota-tasks:rollout',
  /** Declared: `<wave>/<waves>`, 1-based. */
  wave: 'cdk-iot-ota-tasks:wave',
  /** Declared: the gate the previous wave must pass before this one starts ({@link encodeGate}); absent on the first wave. */
  gate: 'cdk-iot-ota-tasks:gate',
  /** Declared: `required` when the wave starts only once approved. */
  approval: 'cdk-iot-ota-tasks:approval',
  /** Written by `cdk-iot-ota-tasks approve`: the ISO instant of the approval. */
  approved: 'cdk-iot-ota-tasks:approved',
  /** Written by the controller: `<gate revision> <ISO instant>` when the previous wave was first seen passing the gate. */
  gatePassed: 'cdk-iot-ota-tasks:gate-passed',
  /** Written by the controller: `<gate revision> <reason>` when the previous wave failed the gate. */
  halted: 'cdk-iot-ota-tasks:halted',
} as const;

/** The tags the controller writes: its TagResource permission is limited to these keys. */
export const CONTROLLER_TAG_KEYS: readonly string[] = [ROLLOUT_TAGS.gatePassed, ROLLOUT_TAGS.halted];

/** The value of {@link ROLLOUT_TAGS.approval} on a wave that needs an approval. */
export const APPROVAL_REQUIRED = 'required';

/** The gate a wave waits on, in whole numbers, as the controller reads it. */
export interface GateSpec {
  /** Of the reported targets (all targets once the wave has finished), the share that must have succeeded, 0 to 100. */
  readonly minSuccessPercent: number;
  /** Halt as soon as more targets than this have failed. */
  readonly maxFailures?: number;
  /** Halt as soon as more than this share of the targets have failed, 0 to 100. */
  readonly maxFailurePercent?: number;
  /** Judge the wave once this share of its targets has reported (or it has finished), 1 to 100. */
  readonly advanceAtPercent: number;
  /** Wait this long after the gate passed before starting the wave. */
  readonly soakSeconds: number;
  /** Halt when the previous wave has not passed this long after its start. */
  readonly timeoutSeconds?: number;
}

const GATE_FIELDS: readonly [keyof GateSpec, string][] = [
  ['minSuccessPercent', 'min-success'],
  ['maxFailures', 'max-failures'],
  ['maxFailurePercent', 'max-failure-percent'],
  ['advanceAtPercent', 'advance-at'],
  ['soakSeconds', 'soak'],
  ['timeoutSeconds', 'timeout'],
];

/**
 * `min-success=90 max-failure-percent=10 advance-at=100 soak=0`: space-separated `name=value`
 * pairs, in characters every AWS tag value accepts, readable as they stand in the console.
 */
export function encodeGate(gate: GateSpec): string {
  return GATE_FIELDS.filter(([field]) => gate[field] !== undefined).map(([field, name]) => `${name}=${gate[field]}`).join(' ');
}

/** The gate of a tag value, or an error that says what is wrong with it (a hand-edited tag). */
export function decodeGate(value: string): GateSpec | { readonly error: string } {
  const fields: Partial<Record<keyof GateSpec, number>> = {};
  for (const pair of value.trim().split(/\s+/).filter(Boolean)) {
    const [name, text] = pair.split('=');
    const field = GATE_FIELDS.find(([, n]) => n === name)?.[0];
    const number = Number(text);
    if (!field || text === undefined || !/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(number)) {
      return { error: `the gate tag ${JSON.stringify(value)} has an unreadable part ${JSON.stringify(pair)}` };
    }
    fields[field] = number;
  }
  if (fields.minSuccessPercent === undefined || fields.advanceAtPercent === undefined || fields.soakSeconds === undefined) {
    return { error: `the gate tag ${JSON.stringify(value)} lacks min-success, advance-at or soak` };
  }
  return fields as GateSpec;
}

/**
 * A short revision of a wave's declared gate tag: a halt or a passed gate is recorded with it, so
 * a redeployment that changes the bar is judged anew. 8 hex digits of SHA-256: collisions only
 * matter between two consecutive declarations of one wave.
 */
export function gateRevision(gateTag: string | undefined): string {
  return crypto.createHash('sha256').update(gateTag ?? '').digest('hex').slice(0, 8);
}

/** `<revision> <rest>` tag values (gate-passed, halted) split into their parts. */
export function revisionedValue(value: string | undefined): { readonly revision: string; readonly rest: string } | undefined {
  const match = value === undefined ? null : /^([0-9a-f]{8}) (.*)$/s.exec(value);
  return match ? { revision: match[1], rest: match[2] } : undefined;
}

/** `<wave>/<waves>` read back, or undefined when the tag is not one. */
export function parseWaveTag(value: string | undefined): { readonly wave: number; readonly waves: number } | undefined {
  const match = value === undefined ? null : /^(\d+)\/(\d+)$/.exec(value);
  if (!match) return undefined;
  const wave = Number(match[1]);
  const waves = Number(match[2]);
  return wave >= 1 && wave <= waves ? { wave, waves } : undefined;
}
