// `cdk-iot-ota-tasks approve --stack NAME ROLLOUT [WAVE]`: records an approval on a wave of a
// rollout (the `cdk-iot-ota-tasks:approved` tag on its task); the stack's campaign monitor starts
// the wave at its next run, whatever its gate says. It runs with the caller's credentials, which
// need iotwireless:TagResource on the wave's task. Exit codes: 0 approved, 2 anything else.
import { IoTWirelessClient, TagResourceCommand } from '@aws-sdk/client-iot-wireless';
import { ApproveOptions } from './approve-options';
import { iotWirelessClient } from '../fuota/handler/iot-wireless-client';
import { listStackTasks, StackResourceReader } from '../monitoring/handler/stack-tasks';
import { serviceCaller } from '../monitoring/status/read-options';
import { readStackTask } from '../monitoring/status/read-stack-task';
import { ManagedIntegrationsClient } from '../ota/handler/managed-integrations-client';
import { decideRollout, NOT_STARTED_STATUS } from '../rollout/handler/decide';
import { readRollouts, WaveRead } from '../rollout/handler/wave-snapshots';
import { ROLLOUT_TAGS } from '../rollout/rollout-tags';
import { CloudFormationStackStatus } from '../shared/cloudformation-stack-status';

export interface ApproveDependencies {
  readonly stacks: StackResourceReader;
  readonly wireless: IoTWirelessClient;
  readonly managedIntegrations: ManagedIntegrationsClient;
  readonly write: (text: string) => void;
  readonly now: () => number;
}

export async function runApprove(options: ApproveOptions, dependencies?: ApproveDependencies): Promise<number> {
  const deps = dependencies ?? realDependencies(options);
  const call = serviceCaller();
  const tasks = (await listStackTasks(deps.stacks, options.stack, call)).filter((task) => task.rolloutWave);
  const reads: WaveRead[] = [];
  for (const task of tasks) {
    const read = await readStackTask(task, deps, {});
    if ('error' in read) throw new Error(`wave task ${task.logicalId} (${task.taskId}) could not be read: ${read.error}`);
    reads.push(read);
  }
  const errors: string[] = [];
  const { rollouts } = await readRollouts(reads, { wireless: deps.wireless, call, writeLine: (line) => errors.push(line) });
  if (errors.length > 0) throw new Error(`the waves' tags could not be read: ${errors.join('; ')}`);
  const waves = rollouts.get(options.rollout);
  if (!waves) {
    const known = [...rollouts.keys()];
    deps.write(`${options.stack} has no rollout ${JSON.stringify(options.rollout)}${known.length ? `; its rollouts: ${known.join(', ')}` : ' (it has none)'}\n`);
    return 2;
  }
  const decision = decideRollout(options.rollout, waves, deps.now());
  const number = options.wave ?? decision.nextWave;
  const wave = waves.find((w) => w.wave === number);
  if (number === undefined || !wave) {
    deps.write(number === undefined
      ? `every wave of ${options.rollout} has started: nothing to approve\n`
      : `${options.rollout} has no wave ${number} (it has ${decision.waves})\n`);
    return 2;
  }
  if (wave.progress.status !== NOT_STARTED_STATUS) {
    deps.write(`wave ${wave.wave}/${wave.waves} of ${options.rollout} has already started (${wave.progress.status}): nothing to approve\n`);
    return 2;
  }
  const at = new Date(deps.now()).toISOString();
  await call('TagResource', () => deps.wireless.send(new TagResourceCommand({ ResourceArn: wave.taskArn, Tags: [{ Key: ROLLOUT_TAGS.approved, Value: at }] })));
  deps.write(`approved wave ${wave.wave}/${wave.waves} of ${options.rollout} (task ${wave.taskId}) at ${at}\n`);
  deps.write(wave.wave === decision.nextWave
    ? `the campaign monitor starts it at its next run, whatever its gate says; its FUOTA session begins 31 minutes later. Before: ${decision.reason}\n`
    : `it is not the next wave (${decision.nextWave} is): it starts as soon as it is, whatever its gate says\n`);
  return 0;
}

function realDependencies(options: ApproveOptions): ApproveDependencies {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('no region: pass --region or set AWS_REGION');
  return {
    stacks: new CloudFormationStackStatus({ region }),
    wireless: iotWirelessClient({ region }),
    managedIntegrations: new ManagedIntegrationsClient({ region }),
    write: (text) => process.stdout.write(text),
    now: Date.now,
  };
}
