// The campaign monitor's Lambda entry point: one function per stack, invoked by its schedule.
// The work is in ./handler/monitor.ts (filled in by the status-reader work).
export async function handler(): Promise<void> {
  throw new Error('campaign monitor: not implemented yet');
}
