import { FieldRule, show } from '../../shared/constraints';
import { PropertyReader } from '../../shared/property-parsing';
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
  const read: PropertyReader = new PropertyReader('Invalid FuotaTask properties');
  const R = FUOTA_TASK_RULES;

  const wirelessDeviceIds = idList(read, props.WirelessDeviceIds, R.wirelessDeviceId);
  const multicastGroupIds = idList(read, props.MulticastGroupIds, R.multicastGroupId);
  if (wirelessDeviceIds.length > 0 && multicastGroupIds.length > 0) {
    read.fail('wirelessDeviceIds and multicastGroupIds cannot both be set (IoT Wireless takes devices or multicast groups, never both)');
  }

  const start = startSpec(read, props.StartDelaySeconds, props.StartTime);
  // Lists that were tokens at synth are seen here first: IoT Wireless takes none after the start.
  if (start && wirelessDeviceIds.length === 0 && multicastGroupIds.length === 0) {
    read.fail('a start needs wirelessDeviceIds or multicastGroupIds (IoT Wireless takes none once a task has started, so a task started empty could never update a device)');
  }

  return {
    firmwareUpdateImage: read.requiredString(props.FirmwareUpdateImage, R.firmwareUpdateImage),
    firmwareUpdateRole: read.requiredString(props.FirmwareUpdateRole, R.firmwareUpdateRole),
    name: read.string(props.Name, R.name),
    description: read.string(props.Description, R.description),
    rfRegion: read.string(props.RfRegion, R.rfRegion),
    redundancyPercent: read.number(props.RedundancyPercent, R.redundancyPercent),
    fragmentSizeBytes: read.number(props.FragmentSizeBytes, R.fragmentSizeBytes),
    fragmentIntervalMs: read.number(props.FragmentIntervalMS, R.fragmentIntervalMs),
    descriptor: read.string(props.Descriptor, R.descriptor),
    wirelessDeviceIds,
    multicastGroupIds,
    start,
    tags: tagList(read, props.Tags),
  };
}

function idList(read: PropertyReader, value: unknown, rule: FieldRule): string[] {
  const ids = read.list(value, rule.field).map((id) => read.checked(id, rule));
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) read.fail(`${rule.field} lists ${show(duplicate)} twice`);
  return ids;
}

function startSpec(read: PropertyReader, delay: unknown, time: unknown): FuotaTaskStartSpec | undefined {
  if (delay !== undefined && time !== undefined) {
    read.fail('StartDelaySeconds and StartTime cannot both be set');
  }
  if (delay !== undefined) {
    const seconds = typeof delay === 'string' && /^\d+$/.test(delay) ? Number(delay) : delay;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < FUOTA_MIN_START_DELAY_SECONDS) {
      read.fail(`start delay must be a whole number of seconds of at least ${FUOTA_MIN_START_DELAY_SECONDS}, got ${show(delay)}`);
    }
    return { delaySeconds: seconds };
  }
  if (time !== undefined) {
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
    const date = typeof time === 'string' && iso.test(time) ? new Date(time) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      read.fail(`start time must be an ISO 8601 date-time, got ${show(time)}`);
    }
    return { time: date };
  }
  return undefined;
}

function tagList(read: PropertyReader, value: unknown): FuotaTaskTag[] {
  const tags = read.list(value, 'Tags');
  if (tags.length > FUOTA_TASK_MAX_TAGS) {
    read.fail(`at most ${FUOTA_TASK_MAX_TAGS} tags are allowed, got ${tags.length}`);
  }
  return tags.map((tag) => {
    const { Key, Value } = (tag ?? {}) as Partial<FuotaTaskTag>;
    return { Key: read.checked(Key, FUOTA_TASK_RULES.tagKey), Value: read.checked(Value, FUOTA_TASK_RULES.tagValue) };
  });
}
