// The campaign monitor's side of the benchmark: the API calls one tick makes against the API's floor,
// the tick's duration on the local service emulator, and what the monitor adds to a stack's template.
//
// Each size starts one emulator: its FUOTA tasks are created and started through the API (the real
// IoT Wireless client), their devices seeded into the emulator's state instead of associated one
// call at a time (100 tasks of 1,000 devices would be 100,000 AssociateWirelessDeviceWithFuotaTask
// calls; the association's semantics are not what is measured). The clock is then set mid-campaign
// and `runTick` runs with the real IoT Wireless and Managed Integrations clients pointed at the
// emulator and a StackResourceReader that pages the created tasks as ListStackResources does (100 a
// page), among as many other resources as the synthesized stack of that many tasks holds. Calls are taken from the tick's own summary (`apiCalls`) and checked against the emulator's
// journal plus the reader's pages.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CreateFuotaTaskCommand, IoTWirelessClient, StartFuotaTaskCommand } from '@aws-sdk/client-iot-wireless';
import { buildBenchApp, BENCH_STACK } from './peers';
import { measureAssembly } from './template-metrics';
import { FuotaTask } from '../src';
import { EMULATOR_CREDENTIALS, ServiceEmulator } from '../src/emulator/server';
import { FUOTA_TASK_RESOURCE_TYPE } from '../src/fuota/fuota-task.types';
import { runTick } from '../src/monitoring/handler/monitor';
import { StackResourceReader } from '../src/monitoring/handler/stack-tasks';
import { ManagedIntegrationsClient } from '../src/ota/handler/managed-integrations-client';
import type { StackResourceSummary } from '../src/shared/cloudformation-stack-status';

/** ListWirelessDevices' largest page (`MaxResults`, 0..250 in the model). */
export const DEVICE_PAGE = 250;
/** ListStackResources' page: CloudFormation returns up to 100 summaries a page. */
export const STACK_RESOURCE_PAGE = 100;

export interface MonitorLoad {
  /** Devices of each FUOTA task. */
  readonly fuotaTaskDevices: readonly number[];
  readonly otaTasks: number;
  /** Resources ListStackResources lists for the stack. */
  readonly stackResources: number;
}

/**
 * The fewest calls a tick can make and still read every task: per FUOTA task GetFuotaTask and every
 * page of ListWirelessDevices by FuotaTaskId, per OTA task one GetOtaTask (its
 * TaskProcessingDetails counts the things), and every page of ListStackResources. A listing is one
 * call even when it is empty (only the call tells it is), hence at least one page each.
 */
export function monitorCallFloor(load: MonitorLoad): number {
  const fuota = load.fuotaTaskDevices.reduce((sum, devices) => sum + 1 + pages(devices, DEVICE_PAGE), 0);
  return fuota + load.otaTasks + pages(load.stackResources, STACK_RESOURCE_PAGE);
}

/** The pages a listing of `items` takes, `pageSize` a page: one at least. */
export function pages(items: number, pageSize: number): number {
  return Math.max(1, Math.ceil(items / pageSize));
}

/** `resources` as ListStackResources pages them: `pageSize` a page, the token the next page's index. */
export function pagedStackResources(
  resources: readonly StackResourceSummary[], pageSize = STACK_RESOURCE_PAGE,
): StackResourceReader & { pagesRead: number; status(stackId: string): Promise<string> } {
  const reader = {
    pagesRead: 0,
    // Asked only before a rollout acts; the benchmark's stacks have none.
    async status(): Promise<string> {
      throw new Error('bench: DescribeStacks asked, yet the stack has no rollout');
    },
    async resources(_stackId: string, nextToken?: string) {
      reader.pagesRead++;
      const from = nextToken ? Number(nextToken) : 0;
      const to = from + pageSize;
      return { resources: resources.slice(from, to), nextToken: to < resources.length ? String(to) : undefined };
    },
  };
  return reader;
}

export interface MonitorSize {
  readonly tasks: number;
  readonly devices: number;
  /** Every resource ListStackResources lists, the tasks included (the synthesized stack's count). */
  readonly stackResources: number;
}

export interface MonitorTickResult extends MonitorSize {
  readonly floor: number;
  /** `apiCalls` of the tick's summary (the same in every tick of a size). */
  readonly apiCalls: number;
  /** Calls by operation in one tick, e.g. `ListWirelessDevices x400`. */
  readonly detail: string;
  /** Wall-clock milliseconds of each measured tick. */
  readonly tickMs: readonly number[];
  /** Targets still pending when measured (mid-campaign: some devices done, some not). */
  readonly pendingShare: number;
}

const MINUTE = 60_000;
const CLOCK_START = Date.parse('2030-06-01T12:00:00.000Z');
/** The session starts 30 virtual minutes in (the earliest StartFuotaTask takes); the emulator's FUOTA campaign lasts 60, devices finishing in its second half. */
const SESSION_START = CLOCK_START + 30 * MINUTE;
const MID_CAMPAIGN = SESSION_START + 45 * MINUTE;
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Bench/00000000-0000-4000-8000-000000000000';

const deviceId = (task: number, device: number) => `00000000-0000-4000-${String(8000 + task).padStart(4, '0')}-${String(device).padStart(12, '0')}`;

/** One warm-up tick, then `ticks` measured ticks of one size, on one emulator. */
export async function measureMonitorTick(size: MonitorSize, ticks: number): Promise<MonitorTickResult> {
  const emulator = await ServiceEmulator.start({ clockStart: CLOCK_START });
  const credentials = async () => ({ ...EMULATOR_CREDENTIALS });
  const wireless = new IoTWirelessClient({ region: emulator.region, endpoint: emulator.url, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
  const managedIntegrations = new ManagedIntegrationsClient({ region: emulator.region, endpoint: emulator.url, credentials });
  try {
    const resources: StackResourceSummary[] = [];
    for (let t = 0; t < size.tasks; t++) {
      const { Id } = await wireless.send(new CreateFuotaTaskCommand({
        FirmwareUpdateImage: 's3://firmware-images-123456789012/sensor/v2.bin',
        FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw',
        LoRaWAN: { RfRegion: 'EU868' },
      }));
      // Seeded, as AssociateWirelessDeviceWithFuotaTask would leave them (see the file header).
      emulator.state.fuotaTasks.get(Id!)!.wirelessDeviceIds.push(...Array.from({ length: size.devices }, (_, d) => deviceId(t, d)));
      await wireless.send(new StartFuotaTaskCommand({ Id, LoRaWAN: { StartTime: new Date(SESSION_START) } }));
      resources.push({ logicalResourceId: `Task${t}`, physicalResourceId: Id!, resourceType: FUOTA_TASK_RESOURCE_TYPE, resourceStatus: 'CREATE_COMPLETE' });
    }
    // The stack's other resources (provider, monitor, roles): listed, not tasks.
    for (let r = resources.length; r < size.stackResources; r++) {
      resources.unshift({ logicalResourceId: `Other${r}`, physicalResourceId: `other-${r}`, resourceType: 'AWS::Lambda::Function', resourceStatus: 'CREATE_COMPLETE' });
    }
    emulator.clock.set(MID_CAMPAIGN);
    const pending = emulator.snapshot().fuotaTasks.reduce((sum, task) => sum
      + emulator.fuotaPlan(task.id)!.filter((entry) => SESSION_START + entry.finishesAfterMs > MID_CAMPAIGN).length, 0);

    const floor = monitorCallFloor({ fuotaTaskDevices: Array(size.tasks).fill(size.devices), otaTasks: 0, stackResources: resources.length });
    const tickMs: number[] = [];
    let apiCalls = 0;
    let detail = '';
    for (let tick = 0; tick <= ticks; tick++) {
      const stacks = pagedStackResources(resources);
      const from = emulator.journal.length;
      const started = process.hrtime.bigint();
      const summary = await runTick({
        stackId: STACK_ID,
        scheduleRuleName: 'Bench-campaign-monitor',
        stacks,
        rule: { disableRule: async () => { throw new Error('bench: the monitor disabled its schedule mid-campaign'); } },
        events: { put: async () => { throw new Error('bench: the stack has no rollout, yet the monitor published a rollout event'); } },
        wireless,
        managedIntegrations,
        deadline: Date.now() + 5 * MINUTE,
        now: Date.now,
        writeLine: () => {},
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const journal = emulator.journal.slice(from);
      if (summary.apiCalls !== journal.length + stacks.pagesRead || summary.published !== size.tasks) {
        throw new Error(`bench: tick of ${size.tasks}x${size.devices} counted ${summary.apiCalls} calls and published ${summary.published} tasks; the emulator saw ${journal.length} and the reader ${stacks.pagesRead} pages`);
      }
      apiCalls = summary.apiCalls;
      detail = tally([...Array(stacks.pagesRead).fill('ListStackResources'), ...journal.map((entry) => entry.operation)]);
      if (tick > 0) tickMs.push(ms);
    }
    return { ...size, floor, apiCalls, detail, tickMs, pendingShare: pending / (size.tasks * size.devices) };
  } finally {
    wireless.destroy();
    await emulator.stop();
  }
}

function tally(operations: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const operation of operations) counts.set(operation, (counts.get(operation) ?? 0) + 1);
  return [...counts].map(([operation, n]) => (n > 1 ? `${operation} x${n}` : operation)).join(', ');
}

export interface MonitorTemplateRow {
  readonly tasks: number;
  /** Template resources without any campaign metric, and with `metricSucceeded()` on every task. */
  readonly without: number;
  readonly withMetrics: number;
  readonly addedTypes: string;
}

/** The library's bench stack with `tasks` tasks (outputs off), with or without `metricSucceeded()` on each. */
export function monitorTemplateRow(tasks: number): MonitorTemplateRow {
  const count = (metrics: boolean) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-monitor-'));
    try {
      const app = buildBenchApp({ peer: 'library', tasks, outputs: false, outdir });
      if (metrics) for (const task of app.node.findAll().filter((c): c is FuotaTask => c instanceof FuotaTask)) task.metricSucceeded();
      app.synth();
      const template = JSON.parse(fs.readFileSync(path.join(outdir, `${BENCH_STACK}.template.json`), 'utf8'));
      const types = Object.values<any>(template.Resources).map((r) => r.Type as string);
      return { resources: measureAssembly(outdir, BENCH_STACK).resources, types };
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  };
  const without = count(false);
  const withMetrics = count(true);
  return { tasks, without: without.resources, withMetrics: withMetrics.resources, addedTypes: tally(typesAdded(without.types, withMetrics.types)) };
}

/** The resource types in `after` beyond those in `before` (a multiset difference). */
function typesAdded(before: readonly string[], after: readonly string[]): string[] {
  const left = [...before];
  return after.filter((type) => {
    const at = left.indexOf(type);
    if (at < 0) return true;
    left.splice(at, 1);
    return false;
  });
}

export interface MonitorFigures {
  readonly templates: readonly MonitorTemplateRow[];
  readonly ticks: readonly MonitorTickResult[];
  /** Measured ticks per size (after one warm-up tick). */
  readonly ticksPerSize: number;
}

export const MONITOR_TASKS = [1, 100];
export const MONITOR_DEVICES = [1, 100, 1000];

/** The template rows for 1 and 100 tasks, then each tasks × devices size on a stack of that many resources. */
export async function measureMonitor(ticksPerSize: number, log: (line: string) => void = () => {}): Promise<MonitorFigures> {
  const templates = MONITOR_TASKS.map(monitorTemplateRow);
  const ticks: MonitorTickResult[] = [];
  for (const row of templates) {
    for (const devices of MONITOR_DEVICES) {
      const result = await measureMonitorTick({ tasks: row.tasks, devices, stackResources: row.withMetrics }, ticksPerSize);
      ticks.push(result);
      log(`  campaign monitor ${String(row.tasks).padStart(3)} tasks x ${String(devices).padStart(4)} devices  ${result.apiCalls} calls (floor ${result.floor})`);
    }
  }
  return { templates, ticks, ticksPerSize };
}
