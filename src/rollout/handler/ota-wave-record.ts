// Where a wave of an OtaRollout lives until, and after, the controller creates its task. An OTA
// task starts when it is created, so a wave that waits for its gate cannot be a task yet; its
// custom resource keeps instead one JSON record in the library bucket (under a prefix the service
// cannot read), named by the resource's physical id `<bucket>/ota-rollout-waves/<token>.json`:
// - the handler writes what the wave will send (the resolved CreateOtaTask request, its client
//   token, the declared rollout tags) at deployment;
// - the controller writes what happened (a passed gate, a halt; `creating` just before it calls
//   CreateOtaTask, then the task's id and ARN, then `announced` once the start was told), and
//   `approve` the approval;
// - the handler's Delete deletes the task it names, then the record.
// The record is the durable state a FUOTA wave keeps in its task's tags, readable by anyone with
// access to the bucket (`aws s3 cp s3://<physical id> -`).
import type { CreateOtaTaskRequest } from '../../ota/handler/managed-integrations-client';
import { OTA_WAVE_RECORD_PREFIX } from '../../ota/ota-task.types';
import { ROLLOUT_TAGS } from '../rollout-tags';

/** Version of the record's shape; a record of another version is refused, not guessed at. */
export const WAVE_RECORD_FORMAT = 1;

export interface OtaWaveRecord {
  readonly format: number;
  /** The CreateOtaTask request the controller sends, without the client token. */
  readonly request: Omit<CreateOtaTaskRequest, 'ClientToken'>;
  /** Sent as CreateOtaTask's ClientToken: a retried create finds the task the first one made. */
  readonly clientToken: string;
  /** The job document the library stored for this wave, deleted with it. */
  readonly document?: { readonly bucket: string; readonly key: string };
  /** The rollout tags: declared ones from the construct, then what the controller and `approve` recorded. */
  readonly tags: Readonly<Record<string, string>>;
  /** When the controller decided to create the task (written before CreateOtaTask is called). */
  readonly creating?: string;
  /** The task the controller created. */
  readonly taskId?: string;
  readonly taskArn?: string;
  /** Whether the `Rollout Wave Started` event of the task was sent. */
  readonly announced?: boolean;
}

/** A record's place in S3. */
export interface RecordLocation {
  readonly bucket: string;
  readonly key: string;
}

/** The physical id of a wave resource: its record's `<bucket>/<key>`. */
export function recordPhysicalId(bucket: string, token: string): string {
  return `${bucket}/${OTA_WAVE_RECORD_PREFIX}${token}.json`;
}

/** The record location a physical id names, or undefined when it is none (a failed create's marker). */
export function recordLocation(physicalId: string): RecordLocation | undefined {
  const slash = physicalId.indexOf('/');
  if (slash < 3) return undefined;
  const key = physicalId.slice(slash + 1);
  return key.startsWith(OTA_WAVE_RECORD_PREFIX) && key.endsWith('.json') ? { bucket: physicalId.slice(0, slash), key } : undefined;
}

/** The `arn:<partition>:s3:::<bucket>/<key>` of a record: what events name for a wave with no task yet. */
export function recordArn(location: RecordLocation, partition = 'aws'): string {
  return `arn:${partition}:s3:::${location.bucket}/${location.key}`;
}

/** Reads, writes and removes records (S3 GetObject, PutObject, DeleteObject). */
export interface RecordObjects {
  get(bucket: string, key: string): Promise<string | undefined>;
  put(bucket: string, key: string, content: string): Promise<void>;
  delete(bucket: string, key: string): Promise<void>;
}

/** The record, checked; undefined when there is none; an error naming the object when it is unreadable. */
export function parseWaveRecord(text: string, location: RecordLocation): OtaWaveRecord {
  let record: OtaWaveRecord;
  try {
    record = JSON.parse(text);
  } catch {
    throw new Error(`the OTA wave record s3://${location.bucket}/${location.key} is not JSON`);
  }
  if (record?.format !== WAVE_RECORD_FORMAT || typeof record.clientToken !== 'string' || typeof record.request !== 'object' || typeof record.tags !== 'object') {
    throw new Error(`the OTA wave record s3://${location.bucket}/${location.key} is not a format-${WAVE_RECORD_FORMAT} record of this library`);
  }
  return record;
}

export async function readWaveRecord(objects: RecordObjects, location: RecordLocation): Promise<OtaWaveRecord | undefined> {
  const text = await objects.get(location.bucket, location.key);
  return text === undefined ? undefined : parseWaveRecord(text, location);
}

export async function writeWaveRecord(objects: RecordObjects, location: RecordLocation, record: OtaWaveRecord): Promise<void> {
  await objects.put(location.bucket, location.key, `${JSON.stringify(record, undefined, 2)}\n`);
}

/** Whether the controller has started the wave: its task exists, or its create was decided and may have happened. */
export function recordStarted(record: OtaWaveRecord): boolean {
  return record.taskId !== undefined || record.creating !== undefined;
}

/** The rollout tags of a task's tags (the keys the controller reads). */
export function rolloutTagsOf(tags: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const keys = new Set<string>(Object.values(ROLLOUT_TAGS));
  return Object.fromEntries(Object.entries(tags ?? {}).filter(([key]) => keys.has(key)));
}
