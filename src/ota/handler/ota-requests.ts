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
 * Why `desired` needs a new task rather than the live one. Decided against the live task (not the
 * previous properties), so the rollback of a failed replacement, which arrives with the properties
 * swapped back, finds the live task already matching and replaces nothing. UpdateOtaTask changes
 * only Description and TaskConfigurationId and cannot unset either (both have a minimum length of 1);
 * tags change through the tagging APIs. Anything else, the job document included, is a replacement.
 */
export function replacementReasons(
  live: GetOtaTaskResponse, desired: OtaTaskSpec, previous: OtaTaskSpec | undefined, documentBucket?: string,
): string[] {
  const reasons: string[] = [];
  if (!sameDocument(live.S3Url, desired, documentBucket)) reasons.push('jobDocument');
  const liveFields = { ...live, Target: live.Target && [...live.Target].sort() } as Record<string, unknown>;
  const sorted = (spec: OtaTaskSpec | undefined) =>
    spec && ({ ...spec.fields, Target: spec.fields.Target && [...spec.fields.Target].sort() } as Record<string, unknown>);
  for (const field of REPLACING_FIELDS) {
    if (fieldChanged(liveFields[field], sorted(desired)![field], sorted(previous)?.[field])) reasons.push(field);
  }
  for (const field of ['Description', 'TaskConfigurationId'] as const) {
    if (desired.fields[field] === undefined && fieldChanged(live[field], undefined, previous?.fields[field])) reasons.push(`${field} (removed)`);
  }
  return reasons;
}

/**
 * Why `desired` needs a new configuration rather than the live one (the service cannot update a
 * configuration). Compared with the live one, for the same reason as tasks.
 */
export function configurationReplacementReasons(
  live: GetOtaTaskConfigurationResponse, desired: OtaTaskConfigurationSpec, previous: OtaTaskConfigurationSpec | undefined,
): string[] {
  return (['Name', 'Description', 'PushConfig'] as const)
    .filter((field) => fieldChanged(live[field], desired[field], previous?.[field]));
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
