// Fault-injection runs: scripted, seeded faults against the emulator while the real lifecycles
// (FUOTA and OTA) deploy through a miniature Provider framework and CloudFormation's rollback.
// After each run: no orphan (everything the emulator holds belongs to a resource CloudFormation
// still has), no duplicate, and every FAILED response names the operation and the service's message,
// a 5xx that never clears in isComplete included (the handler fails with it when the polling budget is spent).
// The one window the library cannot close (an applied create whose answer is lost for good) is
// counted on its own, and allowed only in the runs scripted to open it.
import { IoTWirelessClient } from '@aws-sdk/client-iot-wireless';
import { duplicates, orphans } from './support/leftovers';
import { CfnResponse, CREATE_FAILED_MARKER, inVirtualTime, LifecycleHandler, MAX_IS_COMPLETE_CALLS, provide, virtualInvocation } from './support/mini-provider';
import { CallFault, FaultAction, FaultOptions, seededRandom } from '../../src/emulator/faults';
import { JournalEntry, ServiceEmulator } from '../../src/emulator/server';
import * as fuota from '../../src/fuota/handler/lifecycle';
import { JobDocumentStore } from '../../src/ota/handler/job-document-store';
import * as ota from '../../src/ota/handler/lifecycle';
import { ManagedIntegrationsClient } from '../../src/ota/handler/managed-integrations-client';
import { HandlerPhase } from '../../src/shared/handler-phase';
import { ProviderEvent } from '../../src/shared/provider-events';
import { FUOTA_PROPS } from '../fuota/handler/fuota-fixtures';
import { OTA_TASK_FIELDS } from '../ota/handler/ota-fixtures';

jest.setTimeout(300_000);

const NOW = Date.parse('2030-06-01T12:00:00.000Z');
const REGION = 'eu-west-1';
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Faults/6f1b2c90-0000-11ef-8000-0a1b2c3d4e5f';
const FUOTA_RUNS = 120;
const OTA_RUNS = 80;
const BUCKET = 'faults-otajobdocuments';
const USER_BUCKET = 'customer-ota-bucket';
const USER_KEY = 'jobs/firmware-2.json';

/** Operations whose change creates something: an applied fault on one can leave it behind. */
const CREATING = new Set(['CreateFuotaTask', 'CreateOtaTask', 'CreateOtaTaskConfiguration', 'PutObject']);

const FUOTA_OPERATIONS = [
  'CreateFuotaTask', 'GetFuotaTask', 'ListWirelessDevices', 'AssociateWirelessDeviceWithFuotaTask',
  'StartFuotaTask', 'TagResource', 'UpdateFuotaTask', 'UntagResource', 'DeleteFuotaTask',
];
const OTA_OPERATIONS = [
  'CreateOtaTaskConfiguration', 'PutObject', 'CreateOtaTask', 'GetOtaTask', 'TagResource',
  'UpdateOtaTask', 'UntagResource', 'DeleteOtaTask', 'DeleteOtaTaskConfiguration',
];

type Service = 'fuota' | 'ota';

interface Plan {
  readonly service: Service;
  readonly seed: number;
  readonly kind: 'throttle' | 'server-errors' | 'call';
  readonly faults: FaultOptions;
  /** The scripted fault, for kind `call`. */
  readonly call?: CallFault & { readonly transient: boolean; readonly applied: boolean };
  /** After the create: an update, then a delete. */
  readonly updateAndDelete: boolean;
  /** FUOTA: whether the task is started. OTA: whether the library stores the job document. */
  readonly variant: boolean;
}

function plan(service: Service, seed: number): Plan {
  const random = seededRandom(seed * 7919 + (service === 'fuota' ? 1 : 2));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const kind = pick(['throttle', 'server-errors', 'call'] as const);
  const updateAndDelete = random() < 0.5;
  const variant = random() < 0.6;
  if (kind === 'throttle') {
    const rate = 0.2 + 0.4 * random();
    return { service, seed, kind, updateAndDelete, variant, faults: { seed, throttle: { rate, operations: service === 'ota' ? ['*'] : undefined } } };
  }
  if (kind === 'server-errors') {
    const rate = 0.05 + 0.35 * random();
    return { service, seed, kind, updateAndDelete, variant, faults: { seed, serverErrors: { rate, operations: service === 'ota' ? ['*'] : undefined } } };
  }
  // Creates are weighted up: they hold the one window where a lost answer can orphan something.
  const operations = service === 'fuota' ? FUOTA_OPERATIONS : OTA_OPERATIONS;
  const operation = random() < 0.4 ? pick(operations.filter((name) => CREATING.has(name))) : pick(operations);
  const applied = random() < 0.35;
  const transient = random() < 0.6;
  // A transient fault on most calls clears after a few; some last until retries run out.
  const times = transient ? (random() < 0.2 ? Infinity : 1 + Math.floor(random() * 3)) : 1;
  const s3 = operation === 'PutObject';
  const action: FaultAction = transient
    ? { kind: 'error', type: s3 ? 'InternalError' : 'InternalServerException', status: 500, message: `injected 500 on ${operation} (seed ${seed})`, applied }
    : s3
      ? { kind: 'error', type: 'AccessDenied', status: 403, message: `injected refusal of ${operation} (seed ${seed})`, applied }
      : { kind: 'error', type: 'ValidationException', status: 400, message: `injected refusal of ${operation} (seed ${seed})`, applied };
  const call = { operation, call: random() < 0.7 ? 1 : 2, times, action, transient, applied };
  return { service, seed, kind, updateAndDelete, variant, call, faults: { seed, calls: [call] } };
}

interface Outcome {
  readonly responses: { request: string; response: CfnResponse }[];
  /** Physical ids CloudFormation still holds, by logical id. */
  readonly alive: Map<string, string>;
}

interface Figures {
  runs: { fuota: number; ota: number };
  faults: { throttled: number; serverErrors: number; scripted: number };
  failuresSurfaced: number;
  rollbacks: number;
  failedRollbacks: number;
  orphans: number;
  duplicates: number;
  knownWindow: { [operation: string]: number };
  lostAnswerFailures: { [operation: string]: number };
  /** Among the failures surfaced: isComplete met a fault that never cleared and failed with its message when the polling budget was spent. */
  reportedWhenPollingBudgetSpent: { [operation: string]: number };
}

const figures: Figures = {
  runs: { fuota: 0, ota: 0 },
  faults: { throttled: 0, serverErrors: 0, scripted: 0 },
  failuresSurfaced: 0,
  rollbacks: 0,
  failedRollbacks: 0,
  orphans: 0,
  duplicates: 0,
  knownWindow: {},
  lostAnswerFailures: {},
  reportedWhenPollingBudgetSpent: {},
};


function event(
  requestType: ProviderEvent['RequestType'], logicalId: string, resourceType: string, requestId: string,
  props: Record<string, unknown>, extra: Partial<ProviderEvent> = {},
): ProviderEvent {
  return {
    RequestType: requestType,
    StackId: STACK_ID,
    RequestId: requestId,
    LogicalResourceId: logicalId,
    ResourceType: resourceType,
    ResponseURL: 'https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/presigned',
    ResourceProperties: props,
    ...extra,
  };
}

/**
 * One resource's life in a stack: Create (rolled back by a Delete when it fails), then optionally
 * an Update (rolled back by the reverse Update when it fails) and a Delete. `alive` is updated
 * with what CloudFormation holds afterwards.
 */
class StackDriver<C> {
  public readonly responses: { request: string; response: CfnResponse }[] = [];
  public readonly alive = new Map<string, string>();
  public stackStatus = 'CREATE_IN_PROGRESS';

  constructor(
    private readonly emulator: ServiceEmulator,
    private readonly handler: LifecycleHandler<C>,
    private readonly context: (phase: HandlerPhase) => C,
    private readonly seed: number,
  ) {}

  public async request(name: string, e: ProviderEvent): Promise<CfnResponse> {
    const [response] = await inVirtualTime(this.emulator.clock, [() => provide(e, this.handler, this.context, this.emulator.clock)]);
    this.responses.push({ request: `${name} ${e.RequestType} ${e.LogicalResourceId}`, response });
    return response;
  }

  /** Create; on failure the rollback deletes what the response named. Returns the physical id if the resource exists. */
  public async create(logicalId: string, type: string, props: Record<string, unknown>): Promise<string | undefined> {
    this.stackStatus = 'CREATE_IN_PROGRESS';
    const created = await this.request('create', event('Create', logicalId, type, `create-${this.seed}-${logicalId}`, props));
    this.alive.set(logicalId, created.PhysicalResourceId);
    if (created.Status === 'SUCCESS') return created.PhysicalResourceId;
    await this.delete(logicalId, type, props, 'ROLLBACK_IN_PROGRESS');
    return undefined;
  }

  public async delete(logicalId: string, type: string, props: Record<string, unknown>, status = 'DELETE_IN_PROGRESS'): Promise<boolean> {
    const id = this.alive.get(logicalId);
    if (id === undefined) return true;
    this.stackStatus = status;
    const deleted = await this.request(status.startsWith('ROLLBACK') ? 'rollback' : 'delete',
      event('Delete', logicalId, type, `delete-${this.seed}-${logicalId}-${status}`, props, { PhysicalResourceId: id }));
    if (deleted.Status === 'SUCCESS') this.alive.delete(logicalId);
    return deleted.Status === 'SUCCESS';
  }

  /** In-place update; a failure is rolled back by the reverse update. */
  public async update(logicalId: string, type: string, props: Record<string, unknown>, oldProps: Record<string, unknown>): Promise<void> {
    const id = this.alive.get(logicalId)!;
    this.stackStatus = 'UPDATE_IN_PROGRESS';
    const updated = await this.request('update',
      event('Update', logicalId, type, `update-${this.seed}-${logicalId}`, props, { PhysicalResourceId: id, OldResourceProperties: oldProps }));
    if (updated.Status === 'SUCCESS') {
      if (updated.PhysicalResourceId !== id) throw new Error(`unexpected replacement of ${logicalId}`);
      return;
    }
    this.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
    await this.request('rollback',
      event('Update', logicalId, type, `rollback-${this.seed}-${logicalId}`, oldProps, { PhysicalResourceId: id, OldResourceProperties: props }));
  }
}

const FUOTA_TYPE = 'Custom::IoTWirelessFuotaTask';
/**
 * The handler tests' FUOTA task (fuota-fixtures.ts: its image, descriptor, `k: v` tag and service
 * token) with a third device: started an hour after its creation in the plans' variant, else not.
 * Faults fall by call and seed, not by what a request holds, so the data only has to make the same calls.
 */
const STARTED_FUOTA_PROPS: Record<string, unknown> = { ...FUOTA_PROPS, WirelessDeviceIds: ['d1', 'd2', 'd3'] };
const { StartDelaySeconds: _start, ...UNSTARTED_FUOTA_PROPS } = STARTED_FUOTA_PROPS;

async function fuotaRun(emulator: ServiceEmulator, p: Plan): Promise<Outcome> {
  const client = new IoTWirelessClient({ region: REGION, endpoint: emulator.url, credentials: emulator.credentials, maxAttempts: 1 });
  const random = seededRandom(p.seed);
  const context = (phase: HandlerPhase): fuota.FuotaLifecycleContext => ({
    client,
    ...virtualInvocation(emulator.clock, phase, () => driver.stackStatus, random),
  });
  const driver = new StackDriver<fuota.FuotaLifecycleContext>(emulator, fuota, context, p.seed);
  try {
    const props = p.variant ? STARTED_FUOTA_PROPS : UNSTARTED_FUOTA_PROPS;
    const id = await driver.create('FuotaTask1', FUOTA_TYPE, props);
    if (id && p.updateAndDelete) {
      // A started task takes only tag changes; one not started also takes a new description.
      const changed = { ...props, Tags: [{ Key: 'stage', Value: 'prod' }], ...(p.variant ? {} : { Description: 'Summer firmware' }) };
      await driver.update('FuotaTask1', FUOTA_TYPE, changed, props);
      await driver.delete('FuotaTask1', FUOTA_TYPE, changed);
    }
  } finally {
    client.destroy();
  }
  return { responses: driver.responses, alive: driver.alive };
}

const TASK_TYPE = 'Custom::IoTManagedIntegrationsOtaTask';
const CONFIGURATION_TYPE = 'Custom::IoTManagedIntegrationsOtaTaskConfiguration';
const CONFIGURATION_PROPS: Record<string, unknown> = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:Faults-OtaProviderframeworkonEvent',
  Name: 'Slow rollout',
  Description: 'Ten a minute',
  PushConfig: { TimeoutConfig: { InProgressTimeoutInMinutes: '120' } },
};
/** The handler tests' OTA task (ota-fixtures.ts) without a configuration: a run adds its job document and the configuration it created. */
const { TaskConfigurationId: _configuration, ...OTA_TASK_WITHOUT_CONFIGURATION } = OTA_TASK_FIELDS;
const TASK_PROPS: Record<string, unknown> = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:Faults-OtaProviderframeworkonEvent',
  ...OTA_TASK_WITHOUT_CONFIGURATION,
  Tags: { team: 'firmware' },
};

async function otaRun(emulator: ServiceEmulator, p: Plan): Promise<Outcome> {
  const credentials = async () => ({ ...emulator.credentials });
  const client = new ManagedIntegrationsClient({ region: REGION, endpoint: emulator.url, credentials });
  const documents = new JobDocumentStore({ region: REGION, endpoint: emulator.url, credentials });
  const random = seededRandom(p.seed);
  const context = (phase: HandlerPhase): ota.OtaLifecycleContext => ({
    client,
    documents,
    ...virtualInvocation(emulator.clock, phase, () => driver.stackStatus, random),
  });
  const driver = new StackDriver<ota.OtaLifecycleContext>(emulator, ota, context, p.seed);
  const configurationId = await driver.create('OtaConfig1', CONFIGURATION_TYPE, CONFIGURATION_PROPS);
  if (!configurationId) return { responses: driver.responses, alive: driver.alive };
  const document = p.variant
    ? { JobDocument: JSON.stringify({ firmware: { version: '2.0.0' } }), JobDocumentBucket: BUCKET }
    : { S3Url: `s3://${USER_BUCKET}/${USER_KEY}` };
  const props = { ...TASK_PROPS, ...document, TaskConfigurationId: configurationId };
  const taskId = await driver.create('OtaTask1', TASK_TYPE, props);
  if (!taskId) {
    // CloudFormation rolls the whole stack back: the configuration goes too.
    await driver.delete('OtaConfig1', CONFIGURATION_TYPE, CONFIGURATION_PROPS, 'ROLLBACK_IN_PROGRESS');
    return { responses: driver.responses, alive: driver.alive };
  }
  if (p.updateAndDelete) {
    const changed = { ...props, Description: 'Firmware 2 second wave', Tags: { stage: 'prod' } };
    await driver.update('OtaTask1', TASK_TYPE, changed, props);
    if (await driver.delete('OtaTask1', TASK_TYPE, changed)) {
      await driver.delete('OtaConfig1', CONFIGURATION_TYPE, CONFIGURATION_PROPS);
    }
  }
  return { responses: driver.responses, alive: driver.alive };
}

interface RunResult {
  readonly responses: { request: string; response: CfnResponse }[];
  /** What was left behind, known window included. */
  readonly left: string[];
}

/** The injected fault a FAILED reason reports: its operation and the service's message, as answered. */
function explainingFault(reason: string, journal: readonly JournalEntry[]): JournalEntry | undefined {
  return journal.find((entry) => entry.fault !== undefined && entry.errorMessage !== undefined
    && reason.includes(`${entry.operation} failed`) && reason.includes(entry.errorMessage));
}

async function runOne(p: Plan, problems: string[]): Promise<RunResult> {
  const { service, seed } = p;
  const emulator = await ServiceEmulator.start({ clockStart: NOW, faults: p.faults });
  try {
    if (service === 'ota') emulator.putObject(USER_BUCKET, USER_KEY, JSON.stringify({ firmware: { version: '2.0.0' } }));
    const outcome = service === 'fuota' ? await fuotaRun(emulator, p) : await otaRun(emulator, p);
    figures.runs[service]++;
    figures.faults.throttled += emulator.faults.counts.throttled;
    figures.faults.serverErrors += emulator.faults.counts.serverErrors;
    figures.faults.scripted += emulator.faults.counts.scripted;
    const label = `${service} seed ${seed} (${p.kind}${p.call ? ` ${JSON.stringify({ ...p.call, action: undefined })}` : ''})`;

    const failedCreate = outcome.responses.some(({ request, response }) => request.startsWith('create') && response.Status === 'FAILED');
    for (const { request, response } of outcome.responses) {
      if (request.startsWith('rollback')) figures.rollbacks++;
      if (response.Status !== 'FAILED') continue;
      figures.failuresSurfaced++;
      if (request.startsWith('rollback')) figures.failedRollbacks++;
      const explained = explainingFault(response.Reason ?? '', emulator.journal);
      if (explained && response.Reason?.includes('budget is spent')) {
        figures.reportedWhenPollingBudgetSpent[explained.operation] = (figures.reportedWhenPollingBudgetSpent[explained.operation] ?? 0) + 1;
      }
      if (explained) continue;
      // An applied change whose answer was lost: the retry meets the change already made.
      const lost = p.call?.applied && p.call.transient && response.Reason?.startsWith(`${p.call.operation} failed`);
      if (lost) {
        figures.lostAnswerFailures[p.call!.operation] = (figures.lostAnswerFailures[p.call!.operation] ?? 0) + 1;
        continue;
      }
      problems.push(`${label}: ${request} FAILED with a reason naming no injected fault: ${response.Reason}`);
    }

    const left = orphans(emulator, new Set(outcome.alive.values()), [`${USER_BUCKET}/${USER_KEY}`]);
    if (left.length > 0) {
      // The known window: a create applied by the service whose answer never arrived (a refusal,
      // or a 5xx repeated until the retries ran out), so the library never learnt the id.
      const window = p.call !== undefined && p.call.applied && CREATING.has(p.call.operation) && failedCreate
        && (!p.call.transient || p.call.times === Infinity);
      if (window) {
        figures.knownWindow[p.call!.operation] = (figures.knownWindow[p.call!.operation] ?? 0) + 1;
      } else {
        figures.orphans += left.length;
        problems.push(`${label}: orphaned ${left.join(', ')}; responses ${JSON.stringify(outcome.responses)}`);
      }
    }
    const result = { responses: outcome.responses, left };
    const twice = duplicates(emulator);
    if (twice.length > 0) {
      figures.duplicates += twice.length;
      problems.push(`${label}: duplicates ${twice.join(', ')}`);
    }
    // A Create whose onEvent failed reports the framework's marker, never a real id.
    for (const { request, response } of outcome.responses) {
      if (request.startsWith('create') && response.Status === 'FAILED' && response.polls === 0 && response.PhysicalResourceId !== CREATE_FAILED_MARKER) {
        problems.push(`${label}: ${request} failed in onEvent without the marker`);
      }
    }
    return result;
  } finally {
    await emulator.stop();
  }
}

describe('fault-injection runs', () => {
  test(`${FUOTA_RUNS} seeded FUOTA runs: no orphan, no duplicate, every failure explained`, async () => {
    const problems: string[] = [];
    for (let seed = 1; seed <= FUOTA_RUNS; seed++) await runOne(plan('fuota', seed), problems);
    expect(problems).toEqual([]);
    expect(figures.runs.fuota).toBe(FUOTA_RUNS);
  });

  test(`${OTA_RUNS} seeded OTA runs: no orphan, no duplicate, every failure explained`, async () => {
    const problems: string[] = [];
    for (let seed = 1; seed <= OTA_RUNS; seed++) await runOne(plan('ota', seed), problems);
    console.log(`fault-injection figures (seeded runs): ${JSON.stringify(figures, null, 2)}`);
    expect(problems).toEqual([]);
    expect(figures.runs.ota).toBe(OTA_RUNS);
    // The runs did meet faults of every kind, and some reached CloudFormation.
    expect(figures.faults.throttled).toBeGreaterThan(0);
    expect(figures.faults.serverErrors).toBeGreaterThan(0);
    expect(figures.faults.scripted).toBeGreaterThan(0);
    expect(figures.failuresSurfaced).toBeGreaterThan(0);
    expect(figures.orphans).toBe(0);
    expect(figures.duplicates).toBe(0);
  });
});

/** A run with one scripted fault, the rest of the plan fixed. */
function scripted(service: Service, operation: string, transient: boolean, applied: boolean, times = 1, variant = true): Plan {
  const s3 = operation === 'PutObject';
  const message = `scripted ${transient ? '500' : 'refusal'} on ${operation}`;
  const type = transient ? (s3 ? 'InternalError' : 'InternalServerException') : (s3 ? 'AccessDenied' : 'ValidationException');
  const action: FaultAction = { kind: 'error', type, status: transient ? 500 : s3 ? 403 : 400, message, applied };
  const call = { operation, call: 1, times, action, transient, applied };
  return { service, seed: 9000, kind: 'call', updateAndDelete: false, variant, call, faults: { seed: 9000, calls: [call] } };
}

describe('scripted lost answers', () => {
  test.each([
    ['fuota', 'CreateFuotaTask'],
    ['ota', 'CreateOtaTask'],
    ['ota', 'CreateOtaTaskConfiguration'],
    ['ota', 'PutObject'],
    ['fuota', 'AssociateWirelessDeviceWithFuotaTask'],
    ['fuota', 'TagResource'],
    ['ota', 'TagResource'],
  ] as const)('%s: an applied %s whose 500 is retried succeeds with one resource', async (service, operation) => {
    const problems: string[] = [];
    const result = await runOne(scripted(service, operation, true, true), problems);
    expect(problems).toEqual([]);
    expect(result.responses.map(({ response }) => response.Status)).toEqual(service === 'fuota' ? ['SUCCESS'] : ['SUCCESS', 'SUCCESS']);
    expect(result.left).toEqual([]);
  });

  test.each([
    ['fuota', 'CreateFuotaTask', true, Infinity],
    ['fuota', 'CreateFuotaTask', false, 1],
    ['ota', 'CreateOtaTask', true, Infinity],
    ['ota', 'CreateOtaTaskConfiguration', false, 1],
  ] as const)('%s: the known window, an applied %s whose answer is lost for good (transient %s), leaves the resource behind', async (service, operation, transient, times) => {
    const problems: string[] = [];
    const result = await runOne(scripted(service, operation, transient, true, times), problems);
    expect(problems).toEqual([]);
    expect(result.responses.find(({ request }) => request.startsWith('create') && request.includes(operation.includes('Configuration') ? 'OtaConfig1' : 'Task1'))?.response)
      .toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_MARKER, Reason: expect.stringContaining(`${operation} failed`) });
    if (operation === 'CreateOtaTask') {
      // The task exists at the service: the handler, not knowing, keeps the document it may read.
      expect(result.left).toEqual([expect.stringMatching(/^OtaTask /), expect.stringMatching(/^S3 object faults-otajobdocuments\/ota-job-documents\//)]);
    } else {
      expect(result.left).toHaveLength(1);
    }
  });

  // The retry of a StartFuotaTask whose answer was lost meets the 409 of a task already started:
  // the handler re-reads the task, sees it started, and the Create succeeds.
  test('fuota: an applied StartFuotaTask whose 500 is retried finds the task started and the Create succeeds', async () => {
    const problems: string[] = [];
    const result = await runOne(scripted('fuota', 'StartFuotaTask', true, true), problems);
    expect(problems).toEqual([]);
    expect(result.responses.map(({ request, response }) => [request, response.Status])).toEqual([
      ['create Create FuotaTask1', 'SUCCESS'],
    ]);
    expect(result.left).toEqual([]);
  });

  test('ota: an applied PutObject answered with a refusal leaves no document behind', async () => {
    const problems: string[] = [];
    const result = await runOne(scripted('ota', 'PutObject', false, true, 1), problems);
    expect(problems).toEqual([]);
    expect(result.responses.find(({ request }) => request.startsWith('create') && request.includes('Task1'))?.response)
      .toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('PutObject failed') });
    expect(result.left).toEqual([]);
  });
});

describe('a 5xx that never clears while isComplete polls', () => {
  test.each(['fuota', 'ota'] as const)('%s: the Create fails with TagResource\'s own message when the polling budget is spent, and the rollback leaves nothing', async (service) => {
    const problems: string[] = [];
    const result = await runOne(scripted(service, 'TagResource', true, false, Infinity), problems);
    expect(problems).toEqual([]);
    const failed = result.responses.find(({ response }) => response.Status === 'FAILED')!;
    expect(failed.request).toMatch(/^create Create (FuotaTask1|OtaTask1)$/);
    const reason = /^TagResource failed: InternalServerException: scripted 500 on TagResource \(not done after ([\d.]+) minutes of isComplete polls; the provider's 20-minute budget is spent\)$/.exec(failed.response.Reason ?? '');
    expect(reason).not.toBeNull();
    // The handler decided once the budget was spent (and its poll after), not the waiter's count.
    expect(Number(reason![1])).toBeGreaterThanOrEqual(20);
    expect(Number(reason![1])).toBeLessThan(21.5);
    expect(failed.response.polls).toBeLessThan(MAX_IS_COMPLETE_CALLS);
    expect(result.left).toEqual([]);
  });
});

describe('an OTA task whose deletion never finishes: quick polls, where the waiter\'s count could end the request first', () => {
  test('the Delete fails with the handler\'s own reason once the budget is spent, never "Operation timed out"', async () => {
    const emulator = await ServiceEmulator.start({ clockStart: NOW, otaDeletion: { polls: Infinity } });
    const credentials = async () => ({ ...emulator.credentials });
    const context = (phase: HandlerPhase): ota.OtaLifecycleContext => ({
      client: new ManagedIntegrationsClient({ region: REGION, endpoint: emulator.url, credentials }),
      documents: new JobDocumentStore({ region: REGION, endpoint: emulator.url, credentials }),
      ...virtualInvocation(emulator.clock, phase, () => 'DELETE_IN_PROGRESS', seededRandom(7)),
    });
    try {
      emulator.putObject(USER_BUCKET, USER_KEY, JSON.stringify({ firmware: { version: '2.0.0' } }));
      const driver = new StackDriver<ota.OtaLifecycleContext>(emulator, ota, context, 7);
      const props = { ...TASK_PROPS, S3Url: `s3://${USER_BUCKET}/${USER_KEY}` };
      const id = await driver.create('OtaTask1', TASK_TYPE, props);
      expect(id).toBeDefined();

      expect(await driver.delete('OtaTask1', TASK_TYPE, props)).toBe(false);

      const { response } = driver.responses[driver.responses.length - 1];
      expect(response.Reason).toBe(`DeleteOtaTask: task ${id} is still being deleted (not done after 20 minutes of isComplete polls; the provider's 20-minute budget is spent)`);
      // Each poll is quick (one GetOtaTask), so the polls are about an interval apart: the handler
      // answered at the first poll past 20 minutes, two polls before the waiter's count would have run out.
      expect(response.polls).toBe(41);
      expect(MAX_IS_COMPLETE_CALLS).toBe(43);
    } finally {
      await emulator.stop();
    }
  });
});
