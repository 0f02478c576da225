import type { CreateFuotaTaskRequest, UpdateFuotaTaskRequest } from '@aws-sdk/client-iot-wireless';
import { LiveFuotaTaskFields } from './live-task';
import { FUOTA_MIN_START_LEAD_MINUTES } from '../fuota-task-rules';
import { FuotaTaskSpec, FuotaTaskStartSpec } from './task-spec';

/**
 * CreateFuotaTask with every field the spec sets. Tags are not sent here: they are applied with
 * TagResource once the task exists, so the handler's tagging permission can be scoped to task ARNs.
 */
export function createFuotaTaskRequest(spec: FuotaTaskSpec, token: string): CreateFuotaTaskRequest {
  return {
    ClientRequestToken: token,
    FirmwareUpdateImage: spec.firmwareUpdateImage,
    FirmwareUpdateRole: spec.firmwareUpdateRole,
    Name: spec.name,
    Description: spec.description,
    LoRaWAN: spec.rfRegion === undefined ? undefined : { RfRegion: spec.rfRegion as any },
    RedundancyPercent: spec.redundancyPercent,
    FragmentSizeBytes: spec.fragmentSizeBytes,
    FragmentIntervalMS: spec.fragmentIntervalMs,
    Descriptor: spec.descriptor,
  };
}

/** Fields UpdateFuotaTask can change, by the name the user knows them under. */
const UPDATABLE_FIELDS = [
  ['firmwareUpdateImage', 'FirmwareUpdateImage'],
  ['firmwareUpdateRole', 'FirmwareUpdateRole'],
  ['name', 'Name'],
  ['description', 'Description'],
  ['rfRegion', 'LoRaWAN'],
  ['redundancyPercent', 'RedundancyPercent'],
  ['fragmentSizeBytes', 'FragmentSizeBytes'],
  ['fragmentIntervalMs', 'FragmentIntervalMS'],
  ['descriptor', 'Descriptor'],
] as const;

export type UpdatableField = typeof UPDATABLE_FIELDS[number][0];

/** Text fields whose empty value is the service's "not set", so removing them can be expressed. */
const CLEARABLE = new Set<UpdatableField>(['name', 'description', 'descriptor']);

/**
 * The fields to change to bring the live task to `desired`. A field the desired spec sets changes
 * when the live value differs. A field it leaves out changes only when the previous spec set it and
 * that value is still live (a removal); otherwise the service's value stands. Diffing against the
 * live task, not just the previous properties, is what lets the rollback Update of a failed update
 * succeed as well.
 */
export function fieldsToUpdate(live: LiveFuotaTaskFields, desired: FuotaTaskSpec, previous?: FuotaTaskSpec): UpdatableField[] {
  return UPDATABLE_FIELDS.map(([field]) => field).filter((field) => {
    const current = comparable(field, live[field]);
    const want = desired[field];
    if (want !== undefined) return comparable(field, want) !== current;
    const had = previous?.[field];
    return had !== undefined && current === comparable(field, had) && current !== '';
  });
}

/**
 * An empty text field may be reported as '' or left out of GetFuotaTask: both mean "not set", so
 * neither counts as a change (which a started task would refuse) nor as something left to clear.
 */
/**
 * The fields among `fields` that the properties changed (previous versus desired). For a started
 * task, which takes no change, only these are a reason to refuse: a live value that differs from an
 * unchanged declared one is the service's doing (a value it rounded or normalised) and stays.
 * Without readable previous properties every field counts as changed.
 */
export function changedInProperties(
  fields: readonly UpdatableField[], desired: FuotaTaskSpec, previous: FuotaTaskSpec | undefined,
): UpdatableField[] {
  if (!previous) return [...fields];
  return fields.filter((field) => comparable(field, desired[field]) !== comparable(field, previous[field]));
}

function comparable(field: UpdatableField, value: unknown): unknown {
  return CLEARABLE.has(field) && value === undefined ? '' : value;
}

/**
 * The fields among `fields` whose removal UpdateFuotaTask cannot express: a number or the RF
 * region that `desired` leaves out (the API has no "unset" and does not publish its defaults).
 * Removed text fields are not among them: they are cleared with an empty string.
 */
export function unclearableRemovals(fields: readonly UpdatableField[], desired: FuotaTaskSpec): UpdatableField[] {
  return fields.filter((field) => desired[field] === undefined && !CLEARABLE.has(field));
}

/** The refusal of a forward update that removes fields IoT Wireless cannot unset. */
export function cannotRemoveError(id: string, fields: readonly UpdatableField[]): Error {
  return new Error(
    `UpdateFuotaTask cannot remove ${fields.join(', ')} from task ${id}: IoT Wireless has no way to unset ` +
    'these fields. Set them to the value you want, or replace the task (give the FuotaTask a new construct id).',
  );
}

/**
 * The UpdateFuotaTask request for `fields`. A removed text field is cleared with an empty string.
 * A removed number or region cannot be expressed: the caller decides first whether that is refused
 * or left as it is (rollback.ts), and this throws if one still comes, rather than sending nothing
 * for it and saying the task matches.
 */
export function updateFuotaTaskRequest(id: string, fields: readonly UpdatableField[], desired: FuotaTaskSpec): UpdateFuotaTaskRequest {
  const unclearable = unclearableRemovals(fields, desired);
  if (unclearable.length > 0) throw cannotRemoveError(id, unclearable);
  const request: Record<string, unknown> = { Id: id };
  for (const [field, member] of UPDATABLE_FIELDS) {
    if (!fields.includes(field)) continue;
    const value = desired[field];
    request[member] = field === 'rfRegion' ? { RfRegion: value } : (value ?? '');
  }
  return request as unknown as UpdateFuotaTaskRequest;
}

/** What to add and remove to turn `live` into `desired`. */
export function setDifference(desired: readonly string[], live: readonly string[]): { add: string[]; remove: string[] } {
  return {
    add: desired.filter((id) => !live.includes(id)),
    remove: live.filter((id) => !desired.includes(id)),
  };
}

/** Tag keys the previous properties set and the new ones no longer do. */
export function removedTagKeys(oldTags: readonly { Key: string }[], newTags: readonly { Key: string }[]): string[] {
  const kept = new Set(newTags.map((tag) => tag.Key));
  return oldTags.map((tag) => tag.Key).filter((key) => !kept.has(key));
}

/**
 * The StartTime to send to StartFuotaTask. A delay counts from `now`; a fixed time must still be
 * 30 minutes ahead, as the service requires; that is checked here, not at synth, so a pipeline
 * that synthesizes well before it deploys is judged at deploy time.
 */
export function fuotaStartTime(start: FuotaTaskStartSpec, now: Date): Date {
  if ('delaySeconds' in start) {
    return new Date(now.getTime() + start.delaySeconds * 1000);
  }
  const earliest = new Date(now.getTime() + FUOTA_MIN_START_LEAD_MINUTES * 60_000);
  if (start.time.getTime() < earliest.getTime()) {
    throw new Error(
      `StartFuotaTask needs a start time at least ${FUOTA_MIN_START_LEAD_MINUTES} minutes ahead: ` +
      `${start.time.toISOString()} is before ${earliest.toISOString()}. Use FuotaTaskStart.afterDeployment() ` +
      'or a later FuotaTaskStart.at() date.',
    );
  }
  return start.time;
}
