/**
 * Behaviours of the live services that no document settles (issue 17 §3), as switches. Each is
 * off by default (the emulator's earlier behaviour); a run turns on the ones it wants with
 * `ServiceEmulator.start({ assumptions: { ... } })`, and the lifecycle tests run with each switch
 * on and off, so the handlers must work whichever way the service behaves.
 *
 * The service modules call the hooks below at one point each, so the services' own semantics stay
 * in fuota-service.ts and ota-service.ts.
 */
import { conflict } from './errors';
import type { EmulatorState, FuotaTaskRecord } from './state';

export interface ServiceAssumptions {
  /**
   * GetOtaTask reports values as the service may store them rather than as sent: scheduling
   * date-times with seconds and `Z` (`2027-01-15T02:00` comes back `2027-01-15T02:00:00Z`), and no
   * `Protocol` or `OtaMechanism` member (their single enum value, filled in or dropped).
   */
  readonly normalisedOtaValues?: boolean;
  /**
   * OTA task configuration names are unique per account: CreateOtaTaskConfiguration with a Name a
   * live configuration has is a ConflictException (a retry with the same ClientToken still gets
   * the configuration it made).
   */
  readonly uniqueConfigurationNames?: boolean;
  /**
   * A wireless device or multicast group belongs to one FUOTA task at a time: associating it with a
   * task while another task that still exists (Delete_Waiting included) holds it is a
   * ConflictException.
   */
  readonly oneTaskPerDevice?: boolean;
  /**
   * DeleteFuotaTask is asynchronous: the task answers GetFuotaTask with `Delete_Waiting` (and keeps
   * its devices and groups) for {@link FUOTA_DELETE_WAITING_POLLS} GetFuotaTask calls, then is gone.
   */
  readonly asyncFuotaDelete?: boolean;
}

/** The switches by name, for tests that run once with each on and off. */
export const ASSUMPTION_NAMES = ['normalisedOtaValues', 'uniqueConfigurationNames', 'oneTaskPerDevice', 'asyncFuotaDelete'] as const;
export type AssumptionName = (typeof ASSUMPTION_NAMES)[number];

/** GetFuotaTask calls that see a deleted task as Delete_Waiting before it is gone. */
export const FUOTA_DELETE_WAITING_POLLS = 2;

/** The hooks the service modules call; each does nothing while its switch is off. */
export class AssumedBehaviours {
  constructor(public readonly switches: ServiceAssumptions = {}) {}

  /** DeleteFuotaTask: whether the task goes at once; otherwise it is marked Delete_Waiting. */
  public fuotaDeletedAtOnce(task: FuotaTaskRecord): boolean {
    if (!this.switches.asyncFuotaDelete) return true;
    task.deletion ??= { polls: 0 };
    return false;
  }

  /** GetFuotaTask of a task being deleted: counts the poll and removes the task when its time has come. */
  public fuotaDeletionPolled(task: FuotaTaskRecord, state: EmulatorState): void {
    if (!task.deletion) return;
    if (task.deletion.polls >= FUOTA_DELETE_WAITING_POLLS) {
      state.fuotaTasks.delete(task.id);
      return;
    }
    task.deletion.polls++;
  }

  /** Associate…WithFuotaTask: refuses a device or group that another existing task holds. */
  public checkHeldByOneTask(state: EmulatorState, task: FuotaTaskRecord, kind: 'device' | 'group', id: string): void {
    if (!this.switches.oneTaskPerDevice) return;
    const holder = [...state.fuotaTasks.values()].find((other) => other.id !== task.id
      && (kind === 'device' ? other.wirelessDeviceIds : other.multicastGroupIds).includes(id));
    if (holder) {
      throw conflict(`${kind === 'device' ? 'WirelessDevice' : 'MulticastGroup'} ${id} is already in FUOTA task ${holder.id}`,
        { ResourceId: id, ResourceType: kind === 'device' ? 'WirelessDevice' : 'MulticastGroup' });
    }
  }

  /** CreateOtaTaskConfiguration (a new one, not a token retry): refuses a Name in use. */
  public checkConfigurationName(state: EmulatorState, name: unknown): void {
    if (!this.switches.uniqueConfigurationNames || name === undefined) return;
    const holder = [...state.otaTaskConfigurations.values()].find((configuration) => configuration.fields.Name === name);
    if (holder) {
      throw conflict(`An OTA task configuration named ${String(name)} already exists: ${holder.id}`,
        { ResourceId: holder.id, ResourceType: 'OtaTaskConfiguration' });
    }
  }

  /** GetOtaTask's body as the service may report it. */
  public otaTaskAsReported<T extends { [member: string]: unknown }>(body: T): T {
    if (!this.switches.normalisedOtaValues) return body;
    const { Protocol: _protocol, OtaMechanism: _mechanism, ...rest } = body;
    const scheduling = rest.OtaSchedulingConfig as { [member: string]: unknown } | undefined;
    if (!scheduling) return rest as unknown as T;
    const windows = scheduling.MaintenanceWindows as { [member: string]: unknown }[] | undefined;
    return {
      ...rest,
      OtaSchedulingConfig: {
        ...scheduling,
        ...(typeof scheduling.StartTime === 'string' ? { StartTime: normalisedDateTime(scheduling.StartTime) } : {}),
        ...(typeof scheduling.EndTime === 'string' ? { EndTime: normalisedDateTime(scheduling.EndTime) } : {}),
        ...(windows ? { MaintenanceWindows: windows.map((w) => (typeof w.StartTime === 'string' ? { ...w, StartTime: normalisedDateTime(w.StartTime) } : w)) } : {}),
      },
    } as unknown as T;
  }
}

/** `2027-01-15T02:00` → `2027-01-15T02:00:00Z`; a value with seconds or a zone keeps them (zone → Z). */
function normalisedDateTime(value: string): string {
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(value);
  const withSeconds = /T\d{2}:\d{2}$/.test(value.replace(/(Z|[+-]\d{2}:?\d{2})$/, '')) ? value.replace(/(T\d{2}:\d{2})/, '$1:00') : value;
  if (!zoned) return `${withSeconds}Z`;
  const parsed = Date.parse(withSeconds);
  return Number.isNaN(parsed) ? withSeconds : new Date(parsed).toISOString().replace(/\.000Z$/, 'Z');
}
