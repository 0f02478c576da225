import { progressLine, targetLines, tasksFailingAbove } from '../../src/cli/progress-line';
import { parseStatusOptions, STATUS_USAGE } from '../../src/cli/status-options';
import { TargetStatus, TaskProgress } from '../../src/monitoring/task-progress';

describe('status options', () => {
  test('the stack, a region, watch, an interval and a failure gate', () => {
    expect(parseStatusOptions(['--stack', 'Sensors', '--region=eu-west-1', '--watch', '--interval', '10', '--fail-above', '5%']))
      .toEqual({ stack: 'Sensors', region: 'eu-west-1', watch: true, intervalSeconds: 10, failAbove: 0.05, targets: false, targetsLimit: 20 });
    expect(parseStatusOptions(['--stack=Sensors'])).toEqual({ stack: 'Sensors', region: undefined, watch: false, intervalSeconds: 30, failAbove: undefined, targets: false, targetsLimit: 20 });
    expect(parseStatusOptions(['--stack', 'S', '--fail-above', '0.5']).failAbove).toBe(0.005);
  });

  test('targets, with a limit of lines per task', () => {
    expect(parseStatusOptions(['--stack', 'S', '--targets'])).toMatchObject({ targets: true, targetsLimit: 20 });
    expect(parseStatusOptions(['--stack', 'S', '--targets', '--targets-limit', '1'])).toMatchObject({ targets: true, targetsLimit: 1 });
    expect(parseStatusOptions(['--stack', 'S', '--targets-limit=500', '--targets'])).toMatchObject({ targets: true, targetsLimit: 500 });
  });

  test('the usage names every option', () => {
    for (const flag of ['--stack', '--region', '--watch', '--interval', '--fail-above', '--targets', '--targets-limit']) expect(STATUS_USAGE).toContain(flag);
  });

  test.each([
    [[], /--stack is required/],
    [['--stack'], /--stack needs a value/],
    [['--stack', 'S', '--fail-above', '120%'], /--fail-above must be a percentage from 0 to 100 \(e.g. 5%\), got "120%"/],
    [['--stack', 'S', '--fail-above', 'five'], /--fail-above must be a percentage/],
    [['--stack', 'S', '--interval', '1'], /--interval must be a whole number of seconds, at least 5, got "1"/],
    [['--stack', 'S', '--verbose'], /unknown argument "--verbose"\nusage: cdk-iot-ota-tasks status --stack NAME/],
    [['--stack', 'S', '--targets', '--targets-limit', '0'], /--targets-limit must be a whole number of lines, at least 1, got "0"/],
    [['--stack', 'S', '--targets', '--targets-limit', '2.5'], /--targets-limit must be a whole number of lines, at least 1, got "2.5"/],
    [['--stack', 'S', '--targets', '--targets-limit'], /--targets-limit needs a value/],
    [['--stack', 'S', '--targets-limit', '5'], /--targets-limit needs --targets\nusage:/],
  ])('%j is refused', (args, message) => {
    expect(() => parseStatusOptions(args as string[])).toThrow(message);
  });
});

function progress(overrides: Partial<TaskProgress> = {}): TaskProgress {
  return {
    taskType: 'FuotaTask',
    taskId: 't',
    status: 'In_FuotaSession',
    finished: false,
    running: true,
    targets: 20,
    succeeded: 8,
    failed: 2,
    pending: 10,
    failuresByReason: { MissingFrag: 2 },
    granularity: 'device',
    ...overrides,
  };
}

describe('progress line', () => {
  test('a bar of finished targets, the counts, the status and the reasons', () => {
    expect(progressLine(progress(), 'Sensors/SensorFirmwareV2')).toBe(
      `${'FuotaTask Sensors/SensorFirmwareV2'.padEnd(40)}  [##########..........]   50%  8 ok  2 failed  10 pending  of 20 targets  In_FuotaSession  (MissingFrag 2)`);
  });

  test('no targets is 0 %, groups are named as groups', () => {
    expect(progressLine(progress({ targets: 0, succeeded: 0, failed: 0, pending: 0, failuresByReason: {}, granularity: 'group' }), 'x'))
      .toContain('[....................]    0%  0 ok  0 failed  0 pending  of 0 groups  In_FuotaSession');
  });

  test('the failure gate counts each task by its own share, strictly above', () => {
    const tasks = [progress({ taskId: 'a', failed: 1, targets: 20 }), progress({ taskId: 'b', failed: 2, targets: 20 }), progress({ taskId: 'c', failed: 0, targets: 0 })];
    expect(tasksFailingAbove(tasks, 0.05).map((t) => t.taskId)).toEqual(['b']);
    expect(tasksFailingAbove(tasks, 0).map((t) => t.taskId)).toEqual(['a', 'b']);
  });
});

describe('target lines', () => {
  const targets: TargetStatus[] = [
    { targetId: 'dev-ok-1', status: 'Successful', outcome: 'succeeded' },
    { targetId: 'dev-wait', status: 'Initial', outcome: 'pending' },
    { targetId: 'dev-bad', status: 'MissingFrag', outcome: 'failed' },
    { targetId: 'dev-ok-2', status: 'Successful', outcome: 'succeeded' },
  ];

  test('one line per target, failed first, then pending, then succeeded, ids aligned', () => {
    expect(targetLines(targets, 20)).toEqual([
      '    dev-bad   MissingFrag',
      '    dev-wait  Initial',
      '    dev-ok-1  Successful',
      '    dev-ok-2  Successful',
    ]);
  });

  test('beyond the limit, one line says how many more', () => {
    expect(targetLines(targets, 2)).toEqual(['    dev-bad   MissingFrag', '    dev-wait  Initial', '    … and 2 more (--targets-limit)']);
    expect(targetLines(targets, 4)).toHaveLength(4);
    expect(targetLines([], 3)).toEqual([]);
  });
});
