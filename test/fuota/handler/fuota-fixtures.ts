// The one FUOTA task the handler tests describe in its three forms: the properties as
// CloudFormation delivers them (every scalar a string), the spec they parse into, and the live task
// as GetFuotaTask reports it.
import type { LiveFuotaTaskFields } from '../../../src/fuota/handler/live-task';
import type { FuotaTaskSpec } from '../../../src/fuota/handler/task-spec';

/** The properties as CloudFormation delivers them: every scalar is a string. */
export const FUOTA_PROPS: Readonly<Record<string, unknown>> = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:Demo-FuotaProviderframeworkonEvent',
  FirmwareUpdateImage: 's3://b/k.bin',
  FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw',
  Name: 'campaign-1',
  Description: 'Spring firmware',
  RfRegion: 'EU868',
  RedundancyPercent: '20',
  FragmentSizeBytes: '100',
  FragmentIntervalMS: '1000',
  Descriptor: 'AAAA',
  WirelessDeviceIds: ['d1', 'd2'],
  StartDelaySeconds: '3600',
  Tags: [{ Key: 'k', Value: 'v' }],
};

/** The same task as the IoT Wireless API takes it (CreateFuotaTask, UpdateFuotaTask) and reports it (GetFuotaTask). */
export const FUOTA_API_FIELDS = {
  FirmwareUpdateImage: 's3://b/k.bin',
  FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw',
  Name: 'campaign-1',
  Description: 'Spring firmware',
  LoRaWAN: { RfRegion: 'EU868' },
  RedundancyPercent: 20,
  FragmentSizeBytes: 100,
  FragmentIntervalMS: 1000,
  Descriptor: 'AAAA',
};

/** The fields GetFuotaTask reports and the spec sets alike. */
const FIELDS = {
  firmwareUpdateImage: 's3://b/k.bin',
  firmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw',
  name: 'campaign-1',
  description: 'Spring firmware',
  rfRegion: 'EU868',
  redundancyPercent: 20,
  fragmentSizeBytes: 100,
  fragmentIntervalMs: 1000,
  descriptor: 'AAAA',
};

/** `FUOTA_PROPS` without the start: every field that UpdateFuotaTask can change set. */
export function fuotaSpec(overrides: Partial<FuotaTaskSpec> = {}): FuotaTaskSpec {
  return { ...FIELDS, wirelessDeviceIds: ['d1', 'd2'], multicastGroupIds: [], tags: [{ Key: 'k', Value: 'v' }], ...overrides };
}

/** The live task as GetFuotaTask reports it, matching `fuotaSpec()`. */
export function liveFuotaTask(overrides: Partial<LiveFuotaTaskFields> = {}): LiveFuotaTaskFields {
  return { ...FIELDS, ...overrides };
}
