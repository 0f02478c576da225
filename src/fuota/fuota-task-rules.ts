import { FieldRule } from '../shared/constraints';

/**
 * The IoT Wireless constraints on FUOTA task fields, transcribed from the service model
 * (`com.amazonaws.iotwireless`, API version 2020-11-22). `test/fuota/fuota-task-rules.test.ts`
 * compares every entry with the model so a model change is noticed.
 */
export const FUOTA_TASK_RULES = {
  name: { field: 'fuotaTaskName', shape: 'FuotaTaskName', type: 'string', maxLength: 256 },
  description: { field: 'description', shape: 'Description', type: 'string', maxLength: 2048 },
  firmwareUpdateImage: {
    field: 'firmware', shape: 'FirmwareUpdateImage', type: 'string', minLength: 1, maxLength: 4096,
  },
  firmwareUpdateRole: {
    field: 'firmwareUpdateRole', shape: 'FirmwareUpdateRole', type: 'string', minLength: 1, maxLength: 2048,
  },
  rfRegion: {
    field: 'rfRegion',
    shape: 'SupportedRfRegion',
    type: 'string',
    allowed: ['EU868', 'US915', 'AU915', 'AS923-1', 'AS923-2', 'AS923-3', 'AS923-4', 'EU433', 'CN470', 'CN779', 'RU864', 'KR920', 'IN865'],
  },
  redundancyPercent: { field: 'redundancyPercent', shape: 'RedundancyPercent', type: 'integer', min: 0, max: 100 },
  fragmentSizeBytes: { field: 'fragmentSizeBytes', shape: 'FragmentSizeBytes', type: 'integer', min: 1 },
  fragmentIntervalMs: { field: 'fragmentIntervalMs', shape: 'FragmentIntervalMS', type: 'integer', min: 1 },
  descriptor: {
    field: 'descriptor',
    shape: 'FileDescriptor',
    type: 'string',
    maxLength: 332,
    pattern: '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$',
    patternInWords: 'base64',
  },
  wirelessDeviceId: { field: 'wirelessDeviceIds', shape: 'WirelessDeviceId', type: 'string', maxLength: 256 },
  multicastGroupId: { field: 'multicastGroupIds', shape: 'MulticastGroupId', type: 'string', maxLength: 256 },
  tagKey: { field: 'tag key', shape: 'TagKey', type: 'string', minLength: 1, maxLength: 128 },
  tagValue: { field: 'tag value', shape: 'TagValue', type: 'string', maxLength: 256 },
} satisfies Record<string, FieldRule>;

/** `TagList` is `@length(max: 200)`. */
export const FUOTA_TASK_MAX_TAGS = 200;

/** The developer guide: "The firmware image file must not be larger than 1 megabyte". */
export const FUOTA_FIRMWARE_MAX_BYTES = 1024 * 1024;

/** StartFuotaTask refuses a start time less than 30 minutes ahead. */
export const FUOTA_MIN_START_LEAD_MINUTES = 30;

/** `FuotaTaskStart.afterDeployment` must leave the service's 30 minutes plus one for the call itself. */
export const FUOTA_MIN_START_DELAY_SECONDS = 31 * 60;

/**
 * The regions with an IoT Core for LoRaWAN endpoint when this was written (General Reference,
 * "AWS IoT Core for LoRaWAN endpoints"). Used only for a warning: the list may go stale.
 */
export const IOT_WIRELESS_LORAWAN_REGIONS = [
  'us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-2', 'sa-east-1',
];
