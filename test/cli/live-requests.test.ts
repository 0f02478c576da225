// The replay's live status line: every request in flight on one line, redrawn in place, and each
// finished request's line written above it.
import { LiveRequests, LiveTerminal } from '../../src/cli/live-requests';
import type { ReplayProgress, ReplayStep } from '../../src/emulator/replay';

const AT = Date.parse('2030-06-01T12:00:10Z');
const start = (logicalId: string): ReplayProgress => ({ kind: 'start', logicalId, resourceType: 'Custom::IoTWirelessFuotaTask', requestType: 'Create', phase: 'deploy' });
const poll = (logicalId: string, attempt: number): ReplayProgress => ({ kind: 'poll', logicalId, requestType: 'Create', phase: 'deploy', attempt, virtualTime: AT });
const end = (logicalId: string): ReplayProgress => ({ kind: 'end', step: { logicalId } as ReplayStep });

function terminal(columns = 200) {
  const writes: string[] = [];
  const term: LiveTerminal = { write: (text) => writes.push(text), columns };
  return { term, writes };
}

test('requests in parallel share one status line; a finished one is written above it', () => {
  const { term, writes } = terminal();
  const finished: string[] = [];
  const live = new LiveRequests(term, (step) => { writes.push(`<${step.logicalId} done>`); finished.push(step.logicalId); });

  live.report(start('SensorsA'));
  live.report(start('HubsB'));
  expect(writes.pop()).toBe('\r  | 2 in flight: Create SensorsA, Create HubsB\x1b[K');
  live.report(poll('SensorsA', 1));
  expect(writes.pop()).toBe('\r  / 2 in flight: Create SensorsA (isComplete #1, 12:00:10 virtual), Create HubsB\x1b[K');

  writes.splice(0);
  live.report(end('HubsB'));
  // The status line is cleared before the finished line, then drawn again for what is left.
  expect(writes).toEqual(['\r\x1b[K', '<HubsB done>', '\r  / 1 in flight: Create SensorsA (isComplete #1, 12:00:10 virtual)\x1b[K']);

  writes.splice(0);
  live.report(end('SensorsA'));
  expect(writes).toEqual(['\r\x1b[K', '<SensorsA done>', '\r\x1b[K']);
  expect(finished).toEqual(['HubsB', 'SensorsA']);
});

test('the status line is cut to the terminal\'s width', () => {
  const { term, writes } = terminal(40);
  const live = new LiveRequests(term, () => undefined);
  live.report(start('SensorFirmwareV2A1B2C3D4'));
  live.report(start('HubFirmwareV3E5F6A7B8'));
  const status = writes.pop()!.replace('\r', '').replace('\x1b[K', '');
  expect(status).toBe('  | 2 in flight: Create SensorFirmware…');
  expect(status.length).toBe(39);
});

test('not a terminal: only the finished lines, no status line', () => {
  const finished: string[] = [];
  const live = new LiveRequests(undefined, (step) => finished.push(step.logicalId));
  for (const progress of [start('A'), poll('A', 1), start('B'), end('A'), end('B')]) live.report(progress);
  expect(finished).toEqual(['A', 'B']);
});
