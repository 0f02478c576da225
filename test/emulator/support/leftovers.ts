// What the fault and kill runs check the emulator for once a run is over.
import { ServiceEmulator } from '../../../src/emulator/server';

/**
 * What the emulator holds that none of `live` (the physical ids CloudFormation still holds) owns:
 * tasks and configurations, and S3 objects no live OTA task's S3Url names, but for `keep` (objects
 * the run put there itself, as `bucket/key`).
 */
export function orphans(emulator: ServiceEmulator, live: ReadonlySet<string>, keep: readonly string[] = []): string[] {
  const { fuotaTasks, otaTasks, otaTaskConfigurations, s3Objects } = emulator.state;
  const found: string[] = [];
  for (const id of fuotaTasks.keys()) if (!live.has(id)) found.push(`FuotaTask ${id}`);
  for (const id of otaTasks.keys()) if (!live.has(id)) found.push(`OtaTask ${id}`);
  for (const id of otaTaskConfigurations.keys()) if (!live.has(id)) found.push(`OtaTaskConfiguration ${id}`);
  const documents = new Set([...otaTasks.values()].filter((task) => live.has(task.id))
    .map((task) => String(task.fields.S3Url).replace(/^s3:\/\//, '')));
  for (const location of s3Objects.keys()) {
    if (!documents.has(location) && !keep.includes(location)) found.push(`S3 object ${location}`);
  }
  return found;
}

/** More than one task or configuration: each run declares one of each kind at most. */
export function duplicates(emulator: ServiceEmulator): string[] {
  const { fuotaTasks, otaTasks, otaTaskConfigurations } = emulator.state;
  return ([[fuotaTasks.size, 'FUOTA tasks'], [otaTasks.size, 'OTA tasks'], [otaTaskConfigurations.size, 'OTA task configurations']] as const)
    .filter(([size]) => size > 1).map(([size, kind]) => `${size} ${kind}`);
}
