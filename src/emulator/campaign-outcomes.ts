/**
 * The seeded outcome model of a campaign: which target (a FUOTA task's wireless device, an OTA
 * task's managed thing) ends how, and when, counted from the moment the campaign starts. Fixed
 * once per task when it starts (StartFuotaTask, or CreateOtaTask), so what a monitor reads later
 * depends only on the seed, the task id, its targets and the virtual clock, never on the order or
 * number of reads.
 *
 * Counts are exact, not drawn: of the n unscripted targets, round(successShare × n) succeed and the
 * rest are shared among the failure reasons by their weights (largest remainder, ties to the reason
 * listed first); which target gets which outcome is a seeded shuffle. Each target finishes at
 *   durationMs × (1 − completionSpread + completionSpread × u),   u seeded in [0, 1)
 * after the start, so every target has finished when the duration is over, and a spread of 0 makes
 * them all finish at its end. A scripted target gets its scripted outcome (and time, if given) and
 * is left out of the shares.
 *
 * The default figures are assumptions for tests and demos, not the services' behaviour.
 */
import { createHash } from 'node:crypto';
import { seededRandom } from './faults';

/** The failure values of IoT Wireless `FuotaDeviceStatus` (model: iot-wireless.json), in the model's order. */
export const FUOTA_FAILURE_STATUSES = [
  'Package_Not_Supported', 'FragAlgo_unsupported', 'Not_enough_memory', 'FragIndex_unsupported', 'Wrong_descriptor',
  'SessionCnt_replay', 'MissingFrag', 'MemoryError', 'MICError', 'Device_exist_in_conflict_fuota_task',
] as const;
export type FuotaFailureStatus = typeof FUOTA_FAILURE_STATUSES[number];
export type FuotaDeviceOutcome = 'Successful' | FuotaFailureStatus;

/** The terminal failure values of Managed Integrations `OtaTaskExecutionStatus` (model: iot-managed-integrations.json). */
export const OTA_FAILURE_STATUSES = ['FAILED', 'TIMED_OUT', 'REJECTED', 'REMOVED', 'CANCELED'] as const;
export type OtaFailureStatus = typeof OTA_FAILURE_STATUSES[number];
export type OtaExecutionOutcome = 'SUCCEEDED' | OtaFailureStatus;

/** A scripted target: its outcome, and optionally when (ms after the start) it is reached. */
export type ScriptedOutcome<O extends string> = O | { readonly outcome: O; readonly afterMs?: number };

export interface OutcomeModelOptions<F extends string, O extends string> {
  /** Default 1. Same seed, task id and targets → same outcomes and times. */
  readonly seed?: number;
  /** Share of the unscripted targets that succeed, 0 to 1. Default 0.9. */
  readonly successShare?: number;
  /** Relative weight of each failure reason; reasons left out weigh 0. Default: FUOTA all ten equally; OTA FAILED 2, TIMED_OUT 1, REJECTED 1. */
  readonly failureWeights?: Partial<Record<F, number>>;
  /** From the start until the task is done (FuotaDone, COMPLETED). Default 60 minutes (FUOTA), 30 minutes (OTA). */
  readonly durationMs?: number;
  /** How much of the duration the targets' finishing times spread over, 0 to 1 (0: all at its end). Default 0.5 (FUOTA), 1 (OTA). */
  readonly completionSpread?: number;
  /** Outcomes fixed by target id (a wireless device id; a managed thing id or ARN), e.g. `{ 'sensor-7': 'MissingFrag' }`. */
  readonly script?: { readonly [targetId: string]: ScriptedOutcome<O> };
}

export type FuotaOutcomeOptions = OutcomeModelOptions<FuotaFailureStatus, FuotaDeviceOutcome>;
export type OtaOutcomeOptions = OutcomeModelOptions<OtaFailureStatus, OtaExecutionOutcome>;

/** What one target does, counted from the campaign's start. */
export interface TargetPlan<O extends string = string> {
  readonly targetId: string;
  readonly outcome: O;
  /** When it starts working on the update (OTA: QUEUED → IN_PROGRESS). */
  readonly startsAfterMs: number;
  /** When its outcome becomes visible. */
  readonly finishesAfterMs: number;
}

/** A model with every option filled in and checked. */
export interface OutcomeModel<O extends string> {
  readonly seed: number;
  readonly successShare: number;
  readonly success: O;
  /** Failure reasons with their weights, in the model's order. */
  readonly failureWeights: readonly (readonly [O, number])[];
  readonly durationMs: number;
  readonly completionSpread: number;
  readonly script: { readonly [targetId: string]: ScriptedOutcome<O> };
}

export function fuotaOutcomeModel(options: FuotaOutcomeOptions = {}): OutcomeModel<FuotaDeviceOutcome> {
  return outcomeModel('fuota', options, 'Successful', FUOTA_FAILURE_STATUSES, Object.fromEntries(FUOTA_FAILURE_STATUSES.map((s) => [s, 1])), 60 * 60_000, 0.5);
}

export function otaOutcomeModel(options: OtaOutcomeOptions = {}): OutcomeModel<OtaExecutionOutcome> {
  return outcomeModel('ota', options, 'SUCCEEDED', OTA_FAILURE_STATUSES, { FAILED: 2, TIMED_OUT: 1, REJECTED: 1 }, 30 * 60_000, 1);
}

function outcomeModel<F extends string, O extends string>(
  name: string, options: OutcomeModelOptions<F, O>, success: O, failures: readonly F[],
  defaultWeights: Partial<Record<F, number>>, defaultDurationMs: number, defaultSpread: number,
): OutcomeModel<O> {
  const successShare = options.successShare ?? 0.9;
  const durationMs = options.durationMs ?? defaultDurationMs;
  const completionSpread = options.completionSpread ?? defaultSpread;
  const weights = options.failureWeights ?? defaultWeights;
  const fail = (what: string) => {
    throw new Error(`${name} outcome model: ${what}`);
  };
  if (!(successShare >= 0 && successShare <= 1)) fail(`successShare must be from 0 to 1, got ${successShare}`);
  if (!(Number.isFinite(durationMs) && durationMs >= 0)) fail(`durationMs must be a number >= 0, got ${durationMs}`);
  if (!(completionSpread >= 0 && completionSpread <= 1)) fail(`completionSpread must be from 0 to 1, got ${completionSpread}`);
  for (const [reason, weight] of Object.entries(weights)) {
    if (!failures.includes(reason as F)) fail(`failureWeights: ${reason} is not one of ${failures.join(', ')}`);
    if (!((weight as number) >= 0)) fail(`failureWeights.${reason} must be >= 0, got ${weight}`);
  }
  const failureWeights = failures.map((reason) => [reason as unknown as O, (weights[reason] as number | undefined) ?? 0] as const)
    .filter(([, weight]) => weight > 0);
  if (successShare < 1 && failureWeights.length === 0) fail('failureWeights must give some reason a weight > 0 when successShare < 1');
  for (const [target, scripted] of Object.entries(options.script ?? {})) {
    const outcome = typeof scripted === 'string' ? scripted : scripted.outcome;
    if (outcome !== success && !failures.includes(outcome as unknown as F)) fail(`script.${target}: ${outcome} is not ${success} or one of ${failures.join(', ')}`);
  }
  return { seed: options.seed ?? 1, successShare, success, failureWeights, durationMs, completionSpread, script: { ...options.script } };
}

/**
 * The plan of a task's targets, in the order of `targetIds`. `scriptKeys` gives the ids a target
 * may be scripted under (its id first; for a managed thing also its ARN).
 */
export function planOutcomes<O extends string>(
  model: OutcomeModel<O>, taskId: string, targetIds: readonly string[], scriptKeys: (targetId: string) => readonly string[] = (id) => [id],
): TargetPlan<O>[] {
  const random = seededRandom(seedFor(model.seed, taskId));
  const scriptOf = (id: string) => scriptKeys(id).map((key) => model.script[key]).find((scripted) => scripted !== undefined);
  const free = targetIds.filter((id) => scriptOf(id) === undefined);
  // Fisher–Yates on the unscripted targets: which of them get which outcome.
  const shuffled = [...free];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const outcomes = new Map<string, O>();
  const successes = Math.round(model.successShare * free.length);
  shuffled.slice(0, successes).forEach((id) => outcomes.set(id, model.success));
  let next = successes;
  for (const [reason, count] of apportion(free.length - successes, model.failureWeights)) {
    shuffled.slice(next, next + count).forEach((id) => outcomes.set(id, reason));
    next += count;
  }
  return targetIds.map((targetId) => {
    const u = random();
    const v = random();
    const scripted = scriptOf(targetId);
    const outcome = scripted === undefined ? outcomes.get(targetId)! : typeof scripted === 'string' ? scripted : scripted.outcome;
    const scriptedAfter = typeof scripted === 'object' ? scripted.afterMs : undefined;
    const finishesAfterMs = scriptedAfter ?? Math.round(model.durationMs * (1 - model.completionSpread + model.completionSpread * u));
    return { targetId, outcome, startsAfterMs: Math.round(finishesAfterMs * v), finishesAfterMs };
  });
}

/** Splits `total` among weighted reasons: floors, then the largest remainders (earlier reason first on ties). */
export function apportion<O extends string>(total: number, weights: readonly (readonly [O, number])[]): [O, number][] {
  const sum = weights.reduce((acc, [, weight]) => acc + weight, 0);
  if (total === 0 || sum === 0) return weights.map(([reason]) => [reason, 0]);
  const exact = weights.map(([reason, weight]) => ({ reason, share: (total * weight) / sum }));
  const counts = exact.map(({ reason, share }) => [reason, Math.floor(share)] as [O, number]);
  let left = total - counts.reduce((acc, [, count]) => acc + count, 0);
  const byRemainder = exact.map(({ share }, index) => ({ index, remainder: share - Math.floor(share) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (left-- <= 0) break;
    counts[index][1]++;
  }
  return counts;
}

/** A generator seed from the model's seed and the task id, so two tasks of one run differ. */
function seedFor(seed: number, taskId: string): number {
  return createHash('sha256').update(`${seed}\n${taskId}`).digest().readUInt32BE(0);
}
