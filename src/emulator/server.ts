/**
 * A local emulator of the IoT Wireless FUOTA and IoT Managed Integrations OTA operations the
 * handlers and the campaign monitor call, plus the path-style S3 PutObject/DeleteObject of the
 * job-document store and EventBridge's DescribeRule/DisableRule/EnableRule and PutEvents, on one loopback HTTP
 * port. Campaigns progress on the virtual clock by a seeded outcome model (campaign-outcomes.ts). Each request goes through the same steps a real endpoint takes:
 *   route (signing service + method + path) → SigV4 check → injected faults → model validation
 *   (constraint-tables.json) → service semantics (fuota-service.ts, ota-service.ts, s3-service.ts)
 * and is recorded in the journal. Time-dependent behaviour runs on a virtual clock.
 *
 * Repository tooling only: it is not part of the published package.
 *
 *   const emulator = await ServiceEmulator.start({ clockStart: Date.parse('2030-01-01T00:00:00Z') });
 *   const client = new IoTWirelessClient({ region: emulator.region, endpoint: emulator.url, credentials: emulator.credentials, maxAttempts: 1 });
 *   ...
 *   await emulator.stop();
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { AssumedBehaviours, ServiceAssumptions } from './assumptions';
import { FuotaOutcomeOptions, FuotaDeviceOutcome, OtaExecutionOutcome, OtaOutcomeOptions, TargetPlan } from './campaign-outcomes';
import { VirtualClock } from './clock';
import { ApiServiceName, constraintTables } from './constraint-table';
import { errorAnswer, HttpAnswer, ServiceError, ServiceName } from './errors';
import { EventsOperation, EventsService, RuleSeed } from './events-service';
import { FaultDecision, FaultInjector, FaultOptions } from './faults';
import { FuotaProgress, MulticastFuotaStatusReading } from './fuota-progress';
import { FuotaService } from './fuota-service';
import { validateInput, validationMessage } from './model-validation';
import { callOperation, OperationResult, ServiceContext } from './operation';
import { OtaProgress } from './ota-progress';
import { OtaService } from './ota-service';
import { decodeLenient, Route, route, serviceForErrors } from './routing';
import { S3Service } from './s3-service';
import { parseAuthorization, RawRequest, SigV4Authorization, signatureProblem } from './sigv4';
import { EmulatorState, EventRuleRecord, FuotaTaskRecord, OtaTaskConfigurationRecord, OtaTaskRecord, PublishedEventRecord } from './state';

export interface EmulatorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The credentials the emulator accepts unless told otherwise; give them to clients. */
export const EMULATOR_CREDENTIALS: EmulatorCredentials = {
  accessKeyId: 'AKIAEMULATOR00000000',
  secretAccessKey: 'emulator/secret/access/key/0000000000000',
};

export interface ServiceEmulatorOptions {
  /** The region requests must be signed for. Default eu-west-1, the one region both services share. */
  readonly region?: string;
  /** Account id in ARNs. Default 123456789012. */
  readonly accountId?: string;
  /** Access keys whose signatures verify. Default [EMULATOR_CREDENTIALS]. */
  readonly credentials?: readonly EmulatorCredentials[];
  /**
   * `verify` (default): recompute each signature with the key's secret. `format`: check only the
   * Authorization header's form, service and region, for callers whose credentials are unknown.
   */
  readonly signatures?: 'verify' | 'format';
  /** Virtual epoch milliseconds to start at. Default: the real time at start. */
  readonly clockStart?: number | Date;
  /** Refuse body members the model does not define (AWS ignores them). Default true. */
  readonly strictMembers?: boolean;
  /** CreateOtaTask needs its S3Url object in the emulated S3. Default true. */
  readonly requireJobDocument?: boolean;
  /** When a deleted OTA task disappears. Default `{ polls: 1 }`: one GetOtaTask sees DELETION_IN_PROGRESS. */
  readonly otaDeletion?: { readonly polls?: number; readonly afterMs?: number };
  /** Seed the wireless devices that exist; others then fail to associate. Default: any id exists. */
  readonly knownWirelessDevices?: readonly string[];
  /** Seed the multicast groups that exist; others then fail to associate. Default: any id exists. */
  readonly knownMulticastGroups?: readonly string[];
  /** Page size of the list operations without MaxResults. Default 10 (the services' defaults are UNCONFIRMED). */
  readonly listPageSize?: number;
  /** The seeded outcome model of FUOTA tasks' devices (campaign-outcomes.ts). */
  readonly fuotaOutcomes?: FuotaOutcomeOptions;
  /** The seeded outcome model of OTA tasks' things (campaign-outcomes.ts). */
  readonly otaOutcomes?: OtaOutcomeOptions;
  /** ASSUMED reading of how multicast group members report FUOTA status (fuota-progress.ts). Default `by-group`. */
  readonly multicastFuotaStatus?: MulticastFuotaStatusReading;
  /** The wireless devices of multicast groups, by group id (used when a FUOTA task of groups starts). */
  readonly multicastGroupMembers?: { readonly [groupId: string]: readonly string[] };
  /** EventBridge rules that exist from the start. */
  readonly eventRules?: readonly RuleSeed[];
  readonly faults?: FaultOptions;
  /** Behaviours no document settles, switched on for this run (assumptions.ts). Default: all off. */
  readonly assumptions?: ServiceAssumptions;
}

/** Which published events `ServiceEmulator.publishedEvents` returns: those matching every member given. */
export interface PublishedEventFilter {
  readonly source?: string;
  readonly detailType?: string;
  /** A bus name (not an ARN): `default` for events that named no bus. */
  readonly eventBusName?: string;
}

/** One request as the emulator saw and answered it. */
export interface JournalEntry {
  /** 1-based, in the order the requests were decided. */
  readonly seq: number;
  readonly service: ServiceName;
  /** `Unknown` when no operation serves the method and path. */
  readonly operation: string;
  readonly method: string;
  /** The path as received, percent-encoding intact. */
  readonly path: string;
  /** Decoded query parameters. */
  readonly query: { readonly [name: string]: readonly string[] };
  /** The operation's input by model member name (S3: Bucket, Key, Body), once parsed. */
  readonly input?: { readonly [member: string]: unknown };
  /** Virtual time at which it was handled. */
  readonly virtualTime: number;
  /** The status answered; 0 when the connection was dropped instead. */
  readonly status: number;
  readonly errorType?: string;
  readonly errorMessage?: string;
  /** The injected fault, if any (see FaultDecision.label). */
  readonly fault?: string;
  /** Whether the operation ran to completion: its change is in the state even if the answer was an error. */
  readonly executed: boolean;
  /** Who signed it, for credentials made by `credentialsFor` (e.g. one replayed Lambda invocation). */
  readonly caller?: string;
}

/** Told which caller a `kill` fault hit, so it can end that caller (see FaultAction `kill`). */
export type KillListener = (caller: string | undefined, entry: JournalEntry) => void;

/** `ServiceEmulator.snapshot()`: the state as JSON, times as ISO strings. */
export interface EmulatorSnapshot {
  readonly virtualTime: string;
  readonly fuotaTasks: readonly (Omit<FuotaTaskRecord, 'createdAt' | 'startedAt'> & { status: string; createdAt: string; startedAt?: string })[];
  readonly otaTasks: readonly (Omit<OtaTaskRecord, 'createdAt' | 'lastUpdatedAt' | 'deletion'> & {
    createdAt: string; lastUpdatedAt: string; deletion?: { requestedAt: string; polls: number };
  })[];
  readonly otaTaskConfigurations: readonly (Omit<OtaTaskConfigurationRecord, 'createdAt'> & { createdAt: string })[];
  readonly eventRules: readonly (Omit<EventRuleRecord, 'history'> & { history: { state: string; at: string }[] })[];
  readonly publishedEvents: readonly (Omit<PublishedEventRecord, 'time' | 'at'> & { time: string; at: string })[];
  readonly s3Objects: readonly { location: string; bytes: number; contentType?: string; lastModified: string }[];
}

/** What was decided for one request: the answer, and how to deliver it. */
interface Outcome {
  readonly entry: JournalEntry;
  readonly answer: HttpAnswer;
  readonly delayMs?: number;
  readonly drop?: boolean;
  /** The caller is to die before it reads any answer. */
  readonly kill?: boolean;
}

export class ServiceEmulator {
  /** Starts an emulator on 127.0.0.1 with an ephemeral port. */
  public static async start(options: ServiceEmulatorOptions = {}): Promise<ServiceEmulator> {
    const emulator = new ServiceEmulator(options);
    await new Promise<void>((resolve) => emulator.server.listen(0, '127.0.0.1', resolve));
    return emulator;
  }

  public readonly region: string;
  public readonly accountId: string;
  /** The first accepted credentials, ready to hand to a client. */
  public readonly credentials: EmulatorCredentials;
  public readonly clock: VirtualClock;
  public readonly state = new EmulatorState();
  public readonly faults: FaultInjector;
  /** Every request, in order. */
  public readonly journal: JournalEntry[] = [];
  private readonly secrets: Map<string, string>;
  /** Access key id → caller, for credentials made by `credentialsFor`. */
  private readonly callers = new Map<string, string>();
  private killListener?: KillListener;
  private readonly fuota: FuotaService;
  private readonly ota: OtaService;
  private readonly s3: S3Service;
  private readonly events: EventsService;
  private readonly server = http.createServer((req, res) => void this.receive(req, res));
  private readonly timers = new Set<NodeJS.Timeout>();
  private sequence = 0;

  private constructor(private readonly options: ServiceEmulatorOptions) {
    this.region = options.region ?? 'eu-west-1';
    this.accountId = options.accountId ?? '123456789012';
    const credentials = options.credentials ?? [EMULATOR_CREDENTIALS];
    this.credentials = credentials[0];
    this.secrets = new Map(credentials.map((c) => [c.accessKeyId, c.secretAccessKey]));
    this.clock = new VirtualClock(options.clockStart);
    this.faults = new FaultInjector(options.faults, () => this.clock.now());
    if (options.knownWirelessDevices) this.state.knownWirelessDevices = new Set(options.knownWirelessDevices);
    if (options.knownMulticastGroups) this.state.knownMulticastGroups = new Set(options.knownMulticastGroups);
    const ctx: ServiceContext = {
      state: this.state, clock: this.clock, region: this.region, accountId: this.accountId, assumptions: new AssumedBehaviours(options.assumptions),
    };
    const listPageSize = options.listPageSize ?? 10;
    if (!(Number.isInteger(listPageSize) && listPageSize >= 1)) throw new Error(`listPageSize must be a positive integer, got ${listPageSize}`);
    const fuotaProgress = new FuotaProgress(this.state, this.clock, options.fuotaOutcomes, options.multicastFuotaStatus);
    this.fuota = new FuotaService(ctx, { listPageSize }, fuotaProgress);
    this.ota = new OtaService(ctx, {
      requireJobDocument: options.requireJobDocument ?? true,
      deletion: options.otaDeletion ?? { polls: 1 },
      listPageSize,
    }, new OtaProgress(this.clock, options.otaOutcomes));
    this.s3 = new S3Service(ctx);
    this.events = new EventsService(ctx, options.strictMembers ?? true);
    for (const [group, members] of Object.entries(options.multicastGroupMembers ?? {})) this.setMulticastGroupMembers(group, ...members);
    for (const rule of options.eventRules ?? []) this.events.put(rule);
  }

  /** The base URL to give clients as their endpoint. */
  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Fresh credentials that identify `caller` (one replayed Lambda invocation, say), so the journal
   * names the caller of each request and a `kill` fault knows whom to kill.
   */
  public credentialsFor(caller: string): EmulatorCredentials {
    const accessKeyId = `AKIACALLER${String(this.callers.size + 1).padStart(10, '0')}`;
    const secretAccessKey = `emulator/caller/secret/${this.callers.size + 1}`;
    this.secrets.set(accessKeyId, secretAccessKey);
    this.callers.set(accessKeyId, caller);
    return { accessKeyId, secretAccessKey };
  }

  /**
   * Who ends a caller that a `kill` fault hits (the replay kills the invocation's process). Without
   * a listener a kill only drops the connection: there is no process to end.
   */
  public onKill(listener: KillListener | undefined): void {
    this.killListener = listener;
  }

  /** Journal entries, optionally of one operation (`TagResource` or `iotwireless:TagResource`). */
  public calls(operation?: string): JournalEntry[] {
    if (operation === undefined) return [...this.journal];
    const [service, name] = operation.includes(':') ? operation.split(':') : [undefined, operation];
    return this.journal.filter((entry) => entry.operation === name && (service === undefined || entry.service === service));
  }

  public clearJournal(): void {
    this.journal.length = 0;
  }

  /** From now on only these wireless devices exist (added to any seeded before). */
  public knowWirelessDevices(...ids: string[]): void {
    this.state.knownWirelessDevices = new Set([...this.state.knownWirelessDevices ?? [], ...ids]);
  }

  /** From now on only these multicast groups exist (added to any seeded before). */
  public knowMulticastGroups(...ids: string[]): void {
    this.state.knownMulticastGroups = new Set([...this.state.knownMulticastGroups ?? [], ...ids]);
  }

  /** Seeds an S3 object, such as the job document of a user's own bucket. */
  public putObject(bucket: string, key: string, body: string, contentType = 'application/json'): void {
    this.state.putObject(bucket, key, body, contentType, this.clock.now());
  }

  /** The wireless devices of a multicast group, for FUOTA tasks of groups started from now on. */
  public setMulticastGroupMembers(groupId: string, ...deviceIds: string[]): void {
    this.state.multicastGroupMembers.set(groupId, [...deviceIds]);
  }

  /** Adds (or replaces) an EventBridge rule. */
  public putRule(rule: RuleSeed): EventRuleRecord {
    return this.events.put(rule);
  }

  public removeRule(name: string, eventBusName?: string): void {
    this.events.remove(name, eventBusName);
  }

  /** The rule as the emulator holds it (state and DisableRule/EnableRule history), if it exists. */
  public rule(name: string, eventBusName = 'default'): EventRuleRecord | undefined {
    return this.state.eventRules.get(`${eventBusName}/${name}`);
  }

  /**
   * The events PutEvents accepted, in order (a copy), optionally only those matching `filter`: each
   * with its bus, source, detail type, parsed detail, resources, and virtual times.
   */
  public publishedEvents(filter: PublishedEventFilter = {}): PublishedEventRecord[] {
    return this.state.publishedEvents.filter((event) => (filter.source === undefined || event.source === filter.source)
      && (filter.detailType === undefined || event.detailType === filter.detailType)
      && (filter.eventBusName === undefined || event.eventBusName === filter.eventBusName));
  }

  /** A started FUOTA task's seeded plan: each device's outcome and finishing time after the start time. */
  public fuotaPlan(taskId: string): readonly TargetPlan<FuotaDeviceOutcome>[] | undefined {
    return this.state.fuotaTasks.get(taskId)?.plan;
  }

  /** An OTA task's seeded rollout: its start and each target's outcome and times after it. */
  public otaPlan(taskId: string): { readonly startsAt: number; readonly plan: readonly TargetPlan<OtaExecutionOutcome>[] } | undefined {
    return this.state.otaTasks.get(taskId)?.rollout;
  }

  /** When a campaign is over by the model (FuotaDone, COMPLETED), in virtual epoch ms; undefined before it is started. */
  public campaignEnd(taskId: string): number | undefined {
    const fuota = this.state.fuotaTasks.get(taskId);
    if (fuota?.startTime !== undefined) return Date.parse(fuota.startTime) + this.fuota.progress.model.durationMs;
    const rollout = this.state.otaTasks.get(taskId)?.rollout;
    return rollout && rollout.startsAt + this.ota.progress.model.durationMs;
  }

  public fuotaTaskArn(id: string): string {
    return this.fuota.arn(id);
  }

  public otaTaskArn(id: string): string {
    return this.ota.arn(id);
  }

  /** The whole state as plain JSON (virtual times as ISO strings), for printing and comparing. */
  public snapshot(): EmulatorSnapshot {
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
    return JSON.parse(JSON.stringify({
      virtualTime: iso(this.clock.now()),
      fuotaTasks: [...this.state.fuotaTasks.values()].map((task) => ({
        ...task, status: this.fuota.status(task), createdAt: iso(task.createdAt), startedAt: iso(task.startedAt),
      })),
      otaTasks: [...this.state.otaTasks.values()].map((task) => ({
        ...task,
        status: this.ota.status(task),
        createdAt: iso(task.createdAt),
        lastUpdatedAt: iso(task.lastUpdatedAt),
        deletion: task.deletion && { ...task.deletion, requestedAt: iso(task.deletion.requestedAt) },
      })),
      otaTaskConfigurations: [...this.state.otaTaskConfigurations.values()].map((c) => ({ ...c, createdAt: iso(c.createdAt) })),
      eventRules: [...this.state.eventRules.values()].map((rule) => ({
        ...rule, history: rule.history.map((change) => ({ state: change.state, at: iso(change.at) })),
      })),
      publishedEvents: this.state.publishedEvents.map((event) => ({ ...event, time: iso(event.time), at: iso(event.at) })),
      s3Objects: [...this.state.s3Objects.entries()].map(([location, object]) => ({
        location, bytes: Buffer.byteLength(object.body), contentType: object.contentType, lastModified: iso(object.lastModified),
      })),
    }));
  }

  // -------------------------------------------------------------------------------------------

  private async receive(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // the client went away mid-request: nothing to answer
    }
    let outcome: Outcome;
    try {
      outcome = this.decide(req, Buffer.concat(chunks));
    } catch (error) {
      // A bug before the request could be routed: answered at once, as decide answers its own,
      // rather than leaving the client to hang until its timeout.
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `Emulator bug: ${(error as Error).stack ?? error}` }));
      return;
    }
    this.journal.push(outcome.entry);
    if (outcome.kill && this.killListener) {
      // No answer, ever: the caller dies with the request open, and its death closes the connection.
      this.killListener(outcome.entry.caller, outcome.entry);
      return;
    }
    if (outcome.delayMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, outcome.delayMs);
        this.timers.add(timer);
      });
    }
    if (outcome.drop) {
      req.socket.destroy();
      return;
    }
    res.writeHead(outcome.answer.status, outcome.answer.headers).end(outcome.answer.body);
  }

  /** Everything about one request, decided synchronously so concurrent requests never interleave. */
  private decide(req: http.IncomingMessage, body: Buffer): Outcome {
    const seq = ++this.sequence;
    const requestId = `emulator-${String(seq).padStart(8, '0')}`;
    const method = req.method ?? 'GET';
    const [path, query = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const auth = parseAuthorization(header(req.headers.authorization));
    const target = header(req.headers['x-amz-target']);
    const found = route(method, path, auth?.service, target);
    const service = found?.service ?? serviceForErrors(path, auth?.service, target);
    const draft: { -readonly [K in keyof JournalEntry]: JournalEntry[K] } = {
      seq,
      service,
      operation: found?.operation ?? 'Unknown',
      method,
      path,
      query: parseQuery(query),
      virtualTime: this.clock.now(),
      status: 0,
      executed: false,
    };
    if (auth && this.callers.has(auth.accessKeyId)) draft.caller = this.callers.get(auth.accessKeyId);
    const finish = (answer: HttpAnswer, extra: { delayMs?: number; drop?: boolean; kill?: boolean } = {}): Outcome => {
      draft.status = extra.drop || extra.kill ? 0 : answer.status;
      return { entry: { ...draft }, answer, ...extra };
    };
    const refuse = (error: ServiceError, extra: { delayMs?: number; drop?: boolean; kill?: boolean } = {}): Outcome => {
      draft.errorType = error.type;
      draft.errorMessage = error.message;
      return finish(errorAnswer(service, error, requestId), extra);
    };

    try {
      const raw: RawRequest = { method, path, query, headers: req.headers, body };
      if (!found) {
        // An unsigned request is refused as such before it learns that nothing serves its path.
        this.authenticate(service, auth, raw);
        throw unknownOperation(service, method, path);
      }
      this.authenticate(service, auth, raw);
      const fault = this.faults.decide(service, found.operation, { account: this.accountId, region: auth!.region });
      if (fault) draft.fault = fault.label;
      if (fault && !fault.applied) {
        if (fault.kind === 'error') return refuse(faultError(fault));
        // The request never got through: the connection breaks (or the caller dies), after the delay if there is one.
        return finish(errorAnswer(service, faultError(fault), requestId), { delayMs: fault.delayMs, drop: true, kill: fault.kind === 'kill' });
      }
      const result = this.execute(found, query, req.headers, body, draft);
      draft.executed = true;
      const answer = successAnswer(service, found.operation, result, requestId);
      if (fault?.kind === 'error') return refuse(faultError(fault));
      return finish(answer, { delayMs: fault?.delayMs, drop: fault?.kind === 'drop' || fault?.kind === 'kill', kill: fault?.kind === 'kill' });
    } catch (error) {
      // A bug in the emulator is answered as a 500 that says so, rather than hanging the client.
      return refuse(error instanceof ServiceError ? error
        : new ServiceError(service === 's3' ? 'InternalError' : 'InternalServerException', `Emulator bug: ${(error as Error).stack ?? error}`, {}, 500));
    }
  }

  /** Refuses a request without a well-formed, correctly scoped (and, when verifying, valid) signature. */
  private authenticate(service: ServiceName, auth: SigV4Authorization | undefined, raw: RawRequest): void {
    const deny = (s3Code: string, message: string) => new ServiceError(service === 's3' ? s3Code : 'AccessDeniedException', message, {}, 403);
    if (!auth) {
      throw deny('AccessDenied', 'Missing or malformed SigV4 Authorization header: expected AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request, SignedHeaders=..., Signature=...');
    }
    if (auth.service !== service) throw deny('AuthorizationHeaderMalformed', `Credential should be scoped to correct service: '${service}', not '${auth.service}'.`);
    if (auth.region !== this.region) throw deny('AuthorizationHeaderMalformed', `Credential should be scoped to a valid region: '${this.region}', not '${auth.region}'.`);
    if (this.options.signatures === 'format') return;
    const secret = this.secrets.get(auth.accessKeyId);
    if (secret === undefined) throw deny('InvalidAccessKeyId', `The security token included in the request is invalid (unknown access key ${auth.accessKeyId}).`);
    const problem = signatureProblem(raw, auth, secret);
    if (problem) throw deny('SignatureDoesNotMatch', `The request signature we calculated does not match the signature you provided: ${problem}.`);
  }

  /** Parses, validates and carries out the operation; `draft.input` records what was asked. */
  private execute(found: Route, query: string, headers: http.IncomingHttpHeaders, body: Buffer, draft: { input?: JournalEntry['input'] }): OperationResult {
    if (found.service === 's3') {
      const { bucket, key } = found.labels;
      draft.input = { Bucket: bucket, Key: key, ...(body.length > 0 ? { Body: body.toString('utf8') } : {}) };
      return this.s3.handle({ operation: found.operation as 'PutObject', bucket, key, body, headers });
    }
    if (found.service === 'events') {
      const input = parseJsonBody(body.toString('utf8'));
      if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) {
        throw new ServiceError('SerializationException', 'The request body must be a JSON object');
      }
      draft.input = (input ?? {}) as { [member: string]: unknown };
      return this.events.handle(found.operation as EventsOperation, draft.input);
    }
    const spec = constraintTables().services[found.service].operations[found.operation];
    const json = parseJsonBody(body.toString('utf8'));
    const flatHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, header(value)]));
    const { input, violations } = validateInput(spec, { labels: found.labels, query: parseQuery(query), headers: flatHeaders, body: json }, {
      strictMembers: this.options.strictMembers ?? true,
    });
    draft.input = input;
    if (violations.length > 0) {
      throw new ServiceError(validationErrorType(found.service, found.operation), validationMessage(violations));
    }
    return callOperation(found.service === 'iotwireless' ? this.fuota : this.ota, found.operation, input);
  }
}

function parseJsonBody(text: string): unknown {
  try {
    return text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ServiceError('SerializationException', 'The request body is not valid JSON', {}, 400);
  }
}

function successAnswer(service: ServiceName, operation: string, result: OperationResult, requestId: string): HttpAnswer {
  if (service === 'events') {
    return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId }, body: JSON.stringify(result.body ?? {}) };
  }
  if (service === 's3') {
    return { status: result.status ?? 200, headers: { ...result.headers, 'x-amz-request-id': requestId }, body: String(result.body ?? '') };
  }
  const status = result.status ?? constraintTables().services[service].operations[operation].code;
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...result.headers },
    body: status === 204 ? '' : JSON.stringify(result.body ?? {}),
  };
}

/**
 * The error a model violation is answered with: ValidationException where the operation declares
 * it; Managed Integrations' tagging operations declare none, so their 400 error
 * (InvalidRequestException) stands in. What the real service sends there is UNCONFIRMED.
 */
function validationErrorType(service: ApiServiceName, operation: string): string {
  const spec = constraintTables().services[service];
  const declared = spec.operations[operation].errors;
  if (declared.includes('ValidationException')) return 'ValidationException';
  return declared.find((name) => spec.errors[name]?.status === 400) ?? 'ValidationException';
}

function unknownOperation(service: ServiceName, method: string, path: string): ServiceError {
  if (service === 'events') return new ServiceError('UnknownOperationException', `The emulated EventBridge serves POST / with X-Amz-Target AWSEvents.DescribeRule, DisableRule, EnableRule or PutEvents, not ${method} ${path}`);
  return service === 's3'
    ? new ServiceError('MethodNotAllowed', `The emulated S3 serves path-style GET, PUT and DELETE of /bucket/key, not ${method} ${path}`)
    : new ServiceError('UnknownOperationException', `No emulated ${service} operation serves ${method} ${path}`, {}, 404);
}

function faultError(fault: FaultDecision): ServiceError {
  const error = fault.error ?? { type: 'InternalServerException', message: 'Injected fault' };
  return new ServiceError(error.type, error.message, {}, error.status);
}

function parseQuery(query: string): { [name: string]: string[] } {
  const parsed: { [name: string]: string[] } = {};
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const [name, value = ''] = pair.split(/=(.*)/s).map(decodeLenient);
    (parsed[name] ??= []).push(value);
  }
  return parsed;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
