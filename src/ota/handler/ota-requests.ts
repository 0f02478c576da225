import { createHash } from 'crypto';
import type { GetOtaTaskConfigurationResponse, GetOtaTaskResponse, TagsMap } from './managed-integrations-client';
import { OtaTaskConfigurationSpec, OtaTaskSpec } from './ota-specs';
import { OTA_JOB_DOCUMENT_PREFIX } from '../ota-task.types';

/**
 * The key of a stored job document: `ota-job-documents/<content hash>/<request token>.json`. The
 * token makes it one object per create request, so a replacement never shares (and a cleanup never
 * deletes) another task's document; the content hash lets an update tell from the live task's
 * S3Url alone whether the document changed.
 */
export function jobDocumentKey(token: string, content: string): string {
  return `${OTA_JOB_DOCUMENT_PREFIX}${contentHash(content)}/${token}.json`;
}

function contentHash(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

export function s3UrlOf(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** The bucket and key of `s3Url` when it is a document the library stored in `bucket`. */
export function jobDocumentLocation(s3Url: string, bucket: unknown): { bucket: string; key: string } | undefined {
  if (typeof bucket !== 'string' || bucket === '') return undefined;
  const prefix = `s3://${bucket}/`;
  if (!s3Url.startsWith(prefix)) return undefined;
  const key = s3Url.slice(prefix.length);
  return key.startsWith(OTA_JOB_DOCUMENT_PREFIX) ? { bucket, key } : undefined;
}

/** Fields of CreateOtaTask that UpdateOtaTask cannot change. */
const REPLACING_FIELDS = ['OtaType', 'Target', 'OtaTargetQueryString', 'Protocol', 'OtaMechanism', 'OtaSchedulingConfig', 'OtaTaskExecutionRetryConfig'] as const;

/**
 * Why `desired` needs a new task rather than the live one. A field is a reason only when the
 * properties changed it (`previous` versus `desired`: what CloudFormation asks for) and the live
 * task does not hold the desired value yet. So the live task never causes a replacement by itself
 * (a value the service normalised or filled in is no reason), and it spares one that is already
 * done: the rollback of a replacement that failed before it answered arrives with the properties
 * swapped back at the original task, which already matches. Description and TaskConfigurationId
 * are never a reason: UpdateOtaTask changes them in place, and a removal is decided by
 * {@link unclearableRemovals}, never by replacing a running campaign. Tags change through the
 * tagging APIs. Without readable previous properties, every field counts as asked for and only
 * the live task decides.
 */
export function replacementReasons(
  live: GetOtaTaskResponse, desired: OtaTaskSpec, previous: OtaTaskSpec | undefined, documentBucket?: string,
): string[] {
  const reasons: string[] = [];
  if ((!previous || !sameDocumentSource(previous.document, desired.document)) && !sameDocument(live.S3Url, desired, documentBucket)) {
    reasons.push('jobDocument');
  }
  const liveFields = { ...live, Target: live.Target && [...live.Target].sort() } as Record<string, unknown>;
  const sorted = (spec: OtaTaskSpec | undefined) =>
    spec && ({ ...spec.fields, Target: spec.fields.Target && [...spec.fields.Target].sort() } as Record<string, unknown>);
  const [want, had] = [sorted(desired)!, sorted(previous)];
  for (const field of REPLACING_FIELDS) {
    const asked = !had || !sameValue(had[field], want[field]);
    if (asked && fieldChanged(liveFields[field], want[field], had?.[field])) reasons.push(field);
  }
  return reasons;
}

/** The fields UpdateOtaTask changes in place, by the prop names the user knows them under. */
export const IN_PLACE_FIELDS = [['Description', 'description'], ['TaskConfigurationId', 'taskConfiguration']] as const;

/**
 * The in-place fields the properties removed while the live task still has a value. UpdateOtaTask
 * cannot clear them (the model gives both a minimum length of 1), so such a removal can be neither
 * done in place nor, without pushing the campaign to its devices again, by a new task.
 */
export function unclearableRemovals(
  live: GetOtaTaskResponse, desired: OtaTaskSpec, previous: OtaTaskSpec | undefined,
): (typeof IN_PLACE_FIELDS)[number][] {
  return IN_PLACE_FIELDS.filter(([field]) =>
    desired.fields[field] === undefined && previous?.fields[field] !== undefined && live[field] !== undefined);
}

/**
 * Why `desired` needs a new configuration rather than the live one (the service cannot update a
 * configuration). Compared with the live one, for the same reason as tasks.
 */
export function configurationReplacementReasons(
  live: GetOtaTaskConfigurationResponse, desired: OtaTaskConfigurationSpec, previous: OtaTaskConfigurationSpec | undefined,
): string[] {
  return (['Name', 'Description', 'PushConfig'] as const).filter((field) => {
    // As for tasks, only what the properties changed can be a reason; the live configuration only
    // spares work already done, so a value the service normalised never replaces one.
    if (previous && sameValue(previous[field], desired[field])) return false;
    if (field === 'Name' && desired.Name !== undefined) return !isNamed(live.Name, desired.Name);
    return fieldChanged(live[field], desired[field], previous?.[field]);
  });
}

/** `-` and 8 hex digits: what {@link replacementConfigurationName} appends. */
const REPLACEMENT_SUFFIX_CHARS = 9;
const MAX_CONFIGURATION_NAME_CHARS = 128;

/**
 * The name of a configuration made to replace another: the declared name with `-<8 hex digits>`
 * derived from the request's token (the same on every retry of the request). CloudFormation creates
 * the new configuration before it deletes the old one, so if names are unique per account (not
 * documented either way) the declared name is still taken; a distinct one works either way. A
 * name near the 128-character limit is shortened to make room.
 */
export function replacementConfigurationName(name: string, token: string): string {
  const suffix = createHash('sha256').update(token).digest('hex').slice(0, REPLACEMENT_SUFFIX_CHARS - 1);
  return `${name.slice(0, MAX_CONFIGURATION_NAME_CHARS - REPLACEMENT_SUFFIX_CHARS)}-${suffix}`;
}

/** Whether a live configuration carries `name`, as declared or as a replacement made it. */
function isNamed(live: string | undefined, name: string): boolean {
  if (live === name) return true;
  const base = name.slice(0, MAX_CONFIGURATION_NAME_CHARS - REPLACEMENT_SUFFIX_CHARS);
  return live !== undefined && live.length === base.length + REPLACEMENT_SUFFIX_CHARS
    && live.startsWith(`${base}-`) && /^[0-9a-f]{8}$/.test(live.slice(base.length + 1));
}

/**
 * Whether a field must change: the desired value is set and the live one does not hold it, or the
 * desired value is absent while the previous one was set and is still live (a removal). Values the
 * service fills in by itself (defaults) do not count: a desired value only needs to be contained in
 * the live one.
 */
function fieldChanged(live: unknown, desired: unknown, previous: unknown): boolean {
  if (desired === undefined) return previous !== undefined && contains(live, previous);
  return !contains(live, desired) || removedInside(live, desired, previous);
}

/** The same removal rule one level down, e.g. a PushConfig that no longer has a TimeoutConfig. */
function removedInside(live: unknown, desired: unknown, previous: unknown): boolean {
  if (Array.isArray(desired) && Array.isArray(previous) && Array.isArray(live)) {
    return desired.length === previous.length && desired.some((item, i) => removedInside(live[i], item, previous[i]));
  }
  if (!isRecord(desired) || !isRecord(previous) || !isRecord(live)) return false;
  return Object.keys(previous).some((key) => (desired[key] === undefined
    ? previous[key] !== undefined && contains(live[key], previous[key])
    : removedInside(live[key], desired[key], previous[key])));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether `actual` holds everything `expected` states (objects may carry extra members). */
export function contains(actual: unknown, expected: unknown): boolean {
  if (expected === undefined) return true;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((item, i) => contains(actual[i], item));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) => contains((actual as Record<string, unknown>)[key], value));
  }
  return actual === expected;
}

/** Whether two values state the same (members left undefined count as absent). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return contains(a, b) && contains(b, a);
}

/** Whether two properties name the same job document: the same URL, or the same text for the same bucket. */
function sameDocumentSource(a: OtaTaskSpec['document'], b: OtaTaskSpec['document']): boolean {
  if (a.kind === 'url') return b.kind === 'url' && a.s3Url === b.s3Url;
  return b.kind === 'stored' && a.bucket === b.bucket && a.content === b.content;
}

function sameDocument(liveUrl: string | undefined, desired: OtaTaskSpec, documentBucket: string | undefined): boolean {
  if (desired.document.kind === 'url') return liveUrl === desired.document.s3Url;
  const stored = liveUrl === undefined ? undefined : jobDocumentLocation(liveUrl, documentBucket ?? desired.document.bucket);
  return stored !== undefined && stored.bucket === desired.document.bucket
    && stored.key.startsWith(`${OTA_JOB_DOCUMENT_PREFIX}${contentHash(desired.document.content)}/`);
}

/** Tag keys to remove and tags to (re)apply to move from `previous` to `desired`. */
export function tagChanges(previous: TagsMap, desired: TagsMap): { remove: string[]; set: TagsMap } {
  return {
    remove: Object.keys(previous).filter((key) => !(key in desired)),
    set: desired,
  };
}
