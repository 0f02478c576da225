import { Duration, Token } from 'aws-cdk-lib';
import { GateSpec } from './rollout-tags';

/**
 * What the previous wave must reach before a wave starts. Every field left out takes the rollout's
 * `gate`, then the default. Failures count as soon as they are reported, so a bad image halts the
 * rollout before the previous wave has finished; success is judged once enough of the previous
 * wave's devices have reported.
 */
export interface WaveGate {
  /**
   * The share of the previous wave's devices that must have taken the firmware, 0 to 100: of the
   * devices that reported while the wave runs, of all its devices once it has finished (a device
   * that never reported did not take the firmware).
   * @default 90
   */
  readonly minSuccessPercent?: number;

  /**
   * Halt as soon as more than this many devices of the previous wave have failed (0 halts on the
   * first failure).
   * @default - no limit on the count
   */
  readonly maxFailures?: number;

  /**
   * Halt as soon as more than this share of the previous wave's devices have failed, 0 to 100.
   * @default - 100 minus `minSuccessPercent`: halt as soon as the success bar can no longer be reached
   */
  readonly maxFailurePercent?: number;

  /**
   * Judge the previous wave once this share of its devices has reported (succeeded or failed),
   * 1 to 100, or once it has finished.
   * @default 100
   */
  readonly advanceAtPercent?: number;

  /**
   * How long to wait after the previous wave passed before starting this one, to watch the
   * updated devices in the field: whole seconds, at most 30 days.
   * @default Duration.seconds(0)
   */
  readonly soakTime?: Duration;

  /**
   * Halt when the previous wave has not passed this long after its FUOTA session started: whole
   * seconds, at least the monitor interval, at most 90 days.
   * @default - no timeout: a stalled wave waits (see `addStalledAlarm` on the wave's task)
   */
  readonly timeout?: Duration;
}

const MAX_SOAK_SECONDS = 30 * 86_400;
const MAX_TIMEOUT_SECONDS = 90 * 86_400;

/** The gate a wave waits on: its own fields over the rollout's, over the defaults, each checked. */
export function resolveGate(path: string, field: string, gates: readonly (WaveGate | undefined)[], monitorInterval: Duration): GateSpec {
  const pick = <K extends keyof WaveGate>(key: K): WaveGate[K] => gates.map((gate) => gate?.[key]).find((value) => value !== undefined);
  const minSuccessPercent = pick('minSuccessPercent') ?? 90;
  const spec: GateSpec = {
    minSuccessPercent,
    maxFailures: pick('maxFailures'),
    maxFailurePercent: pick('maxFailurePercent') ?? (100 - minSuccessPercent),
    advanceAtPercent: pick('advanceAtPercent') ?? 100,
    soakSeconds: pick('soakTime')?.toSeconds() ?? 0,
    timeoutSeconds: pick('timeout')?.toSeconds(),
  };
  const fail = (name: string, rule: string, value: unknown): never => {
    throw new Error(`${path}: ${field}.${name} ${rule}, got ${value}`);
  };
  for (const [name, value] of Object.entries(spec)) {
    if (value !== undefined && Token.isUnresolved(value)) fail(name, 'must be known at synth (the controller reads it from the wave task\'s tags)', 'a token');
  }
  const percent = (name: string, value: number | undefined, min: number) => {
    if (value !== undefined && !(Number.isFinite(value) && value >= min && value <= 100)) fail(name, `must be a percentage from ${min} to 100`, value);
  };
  percent('minSuccessPercent', spec.minSuccessPercent, 0);
  percent('maxFailurePercent', spec.maxFailurePercent, 0);
  percent('advanceAtPercent', spec.advanceAtPercent, 1);
  if (spec.maxFailures !== undefined && !(Number.isInteger(spec.maxFailures) && spec.maxFailures >= 0)) {
    fail('maxFailures', 'must be a whole number of devices, 0 or more', spec.maxFailures);
  }
  if (!Number.isInteger(spec.soakSeconds) || spec.soakSeconds < 0 || spec.soakSeconds > MAX_SOAK_SECONDS) {
    fail('soakTime', 'must be whole seconds from 0 to 30 days', `${spec.soakSeconds} seconds`);
  }
  const interval = monitorInterval.toSeconds();
  if (spec.timeoutSeconds !== undefined && (!Number.isInteger(spec.timeoutSeconds) || spec.timeoutSeconds > MAX_TIMEOUT_SECONDS
    || (!Token.isUnresolved(interval) && spec.timeoutSeconds < interval))) {
    fail('timeout', `must be whole seconds from the monitor interval (${interval / 60} minutes, the controller looks no more often) to 90 days`, `${spec.timeoutSeconds} seconds`);
  }
  return spec;
}
