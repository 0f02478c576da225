// `cdk-iot-ota-tasks replay` as a user runs it: the packed tarball installed in a temporary
// directory, its bin run on the consumer app (test/support/consumer-app.ts), its output and exit
// code asserted. Also the option parser.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseReplayOptions, REPLAY_USAGE } from '../../src/cli/replay-options';
import { CONSUMER_ROLLOUT, CONSUMER_STACKS, synthConsumerApp } from '../support/consumer-app';

jest.setTimeout(180_000);

const REPO = path.join(__dirname, '..', '..');

describe('replay options', () => {
  test('the assembly, a stack, an older assembly, a seed and fault rates', () => {
    expect(parseReplayOptions(['out', '--stack', 'Sensors', '--update-from=old', '--seed', '7', '--faults', 'throttle=0.2,5xx=0.05']))
      .toEqual(expect.objectContaining({ assemblyDir: 'out', stack: 'Sensors', updateFrom: 'old', seed: 7, throttleRate: 0.2, serverErrorRate: 0.05, keep: false }));
    expect(parseReplayOptions([])).toEqual({
      assemblyDir: 'cdk.out',
      stack: undefined,
      updateFrom: undefined,
      seed: undefined,
      keep: false,
      runCampaigns: false,
      campaignHours: undefined,
      approve: [],
      successShare: undefined,
      outcomes: {},
    });
    expect(parseReplayOptions(['--keep']).keep).toBe(true);
  });

  test('campaigns: a time limit and the rollouts to approve', () => {
    expect(parseReplayOptions(['--run-campaigns', '--campaign-hours', '6', '--approve', 'sensors-v4', '--approve=hubs-v3', '--success-share', '0.5', '--outcome', 'm-1=MissingFrag', '--outcome=hub2=FAILED']))
      .toEqual(expect.objectContaining({
        runCampaigns: true, campaignHours: 6, approve: ['sensors-v4', 'hubs-v3'], successShare: 0.5, outcomes: { 'm-1': 'MissingFrag', 'hub2': 'FAILED' },
      }));
  });

  test('the usage names every option', () => {
    for (const flag of ['--stack', '--update-from', '--seed', '--faults', '--keep', '--run-campaigns', '--campaign-hours', '--approve', '--success-share', '--outcome']) expect(REPLAY_USAGE).toContain(flag);
  });

  test.each([
    [['--faults', 'throttle=2'], /--faults "throttle=2": each fault is KIND=RATE with a rate from 0 to 1/],
    [['--faults', 'latency=0.1'], /the fault kinds are throttle and 5xx/],
    [['--faults', 'throttle'], /each fault is KIND=RATE/],
    [['--seed', '-1'], /--seed must be a whole number of 0 or more, got "-1"/],
    [['--stack'], /--stack needs a value/],
    [['a', 'b'], /one cloud assembly at most, got a b/],
    [['--verbose'], /unknown option --verbose\nusage: cdk-iot-ota-tasks replay/],
    [['--approve', 'sensors-v4'], /--campaign-hours, --approve, --success-share and --outcome need --run-campaigns/],
    [['--run-campaigns', '--success-share', '1.5'], /--success-share must be a share from 0 to 1, got "1.5"/],
    [['--run-campaigns', '--outcome', 'meter-1'], /--outcome is TARGET=STATUS/],
    [['--run-campaigns', '--campaign-hours', '0'], /--campaign-hours must be a number of virtual hours above 0 and at most 744/],
  ])('%j is refused', (args, message) => {
    expect(() => parseReplayOptions(args)).toThrow(message);
  });
});

describe('the installed command', () => {
  let work: string;
  let bin: string;
  let v1: string;
  let v2: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-command-'));
    const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO, encoding: 'utf8' });
    if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
    const tarball = path.join(work, JSON.parse(packed.stdout)[0].filename);
    const consumer = path.join(work, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    // The package has no dependencies of its own; its peers (aws-cdk-lib, constructs) are not needed to replay.
    const installed = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--legacy-peer-deps', '--ignore-scripts', tarball], { cwd: consumer, encoding: 'utf8' });
    if (installed.status !== 0) throw new Error(`npm install failed: ${installed.stderr}`);
    bin = path.join(consumer, 'node_modules', '.bin', 'cdk-iot-ota-tasks');
    v1 = synthConsumerApp(1);
    v2 = synthConsumerApp(2);
  });

  afterAll(() => {
    for (const dir of [work, v1, v2]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => spawnSync(bin, ['replay', ...args], { encoding: 'utf8', env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` } });

  test('a stack of several, with the user\'s own resources: a line per request, the summary, exit 0', () => {
    const result = run(v2, '--stack', CONSUMER_STACKS.sensors);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/ok {6}Create SensorFirmware\w+ \[Custom::IoTWirelessFuotaTask\], isComplete ×\d+/);
    expect(result.stdout).toMatch(/ok {6}Delete SensorFirmware\w+ \[Custom::IoTWirelessFuotaTask\]/);
    expect(result.stdout).toContain('CREATE → CREATE_COMPLETE');
    expect(result.stdout).toContain('DELETE → DELETE_COMPLETE');
    expect(result.stdout).toMatch(/iotwireless:CreateFuotaTask +1\n/);
    expect(result.stdout).toMatch(/Tasks after the deployment: 1\n {2}FuotaTask \S+ /);
    expect(result.stdout).toMatch(/ {2}the library's own \(providers, campaign monitor, roles, logs\): .*AWS::IAM::Role ×\d+/);
    expect(result.stdout).toMatch(/ {2}the app's:\n(?: {4}.*\n)* {4}AWS::Lambda::Function ×1: UploadNotifier\w+\n/);
    expect(result.stdout).toMatch(/ {4}AWS::S3::Bucket ×1: FirmwareUploads\w+\n/);
    expect(result.stdout).not.toContain('orphans');
    expect(result.stdout.trim().split('\n').pop()).toBe('Replay succeeded.');
  });

  test('an update from an older assembly', () => {
    const result = run(v2, '--stack', CONSUMER_STACKS.hubs, '--update-from', v1);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/ok {6}Update HubFirmware\w+ \[Custom::IoTManagedIntegrationsOtaTask\]/);
    expect(result.stdout).toContain('UPDATE → UPDATE_COMPLETE');
    expect(result.stdout).toMatch(/iotmanagedintegrations:UpdateOtaTask +1\n/);
  });

  test('seeded faults: the faults are counted, nothing is left and no task is made twice', () => {
    const result = run(v2, '--stack', CONSUMER_STACKS.sensors, '--update-from', v1, '--seed', '11', '--faults', 'throttle=0.3,5xx=0.1');
    expect(result.stdout).toMatch(/\((\d+) answered with an injected fault\)/);
    expect(result.stdout).toMatch(/Tasks after the deployment: [01]\n/);
    expect(result.stdout).not.toContain('orphans');
    expect(result.status).toBe(result.stdout.includes('Replay succeeded.') ? 0 : 1);
  });

  test('--run-campaigns: the rollout runs to its end on the virtual clock, its progress and a campaign summary, exit 0', () => {
    const result = run(v2, '--stack', CONSUMER_STACKS.rollouts, '--run-campaigns');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/t\+ +0 min {2}FuotaTask MetersWave1\w+ +\[\.{20}\] +0% {2}0 ok {2}0 failed {2}1 pending {2}of 1 targets/);
    expect(out).toMatch(/t\+ +0 min {2}meters-v5: started wave 1 with StartFuotaTask, its FUOTA session at \d\d:\d\d UTC: the first wave/);
    expect(out).toMatch(/t\+ +\d+ min {2}meters-v5: started wave 2 with StartFuotaTask.*: gate passed: wave 1 passed its gate/);
    expect(out).toMatch(/t\+ +\d+ min {2}rollout meters-v5: 2\/2 waves started; complete/);
    expect(out).toContain('Campaigns: every task finished: the monitor disabled its schedule');
    expect(out).toMatch(/ {2}\d+ monitor runs over \d+ virtual minutes\n/);
    expect(out).toMatch(/ {2}rollout meters-v5 {2}2\/2 waves started {2}complete/);
    expect(out).toContain("Outcomes (each target's final status, from the emulator's outcome model):");
    expect(out).toMatch(/ {4}FuotaTask MetersWave2\w+ +2 Successful\n/);
    expect(out).toMatch(/Alarms: 1 evaluated, none went off\n/);
    // The order of the report: the requests, the campaigns, then the deletion.
    expect(out.indexOf('Campaigns: the stack')).toBeGreaterThan(out.indexOf('Create MetersWave2'));
    expect(out.indexOf('Campaigns: the stack')).toBeLessThan(out.indexOf('Delete MetersWave2'));
    expect(out.trim().split('\n').pop()).toBe('Replay succeeded.');
  });

  test('--outcome fails the canary: the rollout halts, its alarm goes off, and it never finishes: exit 1 and why', () => {
    const result = run(v2, '--stack', CONSUMER_STACKS.rollouts, '--run-campaigns', '--success-share', '1', '--outcome', `${CONSUMER_ROLLOUT.canary[0]}=MissingFrag`);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/t\+ +\d+ min {2}rollout meters-v5: 1\/2 waves started; halted: /);
    expect(result.stdout).toMatch(/t\+ +\d+ min {2}ALARM MetersHalted\w+: RolloutHalted 1 >= 1\n/);
    expect(result.stdout).toContain('Campaigns: every rollout left is halted or awaits an approval, and nothing else runs');
    expect(result.stdout).not.toContain('started wave 2');
    expect(result.stdout.trim().split('\n').pop()).toBe('Replay FAILED: the campaigns did not finish (waiting).');
  });

  test('--approve resumes the halted rollout as the approve command would: wave 2 starts, the rollout finishes, exit 0', () => {
    const result = run(v2, '--stack', CONSUMER_STACKS.rollouts, '--run-campaigns', '--success-share', '1',
      '--outcome', `${CONSUMER_ROLLOUT.canary[0]}=MissingFrag`, '--approve', CONSUMER_ROLLOUT.name);
    expect(result.stdout).toContain(`$ cdk-iot-ota-tasks approve --stack ${CONSUMER_STACKS.rollouts} ${CONSUMER_ROLLOUT.name}\n  approved wave 2/2 of meters-v5`);
    expect(result.stdout).toMatch(/meters-v5: started wave 2 with StartFuotaTask.*: approved at /);
    expect(result.stdout).toContain('Campaigns: every task finished');
    expect(result.stdout).toMatch(/Alarms: 1 evaluated, went off: MetersHalted\w+\n/);
    expect(result.stdout.trim().split('\n').pop()).toBe('Replay succeeded.');
    expect(result.status).toBe(0);
  });

  test('an outcome that is no status of either service: exit 2 and the statuses', () => {
    const result = run(v2, '--stack', CONSUMER_STACKS.rollouts, '--run-campaigns', '--outcome', 'meter-1=Broken');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/outcome "Broken" of meter-1 is neither a FUOTA device status \(Successful, Package_Not_Supported, .*\) nor an OTA execution status \(SUCCEEDED, FAILED, /);
  });

  test('the README\'s node:test example passes against the installed package, and fails when its stack does not replay', () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const example = /```js\n(\/\/ sensors\.test\.js \(node:test\)\n[^]*?)```/.exec(readme)?.[1];
    expect(example).toContain("replayStack('cdk.out', { stack: 'Sensors' })");
    const consumer = path.dirname(path.dirname(path.dirname(bin)));
    fs.cpSync(v2, path.join(consumer, 'cdk.out'), { recursive: true });
    const nodeTest = (file: string, code: string) => {
      fs.writeFileSync(path.join(consumer, file), code);
      // TAP names the counts the same on every Node.js (from 23 the default reporter is another).
      return spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], { cwd: consumer, encoding: 'utf8' });
    };
    const passing = nodeTest('sensors.test.js', example!);
    expect(passing.stdout).toMatch(/^# pass 1$/m);
    expect(passing.status).toBe(0);
    // The same test on a stack that is not in the assembly: the runner reports it failed.
    const failing = nodeTest('missing.test.js', example!.replace("stack: 'Sensors'", "stack: 'Missing'"));
    expect(failing.stdout).toMatch(/^# fail 1$/m);
    expect(failing.status).toBe(1);
  });

  test('several library stacks and none named: exit 2 and why', () => {
    const result = run(v2);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Several stacks in .* have resources of cdk-iot-ota-tasks \(Sensors, Hubs, Rollouts\): name one/);
  });

  test('no cloud assembly: exit 2 and what to do', () => {
    const result = run(path.join(work, 'missing'));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is not a cloud assembly \(no manifest.json\): run cdk synth first/);
  });

  const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((file) => fs.existsSync(file)
    && Number(spawnSync(file, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout.trim()) < 22);
  (oldNode ? test : test.skip)('an older Node.js gets a clear message and exit 2', () => {
    const result = spawnSync(oldNode!, [fs.realpathSync(bin), 'replay', v2], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/cdk-iot-ota-tasks needs Node.js 22 or later, this is 2\d\./);
  });
});
