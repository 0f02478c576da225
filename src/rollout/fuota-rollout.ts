import { Aws, CfnResource, CustomResource, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { FuotaWave } from './fuota-wave';
import { grantRolloutControl } from './rollout-control-grants';
import { ROLLOUT_DIMENSIONS, ROLLOUT_METRICS } from './rollout-metrics';
import { APPROVAL_REQUIRED, encodeGate, ROLLOUT_TAGS } from './rollout-tags';
import { resolveGate, WaveGate } from './wave-gate';
import { FuotaTask } from '../fuota/fuota-task';
import { FuotaTaskSettings } from '../fuota/fuota-task-settings';
import { FuotaTaskStart } from '../fuota/fuota-task-start';
import { FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE } from '../fuota/fuota-task.types';
import { CAMPAIGN_NAMESPACE } from '../monitoring/campaign-metrics';
import { CampaignMonitor } from '../monitoring/campaign-monitor';

/** Waves per rollout: each waits at least 31 minutes for its start, so 20 already take most of a day. */
export const MAX_ROLLOUT_WAVES = 20;
/** Rollout tags take precedence over `Tags.of()`: the controller and its IAM conditions read them. */
const ROLLOUT_TAG_PRIORITY = 1000;
const ROLLOUT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Properties of a `FuotaRollout`. */
export interface FuotaRolloutProps extends FuotaTaskSettings {
  /**
   * The waves, in order: each becomes one FUOTA task, created at deployment and started by the
   * stack's campaign monitor once the wave before it passed its gate. 1 to 20 waves; a device or
   * group belongs to one wave only.
   */
  readonly waves: FuotaWave[];

  /**
   * The gate every wave after the first waits on, unless the wave sets its own fields.
   * @default - at least 90 % of the previous wave's devices succeeded, judged when all reported,
   * halting as soon as more than 10 % failed; no soak time, no timeout
   */
  readonly gate?: WaveGate;

  /**
   * When the first wave starts. Later waves start when their gate passes, 31 minutes after the
   * controller's decision (IoT Wireless needs the start 30 minutes ahead).
   * @default - the campaign monitor starts the first wave at its first run after the deployment
   */
  readonly start?: FuotaTaskStart;

  /**
   * The rollout's name, unique in its stack: the `Rollout` dimension of its metrics, in its tags,
   * events and the `approve` command. 1 to 64 letters, digits, `.`, `_` or `-`.
   * @default - the construct's id
   */
  readonly rolloutName?: string;
}

/**
 * A staged LoRaWAN firmware rollout: one image sent in waves (a canary, then more), each wave a
 * FUOTA task that starts only when the wave before it passed its gate. The stack's campaign
 * monitor is the controller: on each run it reads the waves, records a passed gate or a halt in
 * the next wave's tags, and starts it. A halted rollout stays halted until approved
 * (`npx cdk-iot-ota-tasks approve`) or redeployed with another gate.
 *
 * @example
 * new FuotaRollout(this, 'SensorFirmwareV2', {
 *   firmware: FirmwareImage.fromAsset(path.join(__dirname, 'firmware/v2.bin')),
 *   rfRegion: RfRegion.EU868,
 *   waves: [
 *     FuotaWave.ofDevices(['1ffd32c8-8130-4194-96df-622f072a315f', '7a2e2c1b-52b5-4a8b-9a1d-1e5b7d8c2f10']),
 *     FuotaWave.ofDevices(['b0c5d7e1-3f4a-4c2b-8e9d-0a1b2c3d4e5f'], { gate: { soakTime: Duration.hours(12) } }),
 *   ],
 * });
 */
export class FuotaRollout extends Construct {
  /** The rollout's name (the `Rollout` dimension and tag). */
  public readonly rolloutName: string;
  /** The waves' FUOTA tasks, in order: each has the campaign metrics and alarms of a `FuotaTask`. */
  public readonly waves: FuotaTask[];
  private readonly monitor: CampaignMonitor;

  constructor(scope: Construct, id: string, props: FuotaRolloutProps) {
    super(scope, id);
    this.rolloutName = props.rolloutName ?? id;
    checkRollout(this, props);
    this.monitor = CampaignMonitor.of(this);
    grantRolloutControl(this.monitor);

    const { waves, gate, start, rolloutName: _name, fuotaTaskName, ...settings } = props;
    this.waves = waves.map((wave, index) => {
      const position = index + 1;
      const path = `${this.node.path}: waves[${index}]`;
      if (position === 1 && wave.options.gate) {
        throw new Error(`${path}.gate is not allowed: the first wave has no wave before it to wait on (give the rollout's gate, or requireApproval)`);
      }
      if (position === 1 && start && wave.options.requireApproval) {
        throw new Error(`${this.node.path}: start and waves[0].requireApproval contradict each other: a started first wave cannot wait for an approval`);
      }
      const task = new FuotaTask(this, `Wave${position}`, {
        ...settings,
        fuotaTaskName: fuotaTaskName === undefined ? undefined : `${fuotaTaskName}-wave${position}`,
        wirelessDeviceIds: wave.wirelessDeviceIds,
        multicastGroupIds: wave.multicastGroupIds,
        start: position === 1 ? start : undefined,
      });
      const tag = (key: string, value: string) => task.tags.setTag(key, value, ROLLOUT_TAG_PRIORITY);
      tag(ROLLOUT_TAGS.stack, Aws.STACK_NAME);
      tag(ROLLOUT_TAGS.rollout, this.rolloutName);
      tag(ROLLOUT_TAGS.wave, `${position}/${waves.length}`);
      if (position > 1) tag(ROLLOUT_TAGS.gate, encodeGate(resolveGate(path, 'gate', [wave.options.gate, gate], this.monitor.interval)));
      if (wave.options.requireApproval) tag(ROLLOUT_TAGS.approval, APPROVAL_REQUIRED);
      // Same handler, another type: the monitor tells waves from plain tasks in ListStackResources.
      ((task.node.defaultChild as CustomResource).node.defaultChild as CfnResource).addOverride('Type', FUOTA_ROLLOUT_WAVE_RESOURCE_TYPE);
      // On stack deletion the schedule goes first, so no tick starts a wave CloudFormation is deleting.
      this.monitor.schedule.node.addDependency(task);
      return task;
    });
  }

  /**
   * Waves started so far (metric `RolloutWavesStarted`).
   * @default - Maximum over the monitor interval
   */
  public metricWavesStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(ROLLOUT_METRICS.wavesStarted, props);
  }

  /**
   * 1 while the rollout is halted because a wave failed its gate, else 0 (metric `RolloutHalted`).
   * @default - Maximum over the monitor interval
   */
  public metricHalted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(ROLLOUT_METRICS.halted, props);
  }

  /**
   * 1 while the next wave waits for an approval, else 0 (metric `RolloutAwaitingApproval`).
   * @default - Maximum over the monitor interval
   */
  public metricAwaitingApproval(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(ROLLOUT_METRICS.awaitingApproval, props);
  }

  /**
   * An alarm that fires when the rollout halts (`RolloutHalted` is 1 at one monitor run).
   * @param id the alarm's construct id, under the rollout
   * @param options the alarm's name and description
   */
  public addHaltedAlarm(id: string, options: RolloutHaltedAlarmOptions = {}): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, id, {
      metric: this.metricHalted(),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmName: options.alarmName,
      alarmDescription: options.alarmDescription ?? `The rollout ${this.rolloutName} (${this.node.path}) halted: a wave failed its gate (cdk-iot-ota-tasks)`,
    });
  }

  private metric(name: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: CAMPAIGN_NAMESPACE,
      metricName: name,
      statistic: 'Maximum',
      period: this.monitor.interval,
      ...props,
      dimensionsMap: { [ROLLOUT_DIMENSIONS.stack]: Stack.of(this).stackName, [ROLLOUT_DIMENSIONS.rollout]: this.rolloutName, ...props.dimensionsMap },
    });
  }
}

/** Options of a rollout's halted alarm. */
export interface RolloutHaltedAlarmOptions {
  /**
   * Name of the alarm.
   * @default - generated by CloudFormation
   */
  readonly alarmName?: string;
  /**
   * Description of the alarm.
   * @default - names the rollout
   */
  readonly alarmDescription?: string;
}

/** Rollout names already used, per stack. */
const NAMES = new WeakMap<Stack, Map<string, string>>();

function checkRollout(rollout: FuotaRollout, props: FuotaRolloutProps): void {
  const path = rollout.node.path;
  const name = rollout.rolloutName;
  if (Token.isUnresolved(name) || !ROLLOUT_NAME.test(name)) {
    throw new Error(`${path}: rolloutName must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, and known at synth, got ${JSON.stringify(name)}`);
  }
  const stack = Stack.of(rollout);
  const names = NAMES.get(stack) ?? new Map<string, string>();
  NAMES.set(stack, names);
  const other = names.get(name);
  if (other !== undefined) throw new Error(`${path}: rolloutName ${JSON.stringify(name)} is already used by ${other}; a rollout's name is unique in its stack`);
  names.set(name, path);

  const waves = props.waves;
  if (waves.length === 0 || waves.length > MAX_ROLLOUT_WAVES) {
    throw new Error(`${path}: waves must hold 1 to ${MAX_ROLLOUT_WAVES} waves, got ${waves.length}`);
  }
  const seen = new Map<string, number>();
  waves.forEach((wave, index) => {
    const ids = wave.wirelessDeviceIds ?? wave.multicastGroupIds ?? [];
    const kind = wave.wirelessDeviceIds ? 'device' : 'multicast group';
    if (Token.isUnresolved(ids)) throw new Error(`${path}: waves[${index}] must list its ${kind}s at synth (a wave's targets decide the rollout's order), got a token`);
    if (ids.length === 0) throw new Error(`${path}: waves[${index}] has no ${kind}s: every wave needs at least one`);
    for (const id of ids) {
      const earlier = seen.get(id);
      if (earlier !== undefined) {
        throw new Error(`${path}: waves[${index}] lists ${kind} ${JSON.stringify(id)}, which waves[${earlier}] lists too: a ${kind} belongs to one wave only`);
      }
      seen.set(id, index);
    }
  });
}
