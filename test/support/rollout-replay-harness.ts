// What the rollout replay tests share: the stack synthesized into a temporary directory, an
// emulator and the replay's CloudFormation around it once deployed, the clients the monitor and the
// commands use against them, and monitor ticks on the virtual clock with the events they published.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IoTWirelessClient } from '@aws-sdk/client-iot-wireless';
import { App, Stack } from 'aws-cdk-lib';
import { StackReplay } from '../../src/emulator/replay';
import { EMULATOR_CREDENTIALS, ServiceEmulator, ServiceEmulatorOptions } from '../../src/emulator/server';
import { EventBridge } from '../../src/monitoring/handler/event-bridge';
import { runTick } from '../../src/monitoring/handler/monitor';
import { JobDocumentStore } from '../../src/ota/handler/job-document-store';
import { ManagedIntegrationsClient } from '../../src/ota/handler/managed-integrations-client';
import type { RolloutEvent } from '../../src/rollout/handler/controller';
import type { RecordObjects } from '../../src/rollout/handler/ota-wave-record';
import { CloudFormationStackStatus } from '../../src/shared/cloudformation-stack-status';

export const REPLAY_REGION = 'eu-west-1';
export const TICK_MS = 5 * 60_000;

export class RolloutReplayHarness {
  public emulator!: ServiceEmulator;
  public replay!: StackReplay;
  /** What the ticks published to EventBridge since the last deployment. */
  public readonly events: RolloutEvent[] = [];
  private readonly wirelessClients: IoTWirelessClient[] = [];
  private readonly outdirs: string[] = [];

  /** Made once per test file: each test's emulator stops after it, the synthesized apps go after them all. */
  constructor(private readonly stackName: string) {
    afterEach(() => this.stop());
    afterAll(() => this.outdirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  }

  /** The cloud assembly of an app with the harness's stack (account 123456789012, eu-west-1) as `declare` fills it. */
  public synth(declare: (stack: Stack) => void): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `${this.stackName}-`));
    this.outdirs.push(outdir);
    const app = new App({ outdir });
    declare(new Stack(app, this.stackName, { env: { account: '123456789012', region: REPLAY_REGION } }));
    app.synth();
    return outdir;
  }

  /** A fresh emulator (at 2030-06-01T12:00Z) with the synthesized app in `outdir` deployed on it. */
  public async deploy(outdir: string, options: ServiceEmulatorOptions = {}): Promise<{ emulator: ServiceEmulator; replay: StackReplay }> {
    this.events.splice(0);
    this.emulator = await ServiceEmulator.start({ clockStart: Date.parse('2030-06-01T12:00:00Z'), ...options });
    this.replay = await StackReplay.start(this.emulator, { stackName: this.stackName });
    const created = await this.replay.deploy(outdir);
    if (!created.succeeded) throw new Error(`the deployment failed: ${created.failure}`);
    return { emulator: this.emulator, replay: this.replay };
  }

  public async stop(): Promise<void> {
    this.wirelessClients.splice(0).forEach((client) => client.destroy());
    await this.replay?.stop();
    await this.emulator?.stop();
  }

  /** The clients of the monitor and the commands, against the emulator and the replay. */
  public clients() {
    const credentials = async () => EMULATOR_CREDENTIALS;
    const wireless = new IoTWirelessClient({ region: REPLAY_REGION, endpoint: this.emulator.url, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
    this.wirelessClients.push(wireless);
    return {
      stacks: new CloudFormationStackStatus({ region: REPLAY_REGION, endpoint: this.replay.cloudFormationUrl, credentials }),
      rule: new EventBridge({ region: REPLAY_REGION, endpoint: this.emulator.url, credentials }),
      wireless,
      managedIntegrations: new ManagedIntegrationsClient({ region: REPLAY_REGION, endpoint: this.emulator.url, credentials }),
      records: new JobDocumentStore({ region: REPLAY_REGION, endpoint: this.emulator.url, credentials }) as RecordObjects,
    };
  }

  /** One monitor tick at the virtual now; its summary, the first rollout line and every line. */
  public async tick(records?: RecordObjects, overrides: { managedIntegrations?: ManagedIntegrationsClient } = {}) {
    const lines: string[] = [];
    const clients = { ...this.clients(), ...overrides };
    // A tick that fails still shows its lines: the error carries them (`error.lines`).
    const summary = await runTick({
      stackId: this.replay.stackId,
      scheduleRuleName: `${this.stackName}-campaign-monitor`,
      ...clients,
      records: records ?? clients.records,
      events: { put: async (batch) => { this.events.push(...batch); } },
      deadline: Date.now() + 60_000,
      now: () => this.emulator.clock.now(),
      writeLine: (line) => lines.push(line),
    }).catch((error: Error) => { throw Object.assign(error, { lines }); });
    const rollouts = lines.map((line) => JSON.parse(line)).filter((d) => d.message === 'rollout');
    return { summary, rollout: rollouts[0], lines };
  }

  /** The members the tests call most, as plain functions. */
  public shortcuts() {
    return {
      events: this.events,
      clients: () => this.clients(),
      tick: () => this.tick(),
      run: (maxTicks: number, until?: () => boolean) => this.run(maxTicks, until),
    };
  }

  /** Ticks every 5 virtual minutes until `until` holds or `maxTicks` passed. */
  public async run(maxTicks: number, until: () => boolean = () => false): Promise<void> {
    for (let i = 0; i < maxTicks && !until(); i++) {
      await this.tick();
      this.emulator.clock.advance(TICK_MS);
    }
  }
}
