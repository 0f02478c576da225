/**
 * How a started FUOTA task progresses on the virtual clock, by the seeded outcome model
 * (campaign-outcomes.ts). With S the StartFuotaTask `LoRaWAN.StartTime` and D the model's duration:
 *   Pending (not started) → FuotaSession_Waiting (started, before S) → In_FuotaSession (S to S + D)
 *   → FuotaDone (from S + D);
 * each device reports `FuotaDeviceStatus` `Initial` until S + its finishing time, then its outcome.
 * Assumptions: the session's length and the outcomes are the model's, not the service's; a device
 * never goes back to Initial, and every device has an outcome by FuotaDone. Delete_Waiting is never
 * reached (DeleteFuotaTask removes the task at once).
 *
 * ASSUMED — multicast groups. How the devices of a task's multicast groups report their FUOTA
 * status is not documented. The model's `WirelessDeviceStatistics` (the items of
 * ListWirelessDevices) carries `FuotaDeviceStatus` next to the multicast members
 * `MulticastDeviceStatus` and `McGroupId`, and ListWirelessDevices filters by `FuotaTaskId` or
 * `MulticastGroupId`; the emulator offers three readings, chosen with `multicastFuotaStatus`:
 * - `by-group` (default, the reading we find most defensible): ListWirelessDevices by
 *   `MulticastGroupId` lists the group's members, each with the FuotaDeviceStatus of the started
 *   FUOTA task the group is in (the latest started, if several); by `FuotaTaskId` a task of groups
 *   lists no devices (only devices associated directly are "of the task").
 * - `by-task`: members of the task's groups are listed under its `FuotaTaskId`, with their status,
 *   as if associated directly; by `MulticastGroupId` they carry no FuotaDeviceStatus.
 * - `unreported`: no listing carries a member's FUOTA status; only the task status and the group
 *   count are knowable.
 * Group members come from `multicastGroupMembers` (the emulator does not model groups otherwise);
 * a group's members are taken when the task starts.
 */
import { FuotaDeviceOutcome, fuotaOutcomeModel, FuotaOutcomeOptions, OutcomeModel, planOutcomes, TargetPlan } from './campaign-outcomes';
import { VirtualClock } from './clock';
import { EmulatorState, FuotaTaskRecord, FuotaTaskStatus } from './state';

export type MulticastFuotaStatusReading = 'by-group' | 'by-task' | 'unreported';
export const MULTICAST_FUOTA_STATUS_READINGS: readonly MulticastFuotaStatusReading[] = ['by-group', 'by-task', 'unreported'];

export type FuotaDeviceStatus = 'Initial' | FuotaDeviceOutcome;

export class FuotaProgress {
  public readonly model: OutcomeModel<FuotaDeviceOutcome>;

  constructor(
    private readonly state: EmulatorState,
    private readonly clock: VirtualClock,
    options: FuotaOutcomeOptions = {},
    public readonly multicastReading: MulticastFuotaStatusReading = 'by-group',
  ) {
    if (!MULTICAST_FUOTA_STATUS_READINGS.includes(multicastReading)) {
      throw new Error(`multicastFuotaStatus must be one of ${MULTICAST_FUOTA_STATUS_READINGS.join(', ')}, got ${multicastReading}`);
    }
    this.model = fuotaOutcomeModel(options);
  }

  /** Fixes the plan when StartFuotaTask is accepted: the task's devices, or its groups' members. */
  public start(task: FuotaTaskRecord): void {
    const devices = task.wirelessDeviceIds.length > 0 ? task.wirelessDeviceIds
      : [...new Set(task.multicastGroupIds.flatMap((group) => this.state.multicastGroupMembers.get(group) ?? []))];
    task.plan = planOutcomes(this.model, task.id, devices);
  }

  public status(task: FuotaTaskRecord): FuotaTaskStatus {
    if (task.startTime === undefined) return 'Pending';
    const elapsed = this.clock.now() - Date.parse(task.startTime);
    if (elapsed < 0) return 'FuotaSession_Waiting';
    return elapsed < this.model.durationMs ? 'In_FuotaSession' : 'FuotaDone';
  }

  /** The devices ListWirelessDevices lists under `FuotaTaskId`, with their status. */
  public devicesOfTask(task: FuotaTaskRecord): { id: string; status: FuotaDeviceStatus }[] {
    if (task.wirelessDeviceIds.length > 0) return task.wirelessDeviceIds.map((id) => ({ id, status: this.deviceStatus(task, id) }));
    if (this.multicastReading !== 'by-task') return [];
    return (task.plan ?? []).map(({ targetId }) => ({ id: targetId, status: this.deviceStatus(task, targetId) }));
  }

  /** The members ListWirelessDevices lists under `MulticastGroupId`; a status only in the `by-group` reading. */
  public membersOfGroup(groupId: string): { id: string; status?: FuotaDeviceStatus }[] {
    const members = this.state.multicastGroupMembers.get(groupId) ?? [];
    const task = this.multicastReading === 'by-group'
      ? [...this.state.fuotaTasks.values()].filter((candidate) => candidate.startedAt !== undefined && candidate.multicastGroupIds.includes(groupId))
        .sort((a, b) => b.startedAt! - a.startedAt!)[0]
      : undefined;
    return members.map((id) => ({ id, status: task && planIndex(task.plan!).has(id) ? this.deviceStatus(task, id) : undefined }));
  }

  /** `Initial` before the device's finishing time (and on a task not started), its outcome after. */
  public deviceStatus(task: FuotaTaskRecord, deviceId: string): FuotaDeviceStatus {
    const plan = task.plan && planIndex(task.plan).get(deviceId);
    if (!plan || task.startTime === undefined) return 'Initial';
    return this.clock.now() >= Date.parse(task.startTime) + plan.finishesAfterMs ? plan.outcome : 'Initial';
  }

  /** The plan of a started task (undefined before StartFuotaTask), for tests and the demo. */
  public plan(task: FuotaTaskRecord): readonly TargetPlan<FuotaDeviceOutcome>[] | undefined {
    return task.plan;
  }
}

const indexes = new WeakMap<readonly TargetPlan[], Map<string, TargetPlan<FuotaDeviceOutcome>>>();

/** The plan by device id, built once per plan: listings of 1,000-device tasks stay linear. */
function planIndex(plan: readonly TargetPlan<FuotaDeviceOutcome>[]): Map<string, TargetPlan<FuotaDeviceOutcome>> {
  let index = indexes.get(plan);
  if (!index) indexes.set(plan, index = new Map(plan.map((entry) => [entry.targetId, entry])));
  return index;
}
