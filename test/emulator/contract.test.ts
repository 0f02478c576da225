// Contract tests of the service emulator, driven with the clients the handlers use: the AWS SDK's
// IoTWirelessClient, the library's signed ManagedIntegrationsClient and its JobDocumentStore (S3).
// Per operation: create/read/update/delete, idempotent create, conflicting token, delete twice,
// update of a missing task, one refusal per kind of model constraint, signing, the services' rules,
// and the fault injection the later fault and concurrency tests build on.
import { createHash, createHmac } from 'node:crypto';
import * as http from 'node:http';
import {
  AssociateMulticastGroupWithFuotaTaskCommand,
  AssociateWirelessDeviceWithFuotaTaskCommand,
  CreateFuotaTaskCommand,
  CreateFuotaTaskRequest,
  DeleteFuotaTaskCommand,
  DisassociateWirelessDeviceFromFuotaTaskCommand,
  GetFuotaTaskCommand,
  IoTWirelessClient,
  ListMulticastGroupsByFuotaTaskCommand,
  ListWirelessDevicesCommand,
  StartFuotaTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFuotaTaskCommand,
} from '@aws-sdk/client-iot-wireless';
import { SignatureV4 } from '@smithy/signature-v4';
import { EMULATOR_CREDENTIALS, ServiceEmulator, ServiceEmulatorOptions } from '../../src/emulator/server';
import { JobDocumentStore } from '../../src/ota/handler/job-document-store';
import { CreateOtaTaskRequest, ManagedIntegrationsClient } from '../../src/ota/handler/managed-integrations-client';
import { isNotFound, isTransient } from '../../src/shared/service-call';

const REGION = 'eu-west-1';
const NOW = Date.parse('2030-06-01T12:00:00.000Z');
const MINUTE = 60_000;
const BUCKET = 'demo-otajobdocuments';
const KEY = 'ota-job-documents/campaign.json';
const S3_URL = `s3://${BUCKET}/${KEY}`;
const THING = 'arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/thing1';

let emulator: ServiceEmulator;
const running: ServiceEmulator[] = [];
const clients: { destroy(): void }[] = [];

/** Starts a fresh emulator (the previous one of the test keeps running until the test ends). */
async function start(options: ServiceEmulatorOptions = {}): Promise<ServiceEmulator> {
  emulator = await ServiceEmulator.start({ clockStart: NOW, ...options });
  running.push(emulator);
  return emulator;
}

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  clients.splice(0).forEach((client) => client.destroy());
  await Promise.all(running.splice(0).map((stopping) => stopping.stop()));
});

function wireless(overrides: { region?: string; secretAccessKey?: string } = {}): IoTWirelessClient {
  const client = new IoTWirelessClient({
    region: overrides.region ?? REGION,
    endpoint: emulator.url,
    credentials: { ...EMULATOR_CREDENTIALS, ...(overrides.secretAccessKey ? { secretAccessKey: overrides.secretAccessKey } : {}) },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

function managed(overrides: { timeoutMs?: number; secretAccessKey?: string } = {}): ManagedIntegrationsClient {
  const credentials = { ...EMULATOR_CREDENTIALS, ...(overrides.secretAccessKey ? { secretAccessKey: overrides.secretAccessKey } : {}) };
  return new ManagedIntegrationsClient({
    region: REGION, endpoint: emulator.url, credentials: async () => credentials, timeoutMs: overrides.timeoutMs,
  });
}

function documents(): JobDocumentStore {
  return new JobDocumentStore({ region: REGION, endpoint: emulator.url, credentials: async () => ({ ...EMULATOR_CREDENTIALS }) });
}

/** The error `promise` rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

const FUOTA: CreateFuotaTaskRequest = {
  ClientRequestToken: 'token-1',
  Name: 'campaign-1',
  Description: 'Spring firmware',
  FirmwareUpdateImage: 's3://firmware/v2.bin',
  FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw',
  LoRaWAN: { RfRegion: 'EU868' },
  RedundancyPercent: 20,
  FragmentSizeBytes: 100,
  FragmentIntervalMS: 1000,
  Descriptor: 'AAAA',
};

async function createFuota(request: Partial<CreateFuotaTaskRequest> = {}): Promise<string> {
  return (await wireless().send(new CreateFuotaTaskCommand({ ...FUOTA, ...request }))).Id!;
}

async function storeJobDocument(): Promise<void> {
  await documents().put(BUCKET, KEY, JSON.stringify({ files: [{ url: 's3://firmware/v2.bin' }] }));
}

const ONE_TIME: CreateOtaTaskRequest = { S3Url: S3_URL, OtaType: 'ONE_TIME', Target: [THING], Description: 'Spring rollout', ClientToken: 'ota-token-1' };

// -----------------------------------------------------------------------------------------------
// A second, independent signer, for requests the clients would never send.

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}

class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  public update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  public digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

interface RawAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

async function rawRequest(method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
  const url = new URL(emulator.url);
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname: url.hostname, port: url.port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Signs with @smithy/signature-v4 for any service and region, then sends over node:http. */
async function signedRequest(options: {
  service: string; method: string; path: string; query?: Record<string, string>; body?: string; region?: string; uriEscapePath?: boolean;
}): Promise<RawAnswer> {
  const url = new URL(emulator.url);
  const signer = new SignatureV4({
    service: options.service,
    region: options.region ?? REGION,
    credentials: EMULATOR_CREDENTIALS,
    sha256: Sha256,
    uriEscapePath: options.uriEscapePath ?? options.service !== 's3',
    applyChecksum: options.service === 's3',
  });
  const headers: Record<string, string> = { 'host': url.host, 'content-type': 'application/json' };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  const signed = await signer.sign({
    method: options.method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: options.path,
    query: options.query ?? {},
    headers,
    body: options.body,
  });
  const query = Object.entries(options.query ?? {}).map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return rawRequest(options.method, `${options.path}${query ? `?${query}` : ''}`, signed.headers as Record<string, string>, options.body);
}

// -----------------------------------------------------------------------------------------------

describe('IoT Wireless FUOTA tasks', () => {
  test('create, read, update and delete', async () => {
    const client = wireless();
    const created = await client.send(new CreateFuotaTaskCommand(FUOTA));
    expect(created.Arn).toBe(`arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/${created.Id}`);
    expect(created.$metadata.httpStatusCode).toBe(201);

    const read = await client.send(new GetFuotaTaskCommand({ Id: created.Id }));
    expect(read).toMatchObject({
      Id: created.Id,
      Arn: created.Arn,
      Status: 'Pending',
      Name: 'campaign-1',
      Description: 'Spring firmware',
      FirmwareUpdateImage: 's3://firmware/v2.bin',
      LoRaWAN: { RfRegion: 'EU868' },
      RedundancyPercent: 20,
      Descriptor: 'AAAA',
    });
    expect(read.CreatedAt).toEqual(new Date(NOW));

    await client.send(new UpdateFuotaTaskCommand({ Id: created.Id, Description: 'Summer firmware', Name: '' }));
    const updated = await client.send(new GetFuotaTaskCommand({ Id: created.Id }));
    expect(updated.Description).toBe('Summer firmware');
    // An empty Name clears it: the only way the API offers to unset a text field.
    expect(updated.Name).toBeUndefined();

    await client.send(new DeleteFuotaTaskCommand({ Id: created.Id }));
    expect(emulator.state.fuotaTasks.size).toBe(0);
    const gone = await failure(client.send(new GetFuotaTaskCommand({ Id: created.Id })));
    expect(gone.name).toBe('ResourceNotFoundException');
    expect(gone.$metadata.httpStatusCode).toBe(404);
  });

  test('the same create twice makes one task', async () => {
    const first = await createFuota();
    const second = await createFuota();
    expect(second).toBe(first);
    expect(emulator.state.fuotaTasks.size).toBe(1);
  });

  test('the same token with different parameters is a 409', async () => {
    await createFuota();
    const error = await failure(createFuota({ Description: 'something else' }));
    expect(error.name).toBe('ConflictException');
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect(error.message).toMatch(/ClientRequestToken token-1 was already used with different parameters/);
    expect(emulator.state.fuotaTasks.size).toBe(1);
  });

  test('a create without a token (the SDK then generates one) makes a new task each time', async () => {
    await createFuota({ ClientRequestToken: undefined });
    await createFuota({ ClientRequestToken: undefined });
    expect(emulator.state.fuotaTasks.size).toBe(2);
  });

  test('delete twice: the second is a 404, which the handlers count as success', async () => {
    const id = await createFuota();
    await wireless().send(new DeleteFuotaTaskCommand({ Id: id }));
    const again = await failure(wireless().send(new DeleteFuotaTaskCommand({ Id: id })));
    expect(again.name).toBe('ResourceNotFoundException');
    expect(isNotFound(again)).toBe(true);
  });

  test('update of a missing task is a 404 naming the task', async () => {
    const error = await failure(wireless().send(new UpdateFuotaTaskCommand({ Id: 'missing-task', Description: 'x' })));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe('FuotaTask missing-task does not exist');
  });

  test.each([
    ['length', { Name: 'n'.repeat(257) }, /Value 'n{120}\.\.\.' at 'name' failed to satisfy constraint: Member must have length less than or equal to 256/],
    ['range', { RedundancyPercent: 101 }, /at 'redundancyPercent' failed to satisfy constraint: Member must have value less than or equal to 100/],
    ['pattern', { Descriptor: 'abc' }, /at 'descriptor' failed to satisfy constraint: Member must satisfy regular expression pattern: \^\(\?:\[A-Za-z0-9\+\/\]\{4\}\)\*/],
    ['enum', { LoRaWAN: { RfRegion: 'EU999' as any } }, /at 'loRaWAN\.rfRegion' failed to satisfy constraint: Member must satisfy enum value set: \[EU868, US915/],
    ['required', { FirmwareUpdateRole: undefined }, /Value null at 'firmwareUpdateRole' failed to satisfy constraint: Member must not be null/],
    ['nested length', { Tags: [{ Key: '', Value: 'v' }] }, /at 'tags\.1\.member\.key' failed to satisfy constraint: Member must have length greater than or equal to 1/],
    ['token pattern', { ClientRequestToken: 'has space' }, /at 'clientRequestToken' failed to satisfy constraint: Member must satisfy regular expression pattern/],
  ])('CreateFuotaTask refuses a %s violation with ValidationException', async (_kind, change, message) => {
    const error = await failure(createFuota(change as Partial<CreateFuotaTaskRequest>));
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(/^1 validation error detected: /);
    expect(error.message).toMatch(message);
    expect(emulator.state.fuotaTasks.size).toBe(0);
  });

  test('several violations are listed in one message', async () => {
    const error = await failure(createFuota({ RedundancyPercent: -1, FragmentSizeBytes: 0 }));
    expect(error.message).toMatch(/^2 validation errors detected: Value '[-0-9]+' at '\w+' failed to satisfy constraint: [^;]+; Value '[-0-9]+' at/);
    expect(error.message).toContain("Value '-1' at 'redundancyPercent' failed to satisfy constraint: Member must have value greater than or equal to 0");
    expect(error.message).toContain("Value '0' at 'fragmentSizeBytes' failed to satisfy constraint: Member must have value greater than or equal to 1");
  });

  test('a string where the model wants a number is refused (sent as the SDK would send a mistyped value)', async () => {
    const body = JSON.stringify({ FirmwareUpdateImage: 's3://f/v.bin', FirmwareUpdateRole: 'arn:aws:iam::1:role/r', RedundancyPercent: '20' });
    const answer = await signedRequest({ service: 'iotwireless', method: 'POST', path: '/fuota-tasks', body });
    expect(answer.status).toBe(400);
    expect(answer.headers['x-amzn-errortype']).toBe('ValidationException');
    expect(JSON.parse(answer.body).Message).toMatch(/Value '20' at 'redundancyPercent' failed to satisfy constraint: Member must be of type integer/);
  });

  test('a member the model does not have is refused (AWS would silently ignore it)', async () => {
    const body = JSON.stringify({ FirmwareUpdateImage: 's3://f/v.bin', FirmwareUpdateRole: 'arn:aws:iam::1:role/r', redundancyPercent: 20 });
    const answer = await signedRequest({ service: 'iotwireless', method: 'POST', path: '/fuota-tasks', body });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).Message).toMatch(/at 'redundancyPercent' failed to satisfy constraint: Member is not in the operation's input/);
  });

  test('StartFuotaTask needs a start time at least 30 minutes ahead of the virtual clock', async () => {
    const id = await createFuota();
    const early = await failure(wireless().send(new StartFuotaTaskCommand({ Id: id, LoRaWAN: { StartTime: new Date(NOW + 29 * MINUTE) } })));
    expect(early.name).toBe('ValidationException');
    expect(early.message).toMatch(/must be at least 30 minutes in the future \(not before 2030-06-01T12:30:00.000Z\)/);
    expect(emulator.state.fuotaTasks.get(id)!.startTime).toBeUndefined();

    const missing = await failure(wireless().send(new StartFuotaTaskCommand({ Id: id })));
    expect(missing.message).toMatch(/LoRaWAN.StartTime is required/);

    await wireless().send(new StartFuotaTaskCommand({ Id: id, LoRaWAN: { StartTime: new Date(NOW + 30 * MINUTE) } }));
    const started = await wireless().send(new GetFuotaTaskCommand({ Id: id }));
    expect(started.Status).toBe('FuotaSession_Waiting');
    expect(started.LoRaWAN).toEqual({ RfRegion: 'EU868', StartTime: new Date(NOW + 30 * MINUTE) });

    emulator.clock.advance(30 * MINUTE);
    expect((await wireless().send(new GetFuotaTaskCommand({ Id: id }))).Status).toBe('In_FuotaSession');
  });

  test('the 30 minutes count from the virtual clock, not the machine clock', async () => {
    const id = await createFuota();
    emulator.clock.advance(24 * 60 * MINUTE);
    const error = await failure(wireless().send(new StartFuotaTaskCommand({ Id: id, LoRaWAN: { StartTime: new Date(NOW + 60 * MINUTE) } })));
    expect(error.name).toBe('ValidationException');
  });

  test('after the start: no association, disassociation, update or second start (409)', async () => {
    const client = wireless();
    const id = await createFuota();
    await client.send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id: id, WirelessDeviceId: 'd1' }));
    await client.send(new StartFuotaTaskCommand({ Id: id, LoRaWAN: { StartTime: new Date(NOW + 60 * MINUTE) } }));

    const refusals = await Promise.all([
      failure(client.send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id: id, WirelessDeviceId: 'd2' }))),
      failure(client.send(new DisassociateWirelessDeviceFromFuotaTaskCommand({ Id: id, WirelessDeviceId: 'd1' }))),
      failure(client.send(new UpdateFuotaTaskCommand({ Id: id, Description: 'later' }))),
      failure(client.send(new StartFuotaTaskCommand({ Id: id, LoRaWAN: { StartTime: new Date(NOW + 90 * MINUTE) } }))),
    ]);
    expect(refusals.map((error) => [error.name, error.$metadata.httpStatusCode])).toEqual(Array(4).fill(['ConflictException', 409]));
    expect(refusals[0].message).toMatch(/has been started and cannot be associated with WirelessDevice d2/);
    expect(emulator.state.fuotaTasks.get(id)).toMatchObject({ wirelessDeviceIds: ['d1'], fields: { Description: 'Spring firmware' } });
  });

  test('a task takes wireless devices or multicast groups, not both (409)', async () => {
    const client = wireless();
    const withDevice = await createFuota({ ClientRequestToken: 'devices' });
    await client.send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id: withDevice, WirelessDeviceId: 'd1' }));
    const groupToo = await failure(client.send(new AssociateMulticastGroupWithFuotaTaskCommand({ Id: withDevice, MulticastGroupId: 'g1' })));
    expect(groupToo.name).toBe('ConflictException');
    expect(groupToo.message).toMatch(/already has wireless devices; a task takes wireless devices or multicast groups, not both/);

    const withGroup = await createFuota({ ClientRequestToken: 'groups' });
    await client.send(new AssociateMulticastGroupWithFuotaTaskCommand({ Id: withGroup, MulticastGroupId: 'g1' }));
    const deviceToo = await failure(client.send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id: withGroup, WirelessDeviceId: 'd1' })));
    expect(deviceToo.name).toBe('ConflictException');
    const groups = await client.send(new ListMulticastGroupsByFuotaTaskCommand({ Id: withGroup }));
    expect(groups.MulticastGroupList).toEqual([{ Id: 'g1' }]);
  });

  test('any device id exists by default; seeded ids make others a 404', async () => {
    const id = await createFuota();
    await wireless().send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id: id, WirelessDeviceId: 'anything' }));
    emulator.knowWirelessDevices('d1');
    await wireless().send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id: id, WirelessDeviceId: 'd1' }));
    const unknown = await failure(wireless().send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id: id, WirelessDeviceId: 'd9' })));
    expect([unknown.name, unknown.message]).toEqual(['ResourceNotFoundException', 'WirelessDevice d9 does not exist']);

    await start({ knownMulticastGroups: ['g1'] });
    const task = await createFuota();
    const group = await failure(wireless().send(new AssociateMulticastGroupWithFuotaTaskCommand({ Id: task, MulticastGroupId: 'g2' })));
    expect(group.name).toBe('ResourceNotFoundException');
  });

  test('association calls are idempotent and act on the named task only', async () => {
    const client = wireless();
    const id = await createFuota();
    const other = await createFuota({ ClientRequestToken: 'other' });
    await client.send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id: id, WirelessDeviceId: 'd1' }));
    await client.send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id: id, WirelessDeviceId: 'd1' }));
    await client.send(new DisassociateWirelessDeviceFromFuotaTaskCommand({ Id: other, WirelessDeviceId: 'd1' }));
    expect(emulator.state.fuotaTasks.get(id)!.wirelessDeviceIds).toEqual(['d1']);
    const missing = await failure(client.send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id: 'nope', WirelessDeviceId: 'd1' })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  test('ListWirelessDevices by FuotaTaskId pages through every device', async () => {
    const client = wireless();
    const id = await createFuota();
    const devices = Array.from({ length: 23 }, (_, i) => `device-${String(i).padStart(2, '0')}`);
    for (const device of devices) await client.send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id: id, WirelessDeviceId: device }));

    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListWirelessDevicesCommand({ FuotaTaskId: id, NextToken: token }));
      pages.push(page.WirelessDeviceList!.map((device) => device.Id!));
      token = page.NextToken;
    } while (token);
    expect(pages.map((page) => page.length)).toEqual([10, 10, 3]);
    expect(pages.flat()).toEqual(devices);

    const sized = await client.send(new ListWirelessDevicesCommand({ FuotaTaskId: id, MaxResults: 20 }));
    expect(sized.WirelessDeviceList).toHaveLength(20);
    const otherTask = await client.send(new ListWirelessDevicesCommand({ FuotaTaskId: 'no-such-task' }));
    expect(otherTask.WirelessDeviceList).toEqual([]);
    const forged = await failure(client.send(new ListWirelessDevicesCommand({ FuotaTaskId: id, NextToken: 'Zm9yZ2Vk' })));
    expect(forged.name).toBe('ValidationException');
    const tooMany = await failure(client.send(new ListWirelessDevicesCommand({ FuotaTaskId: id, MaxResults: 251 })));
    expect(tooMany.message).toMatch(/at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 250/);
  });

  test('TagResource and UntagResource by ARN in the query', async () => {
    const client = wireless();
    const id = await createFuota({ Tags: [{ Key: 'team', Value: 'a' }] });
    const arn = emulator.fuotaTaskArn(id);
    await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'env', Value: 'prod' }] }));
    await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['team'] }));
    expect(emulator.state.fuotaTasks.get(id)!.tags).toEqual({ env: 'prod' });
    const missing = await failure(client.send(new TagResourceCommand({ ResourceArn: `${arn}x`, Tags: [{ Key: 'k', Value: 'v' }] })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });
});

describe('IoT Managed Integrations OTA tasks and configurations', () => {
  test('create, read, update and (asynchronous) delete', async () => {
    await storeJobDocument();
    const client = managed();
    const created = await client.createOtaTask(ONE_TIME);
    expect(created).toEqual({ TaskId: created.TaskId, TaskArn: emulator.otaTaskArn(created.TaskId!), Description: 'Spring rollout' });
    expect(created.TaskId).toMatch(/^[A-Za-z0-9]+$/);

    expect(await client.getOtaTask({ Identifier: created.TaskId! })).toEqual({
      TaskId: created.TaskId,
      TaskArn: created.TaskArn,
      S3Url: S3_URL,
      OtaType: 'ONE_TIME',
      Target: [THING],
      Description: 'Spring rollout',
      Status: 'IN_PROGRESS',
      // The one thing has just been queued (or started): campaign-progress.test.ts follows it to the end.
      TaskProcessingDetails: expect.objectContaining({ processingTargets: [THING], numberOfSucceededThings: 0, NumberOfFailedThings: 0 }),
      CreatedAt: NOW / 1000,
      LastUpdatedAt: NOW / 1000,
    });

    const configuration = await client.createOtaTaskConfiguration({ Name: 'slow', PushConfig: { TimeoutConfig: { InProgressTimeoutInMinutes: 60 } } });
    emulator.clock.advance(MINUTE);
    await client.updateOtaTask({ Identifier: created.TaskId!, Description: 'Summer rollout', TaskConfigurationId: configuration.TaskConfigurationId });
    expect(await client.getOtaTask({ Identifier: created.TaskId! })).toMatchObject({
      Description: 'Summer rollout', TaskConfigurationId: configuration.TaskConfigurationId, LastUpdatedAt: (NOW + MINUTE) / 1000, S3Url: S3_URL,
    });

    await client.deleteOtaTask({ Identifier: created.TaskId! });
    expect((await client.getOtaTask({ Identifier: created.TaskId! })).Status).toBe('DELETION_IN_PROGRESS');
    const gone = await failure(client.getOtaTask({ Identifier: created.TaskId! }));
    expect([gone.name, gone.$metadata.httpStatusCode, gone.message]).toEqual(['ResourceNotFoundException', 404, `OtaTask ${created.TaskId} does not exist`]);
    expect(emulator.state.otaTasks.size).toBe(0);
  });

  test('the same create twice makes one task; the same token with other parameters is a 409', async () => {
    await storeJobDocument();
    const client = managed();
    const first = await client.createOtaTask(ONE_TIME);
    const second = await client.createOtaTask({ ...ONE_TIME });
    expect(second.TaskId).toBe(first.TaskId);
    const conflict = await failure(client.createOtaTask({ ...ONE_TIME, Description: 'Other rollout' }));
    expect([conflict.name, conflict.$metadata.httpStatusCode]).toEqual(['ConflictException', 409]);
    expect(emulator.state.otaTasks.size).toBe(1);
  });

  test('delete twice: accepted while the deletion runs, a 404 once the task is gone', async () => {
    await storeJobDocument();
    const client = managed();
    const { TaskId } = await client.createOtaTask(ONE_TIME);
    await client.deleteOtaTask({ Identifier: TaskId! });
    await client.deleteOtaTask({ Identifier: TaskId! });
    await client.getOtaTask({ Identifier: TaskId! });
    const again = await failure(client.deleteOtaTask({ Identifier: TaskId! }));
    expect(again.name).toBe('ResourceNotFoundException');
    expect(isNotFound(again)).toBe(true);
  });

  test('with immediate deletion, the second delete is a 404 at once', async () => {
    await start({ otaDeletion: { polls: 0 } });
    await storeJobDocument();
    const client = managed();
    const { TaskId } = await client.createOtaTask(ONE_TIME);
    await client.deleteOtaTask({ Identifier: TaskId! });
    expect((await failure(client.deleteOtaTask({ Identifier: TaskId! }))).name).toBe('ResourceNotFoundException');
  });

  test('deletion that completes after virtual time, however often it is polled', async () => {
    await start({ otaDeletion: { afterMs: 5 * MINUTE } });
    await storeJobDocument();
    const client = managed();
    const { TaskId } = await client.createOtaTask(ONE_TIME);
    await client.deleteOtaTask({ Identifier: TaskId! });
    for (let poll = 0; poll < 5; poll++) {
      expect((await client.getOtaTask({ Identifier: TaskId! })).Status).toBe('DELETION_IN_PROGRESS');
    }
    const update = await failure(client.updateOtaTask({ Identifier: TaskId!, Description: 'late' }));
    expect(update.message).toMatch(/is being deleted/);
    emulator.clock.advance(5 * MINUTE);
    expect((await failure(client.getOtaTask({ Identifier: TaskId! }))).name).toBe('ResourceNotFoundException');
  });

  test('update of a missing task is a 404', async () => {
    const error = await failure(managed().updateOtaTask({ Identifier: 'missing1', Description: 'x' }));
    expect([error.name, error.message]).toEqual(['ResourceNotFoundException', 'OtaTask missing1 does not exist']);
  });

  test('UpdateOtaTask takes only Description and TaskConfigurationId', async () => {
    await storeJobDocument();
    const { TaskId } = await managed().createOtaTask(ONE_TIME);
    const answer = await signedRequest({
      service: 'iotmanagedintegrations', method: 'PUT', path: `/ota-tasks/${TaskId}`, body: JSON.stringify({ S3Url: 's3://other/doc.json' }),
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).Message).toMatch(/at 's3Url' failed to satisfy constraint: Member is not in the operation's input/);
    expect(emulator.state.otaTasks.get(TaskId!)!.fields.S3Url).toBe(S3_URL);
  });

  test.each([
    ['length', { Description: 'd'.repeat(257) }, /at 'description' failed to satisfy constraint: Member must have length less than or equal to 256/],
    ['pattern', { Description: 'no! exclamations' }, /Value 'no! exclamations' at 'description' failed to satisfy constraint: Member must satisfy regular expression pattern: \^\[0-9A-Za-z_\\- \]\+\$/],
    ['enum', { OtaType: 'SOMETIMES' }, /at 'otaType' failed to satisfy constraint: Member must satisfy enum value set: \[ONE_TIME, CONTINUOUS\]/],
    ['required', { S3Url: undefined }, /Value null at 's3Url' failed to satisfy constraint: Member must not be null/],
    ['range', { OtaSchedulingConfig: { MaintenanceWindows: [{ DurationInMinutes: 1431, StartTime: '2030-06-02T00:00' }] } },
      /at 'otaSchedulingConfig\.maintenanceWindows\.1\.member\.durationInMinutes' failed to satisfy constraint: Member must have value less than or equal to 1430/],
    ['string-for-number', { OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: '3' }] } },
      /Value '3' at 'otaTaskExecutionRetryConfig\.retryConfigCriteria\.1\.member\.minNumberOfRetries' failed to satisfy constraint: Member must be of type integer/],
    ['map length', { Tags: {} }, /at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1/],
  ])('CreateOtaTask refuses a %s violation with ValidationException', async (_kind, change, message) => {
    await storeJobDocument();
    const error = await failure(managed().createOtaTask({ ...ONE_TIME, ...change } as CreateOtaTaskRequest));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['ValidationException', 400]);
    expect(error.message).toMatch(message);
    expect(emulator.state.otaTasks.size).toBe(0);
  });

  test('a sensitive member\'s value is not echoed in the message', async () => {
    const error = await failure(managed().createOtaTaskConfiguration({ Name: 'secret!name' }));
    expect(error.message).toBe("1 validation error detected: Value at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[A-Za-z0-9-_ ]+$");
  });

  test('ONE_TIME needs Target; CONTINUOUS needs OtaTargetQueryString', async () => {
    await storeJobDocument();
    const client = managed();
    const oneTime = await failure(client.createOtaTask({ ...ONE_TIME, Target: undefined }));
    expect([oneTime.name, oneTime.message]).toEqual(['ValidationException', 'A ONE_TIME OTA task needs Target (at least one managed thing)']);
    const emptyTarget = await failure(client.createOtaTask({ ...ONE_TIME, Target: [] }));
    expect(emptyTarget.name).toBe('ValidationException');
    const continuous = await failure(client.createOtaTask({ S3Url: S3_URL, OtaType: 'CONTINUOUS' }));
    expect([continuous.name, continuous.message]).toEqual(['ValidationException', 'A CONTINUOUS OTA task needs OtaTargetQueryString']);
    const ok = await client.createOtaTask({ S3Url: S3_URL, OtaType: 'CONTINUOUS', OtaTargetQueryString: 'attributes.model:sensor' });
    expect(emulator.state.otaTasks.get(ok.TaskId!)!.fields.OtaTargetQueryString).toBe('attributes.model:sensor');
  });

  test('the S3Url must name a stored job document (an assumption that can be turned off)', async () => {
    const missing = await failure(managed().createOtaTask(ONE_TIME));
    expect([missing.name, missing.message]).toEqual(['ValidationException', `S3Url ${S3_URL}: the object does not exist or cannot be read`]);
    const notS3 = await failure(managed().createOtaTask({ ...ONE_TIME, S3Url: 'ftp://x/y', ClientToken: 'other' }));
    expect(notS3.message).toBe('S3Url ftp://x/y is not the URL of an S3 object');

    emulator.putObject(BUCKET, KEY, '{}');
    await managed().createOtaTask(ONE_TIME);
    await start({ requireJobDocument: false });
    await managed().createOtaTask(ONE_TIME);
    expect(emulator.state.otaTasks.size).toBe(1);
  });

  test('a TaskConfigurationId must exist; configurations are created idempotently and deleted', async () => {
    await storeJobDocument();
    const client = managed();
    const unknown = await failure(client.createOtaTask({ ...ONE_TIME, TaskConfigurationId: 'nope1' }));
    expect([unknown.name, unknown.message]).toEqual(['ResourceNotFoundException', 'OtaTaskConfiguration nope1 does not exist']);

    const request = { Name: 'gentle', Description: 'Slow rollout', ClientToken: 'cfg-token', PushConfig: { RolloutConfig: { MaximumPerMinute: 10 } } };
    const first = await client.createOtaTaskConfiguration(request);
    expect((await client.createOtaTaskConfiguration(request)).TaskConfigurationId).toBe(first.TaskConfigurationId);
    expect((await failure(client.createOtaTaskConfiguration({ ...request, Name: 'other' }))).name).toBe('ConflictException');
    expect(await client.getOtaTaskConfiguration({ Identifier: first.TaskConfigurationId! })).toEqual({
      TaskConfigurationId: first.TaskConfigurationId,
      Name: 'gentle',
      Description: 'Slow rollout',
      PushConfig: { RolloutConfig: { MaximumPerMinute: 10 } },
      CreatedAt: NOW / 1000,
    });
    await client.deleteOtaTaskConfiguration({ Identifier: first.TaskConfigurationId! });
    expect((await failure(client.deleteOtaTaskConfiguration({ Identifier: first.TaskConfigurationId! }))).name).toBe('ResourceNotFoundException');
  });

  test('tags by ARN in the path; a validation failure of a tagging call is its modeled 400 error', async () => {
    await storeJobDocument();
    const client = managed();
    const { TaskArn } = await client.createOtaTask({ ...ONE_TIME, Tags: { team: 'a' } });
    await client.tagResource({ ResourceArn: TaskArn!, Tags: { env: 'prod' } });
    await client.untagResource({ ResourceArn: TaskArn!, TagKeys: ['team'] });
    expect(await client.listTagsForResource({ ResourceArn: TaskArn! })).toEqual({ tags: { env: 'prod' } });

    const missing = await failure(client.tagResource({ ResourceArn: `${TaskArn}0`, Tags: { k: 'v' } }));
    expect(missing.name).toBe('ResourceNotFoundException');
    // TagResource declares no ValidationException; InvalidRequestException is its 400 error.
    const empty = await failure(client.tagResource({ ResourceArn: TaskArn!, Tags: {} }));
    expect([empty.name, empty.$metadata.httpStatusCode]).toEqual(['InvalidRequestException', 400]);
    const badArn = await failure(client.listTagsForResource({ ResourceArn: 'arn:aws-cn:iotmanagedintegrations:eu-west-1:1:ota-task/x' }));
    expect(badArn.message).toMatch(/at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  });
});

describe('S3 job documents', () => {
  test('JobDocumentStore puts and deletes objects; delete of a missing key succeeds', async () => {
    const store = documents();
    await store.put(BUCKET, 'ota-job-documents/a b.json', '{"v":1}');
    expect(emulator.state.s3Objects.get(`${BUCKET}/ota-job-documents/a b.json`)).toMatchObject({ body: '{"v":1}', contentType: 'application/json' });
    await store.delete(BUCKET, 'ota-job-documents/a b.json');
    await store.delete(BUCKET, 'ota-job-documents/a b.json');
    expect(emulator.state.s3Objects.size).toBe(0);
    expect(emulator.calls('DeleteObject').map((entry) => entry.status)).toEqual([204, 204]);
  });

  test('S3 errors are XML', async () => {
    const answer = await signedRequest({ service: 's3', method: 'GET', path: `/${BUCKET}/absent.json` });
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('application/xml');
    expect(answer.body).toMatch(/<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message>/);
  });
});

describe('signing', () => {
  test('an unsigned request is refused with 403 in the service\'s error shape', async () => {
    const answer = await rawRequest('GET', '/fuota-tasks/abc', {});
    expect(answer.status).toBe(403);
    expect(answer.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    expect(JSON.parse(answer.body).Message).toMatch(/^Missing or malformed SigV4 Authorization header/);

    const s3 = await rawRequest('PUT', `/${BUCKET}/k.json`, { authorization: 'Basic dXNlcjpwYXNz' }, '{}');
    expect(s3.status).toBe(403);
    expect(s3.body).toMatch(/<Code>AccessDenied<\/Code>/);
    expect(emulator.state.s3Objects.size).toBe(0);
  });

  test('a request signed for the wrong service or region is refused', async () => {
    const otherService = await signedRequest({ service: 'iotwireless', method: 'GET', path: '/ota-tasks/abc' });
    expect(otherService.status).toBe(403);
    expect(otherService.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    expect(JSON.parse(otherService.body).Message).toBe("Credential should be scoped to correct service: 'iotmanagedintegrations', not 'iotwireless'.");

    const iot = await signedRequest({ service: 'iot', method: 'GET', path: '/fuota-tasks/abc' });
    expect(JSON.parse(iot.body).Message).toMatch(/scoped to correct service: 'iotwireless', not 'iot'/);

    const region = await failure(wireless({ region: 'us-east-1' }).send(new GetFuotaTaskCommand({ Id: 'abc' })));
    expect([region.name, region.$metadata.httpStatusCode]).toEqual(['AccessDeniedException', 403]);
    expect(region.message).toMatch(/scoped to a valid region: 'eu-west-1', not 'us-east-1'/);
  });

  test('a signature made with the wrong secret is refused, by every client', async () => {
    const sdk = await failure(wireless({ secretAccessKey: 'wrong' }).send(new CreateFuotaTaskCommand(FUOTA)));
    expect([sdk.name, sdk.$metadata.httpStatusCode]).toEqual(['AccessDeniedException', 403]);
    expect(sdk.message).toMatch(/does not match the signature you provided/);
    const mi = await failure(managed({ secretAccessKey: 'wrong' }).getOtaTask({ Identifier: 'abc' }));
    expect(mi.name).toBe('AccessDeniedException');
    expect(emulator.state.fuotaTasks.size).toBe(0);
  });

  test('S3 signed with the double-encoded path of other services is refused', async () => {
    const path = `/${BUCKET}/ota-job-documents/a%20b.json`;
    const wrong = await signedRequest({ service: 's3', method: 'PUT', path, body: '{}', uriEscapePath: true });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatch(/<Code>SignatureDoesNotMatch<\/Code>/);
    const right = await signedRequest({ service: 's3', method: 'PUT', path, body: '{}', uriEscapePath: false });
    expect(right.status).toBe(200);
    expect([...emulator.state.s3Objects.keys()]).toEqual([`${BUCKET}/ota-job-documents/a b.json`]);
  });

  test('format-only checking accepts unknown keys but still wants service and region right', async () => {
    await start({ signatures: 'format' });
    await wireless({ secretAccessKey: 'anything' }).send(new CreateFuotaTaskCommand(FUOTA));
    expect(emulator.state.fuotaTasks.size).toBe(1);
    const region = await failure(wireless({ region: 'us-east-1' }).send(new GetFuotaTaskCommand({ Id: 'abc' })));
    expect(region.name).toBe('AccessDeniedException');
  });
});

describe('fault injection', () => {
  /** Which of `count` GetFuotaTask calls were throttled, under `seed`. */
  async function throttlePattern(seed: number, count: number): Promise<boolean[]> {
    await start();
    const id = await createFuota();
    emulator.faults.reset({ seed, throttle: { rate: 0.3 } });
    const pattern: boolean[] = [];
    for (let call = 0; call < count; call++) {
      const outcome = await wireless().send(new GetFuotaTaskCommand({ Id: id })).then(() => undefined, (error) => error);
      if (outcome) {
        expect([outcome.name, outcome.$metadata.httpStatusCode, isTransient(outcome)]).toEqual(['ThrottlingException', 429, true]);
      }
      pattern.push(outcome !== undefined);
    }
    expect(emulator.faults.counts.throttled).toBe(pattern.filter(Boolean).length);
    return pattern;
  }

  test('throttling at a rate is reproducible with a seed and differs with another', async () => {
    const first = await throttlePattern(7, 60);
    const again = await throttlePattern(7, 60);
    const other = await throttlePattern(8, 60);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    const throttled = first.filter(Boolean).length;
    expect(throttled).toBeGreaterThan(8);
    expect(throttled).toBeLessThan(30);
    expect(emulator.calls('GetFuotaTask').filter((entry) => entry.fault === 'throttle')).toHaveLength(other.filter(Boolean).length);
  });

  test('throttling is limited to the operations named', async () => {
    emulator.faults.throttle(1, ['iotwireless:TagResource']);
    const id = await createFuota();
    const error = await failure(wireless().send(new TagResourceCommand({ ResourceArn: emulator.fuotaTaskArn(id), Tags: [{ Key: 'k', Value: 'v' }] })));
    expect(error.name).toBe('ThrottlingException');
    expect(emulator.state.fuotaTasks.get(id)!.tags).toEqual({});
  });

  test('the Nth call of an operation fails, and only that one', async () => {
    emulator.faults.failCall('CreateFuotaTask', 2);
    await createFuota({ ClientRequestToken: 'a' });
    const second = await failure(createFuota({ ClientRequestToken: 'b' }));
    expect([second.name, second.$metadata.httpStatusCode, isTransient(second)]).toEqual(['InternalServerException', 500, true]);
    await createFuota({ ClientRequestToken: 'c' });
    expect(emulator.state.fuotaTasks.size).toBe(2);
    expect(emulator.calls('CreateFuotaTask').map((entry) => [entry.status, entry.executed, entry.fault])).toEqual([
      [201, true, undefined], [500, false, 'call #2 of CreateFuotaTask: error'], [201, true, undefined],
    ]);
  });

  test('an applied failure makes the change and answers an error; the retry with the same token finds the task', async () => {
    emulator.faults.failCall('CreateFuotaTask', 1, { kind: 'error', applied: true });
    const lost = await failure(createFuota());
    expect(lost.name).toBe('InternalServerException');
    expect(emulator.state.fuotaTasks.size).toBe(1);
    const retried = await createFuota();
    expect(emulator.state.fuotaTasks.has(retried)).toBe(true);
    expect(emulator.state.fuotaTasks.size).toBe(1);
    expect(emulator.calls('CreateFuotaTask')[0]).toMatchObject({ status: 500, executed: true, errorType: 'InternalServerException' });
  });

  test('a chosen error type takes its status from the model (LimitExceededException is 410)', async () => {
    await storeJobDocument();
    const { TaskId } = await managed().createOtaTask(ONE_TIME);
    emulator.faults.failCall('DeleteOtaTask', 1, { kind: 'error', type: 'LimitExceededException', message: 'Too many deletions' });
    const error = await failure(managed().deleteOtaTask({ Identifier: TaskId! }));
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual(['LimitExceededException', 410, 'Too many deletions']);
    expect(emulator.state.otaTasks.get(TaskId!)!.status).toBe('IN_PROGRESS');
  });

  test('latency beyond the client\'s timeout: applied (the change lands) or not', async () => {
    const client = managed({ timeoutMs: 150 });
    emulator.faults.inject({ operation: 'CreateOtaTaskConfiguration', action: { kind: 'delay', ms: 600 } });
    const late = await failure(client.createOtaTaskConfiguration({ Name: 'late', ClientToken: 'late' }));
    expect([late.name, isTransient(late)]).toEqual(['TimeoutError', true]);
    expect(emulator.state.otaTaskConfigurations.size).toBe(1);

    emulator.faults.inject({ operation: 'CreateOtaTaskConfiguration', action: { kind: 'delay', ms: 600, applied: false } });
    const lost = await failure(client.createOtaTaskConfiguration({ Name: 'lost', ClientToken: 'lost' }));
    expect(lost.name).toBe('TimeoutError');
    expect(emulator.state.otaTaskConfigurations.size).toBe(1);
    expect(() => emulator.faults.inject({ operation: '*', action: { kind: 'delay', ms: 60_000 } })).toThrow(/fault delay must be 0..30000 ms/);
  });

  test('a dropped connection, with or without the change applied', async () => {
    emulator.faults.inject({ operation: 'AssociateWirelessDeviceWithFuotaTask', action: { kind: 'drop', applied: true } });
    const id = await createFuota();
    const dropped = await failure(wireless().send(new AssociateWirelessDeviceWithFuotaTaskCommand({ Id: id, WirelessDeviceId: 'd1' })));
    // Outside Jest the SDK reports TimeoutError/ECONNRESET; inside, Node's error comes from another
    // realm and the SDK wraps it, keeping only the text.
    expect(String(dropped)).toMatch(/socket hang up/);
    expect(emulator.state.fuotaTasks.get(id)!.wirelessDeviceIds).toEqual(['d1']);
    expect(emulator.calls('AssociateWirelessDeviceWithFuotaTask')[0]).toMatchObject({ status: 0, executed: true });

    emulator.faults.inject({ operation: 'CreateOtaTaskConfiguration', action: { kind: 'drop' } });
    const lost = await failure(managed().createOtaTaskConfiguration({ Name: 'lost' }));
    expect([lost.code, isTransient(lost)]).toEqual(['ECONNRESET', true]);
    expect(emulator.state.otaTaskConfigurations.size).toBe(0);
    expect(emulator.calls('CreateOtaTaskConfiguration')[0]).toMatchObject({ status: 0, executed: false });
  });

  test('server errors at a rate, on the operations named; S3 faults answer in XML', async () => {
    await storeJobDocument();
    const { TaskId } = await managed().createOtaTask(ONE_TIME);
    emulator.faults.serverErrors(1, ['GetOtaTask']);
    const error = await failure(managed().getOtaTask({ Identifier: TaskId! }));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InternalServerException', 500]);
    await managed().updateOtaTask({ Identifier: TaskId!, Description: 'still works' });

    emulator.faults.failCall('PutObject');
    const s3 = await failure(documents().put(BUCKET, 'other.json', '{}'));
    expect([s3.name, s3.$metadata.httpStatusCode]).toEqual(['InternalError', 500]);
    expect(emulator.faults.counts).toEqual({ throttled: 0, serverErrors: 1, scripted: 1 });
  });
});

describe('journal and state', () => {
  test('every call is journalled with service, operation, input, status, error and virtual time', async () => {
    const id = await createFuota();
    emulator.clock.advance(MINUTE);
    await failure(wireless().send(new GetFuotaTaskCommand({ Id: 'missing' })));
    await storeJobDocument();
    expect(emulator.journal.map((entry) => [entry.seq, entry.service, entry.operation, entry.status, entry.errorType, entry.virtualTime])).toEqual([
      [1, 'iotwireless', 'CreateFuotaTask', 201, undefined, NOW],
      [2, 'iotwireless', 'GetFuotaTask', 404, 'ResourceNotFoundException', NOW + MINUTE],
      [3, 's3', 'PutObject', 200, undefined, NOW + MINUTE],
    ]);
    expect(emulator.journal[0].input).toMatchObject({ ClientRequestToken: 'token-1', RedundancyPercent: 20, LoRaWAN: { RfRegion: 'EU868' } });
    expect(emulator.journal[1]).toMatchObject({ method: 'GET', path: '/fuota-tasks/missing', input: { Id: 'missing' } });
    expect(emulator.snapshot()).toMatchObject({
      virtualTime: '2030-06-01T12:01:00.000Z',
      fuotaTasks: [{ id, status: 'Pending', createdAt: '2030-06-01T12:00:00.000Z', fields: { Name: 'campaign-1' } }],
      s3Objects: [{ location: `${BUCKET}/${KEY}`, contentType: 'application/json' }],
    });
  });

  test('unknown routes are answered, not hung', async () => {
    const answer = await signedRequest({ service: 'iotwireless', method: 'POST', path: '/fuota-tasks/abc/unknown' });
    expect([answer.status, answer.headers['x-amzn-errortype']]).toEqual([404, 'UnknownOperationException']);
    expect(emulator.journal[0]).toMatchObject({ operation: 'Unknown', status: 404 });
  });

  test('a bug of the emulator before a request is even routed is answered as a 500 that says so, not hung', async () => {
    // The request's virtual time is read before routing: a clock that throws stands for any such bug.
    emulator.clock.now = () => { throw new Error('the clock broke'); };
    const answer = await signedRequest({ service: 'iotwireless', method: 'GET', path: '/fuota-tasks/abc' });
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body).message).toMatch(/^Emulator bug: Error: the clock broke/);
  });

  test('ids are deterministic, so two runs of one script journal the same', async () => {
    const first = await createFuota();
    await start();
    expect(await createFuota()).toBe(first);
  });
});
