// What the campaign tests share: emulators at a fixed virtual time, clients pointed at them (all
// stopped after each test), and a started FUOTA task whose session starts half an hour later.
import { AssociateWirelessDeviceWithFuotaTaskCommand, CreateFuotaTaskCommand, IoTWirelessClient, StartFuotaTaskCommand } from '@aws-sdk/client-iot-wireless';
import { EMULATOR_CREDENTIALS, ServiceEmulator, ServiceEmulatorOptions } from '../../../src/emulator/server';
import { ManagedIntegrationsClient } from '../../../src/ota/handler/managed-integrations-client';

export const CAMPAIGN_NOW = Date.parse('2030-06-01T12:00:00.000Z');
/** When the session of a task made by `startedFuotaTask` starts. */
export const CAMPAIGN_START = CAMPAIGN_NOW + 30 * 60_000;
const REGION = 'eu-west-1';

/** Call at the top of a test file: registers the afterEach that stops what the helpers made. */
export function useCampaignEmulators() {
  const running: ServiceEmulator[] = [];
  const clients: IoTWirelessClient[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((client) => client.destroy());
    await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
  });

  async function start(options: ServiceEmulatorOptions = {}): Promise<ServiceEmulator> {
    const emulator = await ServiceEmulator.start({ clockStart: CAMPAIGN_NOW, ...options });
    running.push(emulator);
    return emulator;
  }

  function wireless(emulator: ServiceEmulator): IoTWirelessClient {
    const client = new IoTWirelessClient({ region: REGION, endpoint: emulator.url, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
    clients.push(client);
    return client;
  }

  function managed(emulator: ServiceEmulator): ManagedIntegrationsClient {
    return new ManagedIntegrationsClient({ region: REGION, endpoint: emulator.url, credentials: async () => ({ ...EMULATOR_CREDENTIALS }) });
  }

  /** A started FUOTA task of `ids`, its session starting at CAMPAIGN_START. */
  async function startedFuotaTask(emulator: ServiceEmulator, ids: readonly string[]): Promise<string> {
    const client = wireless(emulator);
    const { Id } = await client.send(new CreateFuotaTaskCommand({
      FirmwareUpdateImage: 's3://fw/v2.bin', FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw', LoRaWAN: { RfRegion: 'EU868' },
    }));
    for (const id of ids) await client.send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id, WirelessDeviceId: id }));
    await client.send(new StartFuotaTaskCommand({ Id, LoRaWAN: { StartTime: new Date(CAMPAIGN_START) } }));
    return Id!;
  }

  return { start, wireless, managed, startedFuotaTask };
}
