// The rollout controller: run by the campaign monitor on every tick, after it read the stack's
// tasks. It reads the tags of each wave task, decides per rollout from that state alone
// (./decide.ts) and acts: records a passed gate or a halt in a tag, starts the next wave, tells
// EventBridge, and publishes the rollout's metrics. Every act is idempotent (a start retried after
// a lost answer finds the task started), so a tick cut off half-way is finished by the next one.
//
// It acts only while the stack is settled: during a deployment CloudFormation may be changing or
// deleting the very wave the controller would start, so DescribeStacks is asked first whenever a
// tick has something to do, and nothing is done while the stack is in progress.
import { IoTWirelessClient, TagResourceCommand } from '@aws-sdk/client-iot-wireless';
import { decideRollout, RolloutAction, RolloutDecision, WaveSnapshot } from './decide';
import { OtaWaveRecord, readWaveRecord, RecordObjects, writeWaveRecord } from './ota-wave-record';
import { readRollouts, WaveRead } from './wave-snapshots';
import { FUOTA_MIN_START_DELAY_SECONDS } from '../../fuota/fuota-task-rules';
import { startFuotaTaskOnce } from '../../fuota/handler/start-task';
import { emfCount, emfDocument, emfPlain } from '../../monitoring/handler/embedded-metrics';
import type { ServiceCaller } from '../../monitoring/status/read-options';
import { TaskProgress } from '../../monitoring/task-progress';
import type { ManagedIntegrationsClient } from '../../ota/handler/managed-integrations-client';
import { outcomeUnknown } from '../../shared/service-call';
import { ROLLOUT_DIMENSIONS, ROLLOUT_EVENT_SOURCE, ROLLOUT_EVENT_TYPES, ROLLOUT_METRICS } from '../rollout-metrics';

/** One event for the default bus. */
export interface RolloutEvent {
  /** Always {@link ROLLOUT_EVENT_SOURCE}. */
  readonly source: string;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
  readonly resources: string[];
}

export interface RolloutControlContext {
  /** The ARN of the stack the waves belong to. */
  readonly stackId: string;
  readonly wireless: IoTWirelessClient;
  /** Creates the tasks of OTA waves; needed once the stack has an OtaRollout. */
  readonly managedIntegrations?: ManagedIntegrationsClient;
  /** The records of OTA waves (S3, the library bucket); needed once the stack has an OtaRollout. */
  readonly records?: RecordObjects;
  readonly stacks: { status(stackId: string): Promise<string> };
  readonly events: { put(events: RolloutEvent[]): Promise<void> };
  readonly call: ServiceCaller;
  readonly now: () => number;
  readonly writeLine: (line: string) => void;
}

export interface RolloutControlSummary {
  readonly decisions: readonly RolloutDecision[];
  readonly wavesStarted: number;
  /** Rollouts whose actions failed this tick (logged as ERROR lines; the next tick tries again). */
  readonly failures: number;
}

/**
 * The start of a wave the controller starts: IoT Wireless wants it at least 30 minutes after the
 * StartFuotaTask call, and a minute more keeps a slow call from landing under that floor.
 */
export const WAVE_START_LEAD_MS = FUOTA_MIN_START_DELAY_SECONDS * 1000;

export async function controlRollouts(reads: readonly WaveRead[], ctx: RolloutControlContext): Promise<RolloutControlSummary> {
  const { rollouts, failures: unread } = await readRollouts(reads, ctx);
  let failures = unread;
  const decisions = [...rollouts.entries()].map(([rollout, waves]) => decideRollout(rollout, waves, ctx.now()));
  // OTA waves whose create a tick decided and did not finish (its task not recorded, or its start
  // not told): finished first, with the same client token, before anything else.
  const unfinishedOf = (waves: readonly WaveSnapshot[]) => waves.filter((w) => w.otaWave?.record?.creating && !w.otaWave.record.announced);
  const unfinished = new Map([...rollouts.entries()].map(([rollout, waves]) => [rollout, unfinishedOf(waves)]));
  let acting = decisions.some((d) => d.actions.length > 0 || unfinished.get(d.rollout)!.length > 0);
  if (acting && !(await stackSettled(ctx))) acting = false;

  let wavesStarted = 0;
  const stackName = stackNameOf(ctx.stackId);
  for (const decision of decisions) {
    let started = 0;
    if (acting) {
      try {
        for (const wave of unfinished.get(decision.rollout)!) {
          await createOtaWaveTask(wave, wave.otaWave!.record!, decision, stackName, 'finishing a create a tick before decided', ctx);
        }
        for (const action of decision.actions) started += await act(action, decision, stackName, ctx);
      } catch (error) {
        failures++;
        ctx.writeLine(JSON.stringify({ level: 'ERROR', rollout: decision.rollout, error: (error as Error).message }));
      }
    }
    wavesStarted += started;
    const { actions: _actions, ...shown } = decision;
    ctx.writeLine(JSON.stringify({ message: 'rollout', ...shown, acted: acting && decision.actions.length > 0 }));
    ctx.writeLine(JSON.stringify(rolloutMetricDocument(stackName, decision, started, ctx.now())));
  }
  return { decisions, wavesStarted, failures };
}

/**
 * Whether the stack is settled (DescribeStacks): during a deployment CloudFormation may be
 * changing or deleting the very wave the controller would start.
 */
async function stackSettled(ctx: RolloutControlContext): Promise<boolean> {
  const status = await ctx.call('DescribeStacks', () => ctx.stacks.status(ctx.stackId));
  if (!status.endsWith('_IN_PROGRESS')) return true;
  ctx.writeLine(JSON.stringify({ message: `the stack is ${status}: rollouts act at the next tick after it settles` }));
  return false;
}

/** 1 when the action started a wave. */
async function act(action: RolloutAction, decision: RolloutDecision, stackName: string, ctx: RolloutControlContext): Promise<number> {
  const wave = action.wave;
  const detail = { stackName, rollout: decision.rollout, wave: wave.wave, waves: wave.waves, taskId: wave.taskId };
  switch (action.kind) {
    case 'tag':
      if (wave.otaWave) {
        await updateRecord(wave, ctx, (record) => ({ ...record, tags: { ...record.tags, [action.key]: action.value } }));
        return 0;
      }
      await ctx.call('TagResource', () => ctx.wireless.send(new TagResourceCommand({ ResourceArn: wave.taskArn, Tags: [{ Key: action.key, Value: action.value }] })));
      return 0;
    case 'halted':
      await ctx.call('PutEvents', () => ctx.events.put([{
        source: ROLLOUT_EVENT_SOURCE,
        detailType: ROLLOUT_EVENT_TYPES.halted,
        detail: { ...detail, failedWave: action.previous.wave, reason: action.reason, figures: figures(action.previous.progress) },
        resources: [action.previous.taskArn, wave.taskArn],
      }]));
      return 0;
    case 'start': {
      if (wave.otaWave) {
        // Asked again right before: a deletion that began since the tick's first look must find
        // every task this stack's controller created in a record.
        if (!(await stackSettled(ctx))) return 0;
        const record = await updateRecord(wave, ctx, (latest) => ({ ...latest, creating: new Date(ctx.now()).toISOString() }));
        await createOtaWaveTask(wave, record, decision, stackName, action.because, ctx);
        return 1;
      }
      const startTime = new Date(ctx.now() + WAVE_START_LEAD_MS);
      const outcome = await startFuotaTaskOnce(ctx.wireless, wave.taskId, startTime, ctx.call);
      ctx.writeLine(JSON.stringify({
        operation: 'StartFuotaTask', rollout: decision.rollout, wave: wave.wave, taskId: wave.taskId, startTime: startTime.toISOString(), outcome, because: action.because,
      }));
      if (outcome === 'already started') return 0;
      await ctx.call('PutEvents', () => ctx.events.put([{
        source: ROLLOUT_EVENT_SOURCE,
        detailType: ROLLOUT_EVENT_TYPES.waveStarted,
        detail: { ...detail, startTime: startTime.toISOString(), reason: action.because },
        resources: [wave.taskArn],
      }]));
      return 1;
    }
  }
}

/**
 * Creates an OTA wave's task (CreateOtaTask with the record's client token: a retry, or a later
 * tick finishing a create cut off, gets the task the first call made), records it at once, then
 * tells EventBridge and records that (so a start is told at least once, and a later tick retries
 * the telling, never the create). A create the service refuses created nothing: the record loses
 * its `creating` mark, so the wave is not started and the next tick decides anew.
 */
async function createOtaWaveTask(
  wave: WaveSnapshot, record: OtaWaveRecord, decision: RolloutDecision, stackName: string, because: string, ctx: RolloutControlContext,
): Promise<void> {
  let taskId = record.taskId;
  let taskArn = record.taskArn;
  if (!taskId) {
    let created: { TaskId?: string; TaskArn?: string };
    try {
      created = await ctx.call('CreateOtaTask', () => ctx.managedIntegrations!.createOtaTask({ ...record.request, ClientToken: record.clientToken }));
    } catch (error) {
      if (!outcomeUnknown(error)) {
        await updateRecord(wave, ctx, ({ creating: _refused, ...latest }) => latest);
        ctx.writeLine(JSON.stringify({ level: 'ERROR', operation: 'CreateOtaTask', rollout: decision.rollout, wave: wave.wave, refused: (error as Error).message }));
      }
      throw error;
    }
    ({ TaskId: taskId, TaskArn: taskArn } = created);
    ctx.writeLine(JSON.stringify({ operation: 'CreateOtaTask', rollout: decision.rollout, wave: wave.wave, taskId, because }));
    await updateRecord(wave, ctx, (latest) => ({ ...latest, creating: latest.creating ?? record.creating, taskId, taskArn }));
  }
  await ctx.call('PutEvents', () => ctx.events.put([{
    source: ROLLOUT_EVENT_SOURCE,
    detailType: ROLLOUT_EVENT_TYPES.waveStarted,
    detail: { stackName, rollout: decision.rollout, wave: wave.wave, waves: wave.waves, taskId, reason: because },
    resources: [taskArn!],
  }]));
  await updateRecord(wave, ctx, (latest) => ({ ...latest, announced: true }));
}

/** Read-modify-write of an OTA wave's record, read afresh so an approval written since is kept. */
async function updateRecord(
  wave: WaveSnapshot, ctx: RolloutControlContext, change: (record: OtaWaveRecord) => OtaWaveRecord,
): Promise<OtaWaveRecord> {
  const location = wave.otaWave!.location;
  const latest = await ctx.call('GetObject', () => readWaveRecord(ctx.records!, location));
  if (!latest) throw new Error(`the record s3://${location.bucket}/${location.key} of wave ${wave.wave} is gone (the stack is being deleted?)`);
  const updated = change(latest);
  await ctx.call('PutObject', () => writeWaveRecord(ctx.records!, location, updated));
  return updated;
}

/** `arn:…:stack/<name>/<uuid>` → `<name>`. */
export function stackNameOf(stackId: string): string {
  return stackId.split(':').pop()!.split('/')[1] ?? stackId;
}

function figures(progress: TaskProgress) {
  return { targets: progress.targets, succeeded: progress.succeeded, failed: progress.failed, pending: progress.pending, status: progress.status };
}

/** One EMF line per rollout and tick (see ../../monitoring/handler/embedded-metrics.ts for why EMF). */
function rolloutMetricDocument(stackName: string, decision: RolloutDecision, startedNow: number, timestamp: number): Record<string, unknown> {
  return emfDocument(timestamp, { [ROLLOUT_DIMENSIONS.stack]: stackName, [ROLLOUT_DIMENSIONS.rollout]: decision.rollout }, {
    [ROLLOUT_METRICS.waves]: emfCount(decision.waves),
    [ROLLOUT_METRICS.wavesStarted]: emfCount(decision.wavesStarted + startedNow),
    [ROLLOUT_METRICS.halted]: emfPlain(decision.state === 'halted' ? 1 : 0),
    [ROLLOUT_METRICS.awaitingApproval]: emfPlain(decision.state === 'awaiting-approval' ? 1 : 0),
  }, { State: decision.state, NextWave: decision.nextWave });
}
