// Property tests: the library's synth-time validation accepts exactly what the emulator's model
// validation (src/emulator/model-validation.ts, driven by the table derived from the Smithy models)
// accepts. The two are written independently, so this compares two readings of the models.
//
// Per construct, 1,000 seeded props are generated around every boundary the model states (half
// fully random, half with one field at its boundaries and the rest valid, so each boundary is also
// judged alone; "rejected by both" compares verdicts, not which field each side named). The
// library side is the real construct, built in a shared stack per construct (its constructor is
// where the synth-time checks run; building one is fast, synthesizing 1,000 stacks would not be).
// The model side is the request the handler would send for those props (CreateFuotaTask plus one
// Associate call per device or group; CreateOtaTask; CreateOtaTaskConfiguration), numbers as
// numbers, put through validateInput. A small sample then goes through a full synth in its own
// App and Stack, to show the shared-stack path gives the same verdict and that the synthesized
// properties, as the handler parses them, give the very request compared here.
//
// Where the library is intentionally stricter than the model (rules from the developer guides or
// service semantics the model cannot state), the rule is listed below with its reason, and the
// library may reject a case the model accepts only when one of those rules says so. Every other
// disagreement, in either direction, is a mismatch and fails the test.
//
// Not generated (so not compared here), each for a stated reason:
// - FuotaTask `start`: the 31-minute minimum is StartFuotaTask's timing semantics (the service
//   wants the start 30 minutes ahead of the call), and a start needing devices or groups is the
//   service's "none after the start", neither a model constraint; FuotaTaskStart.at() is refused at
//   synth only when already past and otherwise checked at deploy time on purpose. test/fuota
//   covers them all.
// - Tags: checked by a node validation at synth (so Tags.of() aspects are seen), not in the
//   constructor; test/fuota/fuota-task.test.ts and test/ota/ota-task.test.ts cover them.
// - Durations with fractional seconds: CDK's Duration.toSeconds() throws on them before the
//   library's checks run. Whole seconds that are not whole minutes ARE generated: they are mapped
//   to a fractional DurationInMinutes / InProgressTimeoutInMinutes, which the model's integer and
//   long types refuse, so "whole minutes" is an agreement, not a library-only rule.
// - The firmware image and job document (files, buckets, S3 URLs): fixed valid values here; their
//   own tests cover sizes and forms.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { anyFields, boundedString, enumValue, FieldValues, numberAround, oneFieldAtTheEdge, optional, stringOfLengths } from './arbitraries/boundaries';
import {
  FirmwareImage,
  FuotaTask,
  FuotaTaskProps,
  OtaJobDocument,
  OtaTask,
  OtaTaskConfiguration,
  OtaTaskConfigurationProps,
  OtaTaskProps,
} from '../../src';
import { constraintTables, OperationSpec } from '../../src/emulator/constraint-table';
import { validateInput, Violation } from '../../src/emulator/model-validation';
import { createFuotaTaskRequest } from '../../src/fuota/handler/requests';
import { parseFuotaTaskProperties } from '../../src/fuota/handler/task-spec';
import { parseOtaTaskConfigurationProperties, parseOtaTaskProperties } from '../../src/ota/handler/ota-specs';

const RUNS = 1000;
const SAMPLE = 5;
const ENV = { account: '123456789012', region: 'eu-west-1' };
const TABLES = constraintTables().services;
const FIRMWARE_IMAGE = 's3://firmware-bucket/firmware/sensor-v2.bin';
const FIRMWARE_ROLE = 'arn:aws:iam::123456789012:role/FirmwareUpdateRole';
const S3_URL = 's3://demo-otajobdocuments/ota-job-documents/campaign.json';
const FUOTA_TASK_ID = '3f1a2b3c-0000-4000-8000-000000000001';

// ---------------------------------------------------------------------------------------------
// The comparison

/** A rule the library applies and the model does not state, with the reason it is intended. */
interface LibraryOnlyRule<P> {
  readonly id: string;
  readonly why: string;
  /** Whether `props` break the rule, read from the rule's statement, not from the library's code. */
  readonly breaks: (props: P) => boolean;
}

/** Marks an error that does not come from the library's validation (it does not name the construct). */
const CRASH = 'CRASH (not a validation error)';

interface Verdict {
  /** The library's error message, or undefined when it accepted the props. */
  readonly library?: string;
  readonly model: readonly Violation[];
}

interface Tally {
  cases: number;
  acceptedByBoth: number;
  rejectedByBoth: number;
  /** Model accepts, library rejects, and a documented library-only rule explains it. */
  libraryOnly: Record<string, number>;
  mismatches: { props: unknown; library?: string; model: readonly Violation[]; rules: string[] }[];
}

function tally<P>(cases: readonly P[], verdicts: readonly Verdict[], rules: readonly LibraryOnlyRule<P>[]): Tally {
  const result: Tally = { cases: cases.length, acceptedByBoth: 0, rejectedByBoth: 0, libraryOnly: {}, mismatches: [] };
  for (const rule of rules) result.libraryOnly[rule.id] = 0;
  cases.forEach((props, index) => {
    const { library, model } = verdicts[index];
    const broken = rules.filter((rule) => rule.breaks(props)).map((rule) => rule.id);
    const modelAccepts = model.length === 0;
    const libraryAccepts = library === undefined;
    if (library?.startsWith(CRASH)) {
      result.mismatches.push({ props, library, model, rules: broken });
    } else if (libraryAccepts && modelAccepts && broken.length === 0) {
      result.acceptedByBoth++;
    } else if (!libraryAccepts && !modelAccepts) {
      result.rejectedByBoth++;
    } else if (!libraryAccepts && modelAccepts && broken.length > 0) {
      // Several rules may break at once; the first listed is credited.
      result.libraryOnly[broken[0]]++;
    } else {
      result.mismatches.push({ props, library, model, rules: broken });
    }
  });
  return result;
}

function report(name: string, result: Tally): string {
  const explained = Object.values(result.libraryOnly).reduce((a, b) => a + b, 0);
  const detail = Object.entries(result.libraryOnly).filter(([, n]) => n > 0).map(([id, n]) => `${id} ${n}`).join(', ');
  return `${name}: ${result.cases} cases, ${result.acceptedByBoth} accepted by both, ${result.rejectedByBoth} rejected by both, `
    + `${explained} rejected by the library alone under documented rules${detail ? ` (${detail})` : ''}, ${result.mismatches.length} mismatches`;
}

function describeMismatches(result: Tally): string {
  return result.mismatches.slice(0, 5).map((m) => JSON.stringify({
    props: m.props, library: m.library ?? 'accepted', model: m.model.length === 0 ? 'accepted' : m.model, rules: m.rules,
  }, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 1)).join('\n');
}

/** Violations of one operation's model constraints, for a JSON body (not round-tripped, so NaN stays NaN). */
function modelViolations(operation: OperationSpec, body: Record<string, unknown>, labels: Record<string, string> = {}): Violation[] {
  return [...validateInput(operation, { labels, query: {}, headers: {}, body }).violations];
}

/**
 * Builds constructs in a shared stack, one per case, and records what each constructor threw. A
 * new stack every 250 cases keeps the tree small. Only errors naming the construct's path count as
 * validation errors; anything else is a crash and reported as such.
 */
function libraryVerdicts<P>(cases: readonly P[], build: (stack: Stack, id: string, props: P) => void): (string | undefined)[] {
  let stack: Stack | undefined;
  return cases.map((props, index) => {
    if (index % 250 === 0) stack = new Stack(new App(), 'S', { env: ENV });
    const id = `T${index}`;
    try {
      build(stack!, id, props);
      return undefined;
    } catch (error) {
      const message = (error as Error).message;
      return message.startsWith('S/') ? message : `${CRASH}: ${message}`;
    }
  });
}

/** Code points, as Smithy's @length counts a string. */

// ---------------------------------------------------------------------------------------------
// FuotaTask

const ASTRAL = ['😀', '𝄞'];
const RF_REGIONS = ['EU868', 'US915', 'AU915', 'AS923-1', 'AS923-2', 'AS923-3', 'AS923-4', 'EU433', 'CN470', 'CN779', 'RU864', 'KR920', 'IN865'];

/** A valid base64 descriptor of about `chars` characters, or a near miss. */
const descriptor: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(0, 1, 2, 3, 60, 246, 247, 248, 249, 250, 252).chain((bytes) => fc.uint8Array({ minLength: bytes, maxLength: bytes })).map((bytes) => Buffer.from(bytes).toString('base64')), weight: 4 },
  { arbitrary: fc.constantFrom('AAA', 'AA=', 'A===', 'AA==AA==', 'ab-_', 'ab cd', 'QUJD\n', '=', 'QUJDRA'), weight: 1 },
);

const idList = (max: number): fc.Arbitrary<string[]> => fc.oneof(
  { arbitrary: fc.array(stringOfLengths([0, 1, 36, max - 1, max, max + 1]), { maxLength: 3 }), weight: 4 },
  // a duplicate
  { arbitrary: stringOfLengths([1, 36]).map((id) => [id, id]), weight: 1 },
);

interface FuotaCase {
  readonly props: Omit<FuotaTaskProps, 'firmware'>;
}

const fuotaFields = {
  fuotaTaskName: boundedString(0, 256, ASTRAL) as fc.Arbitrary<string | undefined>,
  description: boundedString(0, 2048, ASTRAL) as fc.Arbitrary<string | undefined>,
  rfRegion: enumValue(RF_REGIONS) as fc.Arbitrary<string | undefined>,
  redundancyPercent: numberAround(0, 100) as fc.Arbitrary<number | undefined>,
  fragmentSizeBytes: numberAround(1, undefined) as fc.Arbitrary<number | undefined>,
  fragmentIntervalMs: numberAround(1, undefined) as fc.Arbitrary<number | undefined>,
  descriptor: descriptor as fc.Arbitrary<string | undefined>,
};

const fuotaTargets = fc.oneof(
  { arbitrary: fc.record({ wirelessDeviceIds: optional(idList(256), 1) }), weight: 3 },
  { arbitrary: fc.record({ multicastGroupIds: optional(idList(256), 1) }), weight: 3 },
  { arbitrary: fc.record({ wirelessDeviceIds: idList(256), multicastGroupIds: idList(256) }), weight: 1 },
);

/** Half fully random, half one field at its boundaries and the others valid. */
const fuotaCase: fc.Arbitrary<FuotaCase> = fc.record({
  fields: fc.oneof(
    anyFields(fuotaFields),
    oneFieldAtTheEdge(fuotaFields, (partial) => fuotaModel({ props: partial as FuotaCase['props'] }).length === 0),
  ),
  targets: fuotaTargets,
}).map(({ fields, targets }) => ({ props: { ...fields, ...targets } as FuotaCase['props'] }));

const FUOTA_LIBRARY_ONLY: LibraryOnlyRule<FuotaCase>[] = [
  {
    id: 'devices-xor-groups',
    why: 'IoT Wireless takes devices or multicast groups in a FUOTA task, never both: a service rule '
      + '(the emulator enforces it as service semantics on the second Associate call), not a model constraint',
    breaks: ({ props }) => (props.wirelessDeviceIds?.length ?? 0) > 0 && (props.multicastGroupIds?.length ?? 0) > 0,
  },
  {
    id: 'duplicate-ids',
    why: 'a device or group listed twice would be associated twice; the model has no list-uniqueness trait on these calls',
    breaks: ({ props }) => [props.wirelessDeviceIds, props.multicastGroupIds].some((ids) => ids !== undefined && new Set(ids).size !== ids.length),
  },
];

function fuotaRequest(props: FuotaCase['props']): Record<string, unknown> {
  return {
    ClientRequestToken: 'token-1',
    FirmwareUpdateImage: FIRMWARE_IMAGE,
    FirmwareUpdateRole: FIRMWARE_ROLE,
    Name: props.fuotaTaskName,
    Description: props.description,
    LoRaWAN: props.rfRegion === undefined ? undefined : { RfRegion: props.rfRegion },
    RedundancyPercent: props.redundancyPercent,
    FragmentSizeBytes: props.fragmentSizeBytes,
    FragmentIntervalMS: props.fragmentIntervalMs,
    Descriptor: props.descriptor,
  };
}

function fuotaModel({ props }: FuotaCase): Violation[] {
  const ops = TABLES.iotwireless.operations;
  return [
    ...modelViolations(ops.CreateFuotaTask, fuotaRequest(props)),
    ...(props.wirelessDeviceIds ?? []).flatMap((id) =>
      modelViolations(ops.AssociateWirelessDeviceWithFuotaTask, { WirelessDeviceId: id }, { Id: FUOTA_TASK_ID })),
    ...(props.multicastGroupIds ?? []).flatMap((id) =>
      modelViolations(ops.AssociateMulticastGroupWithFuotaTask, { MulticastGroupId: id }, { Id: FUOTA_TASK_ID })),
  ];
}

function buildFuota(stack: Stack, id: string, { props }: FuotaCase): FuotaTask {
  const bucket = s3.Bucket.fromBucketName(stack, `${id}Bucket`, 'firmware-bucket');
  return new FuotaTask(stack, id, { ...props, firmware: FirmwareImage.fromBucket(bucket, 'firmware/sensor-v2.bin'), outputs: false });
}

// ---------------------------------------------------------------------------------------------
// OtaTask

/**
 * A duration in whole seconds around 1 to `maxMinutes` minutes: whole minutes mostly, and some
 * that are not (30 s, 90 s, max + 30 s). Durations with fractional seconds are not generated: CDK's
 * Duration.toSeconds() refuses them itself before the library's checks run.
 */
function wholeSecondsAround(maxMinutes: number): fc.Arbitrary<number> {
  return fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: maxMinutes }).map((minutes) => minutes * 60), weight: 4 },
    { arbitrary: fc.constantFrom(0, 60, 2 * 60, (maxMinutes - 1) * 60, maxMinutes * 60, (maxMinutes + 1) * 60), weight: 2 },
    { arbitrary: fc.constantFrom(1, 30, 59, 61, 90, maxMinutes * 60 + 30), weight: 1 },
  );
}

const OTA_TYPES = ['ONE_TIME', 'CONTINUOUS'];
const DESCRIPTION_ODD = ['.', 'é', '\n', '@', '😀'];
const scheduleTime = fc.oneof(
  { arbitrary: fc.constantFrom('2027-01-15T02:00', '2027-01-15T02:00:30Z', '2027-01-15T02:00:30.5+01:00', '2027-12-31T23:59:59-05:30'), weight: 6 },
  { arbitrary: fc.constantFrom('2027-13-01T00:00', '2027-01-15 02:00', '2027-01-15T24:00', 'tomorrow', ''), weight: 1 },
);
const THING = 'arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/';

interface OtaCase {
  readonly props: Omit<OtaTaskProps, 'jobDocument' | 'taskConfiguration'>;
  readonly taskConfigurationId?: string;
}

const targets: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: fc.array(stringOfLengths([1, 8]).map((id) => THING + id), { minLength: 1, maxLength: 3 }), weight: 6 },
  { arbitrary: fc.constantFrom(0, 99, 100, 101).map((n) => Array.from({ length: n }, (_v, i) => `${THING}t${i}`)), weight: 1 },
  { arbitrary: fc.constantFrom<string[]>([`${THING}a`, `${THING}a`], [''], [' ']), weight: 1 },
  // Not managed-thing ARNs: a bare id, an id with a character the model's ManagedThingArn refuses, another resource type.
  { arbitrary: fc.constantFrom<string[]>(['hub0001'], [`${THING}hub.1`], ['arn:aws:iotmanagedintegrations:eu-west-1:123456789012:ota-task/abc']), weight: 1 },
);

const otaFields = {
  description: boundedString(1, 256, DESCRIPTION_ODD) as fc.Arbitrary<string | undefined>,
  protocol: enumValue(['HTTP']) as fc.Arbitrary<string | undefined>,
  otaMechanism: enumValue(['PUSH']) as fc.Arbitrary<string | undefined>,
  taskConfigurationId: boundedString(1, 64, ['-', '_', ' ']) as fc.Arbitrary<string | undefined>,
  startTime: scheduleTime as fc.Arbitrary<string | undefined>,
  endTime: scheduleTime as fc.Arbitrary<string | undefined>,
  endBehavior: enumValue(['STOP_ROLLOUT', 'CANCEL', 'FORCE_CANCEL']) as fc.Arbitrary<string | undefined>,
  maintenanceWindows: fc.array(fc.record({
    startTime: fc.oneof({ arbitrary: fc.constantFrom('2027-01-15T02:00', 'mon 02:00'), weight: 6 }, { arbitrary: fc.constantFrom('', ' '), weight: 1 }),
    seconds: wholeSecondsAround(1430),
  }), { maxLength: 2 }) as fc.Arbitrary<{ startTime: string; seconds: number }[] | undefined>,
  retryCriteria: fc.array(fc.record({
    failureType: optional(enumValue(['FAILED', 'TIMED_OUT', 'ALL'])),
    minNumberOfRetries: optional(numberAround(0, 10)),
  }, { requiredKeys: [] }), { maxLength: 2 }) as fc.Arbitrary<{ failureType?: string; minNumberOfRetries?: number }[] | undefined>,
};
type OtaFields = FieldValues<typeof otaFields>;

interface OtaTargeting {
  readonly otaType: string;
  readonly targeting: string;
  readonly targets: string[];
  readonly query: string;
  /** Send an (empty) scheduling object even when no scheduling field is set. */
  readonly emptyScheduling: boolean;
}

const otaTargeting: fc.Arbitrary<OtaTargeting> = fc.record({
  otaType: enumValue(OTA_TYPES),
  // Mostly the targeting the type wants, sometimes the other kind, both or neither.
  targeting: fc.oneof({ arbitrary: fc.constant('fit'), weight: 12 }, { arbitrary: fc.constantFrom('targets', 'query', 'both', 'none'), weight: 1 }),
  targets,
  query: fc.oneof({ arbitrary: fc.constantFrom('attributes.owner=team-a', 'x'), weight: 6 }, { arbitrary: fc.constantFrom('', '  '), weight: 1 }),
  emptyScheduling: fc.boolean(),
});

function toOtaCase(base: OtaTargeting, fields: OtaFields): OtaCase {
  const { otaType, targeting, targets: list, query } = base;
  const wantsTargets = targeting === 'fit' ? otaType !== 'CONTINUOUS' : targeting === 'targets' || targeting === 'both';
  const wantsQuery = targeting === 'fit' ? otaType === 'CONTINUOUS' : targeting === 'query' || targeting === 'both';
  const { startTime, endTime, endBehavior, maintenanceWindows } = fields;
  const hasScheduling = base.emptyScheduling || [startTime, endTime, endBehavior, maintenanceWindows].some((v) => v !== undefined);
  const props: OtaCase['props'] = {
    otaType: otaType as OtaTaskProps['otaType'],
    targets: wantsTargets ? list : undefined,
    otaTargetQueryString: wantsQuery ? query : undefined,
    description: fields.description,
    protocol: fields.protocol as OtaTaskProps['protocol'],
    otaMechanism: fields.otaMechanism as OtaTaskProps['otaMechanism'],
    scheduling: hasScheduling ? {
      startTime,
      endTime,
      endBehavior: endBehavior as any,
      maintenanceWindows: maintenanceWindows?.map((window) => ({ startTime: window.startTime, duration: Duration.seconds(window.seconds) })),
    } : undefined,
    retryCriteria: fields.retryCriteria as OtaTaskProps['retryCriteria'],
  };
  return { props, taskConfigurationId: fields.taskConfigurationId };
}

const VALID_TARGETING: OtaTargeting = { otaType: 'ONE_TIME', targeting: 'fit', targets: [`${THING}a`], query: 'x', emptyScheduling: false };

/** Half fully random, half one field at its boundaries and the others valid. */
const otaCase: fc.Arbitrary<OtaCase> = fc.record({
  base: otaTargeting,
  fields: fc.oneof(
    anyFields(otaFields),
    oneFieldAtTheEdge(otaFields, (partial) => {
      const single = toOtaCase(VALID_TARGETING, partial as OtaFields);
      return otaModel(single).length === 0 && OTA_LIBRARY_ONLY.every((rule) => !rule.breaks(single));
    }),
  ),
}).map(({ base, fields }) => toOtaCase(base, fields as OtaFields));

const SCHEDULE_FORM = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$/;

/** The model's ManagedThingArn pattern (iot-managed-integrations.json), copied here rather than imported from src/. */
const MANAGED_THING_ARN = /^arn:aws:iotmanagedintegrations:[0-9a-zA-Z-]+:[0-9]+:managed-thing\/([0-9a-zA-Z:_-])+$/;

const OTA_LIBRARY_ONLY: LibraryOnlyRule<OtaCase>[] = [
  {
    id: 'one-time-needs-targets',
    why: 'a ONE_TIME task updates a fixed list of managed things (developer guide); the model leaves Target optional',
    breaks: ({ props }) => props.otaType === 'ONE_TIME' && (props.targets ?? []).length === 0,
  },
  {
    id: 'one-time-no-query',
    why: 'a ONE_TIME task takes targets only; the guide documents no mix with a query',
    breaks: ({ props }) => props.otaType === 'ONE_TIME' && props.otaTargetQueryString !== undefined,
  },
  {
    id: 'continuous-needs-query',
    why: 'a CONTINUOUS task selects things with a non-blank otaTargetQueryString (guide); the model leaves it optional and unconstrained',
    breaks: ({ props }) => props.otaType === 'CONTINUOUS' && (props.otaTargetQueryString ?? '').trim() === '',
  },
  {
    id: 'continuous-no-targets',
    why: 'a CONTINUOUS task takes a query only; the guide documents no mix with targets',
    breaks: ({ props }) => props.otaType === 'CONTINUOUS' && (props.targets ?? []).length > 0,
  },
  {
    id: 'at-most-100-targets',
    why: 'the developer guide: a ONE_TIME task takes up to 100 targets at a time; the model has no @length on Target',
    breaks: ({ props }) => (props.targets ?? []).length > 100,
  },
  {
    id: 'targets-non-blank-unique',
    why: 'an empty or repeated managed-thing ARN cannot name a distinct target; the model constrains neither',
    breaks: ({ props }) => (props.targets ?? []).some((t) => t.trim() === '') || new Set(props.targets ?? []).size !== (props.targets ?? []).length,
  },
  {
    id: 'targets-managed-thing-arns',
    why: 'the model types Target as bare strings; the developer guide targets managed things by ARN, whose form is the '
      + 'model\'s own ManagedThingArn shape (what CreateManagedThing and GetManagedThing return)',
    breaks: ({ props }) => (props.targets ?? []).some((t) => t.length < 32 || t.length > 1011 || !MANAGED_THING_ARN.test(t)),
  },
  {
    id: 'end-after-start',
    why: 'a rollout cannot end before, or when, it starts; the model states no order between the two free strings. '
      + 'Compared only when both times have a zone or neither has (how the service reads a time without a zone is undocumented)',
    breaks: ({ props }) => {
      const { startTime, endTime } = props.scheduling ?? {};
      if (startTime === undefined || endTime === undefined || !SCHEDULE_FORM.test(startTime) || !SCHEDULE_FORM.test(endTime)) return false;
      const zoned = (t: string) => /(Z|[+-]\d\d:\d\d)$/.test(t);
      if (zoned(startTime) !== zoned(endTime)) return false;
      const at = (t: string) => new Date(zoned(t) ? t : `${t}Z`).getTime();
      return at(endTime) <= at(startTime);
    },
  },
  {
    id: 'schedule-time-form',
    why: 'the model leaves ScheduleStartTime and EndTime unconstrained strings; the guide shows date-times such as 2024-10-23T17:00',
    breaks: ({ props }) => [props.scheduling?.startTime, props.scheduling?.endTime].some((t) => t !== undefined && !SCHEDULE_FORM.test(t)),
  },
  {
    id: 'window-start-non-blank',
    why: 'a maintenance window needs a start; the model leaves StartTime an unconstrained optional string',
    breaks: ({ props }) => (props.scheduling?.maintenanceWindows ?? []).some((w) => w.startTime.trim() === ''),
  },
];

function otaRequest({ props, taskConfigurationId }: OtaCase): Record<string, unknown> {
  return {
    ClientToken: 'token1',
    S3Url: S3_URL,
    OtaType: props.otaType,
    Protocol: props.protocol,
    OtaMechanism: props.otaMechanism,
    Target: props.targets === undefined || props.targets.length === 0 ? undefined : props.targets,
    OtaTargetQueryString: props.otaTargetQueryString,
    TaskConfigurationId: taskConfigurationId,
    Description: props.description,
    OtaSchedulingConfig: props.scheduling && {
      StartTime: props.scheduling.startTime,
      EndTime: props.scheduling.endTime,
      EndBehavior: props.scheduling.endBehavior,
      MaintenanceWindows: props.scheduling.maintenanceWindows?.map((window) => ({
        StartTime: window.startTime,
        // Not whole minutes stays a fraction here, which the model's integer refuses.
        DurationInMinutes: window.duration.toSeconds() / 60,
      })),
    },
    OtaTaskExecutionRetryConfig: props.retryCriteria && {
      RetryConfigCriteria: props.retryCriteria.map((criteria) => ({
        FailureType: criteria.failureType,
        MinNumberOfRetries: criteria.minNumberOfRetries,
      })),
    },
  };
}

function otaModel(ota: OtaCase): Violation[] {
  return modelViolations(TABLES.iotmanagedintegrations.operations.CreateOtaTask, otaRequest(ota));
}

function buildOta(stack: Stack, id: string, { props, taskConfigurationId }: OtaCase): OtaTask {
  const taskConfiguration = taskConfigurationId === undefined ? undefined
    : OtaTaskConfiguration.fromOtaTaskConfigurationId(stack, `${id}Configuration`, taskConfigurationId);
  return new OtaTask(stack, id, {
    ...props, taskConfiguration, jobDocument: OtaJobDocument.fromJson({ operation: 'update', firmware: 'v2' }), outputs: false,
  });
}

// ---------------------------------------------------------------------------------------------
// OtaTaskConfiguration

interface ConfigurationCase {
  readonly props: OtaTaskConfigurationProps;
}

const configurationFields = {
  otaTaskConfigurationName: boundedString(1, 128, ['@', ':', '.', '-', '_', ' ', 'é', '😀']) as fc.Arbitrary<string | undefined>,
  description: boundedString(1, 256, DESCRIPTION_ODD) as fc.Arbitrary<string | undefined>,
  abortCriteria: fc.array(fc.record({
    failureType: enumValue(['FAILED', 'REJECTED', 'TIMED_OUT', 'ALL']),
    minNumberOfExecutedThings: numberAround(1, 100),
    thresholdPercentage: numberAround(undefined, 100, 0.001),
  }), { maxLength: 2 }) as fc.Arbitrary<{ failureType: string; minNumberOfExecutedThings: number; thresholdPercentage: number }[] | undefined>,
  baseRatePerMinute: numberAround(1, 100) as fc.Arbitrary<number | undefined>,
  incrementFactor: fc.oneof(
    numberAround(1.1, 5, 0.0001),
    fc.constantFrom(1, 1.0999999999999999, 1.1000000000000001, 2, 5.000000000000001),
  ) as fc.Arbitrary<number | undefined>,
  numberOfNotifiedThings: numberAround(1, 100) as fc.Arbitrary<number | undefined>,
  numberOfSucceededThings: numberAround(1, 100) as fc.Arbitrary<number | undefined>,
  maximumPerMinute: numberAround(1, undefined) as fc.Arbitrary<number | undefined>,
  inProgressSeconds: wholeSecondsAround(10080) as fc.Arbitrary<number | undefined>,
};
type ConfigurationFields = FieldValues<typeof configurationFields>;

/** Which optional containers are sent even when none of their fields is set. */
interface ConfigurationShells {
  readonly push: boolean;
  readonly rollout: boolean;
  readonly rateIncrease: boolean;
}

function toConfigurationCase(shells: ConfigurationShells, fields: ConfigurationFields): ConfigurationCase {
  const { otaTaskConfigurationName, description, abortCriteria, inProgressSeconds, maximumPerMinute } = fields;
  const rateIncreaseCriteria = shells.rateIncrease || fields.numberOfNotifiedThings !== undefined || fields.numberOfSucceededThings !== undefined
    ? { numberOfNotifiedThings: fields.numberOfNotifiedThings, numberOfSucceededThings: fields.numberOfSucceededThings }
    : undefined;
  const rateSet = [fields.baseRatePerMinute, fields.incrementFactor, maximumPerMinute].some((v) => v !== undefined);
  const rollout = shells.rollout || rateIncreaseCriteria || rateSet
    ? { baseRatePerMinute: fields.baseRatePerMinute, incrementFactor: fields.incrementFactor, rateIncreaseCriteria, maximumPerMinute }
    : undefined;
  const push = shells.push || rollout || abortCriteria !== undefined || inProgressSeconds !== undefined
    ? {
      abortCriteria: abortCriteria as NonNullable<OtaTaskConfigurationProps['pushConfig']>['abortCriteria'],
      rollout,
      inProgressTimeout: inProgressSeconds === undefined ? undefined : Duration.seconds(inProgressSeconds),
    }
    : undefined;
  return { props: { otaTaskConfigurationName, description, pushConfig: push } };
}

const NO_SHELLS: ConfigurationShells = { push: false, rollout: false, rateIncrease: false };

/** Half fully random, half one field at its boundaries and the others valid. */
const configurationCase: fc.Arbitrary<ConfigurationCase> = fc.record({
  shells: fc.record({ push: fc.boolean(), rollout: fc.boolean(), rateIncrease: fc.boolean() }),
  fields: fc.oneof(
    anyFields(configurationFields),
    oneFieldAtTheEdge(configurationFields, (partial) => configurationModel(toConfigurationCase(NO_SHELLS, partial)).length === 0),
  ),
}).map(({ shells, fields }) => toConfigurationCase(shells, fields as ConfigurationFields));

/** The model states every rule the library applies to a configuration: none are library-only. */
const CONFIGURATION_LIBRARY_ONLY: LibraryOnlyRule<ConfigurationCase>[] = [];

function configurationRequest({ props }: ConfigurationCase): Record<string, unknown> {
  const push = props.pushConfig;
  const rollout = push?.rollout;
  const rate = rollout && (rollout.baseRatePerMinute !== undefined || rollout.incrementFactor !== undefined || rollout.rateIncreaseCriteria)
    ? {
      BaseRatePerMinute: rollout.baseRatePerMinute,
      IncrementFactor: rollout.incrementFactor,
      RateIncreaseCriteria: rollout.rateIncreaseCriteria && {
        numberOfNotifiedThings: rollout.rateIncreaseCriteria.numberOfNotifiedThings,
        numberOfSucceededThings: rollout.rateIncreaseCriteria.numberOfSucceededThings,
      },
    }
    : undefined;
  return {
    ClientToken: 'token1',
    Name: props.otaTaskConfigurationName,
    Description: props.description,
    PushConfig: push && {
      AbortConfig: push.abortCriteria?.length ? {
        AbortConfigCriteriaList: push.abortCriteria.map((c) => ({
          Action: 'CANCEL', FailureType: c.failureType, MinNumberOfExecutedThings: c.minNumberOfExecutedThings, ThresholdPercentage: c.thresholdPercentage,
        })),
      } : undefined,
      RolloutConfig: rollout ? { ExponentialRolloutRate: rate, MaximumPerMinute: rollout.maximumPerMinute } : undefined,
      TimeoutConfig: push.inProgressTimeout ? { InProgressTimeoutInMinutes: push.inProgressTimeout.toSeconds() / 60 } : undefined,
    },
  };
}

function configurationModel(configuration: ConfigurationCase): Violation[] {
  return modelViolations(TABLES.iotmanagedintegrations.operations.CreateOtaTaskConfiguration, configurationRequest(configuration));
}

function buildConfiguration(stack: Stack, id: string, { props }: ConfigurationCase): OtaTaskConfiguration {
  return new OtaTaskConfiguration(stack, id, props);
}

// ---------------------------------------------------------------------------------------------
// Full synth of a sample

/** The custom resource's properties, with the tokens the handler would see resolved to fixed values. */
function synthesizedProperties(stack: Stack, type: string): Record<string, unknown> {
  const resources = Object.values(Template.fromStack(stack).findResources(type));
  expect(resources).toHaveLength(1);
  const { ServiceToken: _token, ...properties } = resources[0].Properties as Record<string, unknown>;
  return properties;
}

/** A few accepted and a few rejected cases, in generation order. */
function sample<P>(cases: readonly P[], verdicts: readonly Verdict[]): number[] {
  const accepted = cases.map((_c, i) => i).filter((i) => verdicts[i].library === undefined).slice(0, 3);
  const rejected = cases.map((_c, i) => i).filter((i) => verdicts[i].library !== undefined).slice(0, SAMPLE - accepted.length);
  return [...accepted, ...rejected];
}

/** Builds case `index` alone in a fresh App and Stack; returns the stack, or the error message. */
function alone<P>(props: P, build: (stack: Stack, id: string, props: P) => void): Stack | string {
  const stack = new Stack(new App(), 'S', { env: ENV });
  try {
    build(stack, 'Task', props);
  } catch (error) {
    return (error as Error).message;
  }
  return stack;
}

// ---------------------------------------------------------------------------------------------
// The tests

function run<P>(name: string, arbitrary: fc.Arbitrary<P>, seed: number, model: (props: P) => Violation[],
  build: (stack: Stack, id: string, props: P) => void, rules: readonly LibraryOnlyRule<P>[]): { cases: P[]; verdicts: Verdict[]; result: Tally } {
  const cases = fc.sample(arbitrary, { seed, numRuns: RUNS });
  const library = libraryVerdicts(cases, build);
  const verdicts = cases.map((props, i) => ({ library: library[i], model: model(props) }));
  const result = tally(cases, verdicts, rules);
  console.log(report(name, result));
  return { cases, verdicts, result };
}

describe('synth-time validation agrees with the model validation of the emulator', () => {
  test('FuotaTask', () => {
    const { cases, verdicts, result } = run('FuotaTask', fuotaCase, 0x5f0a, fuotaModel, buildFuota, FUOTA_LIBRARY_ONLY);
    expect(result.cases).toBeGreaterThanOrEqual(1000);
    expect(describeMismatches(result)).toBe('');
    expect(result.acceptedByBoth).toBeGreaterThan(100);
    expect(result.rejectedByBoth).toBeGreaterThan(100);

    for (const index of sample(cases, verdicts)) {
      const stack = alone(cases[index], buildFuota);
      if (typeof stack === 'string') {
        expect(stack.replace(/^S\/Task/, `S/T${index}`)).toBe(verdicts[index].library);
        continue;
      }
      expect(verdicts[index].library).toBeUndefined();
      const properties = synthesizedProperties(stack, 'Custom::IoTWirelessFuotaTask');
      const spec = parseFuotaTaskProperties({ ...properties, FirmwareUpdateImage: FIRMWARE_IMAGE, FirmwareUpdateRole: FIRMWARE_ROLE });
      expect(createFuotaTaskRequest(spec, 'token-1')).toEqual(fuotaRequest(cases[index].props));
      expect(spec.wirelessDeviceIds).toEqual(cases[index].props.wirelessDeviceIds ?? []);
      expect(spec.multicastGroupIds).toEqual(cases[index].props.multicastGroupIds ?? []);
    }
  });

  test('OtaTask', () => {
    const { cases, verdicts, result } = run('OtaTask', otaCase, 0x07a5, otaModel, buildOta, OTA_LIBRARY_ONLY);
    expect(result.cases).toBeGreaterThanOrEqual(1000);
    expect(describeMismatches(result)).toBe('');
    expect(result.acceptedByBoth).toBeGreaterThan(100);
    expect(result.rejectedByBoth).toBeGreaterThan(100);

    for (const index of sample(cases, verdicts)) {
      const stack = alone(cases[index], buildOta);
      if (typeof stack === 'string') {
        expect(stack.replace(/^S\/Task/, `S/T${index}`)).toBe(verdicts[index].library);
        continue;
      }
      expect(verdicts[index].library).toBeUndefined();
      const properties = synthesizedProperties(stack, 'Custom::IoTManagedIntegrationsOtaTask');
      const spec = parseOtaTaskProperties({ ...properties, JobDocumentBucket: 'demo-otajobdocuments' });
      const { ClientToken: _t, S3Url: _u, ...expected } = otaRequest(cases[index]);
      expect(spec.fields).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });

  test('OtaTaskConfiguration', () => {
    const { cases, verdicts, result } = run('OtaTaskConfiguration', configurationCase, 0xc0f1, configurationModel, buildConfiguration, CONFIGURATION_LIBRARY_ONLY);
    expect(result.cases).toBeGreaterThanOrEqual(1000);
    expect(describeMismatches(result)).toBe('');
    expect(result.acceptedByBoth).toBeGreaterThan(100);
    expect(result.rejectedByBoth).toBeGreaterThan(100);

    for (const index of sample(cases, verdicts)) {
      const stack = alone(cases[index], buildConfiguration);
      if (typeof stack === 'string') {
        expect(stack.replace(/^S\/Task/, `S/T${index}`)).toBe(verdicts[index].library);
        continue;
      }
      expect(verdicts[index].library).toBeUndefined();
      const properties = synthesizedProperties(stack, 'Custom::IoTManagedIntegrationsOtaTaskConfiguration');
      const { ClientToken: _t, ...expected } = configurationRequest(cases[index]);
      expect(parseOtaTaskConfigurationProperties(properties)).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });
});
