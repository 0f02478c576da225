// The pure helpers behind the OTA handler's requests: where a stored job document goes, whether a
// task URL is one the library stored, what needs a new task, and which tags change.
import { jobDocumentKey, jobDocumentLocation, replacementReasons, s3UrlOf, tagChanges } from '../../../src/ota/handler/ota-requests';
import { parseOtaTaskProperties } from '../../../src/ota/handler/ota-specs';

const BUCKET = 'demo-otajobdocuments1a2b3c';
const TOKEN = 'a'.repeat(64);
const thing = (n: number) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/thing${n}`;

describe('jobDocumentKey', () => {
  test.each<[string, string]>([
    ['a 1-character token', 'a'],
    ['a 64-hex token (what clientToken makes)', TOKEN],
  ])('puts %s under ota-job-documents/ as JSON', (_label, token) => {
    expect(jobDocumentKey(token)).toBe(`ota-job-documents/${token}.json`);
  });

  test('different tokens give different keys', () => {
    expect(jobDocumentKey('b'.repeat(64))).not.toBe(jobDocumentKey(TOKEN));
  });

  test('the key and bucket make the task URL', () => {
    expect(s3UrlOf(BUCKET, jobDocumentKey(TOKEN))).toBe(`s3://${BUCKET}/ota-job-documents/${TOKEN}.json`);
  });
});

describe('jobDocumentLocation', () => {
  const stored = `s3://${BUCKET}/ota-job-documents/${TOKEN}.json`;

  test('a URL the library stored gives its bucket and key', () => {
    expect(jobDocumentLocation(stored, BUCKET)).toStrictEqual({ bucket: BUCKET, key: `ota-job-documents/${TOKEN}.json` });
  });

  test('round-trips what jobDocumentKey and s3UrlOf make', () => {
    expect(jobDocumentLocation(s3UrlOf(BUCKET, jobDocumentKey('t')), BUCKET)).toStrictEqual({ bucket: BUCKET, key: jobDocumentKey('t') });
  });

  test.each<[string, string, unknown]>([
    ['another bucket', `s3://other-bucket/ota-job-documents/${TOKEN}.json`, BUCKET],
    ['a bucket whose name starts with the library bucket', `s3://${BUCKET}-2/ota-job-documents/${TOKEN}.json`, BUCKET],
    ['a bucket name that is a prefix of the library bucket', `s3://${BUCKET.slice(0, -1)}/ota-job-documents/${TOKEN}.json`, BUCKET],
    ['a key outside the prefix', `s3://${BUCKET}/mine/${TOKEN}.json`, BUCKET],
    ['a key that only starts like the prefix', `s3://${BUCKET}/ota-job-documents-old/${TOKEN}.json`, BUCKET],
    ['the prefix one level down', `s3://${BUCKET}/x/ota-job-documents/${TOKEN}.json`, BUCKET],
    ['no library bucket', stored, undefined],
    ['an empty library bucket', stored, ''],
    ['a library bucket that is not text', stored, { Ref: 'Bucket' }],
    ['an https URL', `https://${BUCKET}.s3.amazonaws.com/ota-job-documents/${TOKEN}.json`, BUCKET],
  ])('is undefined for %s', (_label, url, bucket) => {
    expect(jobDocumentLocation(url, bucket)).toBeUndefined();
  });
});

describe('replacementReasons', () => {
  const BASE: Record<string, unknown> = {
    JobDocument: '{"v":1}',
    JobDocumentBucket: BUCKET,
    OtaType: 'ONE_TIME',
    Protocol: 'HTTP',
    OtaMechanism: 'PUSH',
    Target: [thing(1), thing(2)],
    TaskConfigurationId: 'config1',
    Description: 'Firmware 2',
    OtaSchedulingConfig: { EndBehavior: 'CANCEL', MaintenanceWindows: [{ DurationInMinutes: '60', StartTime: 'w' }] },
    OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: '3' }] },
    Tags: { team: 'firmware' },
  };

  function reasons(changes: Record<string, unknown>, from: Record<string, unknown> = BASE): string[] {
    const desired: Record<string, unknown> = { ...from, ...changes };
    for (const [key, value] of Object.entries(changes)) if (value === undefined) delete desired[key];
    return replacementReasons(parseOtaTaskProperties(from), parseOtaTaskProperties(desired));
  }

  test.each<[string, Record<string, unknown>]>([
    ['nothing changed', {}],
    ['Description changed', { Description: 'Firmware 3' }],
    ['TaskConfigurationId changed', { TaskConfigurationId: 'config2' }],
    ['tags changed', { Tags: { team: 'platform', owner: 'ota' } }],
    ['tags removed', { Tags: undefined }],
    ['numbers sent as numbers instead of strings', {
      OtaSchedulingConfig: { EndBehavior: 'CANCEL', MaintenanceWindows: [{ DurationInMinutes: 60, StartTime: 'w' }] },
      OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: 3 }] },
    }],
    ['ServiceToken changed', { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:new' }],
    ['the same targets in another order', { Target: [thing(2), thing(1)] }],
  ])('none when %s: UpdateOtaTask or the tagging APIs can do it', (_label, changes) => {
    expect(reasons(changes)).toEqual([]);
  });

  test('adding a Description or TaskConfigurationId is in place', () => {
    const bare = { ...BASE };
    delete bare.Description;
    delete bare.TaskConfigurationId;
    expect(reasons({ Description: 'Firmware 2', TaskConfigurationId: 'config1' }, bare)).toEqual([]);
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    ['Description removed', { Description: undefined }, ['Description (removed)']],
    ['TaskConfigurationId removed', { TaskConfigurationId: undefined }, ['TaskConfigurationId (removed)']],
    ['the document text', { JobDocument: '{"v":2}' }, ['jobDocument']],
    ['the document bucket', { JobDocumentBucket: 'other-bucket' }, ['jobDocument']],
    ['a user URL instead of a stored document', { JobDocument: undefined, JobDocumentBucket: undefined, S3Url: 's3://b/k.json' }, ['jobDocument']],
    ['a target added', { Target: [thing(1), thing(2), thing(3)] }, ['Target']],
    ['OtaType', { OtaType: 'CONTINUOUS', Target: undefined, OtaTargetQueryString: 'q' }, ['OtaType', 'Target', 'OtaTargetQueryString']],
    ['Protocol removed', { Protocol: undefined }, ['Protocol']],
    ['OtaMechanism removed', { OtaMechanism: undefined }, ['OtaMechanism']],
    ['a maintenance window', { OtaSchedulingConfig: { EndBehavior: 'CANCEL', MaintenanceWindows: [{ DurationInMinutes: '61', StartTime: 'w' }] } }, ['OtaSchedulingConfig']],
    ['scheduling removed', { OtaSchedulingConfig: undefined }, ['OtaSchedulingConfig']],
    ['the retry count', { OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: '4' }] } }, ['OtaTaskExecutionRetryConfig']],
    ['several fields and the Description', { Protocol: undefined, Description: 'Firmware 3', JobDocument: '{"v":2}' }, ['jobDocument', 'Protocol']],
  ])('a new task when %s changes', (_label, changes, expected) => {
    expect(reasons(changes)).toEqual(expected);
  });
});

describe('tagChanges', () => {
  test.each<[string, Record<string, string>, Record<string, string>, string[]]>([
    ['no tags before or after', {}, {}, []],
    ['tags added', {}, { a: '1' }, []],
    ['a value changed', { a: '1' }, { a: '2' }, []],
    ['a key removed', { a: '1', b: '2' }, { b: '2' }, ['a']],
    ['every key removed', { a: '1', b: '2' }, {}, ['a', 'b']],
    ['a key renamed', { a: '1' }, { A: '1' }, ['a']],
    ['a key with an empty value kept', { a: '' }, { a: '' }, []],
  ])('%s', (_label, previous, desired, remove) => {
    expect(tagChanges(previous, desired)).toStrictEqual({ remove, set: desired });
  });
});
