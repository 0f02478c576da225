import * as fc from 'fast-check';
import { TaskProgress } from '../../src/monitoring/task-progress';
import { decideRollout, NOT_STARTED_STATUS, tagValue, WaveSnapshot } from '../../src/rollout/handler/decide';
import { encodeGate, GateSpec, gateRevision, ROLLOUT_TAGS } from '../../src/rollout/rollout-tags';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const GATE: GateSpec = { minSuccessPercent: 90, maxFailurePercent: 10, advanceAtPercent: 100, soakSeconds: 0 };

function progress(status: string, counts: Partial<TaskProgress> = {}): TaskProgress {
  const succeeded = counts.succeeded ?? 0;
  const failed = counts.failed ?? 0;
  const pending = counts.pending ?? 0;
  return {
    taskType: 'FuotaTask',
    taskId: 'x',
    status,
    finished: status === 'FuotaDone',
    running: status === 'In_FuotaSession',
    targets: succeeded + failed + pending,
    succeeded,
    failed,
    pending,
    failuresByReason: {},
    granularity: 'device',
    ...counts,
  };
}

function wave(n: number, of: number, p: TaskProgress, tags: Record<string, string> = {}, gate: GateSpec | null = GATE): WaveSnapshot {
  const declared: Record<string, string> = { [ROLLOUT_TAGS.rollout]: 'fw', [ROLLOUT_TAGS.wave]: `${n}/${of}` };
  if (n > 1 && gate) declared[ROLLOUT_TAGS.gate] = encodeGate(gate);
  return { wave: n, waves: of, taskId: `task${n}`, taskArn: `arn:aws:iotwireless:eu-west-1:1:FuotaTask/task${n}`, started: p.status !== NOT_STARTED_STATUS, progress: { ...p, taskId: `task${n}` }, tags: { ...declared, ...tags } };
}

const pending = (targets: number) => progress(NOT_STARTED_STATUS, { pending: targets });
const starts = (d: ReturnType<typeof decideRollout>) => d.actions.filter((a) => a.kind === 'start').map((a) => a.wave.wave);

describe('decideRollout', () => {
  test('the first wave starts at once, or waits for its approval', () => {
    expect(starts(decideRollout('fw', [wave(1, 2, pending(5)), wave(2, 2, pending(50))], NOW))).toEqual([1]);
    const gated = decideRollout('fw', [wave(1, 2, pending(5), { [ROLLOUT_TAGS.approval]: 'required' }), wave(2, 2, pending(50))], NOW);
    expect(gated).toMatchObject({ state: 'awaiting-approval', nextWave: 1, actions: [] });
  });

  test('wave 2 waits while wave 1 has not reported enough, then starts when it passes', () => {
    const running = decideRollout('fw', [wave(1, 2, progress('In_FuotaSession', { succeeded: 3, pending: 2 })), wave(2, 2, pending(50))], NOW);
    expect(running).toMatchObject({ state: 'waiting', nextWave: 2, actions: [] });
    expect(running.reason).toContain('60% of its devices reported, 100% needed');

    const passed = decideRollout('fw', [wave(1, 2, progress('FuotaDone', { succeeded: 5 })), wave(2, 2, pending(50))], NOW);
    expect(passed.state).toBe('starting');
    expect(passed.actions.map((a) => a.kind)).toEqual(['tag', 'start']);
    expect(passed.actions[0]).toMatchObject({ key: ROLLOUT_TAGS.gatePassed, value: `${gateRevision(encodeGate(GATE))} 2026-12-03T12:00:00.000Z` });
  });

  test('failures over the limit halt early, with the figures, and the halt is latched for the same gate', () => {
    const failing = decideRollout('fw', [wave(1, 3, progress('In_FuotaSession', { succeeded: 1, failed: 2, pending: 7 })), wave(2, 3, pending(50)), wave(3, 3, pending(500))], NOW);
    expect(failing.state).toBe('halted');
    expect(failing.reason).toBe('wave 2/3: halted: wave 1 has 20% failed, more than max-failure-percent 10% (1 succeeded, 2 failed, 7 pending of 10)');
    expect(failing.actions.map((a) => a.kind)).toEqual(['halted', 'tag']);
    const haltTag = failing.actions[1] as { value: string };

    // Later, even with the counts changed, the halt stands while the gate is the same...
    const later = decideRollout('fw', [wave(1, 3, progress('FuotaDone', { succeeded: 10 })), wave(2, 3, pending(50), { [ROLLOUT_TAGS.halted]: haltTag.value }), wave(3, 3, pending(500))], NOW);
    expect(later).toMatchObject({ state: 'halted', actions: [] });
    // ...and a redeployed, lower bar is judged anew.
    const lower = { ...GATE, maxFailurePercent: 30, minSuccessPercent: 70 };
    const redeployed = decideRollout('fw', [wave(1, 3, progress('FuotaDone', { succeeded: 8, failed: 2 })), wave(2, 3, pending(50), { [ROLLOUT_TAGS.halted]: haltTag.value }, lower), wave(3, 3, pending(500))], NOW);
    expect(starts(redeployed)).toEqual([2]);
  });

  test('an approval starts the wave whatever the gate says', () => {
    const halted = decideRollout('fw', [wave(1, 2, progress('FuotaDone', { failed: 5 })), wave(2, 2, pending(50), { [ROLLOUT_TAGS.approved]: '2026-12-03T11:00:00Z', [ROLLOUT_TAGS.halted]: `${gateRevision(encodeGate(GATE))} x` })], NOW);
    expect(starts(halted)).toEqual([2]);
    expect(halted.reason).toContain('approved at 2026-12-03T11:00:00Z');
  });

  test('a wave that requires approval waits after its gate passed; the soak time counts from the first pass', () => {
    const soak = { ...GATE, soakSeconds: 3600 };
    const first = decideRollout('fw', [wave(1, 2, progress('FuotaDone', { succeeded: 5 })), wave(2, 2, pending(50), {}, soak)], NOW);
    expect(first).toMatchObject({ state: 'soaking' });
    expect(first.actions.map((a) => a.kind)).toEqual(['tag']);
    const passedTag = { [ROLLOUT_TAGS.gatePassed]: `${gateRevision(encodeGate(soak))} ${new Date(NOW).toISOString()}` };
    expect(decideRollout('fw', [wave(1, 2, progress('FuotaDone', { succeeded: 5 })), wave(2, 2, pending(50), passedTag, soak)], NOW + 3599_000).state).toBe('soaking');
    expect(starts(decideRollout('fw', [wave(1, 2, progress('FuotaDone', { succeeded: 5 })), wave(2, 2, pending(50), passedTag, soak)], NOW + 3600_000))).toEqual([2]);
    // Devices that fail after the pass, while it soaks, still halt it.
    const lateFailures = decideRollout('fw', [wave(1, 2, progress('FuotaDone', { succeeded: 4, failed: 1 })), wave(2, 2, pending(50), passedTag, soak)], NOW + 3600_000);
    expect(lateFailures).toMatchObject({ state: 'halted' });
    expect(lateFailures.reason).toContain('wave 1 has 20% failed, more than max-failure-percent 10%');
    expect(starts(lateFailures)).toEqual([]);
    const approval = decideRollout('fw', [wave(1, 2, progress('FuotaDone', { succeeded: 5 })), wave(2, 2, pending(50), { ...passedTag, [ROLLOUT_TAGS.approval]: 'required' }, soak)], NOW + 3600_000);
    expect(approval).toMatchObject({ state: 'awaiting-approval', actions: [] });
  });

  test('a finished wave below the bar halts; one that never reported enough times out', () => {
    const low = decideRollout('fw', [wave(1, 2, progress('FuotaDone', { succeeded: 8, pending: 2 }), {}), wave(2, 2, pending(50), {}, { ...GATE, maxFailurePercent: 50 })], NOW);
    expect(low.reason).toContain('finished with 80% succeeded, less than min-success 90%');
    const timeout = { ...GATE, timeoutSeconds: 3600 };
    const slow = progress('In_FuotaSession', { succeeded: 1, pending: 9, startTime: new Date(NOW - 3601_000).toISOString() });
    expect(decideRollout('fw', [wave(1, 2, slow), wave(2, 2, pending(50), {}, timeout)], NOW).reason).toContain('did not pass its gate within the timeout of 3600 seconds');
    expect(decideRollout('fw', [wave(1, 2, slow), wave(2, 2, pending(50), {}, timeout)], NOW - 2000).state).toBe('waiting');
  });

  test('multicast-group waves report no per-device outcome: the next wave waits for an approval', () => {
    const groups = { ...progress('FuotaDone'), granularity: 'group' as const, targets: 2 };
    expect(decideRollout('fw', [wave(1, 2, groups), wave(2, 2, pending(50))], NOW)).toMatchObject({ state: 'awaiting-approval', actions: [] });
  });

  test('a missing or unreadable gate, a wave not in the stack, and a deleted previous wave never start anything', () => {
    expect(decideRollout('fw', [wave(1, 2, progress('FuotaDone', { succeeded: 5 })), wave(2, 2, pending(5), {}, null)], NOW)).toMatchObject({ state: 'halted', actions: [] });
    expect(decideRollout('fw', [wave(1, 2, progress('FuotaDone', { succeeded: 5 })), wave(2, 2, pending(5), { [ROLLOUT_TAGS.gate]: 'min-success=ninety' })], NOW).actions).toEqual([]);
    expect(decideRollout('fw', [wave(1, 3, progress('FuotaDone', { succeeded: 5 })), wave(3, 3, pending(5))], NOW)).toMatchObject({ state: 'waiting', reason: 'wave 3/3: waves 2 are not in the stack (being created or deleted)' });
    expect(decideRollout('fw', [wave(1, 2, progress('DELETED')), wave(2, 2, pending(5))], NOW).reason).toContain('wave 1 is gone');
    expect(decideRollout('fw', [wave(1, 2, progress('FuotaDone', { succeeded: 5 })), wave(2, 2, progress('In_FuotaSession', { pending: 5 }))], NOW)).toMatchObject({ state: 'complete', wavesStarted: 2 });
  });

  test('tag values keep to the characters every service accepts', () => {
    expect(tagValue('wave 1 has 20% failed (1, 2) ✓')).toBe('wave 1 has 20 percent failed: 1 / 2');
    expect(tagValue('x'.repeat(300))).toHaveLength(256);
  });

  test('property: only the first unstarted wave can start, and only when approved, first, or its predecessor passed the gate', () => {
    const counts = fc.record({ succeeded: fc.nat(20), failed: fc.nat(20), pending: fc.nat(20) });
    const status = fc.constantFrom(NOT_STARTED_STATUS, 'FuotaSession_Waiting', 'In_FuotaSession', 'FuotaDone');
    const waveArb = fc.record({ status, counts, approved: fc.boolean(), approval: fc.boolean(), halted: fc.boolean() });
    fc.assert(fc.property(fc.array(waveArb, { minLength: 1, maxLength: 5 }), (spec) => {
      const snapshots = spec.map((w, i) => wave(i + 1, spec.length, progress(w.status, w.counts), {
        ...w.approved ? { [ROLLOUT_TAGS.approved]: 'now' } : {},
        ...w.approval ? { [ROLLOUT_TAGS.approval]: 'required' } : {},
        ...w.halted ? { [ROLLOUT_TAGS.halted]: `${gateRevision(encodeGate(GATE))} earlier` } : {},
      }));
      const decision = decideRollout('fw', snapshots, NOW);
      const started = starts(decision);
      expect(started.length).toBeLessThanOrEqual(1);
      if (started.length === 0) return;
      const k = started[0];
      const next = snapshots.find((s) => s.progress.status === NOT_STARTED_STATUS)!;
      expect(k).toBe(next.wave);
      const w = spec[k - 1];
      if (w.approved) return;
      expect(w.halted && k > 1).toBe(false);
      expect(w.approval).toBe(false);
      if (k === 1) return;
      const previous = snapshots[k - 2].progress;
      const reported = previous.succeeded + previous.failed;
      expect(previous.targets).toBeGreaterThan(0);
      expect(previous.failed * 100 / previous.targets).toBeLessThanOrEqual(GATE.maxFailurePercent!);
      expect(previous.finished || reported === previous.targets).toBe(true);
      expect(previous.succeeded * 100 / (previous.finished ? previous.targets : reported)).toBeGreaterThanOrEqual(GATE.minSuccessPercent);
    }), { numRuns: 2000 });
  });
});
