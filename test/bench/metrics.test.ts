// The benchmark's arithmetic: what it counts in a template, how it extrapolates quotas and the
// campaign monitor's call floor. The
// figures themselves are measured by `npx projen bench`, never asserted here.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { perTask, SizeResult, slope } from '../../bench/measure';
import { monitorCallFloor, pagedStackResources, pages } from '../../bench/monitor';
import { buildBenchApp, BENCH_STACK, Peer } from '../../bench/peers';
import { quotasCrossed, taskLimits } from '../../bench/quotas';
import { iamCharacters, measureAssembly, TemplateMetrics } from '../../bench/template-metrics';

function measure(peer: Peer, tasks: number, outputs = true): TemplateMetrics {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-test-'));
  try {
    buildBenchApp({ peer, tasks, outputs, outdir }).synth();
    return measureAssembly(outdir, BENCH_STACK);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const metrics = (over: Partial<TemplateMetrics>): TemplateMetrics => ({
  templateBytes: 0,
  resources: 0,
  outputs: 0,
  iamPolicies: 0,
  iamPolicyBytes: 0,
  largestRoleInlinePolicyChars: 0,
  lambdaFunctions: 0,
  assetBytes: 0,
  ...over,
});

test('IAM counts policy characters without whitespace', () => {
  expect(iamCharacters({ Statement: [{ Effect: 'Allow', Action: 'a b' }] })).toBe('{"Statement":[{"Effect":"Allow","Action":"ab"}]}'.length);
});

test('the L1 app: one resource and two outputs per task, no Lambda, no asset', () => {
  const m = measure('l1', 2);
  // FirmwareUpdateRole, its default policy, two tasks.
  expect(m).toMatchObject({ resources: 4, outputs: 4, iamPolicies: 1, lambdaFunctions: 0, assetBytes: 0 });
});

test('AwsCustomResource: each task adds an inline policy to the one shared role, and the count adds up', () => {
  const one = measure('aws-custom-resource', 1, false);
  const three = measure('aws-custom-resource', 3, false);
  expect(three.iamPolicies - one.iamPolicies).toBe(2);
  expect(three.resources - one.resources).toBe(4);
  expect(three.largestRoleInlinePolicyChars).toBeGreaterThan(2.9 * one.largestRoleInlinePolicyChars);
  expect(three.lambdaFunctions).toBe(1);
  expect(three.assetBytes).toBeGreaterThan(0);
});

test('the library app with outputs off: no outputs, one resource per task, the same IAM for 1 and 3 tasks', () => {
  const one = measure('library', 1, false);
  const three = measure('library', 3, false);
  expect(three.outputs).toBe(0);
  expect(three.resources - one.resources).toBe(2);
  expect(three.iamPolicyBytes).toBe(one.iamPolicyBytes);
  expect(three.lambdaFunctions).toBe(one.lambdaFunctions);
});

test('quotas crossed are those strictly above their limit', () => {
  expect(quotasCrossed(metrics({ resources: 500, outputs: 201 }))).toEqual(['outputs (200)']);
  expect(quotasCrossed(metrics({ largestRoleInlinePolicyChars: 10_241, templateBytes: 1_048_577 })))
    .toEqual(['inline policies per role (10,240 chars)', 'template size (1 MB)']);
});

test('task limits extrapolate each quota linearly and list the first crossed first', () => {
  // 20 fixed resources + 1 per task; 2 outputs per task; fixed policy size.
  const a = { tasks: 100, metrics: metrics({ resources: 120, outputs: 200, largestRoleInlinePolicyChars: 5000, templateBytes: 100_000 }) };
  const b = { tasks: 300, metrics: metrics({ resources: 320, outputs: 600, largestRoleInlinePolicyChars: 5000, templateBytes: 300_000 }) };
  expect(taskLimits(a, b)).toEqual([
    { quota: 'outputs (200)', maxTasks: 100 },
    { quota: 'resources (500)', maxTasks: 480 },
    { quota: 'template size (1 MB)', maxTasks: 1048 },
  ]);
});

test('per-task synth time is the least-squares slope over every run; template figures come from the two largest sizes', () => {
  expect(slope([[0, 1], [10, 21], [20, 41]])).toBeCloseTo(2);
  const size = (tasks: number, synthMs: number[], templateBytes: number): SizeResult => ({
    variant: { peer: 'library', outputs: false }, tasks, synthMs, peakRssBytes: [1, 1], metrics: metrics({ templateBytes }), quotasCrossed: [],
  });
  // A noisy middle point moves the slope a little, not the two-point template increment.
  const p = perTask([size(0, [100, 100], 1000), size(100, [150, 350], 1500), size(200, [300, 300], 2000)]);
  expect(p.synthMs).toBeCloseTo(1);
  expect(p.metrics.templateBytes).toBe(5);
  expect([p.from, p.to]).toEqual([0, 200]);
});

test('a listing takes one page at least, then one per page size begun', () => {
  expect([0, 1, 250, 251, 1000, 1001].map((n) => pages(n, 250))).toEqual([1, 1, 1, 2, 4, 5]);
});

test('the monitor\'s call floor: 1 + ⌈devices/250⌉ per FUOTA task, 1 per OTA task, ⌈resources/100⌉ for the stack', () => {
  expect(monitorCallFloor({ fuotaTaskDevices: [1], otaTasks: 0, stackResources: 26 })).toBe(3);
  expect(monitorCallFloor({ fuotaTaskDevices: [1000], otaTasks: 0, stackResources: 26 })).toBe(6);
  expect(monitorCallFloor({ fuotaTaskDevices: Array(100).fill(100), otaTasks: 0, stackResources: 125 })).toBe(100 * 2 + 2);
  expect(monitorCallFloor({ fuotaTaskDevices: Array(100).fill(1000), otaTasks: 0, stackResources: 125 })).toBe(100 * 5 + 2);
  // 250 fits one page, 251 needs two; an OTA task is one GetOtaTask whatever its things.
  expect(monitorCallFloor({ fuotaTaskDevices: [250, 251], otaTasks: 3, stackResources: 100 })).toBe(2 + 3 + 3 + 1);
  // Nothing to read: still one ListStackResources (and an empty device listing is still one call).
  expect(monitorCallFloor({ fuotaTaskDevices: [], otaTasks: 0, stackResources: 0 })).toBe(1);
  expect(monitorCallFloor({ fuotaTaskDevices: [0], otaTasks: 0, stackResources: 1 })).toBe(3);
});

test('the stack reader fake pages resources 100 at a time and counts its pages', async () => {
  const resources = Array.from({ length: 201 }, (_, i) => ({ logicalResourceId: `R${i}`, resourceType: 'AWS::IAM::Role', resourceStatus: 'CREATE_COMPLETE' }));
  const reader = pagedStackResources(resources);
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const page = await reader.resources('stack', token);
    seen.push(...page.resources.map((r) => r.logicalResourceId));
    token = page.nextToken;
  } while (token);
  expect(reader.pagesRead).toBe(3);
  expect(seen).toEqual(resources.map((r) => r.logicalResourceId));
});
