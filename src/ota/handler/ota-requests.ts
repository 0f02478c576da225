import type { TagsMap } from './managed-integrations-client';
import { OtaTaskSpec } from './ota-specs';
import { OTA_JOB_DOCUMENT_PREFIX } from '../ota-task.types';

/** The key of a stored job document: one per create request, so a replacement never shares it. */
export function jobDocumentKey(token: string): string {
  return `${OTA_JOB_DOCUMENT_PREFIX}${token}.json`;
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

/**
 * Why moving from `previous` to `desired` needs a new task. UpdateOtaTask changes only Description
 * and TaskConfigurationId, and cannot unset either (both have a minimum length of 1); tags change
 * through the tagging APIs. Anything else, the job document included, is a replacement.
 */
export function replacementReasons(previous: OtaTaskSpec, desired: OtaTaskSpec): string[] {
  const reasons: string[] = [];
  if (JSON.stringify(previous.document) !== JSON.stringify(desired.document)) reasons.push('jobDocument');
  const { Description: oldDescription, TaskConfigurationId: oldConfiguration, ...oldRest } = previous.fields;
  const { Description: newDescription, TaskConfigurationId: newConfiguration, ...newRest } = desired.fields;
  // Targets are a set: the same things in another order are no reason for a new task.
  const comparable = (fields: typeof oldRest) => ({ ...fields, Target: fields.Target && [...fields.Target].sort() });
  const [before, after] = [comparable(oldRest), comparable(newRest)];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const field = key as keyof typeof before;
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) reasons.push(key);
  }
  if (oldDescription !== undefined && newDescription === undefined) reasons.push('Description (removed)');
  if (oldConfiguration !== undefined && newConfiguration === undefined) reasons.push('TaskConfigurationId (removed)');
  return reasons;
}

/** Tag keys to remove and tags to (re)apply to move from `previous` to `desired`. */
export function tagChanges(previous: TagsMap, desired: TagsMap): { remove: string[]; set: TagsMap } {
  return {
    remove: Object.keys(previous).filter((key) => !(key in desired)),
    set: desired,
  };
}
