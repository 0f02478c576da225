// The demo's rollout step: two staged rollouts (example/rollout-stack.ts) deployed by the replay,
// then the stack's bundled campaign monitor, invoked every 5 virtual minutes as its schedule
// would, starts their waves. v3's canary passes its gate and the fleet follows; v4's canary has a
// failing device, so v4 halts, says why (log, metric, EventBridge event), and resumes when
// `cdk-iot-ota-tasks approve` approves its next wave. The OTA rollout hubs-v3 has no task at
// deployment: the monitor creates each wave's OTA task once the wave before it passed.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IoTWirelessClient } from '@aws-sdk/client-iot-wireless';
import { App } from 'aws-cdk-lib';
import { monitorInvocation } from './campaign-run';
import { ROLLOUT_DEVICES, ROLLOUT_HUBS, RolloutStack } from './rollout-stack';
import { runApprove } from '../src/cli/approve-command';
import { StackReplay } from '../src/emulator/replay';
import { invokeHandler } from '../src/emulator/replay/invoke';
import { EMULATOR_CREDENTIALS, ServiceEmulator } from '../src/emulator/server';
import { JobDocumentStore } from '../src/ota/handler/job-document-store';
import { ManagedIntegrationsClient } from '../src/ota/handler/managed-integrations-client';
import { CloudFormationStackStatus } from '../src/shared/cloudformation-stack-status';

const TICK_MS = 5 * 60_000;
const STACK = 'RolloutExample';

export async function runRollouts(): Promise<boolean> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-example-'));
  const app = new App({ outdir });
  new RolloutStack(app, STACK, { env: { account: '123456789012', region: 'eu-west-1' } });
  app.synth();
  const devices = Object.values(ROLLOUT_DEVICES).flatMap((d) => [...d.canary, ...d.fleet]);
  const emulator = await ServiceEmulator.start({
    clockStart: Date.now(),
    knownWirelessDevices: devices,
    fuotaOutcomes: { successShare: 1, durationMs: 30 * 60_000, script: { [ROLLOUT_DEVICES.v4.canary[1]]: 'MissingFrag' } },
    otaOutcomes: { successShare: 1, durationMs: 20 * 60_000 },
  });
  const replay = await StackReplay.start(emulator, { stackName: STACK });
  const wireless = new IoTWirelessClient({ region: emulator.region, endpoint: emulator.url, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
  try {
    const created = await replay.deploy(outdir);
    const waves = [...replay.resources.values()].filter((r) => r.definition.type === 'Custom::IoTWirelessFuotaRolloutWave').length;
    const otaWaves = [...replay.resources.values()].filter((r) => r.definition.type === 'Custom::IoTManagedIntegrationsOtaRolloutWave').length;
    console.log(`== Rollouts: ${STACK} created (${created.stackStatus}): 2 FUOTA rollouts, ${waves} wave tasks, none started; ` +
      `1 OTA rollout of ${otaWaves} waves (${ROLLOUT_HUBS.canary.length + ROLLOUT_HUBS.fleet.length} hubs), ${emulator.snapshot().otaTasks.length} OTA tasks: an OTA task runs once created ==`);
    if (!created.succeeded) return false;
    const { fn, env } = monitorInvocation(emulator, replay, outdir, STACK)!;
    const credentials = async () => EMULATOR_CREDENTIALS;
    const shown = new Map<string, string>();
    let approved = false;
    for (let tick = 1; tick <= 60; tick++) {
      // On the virtual clock: the monitor computes each wave's start from its own clock.
      const outcome = await invokeHandler(fn, { 'source': 'aws.events', 'detail-type': 'Scheduled Event' }, { ...env, virtualNow: emulator.clock.now() }, `rollout-tick-${tick}`);
      if (!outcome.ok) {
        console.error(`  monitor tick ${tick} failed: ${outcome.errorMessage}`);
        for (const line of outcome.logs.filter((l) => l.includes('ERROR'))) console.error(`    ${line}`);
        return false;
      }
      const lines = outcome.logs.flatMap((line) => { try { return [JSON.parse(line)]; } catch { return []; } });
      const minutes = `t+${String((tick - 1) * 5).padStart(3)} min`;
      for (const start of lines.filter((l) => l.operation === 'StartFuotaTask')) {
        console.log(`  ${minutes}  ${start.rollout}: started wave ${start.wave}, its FUOTA session at ${start.startTime.slice(11, 16)} (${start.because})`);
      }
      for (const create of lines.filter((l) => l.operation === 'CreateOtaTask')) {
        console.log(`  ${minutes}  ${create.rollout}: created wave ${create.wave}'s OTA task ${create.taskId} (${create.because})`);
      }
      for (const rollout of lines.filter((l) => l.message === 'rollout')) {
        const state = `${rollout.state}: ${rollout.reason}`;
        if (shown.get(rollout.rollout) === rollout.state || rollout.state === 'starting') continue;
        shown.set(rollout.rollout, rollout.state);
        console.log(`  ${minutes}  ${rollout.rollout}: ${rollout.wavesStarted}/${rollout.waves} waves started; ${state}`);
        const metric = lines.find((l) => l._aws && l.Rollout === rollout.rollout);
        if (rollout.state === 'halted') console.log(`             metric RolloutHalted = ${metric?.RolloutHalted}: the Halted alarm (threshold 1) fires`);
      }
      if (!approved && shown.get('sensors-v4') === 'halted' && shown.get('sensors-v3') === 'complete') {
        const events = emulator.publishedEvents().filter((e) => e.detailType === 'Rollout Halted');
        console.log(`  EventBridge: ${events.length} "Rollout Halted" event(s) on the default bus, e.g. ${JSON.stringify(events[0]?.detail)}`);
        console.log('  $ npx cdk-iot-ota-tasks approve --stack RolloutExample sensors-v4');
        const output: string[] = [];
        const code = await runApprove({ stack: replay.stackId, rollout: 'sensors-v4' }, {
          stacks: new CloudFormationStackStatus({ region: emulator.region, endpoint: replay.cloudFormationUrl, credentials }),
          wireless,
          managedIntegrations: new ManagedIntegrationsClient({ region: emulator.region, endpoint: emulator.url, credentials }),
          records: new JobDocumentStore({ region: emulator.region, endpoint: emulator.url, credentials }),
          write: (text) => output.push(text),
          now: () => emulator.clock.now(),
        });
        for (const line of output.join('').trimEnd().split('\n')) console.log(`    ${line}`);
        if (code !== 0) return false;
        approved = true;
      }
      if (approved && [...shown.values()].every((state) => state === 'complete')) break;
      emulator.clock.advance(TICK_MS);
    }
    const starts = emulator.calls('StartFuotaTask').filter((c) => c.executed).length;
    const otaCreated = emulator.snapshot().otaTasks.length;
    const deleted = await replay.destroy();
    const left = emulator.snapshot().fuotaTasks.length + emulator.snapshot().otaTasks.length;
    console.log(`  ${starts} FUOTA waves started and ${otaCreated} OTA wave tasks created, each once; stack deleted (${deleted.stackStatus}), ${left} tasks left behind`);
    return approved && starts === waves && otaCreated === otaWaves && deleted.succeeded && left === 0;
  } finally {
    wireless.destroy();
    await replay.stop();
    await emulator.stop();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
