// API calls per lifecycle, counted by the local service emulator while the replay runs the bundled
// FuotaTask handler as CloudFormation and the Provider framework would.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lifecycleApp } from './peers';
import { StackReplay } from '../src/emulator/replay';
import { JournalEntry, ServiceEmulator } from '../src/emulator/server';

export interface LifecycleCalls {
  readonly devices: number;
  /** Create with the devices, started an hour after deployment. */
  readonly createAndStart: CallCount;
  /** An update adding one device to a task not yet started (a started task takes no new devices). */
  readonly addOneDevice: CallCount;
  readonly delete: CallCount;
}

export interface CallCount {
  readonly calls: number;
  /** Calls by operation, e.g. `GetFuotaTask x2`. */
  readonly detail: string;
}

const deviceIds = (howMany: number) => Array.from({ length: howMany }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

export async function countLifecycleCalls(devices: number): Promise<LifecycleCalls> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-lifecycle-'));
  const synth = (name: string, ids: readonly string[], started: boolean) => {
    const outdir = path.join(work, name);
    lifecycleApp(outdir, ids, started).synth();
    return outdir;
  };
  try {
    const started = synth('started', deviceIds(devices), true);
    const unstarted = synth('unstarted', deviceIds(devices), false);
    const plusOne = synth('plus-one', deviceIds(devices + 1), false);

    const run = async (steps: ((replay: StackReplay) => Promise<unknown>)[]): Promise<CallCount[]> => {
      const emulator = await ServiceEmulator.start({ clockStart: Date.UTC(2026, 0, 1) });
      emulator.knowWirelessDevices(...deviceIds(devices + 1));
      const replay = await StackReplay.start(emulator, { stackName: 'Bench' });
      const counts: CallCount[] = [];
      try {
        for (const step of steps) {
          const from = emulator.journal.length;
          const result: any = await step(replay);
          if (!result.succeeded) throw new Error(`lifecycle replay failed: ${result.failure ?? result.stackStatus}`);
          counts.push(countCalls(emulator.journal.slice(from)));
        }
      } finally {
        await replay.stop();
        await emulator.stop();
      }
      return counts;
    };

    const [createAndStart, deleteStarted] = await run([(r) => r.deploy(started), (r) => r.destroy()]);
    const [, addOneDevice] = await run([(r) => r.deploy(unstarted), (r) => r.deploy(plusOne), (r) => r.destroy()]);
    return { devices, createAndStart, addOneDevice, delete: deleteStarted };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function countCalls(journal: readonly JournalEntry[]): CallCount {
  const byOperation = new Map<string, number>();
  for (const entry of journal) byOperation.set(entry.operation, (byOperation.get(entry.operation) ?? 0) + 1);
  const detail = [...byOperation].map(([operation, n]) => (n > 1 ? `${operation} x${n}` : operation)).join(', ');
  return { calls: journal.length, detail };
}

/**
 * The same lifecycle hand-rolled with AwsCustomResource, counted by construction: its handler makes
 * exactly one SDK call per event, so every association and the start are resources of their own.
 */
export function awsCustomResourceCalls(devices: number): LifecycleCalls {
  return {
    devices,
    createAndStart: {
      calls: devices + 2,
      detail: `CreateFuotaTask, AssociateWirelessDeviceWithFuotaTask x${devices}, StartFuotaTask (${devices + 2} resources, ${devices + 2} IAM policies)`,
    },
    addOneDevice: { calls: 1, detail: 'AssociateWirelessDeviceWithFuotaTask (1 more resource and IAM policy)' },
    delete: { calls: 1, detail: 'DeleteFuotaTask (the association and start resources have no Delete call)' },
  };
}
