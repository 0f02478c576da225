/**
 * IoT Wireless FUOTA semantics beyond the model's shapes. Choices where the documentation is
 * silent, all assumptions:
 * - A state conflict (devices on a task with multicast groups or the reverse, any association,
 *   disassociation or update after StartFuotaTask, a second StartFuotaTask) is a 409
 *   ConflictException, the model's error for "would cause an inconsistent state"; a bad input
 *   value (a start time too early or missing) is a 400 ValidationException.
 * - Associating what is already associated, and disassociating what is not, succeed (204).
 * - Wireless devices and multicast groups are not modelled as resources: any id exists unless the
 *   state's `knownWirelessDevices`/`knownMulticastGroups` are set, and then others are 404.
 * - ListWirelessDevices honours the FuotaTaskId and MulticastGroupId filters (the other filters
 *   are accepted and ignored); an unknown task or group lists nothing, since the operation declares
 *   no ResourceNotFoundException. With both filters it lists the task's devices that are members of
 *   the group. Without a filter it lists the known devices, else every associated one.
 * - Status and each device's FuotaDeviceStatus progress on the virtual clock by the seeded outcome
 *   model: fuota-progress.ts, whose header also states the ASSUMED reading for multicast groups.
 * - Pages: MaxResults 0 or absent is the emulator's `listPageSize`; the token names its listing.
 * - Switchable (assumptions.ts): asynchronous delete (Delete_Waiting), one task per device.
 */
import { conflict, notFound, validationError } from './errors';
import { FuotaProgress } from './fuota-progress';
import { defined, epochSeconds, OperationInput, OperationResult, ServiceContext } from './operation';
import { page as pageOf, Page } from './pagination';
import { FuotaTaskRecord, FuotaTaskStatus } from './state';

/** StartFuotaTask: "the start time must be at least 30 minutes in the future" (developer guide). */
export const FUOTA_MIN_START_LEAD_MS = 30 * 60_000;

export interface FuotaServiceOptions {
  /** Page size of the list operations when the caller sets no MaxResults. The service's default is UNCONFIRMED. */
  readonly listPageSize: number;
}

/** The IoT Wireless operations the library calls: one public method per operation, named as the model names it (see `callOperation`). */
export class FuotaService {
  constructor(private readonly ctx: ServiceContext, private readonly options: FuotaServiceOptions, public readonly progress: FuotaProgress) {}

  public arn(id: string): string {
    return `arn:aws:iotwireless:${this.ctx.region}:${this.ctx.accountId}:FuotaTask/${id}`;
  }

  public status(task: FuotaTaskRecord): FuotaTaskStatus {
    if (task.deletion) return 'Delete_Waiting';
    return this.progress.status(task);
  }

  public CreateFuotaTask(input: OperationInput): OperationResult {
    const { state, clock } = this.ctx;
    const id = state.tokens.resolve('FuotaTask', input.ClientRequestToken, 'ClientRequestToken', input, () => {
      const created = `00000000-0000-4000-8000-${state.nextSerial('FuotaTask').toString(16).padStart(12, '0')}`;
      const { ClientRequestToken: _token, Tags: tags, ...fields } = input;
      state.fuotaTasks.set(created, {
        id: created,
        arn: this.arn(created),
        createdAt: clock.now(),
        fields: withoutEmptyText(fields),
        wirelessDeviceIds: [],
        multicastGroupIds: [],
        tags: tagMap(tags),
      });
      return created;
    });
    return { body: { Arn: this.arn(id), Id: id } };
  }

  public GetFuotaTask(input: OperationInput): OperationResult {
    const task = this.task(input.Id);
    this.ctx.assumptions?.fuotaDeletionPolled(task, this.ctx.state);
    if (!this.ctx.state.fuotaTasks.has(task.id)) throw notFound('FuotaTask', task.id);
    const { LoRaWAN: loRaWAN, ...fields } = task.fields as { LoRaWAN?: object };
    const loRaWANInfo = defined({ ...loRaWAN, StartTime: task.startTime });
    return {
      body: defined({
        Arn: task.arn,
        Id: task.id,
        Status: this.status(task),
        ...fields,
        LoRaWAN: Object.keys(loRaWANInfo).length > 0 ? loRaWANInfo : undefined,
        CreatedAt: epochSeconds(task.createdAt),
      }),
    };
  }

  /** Empty text clears Name, Description or Descriptor: the API has no other way to unset them. */
  public UpdateFuotaTask(input: OperationInput): OperationResult {
    const task = this.task(input.Id);
    this.refuseIfStarted(task, 'updated');
    const { Id: _id, ...changes } = input;
    task.fields = withoutEmptyText({ ...task.fields, ...changes });
    return {};
  }

  public DeleteFuotaTask(input: OperationInput): OperationResult {
    const task = this.task(input.Id);
    if (this.ctx.assumptions?.fuotaDeletedAtOnce(task) ?? true) this.ctx.state.fuotaTasks.delete(task.id);
    return {};
  }

  public StartFuotaTask(input: OperationInput): OperationResult {
    const task = this.task(input.Id);
    if (task.startTime !== undefined) {
      throw conflict(`FUOTA task ${task.id} was already started for ${task.startTime}`, { ResourceId: task.id, ResourceType: 'FuotaTask' });
    }
    // The model makes LoRaWAN.StartTime optional; the emulator requires it (the handler always sends it).
    const startTime = (input.LoRaWAN as { StartTime?: string } | undefined)?.StartTime;
    if (startTime === undefined) throw validationError('LoRaWAN.StartTime is required to start a FUOTA task');
    const earliest = this.ctx.clock.now() + FUOTA_MIN_START_LEAD_MS;
    if (Date.parse(startTime) < earliest) {
      throw validationError(`StartTime ${startTime} must be at least 30 minutes in the future (not before ${new Date(earliest).toISOString()})`);
    }
    task.startTime = new Date(Date.parse(startTime)).toISOString();
    task.startedAt = this.ctx.clock.now();
    this.progress.start(task);
    return {};
  }

  public AssociateWirelessDeviceWithFuotaTask(input: OperationInput): OperationResult {
    return this.associate(input, 'device');
  }

  public AssociateMulticastGroupWithFuotaTask(input: OperationInput): OperationResult {
    return this.associate(input, 'group');
  }

  public DisassociateWirelessDeviceFromFuotaTask(input: OperationInput): OperationResult {
    return this.disassociate(input, 'device');
  }

  public DisassociateMulticastGroupFromFuotaTask(input: OperationInput): OperationResult {
    return this.disassociate(input, 'group');
  }

  private associate(input: OperationInput, kind: 'device' | 'group'): OperationResult {
    const task = this.task(input.Id);
    const id = String(kind === 'device' ? input.WirelessDeviceId : input.MulticastGroupId);
    const { state } = this.ctx;
    const resourceType = kind === 'device' ? 'WirelessDevice' : 'MulticastGroup';
    const known = kind === 'device' ? state.knownWirelessDevices : state.knownMulticastGroups;
    const [mine, other] = kind === 'device' ? [task.wirelessDeviceIds, task.multicastGroupIds] : [task.multicastGroupIds, task.wirelessDeviceIds];
    if (known && !known.has(id)) throw notFound(resourceType, id);
    this.refuseIfStarted(task, `associated with ${resourceType} ${id}`);
    this.ctx.assumptions?.checkHeldByOneTask(state, task, kind, id);
    if (other.length > 0) {
      throw conflict(
        `FUOTA task ${task.id} already has ${kind === 'device' ? 'multicast groups' : 'wireless devices'}; a task takes wireless devices or multicast groups, not both`,
        { ResourceId: task.id, ResourceType: 'FuotaTask' },
      );
    }
    if (!mine.includes(id)) mine.push(id);
    return {};
  }

  private disassociate(input: OperationInput, kind: 'device' | 'group'): OperationResult {
    const task = this.task(input.Id);
    const id = String(kind === 'device' ? input.WirelessDeviceId : input.MulticastGroupId);
    this.refuseIfStarted(task, `disassociated from ${id}`);
    const list = kind === 'device' ? task.wirelessDeviceIds : task.multicastGroupIds;
    if (list.includes(id)) list.splice(list.indexOf(id), 1);
    return {};
  }

  public ListWirelessDevices(input: OperationInput): OperationResult {
    const { state } = this.ctx;
    const taskId = input.FuotaTaskId as string | undefined;
    const groupId = input.MulticastGroupId as string | undefined;
    const task = taskId !== undefined ? state.fuotaTasks.get(taskId) : undefined;
    let devices: { id: string; status?: string }[];
    if (taskId !== undefined) {
      devices = task ? this.progress.devicesOfTask(task) : [];
      if (groupId !== undefined) {
        const members = new Set((state.multicastGroupMembers.get(groupId) ?? []));
        devices = devices.filter((device) => members.has(device.id));
      }
    } else if (groupId !== undefined) {
      devices = this.progress.membersOfGroup(groupId);
    } else {
      devices = [...(state.knownWirelessDevices ?? new Set([...state.fuotaTasks.values()].flatMap((candidate) => candidate.wirelessDeviceIds)))]
        .map((id) => ({ id }));
    }
    const page = this.page(devices, input, `devices:${taskId ?? ''}:${groupId ?? ''}`);
    return {
      body: defined({
        WirelessDeviceList: page.items.map((device) => defined({
          Id: device.id,
          Arn: `arn:aws:iotwireless:${this.ctx.region}:${this.ctx.accountId}:WirelessDevice/${device.id}`,
          Type: 'LoRaWAN',
          FuotaDeviceStatus: device.status,
        })),
        NextToken: page.nextToken,
      }),
    };
  }

  public ListMulticastGroupsByFuotaTask(input: OperationInput): OperationResult {
    const task = this.task(input.Id);
    const page = this.page(task.multicastGroupIds, input, `groups:${task.id}`);
    return { body: defined({ MulticastGroupList: page.items.map((id) => ({ Id: id })), NextToken: page.nextToken }) };
  }

  public TagResource(input: OperationInput): OperationResult {
    const task = this.taskByArn(input.ResourceArn);
    Object.assign(task.tags, tagMap(input.Tags));
    return {};
  }

  public UntagResource(input: OperationInput): OperationResult {
    const task = this.taskByArn(input.ResourceArn);
    for (const key of input.TagKeys as string[]) delete task.tags[key];
    return {};
  }

  private page<T>(items: readonly T[], input: OperationInput, listing: string): Page<T> {
    return pageOf(items, input.MaxResults, input.NextToken, listing, this.options.listPageSize);
  }

  public ListTagsForResource(input: OperationInput): OperationResult {
    return { body: { Tags: Object.entries(this.taskByArn(input.ResourceArn).tags).map(([Key, Value]) => ({ Key, Value })) } };
  }

  private task(id: unknown): FuotaTaskRecord {
    const task = this.ctx.state.fuotaTasks.get(String(id));
    if (!task) throw notFound('FuotaTask', String(id));
    return task;
  }

  private taskByArn(arn: unknown): FuotaTaskRecord {
    const task = [...this.ctx.state.fuotaTasks.values()].find((candidate) => candidate.arn === arn);
    if (!task) throw notFound('Resource', String(arn));
    return task;
  }

  private refuseIfStarted(task: FuotaTaskRecord, change: string): void {
    if (task.startTime !== undefined) {
      throw conflict(`FUOTA task ${task.id} has been started and cannot be ${change}`, { ResourceId: task.id, ResourceType: 'FuotaTask' });
    }
  }
}

function tagMap(tags: unknown): { [key: string]: string } {
  return Object.fromEntries(((tags ?? []) as { Key: string; Value: string }[]).map((tag) => [tag.Key, tag.Value]));
}

function withoutEmptyText(fields: { [member: string]: unknown }): { [member: string]: unknown } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== '' && value !== undefined));
}
