// The virtual clock the emulator's time-dependent rules run on, and the sleep a replay driver can
// give handlers so their back-off costs virtual, not real, time.
import { VirtualClock } from '../../src/emulator/clock';

const START = Date.parse('2030-06-01T12:00:00.000Z');

test('time stands still until advanced, and never goes back', () => {
  const clock = new VirtualClock(START);
  expect(clock.now()).toBe(START);
  clock.advance(1500);
  expect(clock.date().toISOString()).toBe('2030-06-01T12:00:01.500Z');
  expect(() => clock.set(START)).toThrow(/cannot go back/);
  expect(() => clock.advance(-1)).toThrow(/ms must be >= 0/);
});

test('sleepers wake in due order when the clock passes their time, not before', async () => {
  const clock = new VirtualClock(START);
  const woke: string[] = [];
  const late = clock.sleep(2000).then(() => woke.push('late'));
  const early = clock.sleep(1000).then(() => woke.push('early'));
  expect([clock.sleeping, clock.nextWakeUp()]).toEqual([2, START + 1000]);
  clock.advance(999);
  await Promise.resolve();
  expect(woke).toEqual([]);
  clock.advance(5000);
  await Promise.all([late, early]);
  expect(woke).toEqual(['early', 'late']);
  expect([clock.sleeping, clock.nextWakeUp()]).toEqual([0, undefined]);
});
