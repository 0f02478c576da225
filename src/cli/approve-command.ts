// `cdk-iot-ota-tasks approve --stack NAME ROLLOUT [WAVE]`: records an approval on a wave of a
// rollout (the `cdk-iot-ota-tasks:approved` tag on a FUOTA wave's task, or in an OTA wave's
// record); the stack's campaign monitor starts the wave at its next run, whatever its gate says.
// It runs with the caller's credentials, which need to read the stack and its waves
// (cloudformation:ListStackResources, the tasks' Get and ListTagsForResource, s3:GetObject on the
// OTA wave records) and to write the approval (iotwireless:TagResource on the FUOTA wave's task,
// s3:PutObject on the OTA wave's record). Exit codes: 0 approved, 2 anything else.
import { IoTWirelessClient, TagResourceCommand } from '@aws-sdk/client-iot-wireless';
import { ApproveOptions } from './approve-options';
import { commandRegion, readStackTasks } from './cli-clients';
import { iotWirelessClient } from '../fuota/handler/iot-wireless-client';
import type { StackResourceReader } from '../monitoring/handler/stack-tasks';
import { serviceCaller } from '../monitoring/status/read-options';
import { JobDocumentStore } from '../ota/handler/job-document-store';
import { ManagedIntegrationsClient } from '../ota/handler/managed-integrations-client';
import { WAVE_START_LEAD_MS } from '../rollout/handler/controller';
import { decideRollout } from '../rollout/handler/decide';
import { readWaveRecord, RecordObjects, writeWaveRecord } from '../rollout/handler/ota-wave-record';
import { readRollouts, WaveRead } from '../rollout/handler/wave-snapshots';
import { ROLLOUT_TAGS } from '../rollout/rollout-tags';
import { CloudFormationStackStatus } from '../shared/cloudformation-stack-status';

export interface ApproveDependencies {
  readonly stacks: StackResourceReader;
  readonly wireless: IoTWirelessClient;
  readonly managedIntegrations: ManagedIntegrationsClient;
  /** @default none: the waves of an OtaRollout cannot be read */
  readonly records?: RecordObjects;
  readonly write: (text: string) => void;
  readonly now: () => number;
}

export async function runApprove(options: ApproveOptions, dependencies?: ApproveDependencies): Promise<number> {
  const deps = dependencies ?? realDependencies(options);
  const call = serviceCaller();
  const reads: WaveRead[] = [];
  for (const read of await readStackTasks(deps.stacks, options.stack, deps, {}, (r) => r.task.rolloutWave)) {
    if ('error' in read) throw new Error(`wave ${read.task.logicalId} (${read.task.taskId}) could not be read: ${read.error}`);
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
  if (wave.started) {
    deps.write(`wave ${wave.wave}/${wave.waves} of ${options.rollout} has already started (${wave.progress.status}): nothing to approve\n`);
    return 2;
  }
  const at = new Date(deps.now()).toISOString();
  if (wave.otaWave) {
    const location = wave.otaWave.location;
    // Read afresh: the controller may have written the record since it was read above.
    const record = await call('GetObject', () => readWaveRecord(deps.records!, location));
    if (!record) throw new Error(`the record s3://${location.bucket}/${location.key} of wave ${wave.wave} is gone`);
    await call('PutObject', () => writeWaveRecord(deps.records!, location, { ...record, tags: { ...record.tags, [ROLLOUT_TAGS.approved]: at } }));
    deps.write(`approved wave ${wave.wave}/${wave.waves} of ${options.rollout} (record s3://${location.bucket}/${location.key}) at ${at}\n`);
  } else {
    await call('TagResource', () => deps.wireless.send(new TagResourceCommand({ ResourceArn: wave.taskArn, Tags: [{ Key: ROLLOUT_TAGS.approved, Value: at }] })));
    deps.write(`approved wave ${wave.wave}/${wave.waves} of ${options.rollout} (task ${wave.taskId}) at ${at}\n`);
  }
  const begins = wave.otaWave ? 'its OTA task is created then' : `its FUOTA session begins ${WAVE_START_LEAD_MS / 60_000} minutes later`;
  deps.write(wave.wave === decision.nextWave
    ? `the campaign monitor starts it at its next run, whatever its gate says; ${begins}. Before: ${decision.reason}\n`
    : `it is not the next wave (${decision.nextWave} is): it starts as soon as it is, whatever its gate says\n`);
  return 0;
}

function realDependencies(options: ApproveOptions): ApproveDependencies {
  const region = commandRegion(options.region);
  return {
    stacks: new CloudFormationStackStatus({ region }),
    wireless: iotWirelessClient({ region }),
    managedIntegrations: new ManagedIntegrationsClient({ region }),
    records: new JobDocumentStore({ region }),
    write: (text) => process.stdout.write(text),
    now: Date.now,
  };
}
