// The controller's one decision, "start the next wave?", as a pure function of what a tick read:
// each wave task's progress (the status reader) and its tags. Nothing is remembered between ticks;
// what the services do not hold (an approval, the instant a gate passed, a halt) is in the tags
// (../rollout-tags.ts). The controller acts on the returned actions, each of them idempotent, so
// a tick cut off half-way, or two ticks at once, change nothing the next tick would not.
//
// The rules, in order, for the first wave not yet started (waves start strictly in order):
// 1. A wave before it is missing from the stack (being created or deleted): wait.
// 2. Approved (`cdk-iot-ota-tasks approve`): start, whatever the gate says.
// 3. The first wave has no gate: start, unless it needs an approval.
// 4. A halt recorded for the same gate revision stands: the rollout stays halted.
// 5. Otherwise judge the previous wave against the gate: failures over a limit, a timeout, or a
//    finished wave below the success bar halt; too few reported, or still below the bar while
//    running, wait; a pass is recorded (gate-passed) and the wave starts once the soak time is
//    over, or waits for its approval when it needs one. The failure limits hold during the soak.
import { CAMPAIGN_TASK_TYPES } from '../../monitoring/campaign-metrics';
import type { StackTask } from '../../monitoring/handler/stack-tasks';
import { TaskProgress } from '../../monitoring/task-progress';
import { APPROVAL_REQUIRED, decodeGate, GateSpec, gateRevision, revisionedValue, ROLLOUT_TAGS } from '../rollout-tags';

/** A FUOTA task created and not started (GetFuotaTask `Status`). */
export const NOT_STARTED_STATUS = 'Pending';

/** One wave task of a rollout, as a tick read it. */
export interface WaveSnapshot {
  /** 1-based position, from the wave tag. */
  readonly wave: number;
  /** Waves the rollout declares, from the wave tag. */
  readonly waves: number;
  readonly taskId: string;
  /** The task's ARN; for an OTA wave with no task yet, its record's S3 ARN. */
  readonly taskArn: string;
  /** Whether the wave has started: a FUOTA task past `Pending`, an OTA wave whose task was created (or whose create was decided). */
  readonly started: boolean;
  readonly progress: TaskProgress;
  readonly tags: Readonly<Record<string, string>>;
  /** An OTA wave: its record, where the controller writes what a FUOTA wave keeps in tags. */
  readonly otaWave?: StackTask['otaWave'];
}

export type RolloutState = 'waiting' | 'soaking' | 'awaiting-approval' | 'starting' | 'halted' | 'complete';

export type RolloutAction =
  | { readonly kind: 'tag'; readonly wave: WaveSnapshot; readonly key: string; readonly value: string }
  | { readonly kind: 'start'; readonly wave: WaveSnapshot; readonly because: string }
  /** Tell EventBridge of a new halt; the controller sends it before the halt tag, so a halt is told at least once. */
  | { readonly kind: 'halted'; readonly wave: WaveSnapshot; readonly previous: WaveSnapshot; readonly reason: string };

export interface RolloutDecision {
  readonly rollout: string;
  readonly waves: number;
  readonly wavesStarted: number;
  /** The first wave not yet started. */
  readonly nextWave?: number;
  readonly state: RolloutState;
  /** Why, in words, with the figures. */
  readonly reason: string;
  readonly actions: readonly RolloutAction[];
}

type Verdict =
  | { readonly verdict: 'pass'; readonly reason: string }
  | { readonly verdict: 'wait'; readonly reason: string }
  | { readonly verdict: 'fail'; readonly reason: string }
  | { readonly verdict: 'unknowable'; readonly reason: string };

export function decideRollout(rollout: string, snapshots: readonly WaveSnapshot[], now: number): RolloutDecision {
  const waves = [...snapshots].sort((a, b) => a.wave - b.wave);
  const declared = Math.max(0, ...waves.map((w) => w.waves));
  const started = waves.filter((w) => w.started).length;
  const next = waves.find((w) => !w.started);
  const base = { rollout, waves: declared, wavesStarted: started };
  if (!next) {
    const complete = started >= declared;
    return { ...base, state: complete ? 'complete' : 'waiting', reason: complete ? `all ${declared} waves started` : `waves ${missingWaves(waves, declared)} are not deployed yet`, actions: [] };
  }
  const decision = (state: RolloutState, reason: string, actions: RolloutAction[] = []): RolloutDecision =>
    ({ ...base, nextWave: next.wave, state, reason: `wave ${next.wave}/${declared}: ${reason}`, actions });
  const start = (because: string, actions: RolloutAction[] = []) =>
    decision('starting', `starting (${because})`, [...actions, { kind: 'start', wave: next, because }]);

  const missing = missingWaves(waves.filter((w) => w.wave < next.wave), next.wave - 1);
  if (missing) return decision('waiting', `waves ${missing} are not in the stack (being created or deleted)`);
  const approved = next.tags[ROLLOUT_TAGS.approved];
  if (approved) return start(`approved at ${approved}`);
  const needsApproval = next.tags[ROLLOUT_TAGS.approval] === APPROVAL_REQUIRED;
  if (next.wave === 1) {
    return needsApproval ? decision('awaiting-approval', 'the first wave starts once approved') : start('the first wave');
  }

  const previous = waves.find((w) => w.wave === next.wave - 1)!;
  const gateTag = next.tags[ROLLOUT_TAGS.gate];
  const gate = gateTag === undefined ? { error: 'the gate tag is missing' } : decodeGate(gateTag);
  if ('error' in gate) return decision('halted', `${gate.error}; redeploy the rollout to restore it, or approve the wave`);
  const revision = gateRevision(gateTag);
  const halt = revisionedValue(next.tags[ROLLOUT_TAGS.halted]);
  if (halt?.revision === revision) return decision('halted', `halted: ${halt.rest}`);

  const passedTag = revisionedValue(next.tags[ROLLOUT_TAGS.gatePassed]);
  const passedAt = passedTag?.revision === revision ? Date.parse(passedTag.rest) : NaN;
  // A pass is kept (successes never go back, and the soak time counts from the first one seen),
  // but the failure limits still hold while it soaks: devices that fail after the pass halt it.
  const lateFailure = Number.isFinite(passedAt) ? failureLimitBroken(previous.progress, gate) : undefined;
  const verdict: Verdict = lateFailure ?? (Number.isFinite(passedAt) ? { verdict: 'pass', reason: `passed at ${passedTag!.rest}` } : judge(previous, gate, now));
  switch (verdict.verdict) {
    case 'wait':
      return decision('waiting', `wave ${previous.wave} ${verdict.reason}`);
    case 'unknowable':
      return decision('awaiting-approval', `wave ${previous.wave} ${verdict.reason}`);
    case 'fail': {
      const reason = `wave ${previous.wave} ${verdict.reason}`;
      return decision('halted', `halted: ${reason}`, [
        { kind: 'halted', wave: next, previous, reason },
        { kind: 'tag', wave: next, key: ROLLOUT_TAGS.halted, value: tagValue(`${revision} ${reason}`) },
      ]);
    }
    case 'pass': {
      const record: RolloutAction[] = Number.isFinite(passedAt)
        ? []
        : [{ kind: 'tag', wave: next, key: ROLLOUT_TAGS.gatePassed, value: `${revision} ${new Date(now).toISOString()}` }];
      const since = Number.isFinite(passedAt) ? passedAt : now;
      const soakLeft = since + gate.soakSeconds * 1000 - now;
      const passed = `wave ${previous.wave} ${verdict.reason}`;
      if (soakLeft > 0) return decision('soaking', `${passed}; soaking ${Math.ceil(soakLeft / 60_000)} more minutes`, record);
      if (needsApproval) return decision('awaiting-approval', `${passed}; the wave starts once approved`, record);
      return start(`gate passed: ${passed}`, record);
    }
  }
}

/**
 * The previous wave against the gate. Failures count against the limits as soon as they are seen
 * (a bad image halts the rollout early); success is judged once enough targets have reported: of
 * those reported while the wave runs, of all its targets once it has finished (a device that never
 * reported did not take the firmware).
 */
function judge(previous: WaveSnapshot, gate: GateSpec, now: number): Verdict {
  const p = previous.progress;
  if (p.status === 'DELETED') return { verdict: 'fail', reason: 'is gone (its task was deleted)' };
  if (p.granularity === 'group') {
    // ASSUMED (README, "Rolling out in waves"): the FUOTA outcome of a multicast group's devices is
    // not reported, so no threshold can be checked: safe either way, a person decides.
    return p.finished
      ? { verdict: 'unknowable', reason: `finished (${p.status}), but its multicast groups report no per-device outcome: approve the next wave to go on` }
      : { verdict: 'wait', reason: `is ${p.status} (multicast groups: only its end is reported)` };
  }
  const figures = figuresOf(p);
  if (p.targets === 0) return { verdict: 'fail', reason: `has no ${targetsOf(p)} left (${p.status})` };
  const broken = failureLimitBroken(p, gate);
  if (broken) return broken;
  const reported = p.succeeded + p.failed;
  const reportedPercent = (reported * 100) / p.targets;
  const ready = p.finished || (reported > 0 && reportedPercent >= gate.advanceAtPercent);
  const successPercent = p.finished ? (p.succeeded * 100) / p.targets : reported > 0 ? (p.succeeded * 100) / reported : 0;
  if (ready && successPercent >= gate.minSuccessPercent) {
    return { verdict: 'pass', reason: `passed its gate: ${percent(successPercent)} succeeded, at least ${gate.minSuccessPercent}% needed (${figures})` };
  }
  if (ready && p.finished) {
    return { verdict: 'fail', reason: `finished with ${percent(successPercent)} succeeded, less than min-success ${gate.minSuccessPercent}% (${figures})` };
  }
  const startedAt = p.startTime ? Date.parse(p.startTime) : NaN;
  if (gate.timeoutSeconds !== undefined && Number.isFinite(startedAt) && now - startedAt > gate.timeoutSeconds * 1000) {
    return { verdict: 'fail', reason: `did not pass its gate within the timeout of ${gate.timeoutSeconds} seconds after its start at ${p.startTime} (${figures})` };
  }
  return ready
    ? { verdict: 'wait', reason: `has ${percent(successPercent)} of its reported ${targetsOf(p)} succeeded, less than ${gate.minSuccessPercent}%; waiting for the rest (${figures})` }
    : { verdict: 'wait', reason: `has ${percent(reportedPercent)} of its ${targetsOf(p)} reported, ${gate.advanceAtPercent}% needed (${figures})` };
}

/** The failure limits, checked as soon as failures are reported (device-level waves only). */
function failureLimitBroken(p: TaskProgress, gate: GateSpec): Verdict | undefined {
  if (p.granularity === 'group' || p.targets === 0) return undefined;
  if (gate.maxFailures !== undefined && p.failed > gate.maxFailures) {
    return { verdict: 'fail', reason: `has ${p.failed} failed ${targetsOf(p)}, more than max-failures ${gate.maxFailures} (${figuresOf(p)})` };
  }
  const failedPercent = (p.failed * 100) / p.targets;
  if (gate.maxFailurePercent !== undefined && failedPercent > gate.maxFailurePercent) {
    return { verdict: 'fail', reason: `has ${percent(failedPercent)} failed, more than max-failure-percent ${gate.maxFailurePercent}% (${figuresOf(p)})` };
  }
  return undefined;
}

/** What a wave's targets are called: devices (FUOTA) or things (OTA). */
function targetsOf(p: TaskProgress): string {
  return p.taskType === CAMPAIGN_TASK_TYPES.ota ? 'things' : 'devices';
}

function figuresOf(p: TaskProgress): string {
  return `${p.succeeded} succeeded, ${p.failed} failed, ${p.pending} pending of ${p.targets}`;
}

function missingWaves(present: readonly WaveSnapshot[], upTo: number): string {
  const have = new Set(present.map((w) => w.wave));
  const missing: number[] = [];
  for (let wave = 1; wave <= upTo; wave++) if (!have.has(wave)) missing.push(wave);
  return missing.join(', ');
}

function percent(value: number): string {
  return `${Math.round(value * 10) / 10}%`;
}

/**
 * A tag value: at most 256 characters, and only those every AWS service accepts in tags (letters,
 * digits, spaces and `_ . : / = + - @`), since the IoT Wireless model states no pattern of its own.
 */
export function tagValue(text: string): string {
  const safe = text.replace(/%/g, ' percent').replace(/ \(/g, ': ').replace(/,/g, ' /')
    .replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, ' ').replace(/\s+/g, ' ').trim();
  return safe.slice(0, 256);
}
