import type { GetFuotaTaskResponse } from '@aws-sdk/client-iot-wireless';
import { FuotaTaskSpec } from './task-spec';

/** The fields of a live task that the spec also names, as GetFuotaTask reports them. */
export type LiveFuotaTaskFields = Pick<FuotaTaskSpec,
'firmwareUpdateImage' | 'firmwareUpdateRole' | 'name' | 'description' | 'rfRegion' |
'redundancyPercent' | 'fragmentSizeBytes' | 'fragmentIntervalMs' | 'descriptor'>;

export function liveFields(task: GetFuotaTaskResponse): LiveFuotaTaskFields {
  return {
    firmwareUpdateImage: task.FirmwareUpdateImage ?? '',
    firmwareUpdateRole: task.FirmwareUpdateRole ?? '',
    name: task.Name,
    description: task.Description,
    rfRegion: task.LoRaWAN?.RfRegion,
    redundancyPercent: task.RedundancyPercent,
    fragmentSizeBytes: task.FragmentSizeBytes,
    fragmentIntervalMs: task.FragmentIntervalMS,
    descriptor: task.Descriptor,
  };
}

/**
 * Whether StartFuotaTask has been called: the task then has a start time and leaves `Pending`.
 * IoT Wireless accepts no further changes or associations after that.
 */
export function isStarted(task: GetFuotaTaskResponse): boolean {
  return task.LoRaWAN?.StartTime !== undefined || (task.Status !== undefined && task.Status !== 'Pending');
}
