// The README's run command (`npx projen demo`): synthesize the example app into cdk.out/ and say
// what it would deploy, then run `cdk-iot-ota-tasks replay` on it as a user would, twice:
// 1. the example stack created from cdk.out/, updated to a second version (one more hub and a new
//    description for the OTA task, so it is replaced), its campaigns run to their end by the
//    stack's bundled monitor (one sensor is made to fail, so the failure alarm goes off), deleted;
// 2. two staged FUOTA rollouts and an OTA rollout (example/rollout-stack.ts): v4's canary is made to
//    fail, so v4 halts until `--approve sensors-v4` approves its next wave.
// The replay code is the command's own (runReplay); only the emulator comes from src/ rather than
// from the compiled lib/. Exits non-zero if either replay fails.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { describeStack } from './describe-stack';
import { ExampleStack } from './example-stack';
import { ROLLOUT_DEVICES, RolloutStack } from './rollout-stack';
import { FuotaTask, OtaTask } from '../src';
import { runReplay } from '../src/cli/replay-command';
import { parseReplayOptions } from '../src/cli/replay-options';
import { replayStack } from '../src/emulator/replay-stack';

const env = { account: '123456789012', region: 'eu-west-1' };
const HUBS = ['hub0001', 'hub0002', 'hub0003'].map((id) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/${id}`);

/** Synthesizes the example stack (with a failure alarm on each task, which gives it a campaign monitor) into `outdir`. */
function synthExample(outdir: string, update = false) {
  const app = new App({ outdir });
  const stack = new ExampleStack(app, 'FuotaExample', { env, ...update ? { hubTargets: HUBS, hubDescription: 'Hub firmware 3_1 with hub0003' } : {} });
  for (const task of stack.node.findAll().filter((c): c is FuotaTask | OtaTask => c instanceof FuotaTask || c instanceof OtaTask)) {
    task.addFailureAlarm('Failures');
  }
  return { stack, template: app.synth().getStackByName(stack.stackName).template };
}

/** `cdk-iot-ota-tasks replay ARGS`, printed as typed and run in this process. */
async function replay(args: string[]): Promise<number> {
  console.log(`\n$ npx cdk-iot-ota-tasks replay ${args.map((arg) => (arg.startsWith(os.tmpdir()) ? path.basename(arg) : arg)).join(' ')}`);
  return runReplay(parseReplayOptions(args), console.log, replayStack);
}

async function main(): Promise<boolean> {
  const cdkOut = path.join(__dirname, '..', 'cdk.out');
  const { stack, template } = synthExample(cdkOut);
  console.log(describeStack(template, stack.stackName, stack.region, cdkOut).join('\n'));

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-'));
  try {
    const v2 = path.join(work, 'cdk.out.v2');
    synthExample(v2, true);
    const rollouts = path.join(work, 'cdk.out.rollouts');
    const app = new App({ outdir: rollouts });
    new RolloutStack(app, 'RolloutExample', { env });
    app.synth();

    // The example's one FUOTA task: its second sensor fails, so the failure alarm goes off.
    const sensorTask = Object.values(template.Resources as Record<string, any>).find((r) => r.Type === 'Custom::IoTWirelessFuotaTask');
    const failingSensor = sensorTask.Properties.WirelessDeviceIds[1];
    const example = await replay([v2, '--stack', 'FuotaExample', '--update-from', path.relative(process.cwd(), cdkOut), '--run-campaigns',
      '--success-share', '1', '--outcome', `${failingSensor}=MissingFrag`]);
    const staged = await replay([rollouts, '--stack', 'RolloutExample', '--run-campaigns',
      '--success-share', '1', '--outcome', `${ROLLOUT_DEVICES.v4.canary[1]}=MissingFrag`, '--approve', 'sensors-v4']);
    return example === 0 && staged === 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then((ok) => {
  if (!ok) process.exitCode = 1;
}, (error) => {
  console.error(error);
  process.exitCode = 1;
});
