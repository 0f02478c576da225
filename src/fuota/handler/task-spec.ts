import { assertRule, FieldRule, show } from '../../shared/constraints';
import { FUOTA_MIN_START_DELAY_SECONDS, FUOTA_TASK_MAX_TAGS, FUOTA_TASK_RULES } from '../fuota-task-rules';
import { FuotaTaskResourceProperties, FuotaTaskTag } from '../fuota-task.types';

/** A FUOTA task as the handler works with it: typed, converted and checked. */
export interface FuotaTaskSpec {
  readonly firmwareUpdateImage: string;
  readonly firmwareUpdateRole: string;
  readonly name?: string;
  readonly description?: string;
  readonly rfRegion?: string;
  readonly redundancyPercent?: number;
  readonly fragmentSizeBytes?: number;
  readonly fragmentIntervalMs?: number;
  readonly descriptor?: string;
  readonly wirelessDeviceIds: string[];
  readonly multicastGroupIds: string[];
  readonly start?: FuotaTaskStartSpec;
  readonly tags: FuotaTaskTag[];
}

export type FuotaTaskStartSpec = { readonly delaySeconds: number } | { readonly time: Date };

/**
 * Converts the string-valued properties CloudFormation delivers into a spec, checking each value
 * against the same rules the construct applies at synth time. Values that were tokens at synth
 * time are seen here for the first time, so nothing is trusted.
 */
export function parseFuotaTaskProperties(raw: unknown): FuotaTaskSpec {
  if (typeof raw !== 'object' || raw === null) {
    throw new Error('Invalid FuotaTask properties: expected an object');
  }
  const props = raw as Record<keyof FuotaTaskResourceProperties, unknown>;
  const R = FUOTA_TASK_RULES;

  const wirelessDeviceIds = idList(props.WirelessDeviceIds, R.wirelessDeviceId);
  const multicastGroupIds = idList(props.MulticastGroupIds, R.multicastGroupId);
  if (wirelessDeviceIds.length > 0 && multicastGroupIds.length > 0) {
    throw new Error('Invalid FuotaTask properties: wirelessDeviceIds and multicastGroupIds cannot both be set (IoT Wireless takes devices or multicast groups, never both)');
  }

  return {
    firmwareUpdateImage: required(props.FirmwareUpdateImage, R.firmwareUpdateImage),
    firmwareUpdateRole: required(props.FirmwareUpdateRole, R.firmwareUpdateRole),
    name: optionalString(props.Name, R.name),
    description: optionalString(props.Description, R.description),
    rfRegion: optionalString(props.RfRegion, R.rfRegion),
    redundancyPercent: optionalInteger(props.RedundancyPercent, R.redundancyPercent),
    fragmentSizeBytes: optionalInteger(props.FragmentSizeBytes, R.fragmentSizeBytes),
    fragmentIntervalMs: optionalInteger(props.FragmentIntervalMS, R.fragmentIntervalMs),
    descriptor: optionalString(props.Descriptor, R.descriptor),
    wirelessDeviceIds,
    multicastGroupIds,
    start: startSpec(props.StartDelaySeconds, props.StartTime),
    tags: tagList(props.Tags),
  };
}

function required(value: unknown, rule: FieldRule): string {
  if (value === undefined) {
    throw new Error(`Invalid FuotaTask properties: ${rule.field} is required`);
  }
  check(rule, value);
  return value as string;
}

function optionalString(value: unknown, rule: FieldRule): string | undefined {
  if (value === undefined) return undefined;
  check(rule, value);
  return value as string;
}

/** CloudFormation sends "20" for 20; a direct invocation may send the number itself. */
function optionalInteger(value: unknown, rule: FieldRule): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  check(rule, number);
  return number as number;
}

function idList(value: unknown, rule: FieldRule): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new Error(`Invalid FuotaTask properties: ${rule.field} must be a list, got ${show(value)}`);
  }
  for (const id of value) check(rule, id);
  const duplicate = value.find((id, i) => value.indexOf(id) !== i);
  if (duplicate !== undefined) {
    throw new Error(`Invalid FuotaTask properties: ${rule.field} lists ${show(duplicate)} twice`);
  }
  return [...value];
}

function startSpec(delay: unknown, time: unknown): FuotaTaskStartSpec | undefined {
  if (delay !== undefined && time !== undefined) {
    throw new Error('Invalid FuotaTask properties: StartDelaySeconds and StartTime cannot both be set');
  }
  if (delay !== undefined) {
    const seconds = typeof delay === 'string' && /^\d+$/.test(delay) ? Number(delay) : delay;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < FUOTA_MIN_START_DELAY_SECONDS) {
      throw new Error(`Invalid FuotaTask properties: start delay must be a whole number of seconds of at least ${FUOTA_MIN_START_DELAY_SECONDS}, got ${show(delay)}`);
    }
    return { delaySeconds: seconds };
  }
  if (time !== undefined) {
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
    const date = typeof time === 'string' && iso.test(time) ? new Date(time) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      throw new Error(`Invalid FuotaTask properties: start time must be an ISO 8601 date-time, got ${show(time)}`);
    }
    return { time: date };
  }
  return undefined;
}

function tagList(value: unknown): FuotaTaskTag[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new Error(`Invalid FuotaTask properties: Tags must be a list, got ${show(value)}`);
  }
  if (value.length > FUOTA_TASK_MAX_TAGS) {
    throw new Error(`Invalid FuotaTask properties: at most ${FUOTA_TASK_MAX_TAGS} tags are allowed, got ${value.length}`);
  }
  return value.map((tag) => {
    check(FUOTA_TASK_RULES.tagKey, tag?.Key);
    check(FUOTA_TASK_RULES.tagValue, tag?.Value);
    return { Key: tag.Key, Value: tag.Value };
  });
}

function check(rule: FieldRule, value: unknown): void {
  assertRule('Invalid FuotaTask properties', rule, value);
}
