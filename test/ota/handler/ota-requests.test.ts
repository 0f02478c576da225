// The pure helpers behind the OTA handler's requests: where a stored job document goes, whether a
// task URL is one the library stored, what needs a new task or configuration (decided against the
// live one), and which tags change.
import { createHash } from 'node:crypto';
import { OTA_TASK_FIELDS, thing } from './ota-fixtures';
import type { GetOtaTaskConfigurationResponse, GetOtaTaskResponse } from '../../../src/ota/handler/managed-integrations-client';
import {
  configurationReplacementReasons,
  contains,
  jobDocumentKey,
  jobDocumentLocation,
  replacementReasons,
  s3UrlOf,
  tagChanges,
  unclearableRemovals,
} from '../../../src/ota/handler/ota-requests';
import { OtaTaskConfigurationSpec, OtaTaskSpec, parseOtaTaskConfigurationProperties, parseOtaTaskProperties } from '../../../src/ota/handler/ota-specs';

const BUCKET = 'demo-otajobdocuments1a2b3c';
const TOKEN = 'a'.repeat(64);
const OTHER_TOKEN = 'b'.repeat(64);
const CONTENT = '{"v":1}';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const HASH = sha256(CONTENT);

/** A copy of `props` with `changes` applied; an undefined value removes the property. */
function with_(props: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...props, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete copy[key];
  return copy;
}

/** What the wire carries: undefined members dropped. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe('jobDocumentKey', () => {
  test.each<[string, string]>([
    ['a 1-character token', 'a'],
    ['a 64-hex token (what clientToken makes)', TOKEN],
  ])('puts %s under ota-job-documents/<sha256 of the content>/ as JSON', (_label, token) => {
    expect(jobDocumentKey(token, CONTENT)).toBe(`ota-job-documents/${HASH}/${token}.json`);
  });

  test('the directory is the lowercase hex sha256 of the exact text', () => {
    expect(HASH).toMatch(/^[0-9a-f]{64}$/);
    expect(jobDocumentKey(TOKEN, '')).toBe(`ota-job-documents/${sha256('')}/${TOKEN}.json`);
    expect(jobDocumentKey(TOKEN, 'mise à jour')).toBe(`ota-job-documents/${sha256('mise à jour')}/${TOKEN}.json`);
  });

  test('different tokens give different keys in the same directory', () => {
    const [a, b] = [jobDocumentKey(TOKEN, CONTENT), jobDocumentKey(OTHER_TOKEN, CONTENT)];
    expect(a).not.toBe(b);
    expect(a.slice(0, a.lastIndexOf('/'))).toBe(b.slice(0, b.lastIndexOf('/')));
  });

  test.each<[string, string]>([
    ['other content', '{"v":2}'],
    ['the same JSON reformatted', '{ "v": 1 }'],
  ])('%s gives another directory', (_label, content) => {
    expect(jobDocumentKey(TOKEN, content)).not.toBe(jobDocumentKey(TOKEN, CONTENT));
  });

  test('the key and bucket make the task URL', () => {
    expect(s3UrlOf(BUCKET, jobDocumentKey(TOKEN, CONTENT))).toBe(`s3://${BUCKET}/ota-job-documents/${HASH}/${TOKEN}.json`);
  });
});

describe('jobDocumentLocation', () => {
  const stored = `s3://${BUCKET}/ota-job-documents/${HASH}/${TOKEN}.json`;

  test('a URL the library stored gives its bucket and key', () => {
    expect(jobDocumentLocation(stored, BUCKET)).toStrictEqual({ bucket: BUCKET, key: `ota-job-documents/${HASH}/${TOKEN}.json` });
  });

  test('round-trips what jobDocumentKey and s3UrlOf make', () => {
    const key = jobDocumentKey('t', CONTENT);
    expect(jobDocumentLocation(s3UrlOf(BUCKET, key), BUCKET)).toStrictEqual({ bucket: BUCKET, key });
  });

  test('a document stored with the earlier flat key is still the library\'s (so a delete removes it)', () => {
    expect(jobDocumentLocation(`s3://${BUCKET}/ota-job-documents/${TOKEN}.json`, BUCKET))
      .toStrictEqual({ bucket: BUCKET, key: `ota-job-documents/${TOKEN}.json` });
  });

  test.each<[string, string, unknown]>([
    ['another bucket', `s3://other-bucket/ota-job-documents/${HASH}/${TOKEN}.json`, BUCKET],
    ['a bucket whose name starts with the library bucket', `s3://${BUCKET}-2/ota-job-documents/${HASH}/${TOKEN}.json`, BUCKET],
    ['a bucket name that is a prefix of the library bucket', `s3://${BUCKET.slice(0, -1)}/ota-job-documents/${HASH}/${TOKEN}.json`, BUCKET],
    ['a key outside the prefix', `s3://${BUCKET}/mine/${TOKEN}.json`, BUCKET],
    ['a key that only starts like the prefix', `s3://${BUCKET}/ota-job-documents-old/${TOKEN}.json`, BUCKET],
    ['the prefix one level down', `s3://${BUCKET}/x/ota-job-documents/${TOKEN}.json`, BUCKET],
    ['no library bucket', stored, undefined],
    ['an empty library bucket', stored, ''],
    ['a library bucket that is not text', stored, { Ref: 'Bucket' }],
    ['an https URL', `https://${BUCKET}.s3.amazonaws.com/ota-job-documents/${HASH}/${TOKEN}.json`, BUCKET],
  ])('is undefined for %s', (_label, url, bucket) => {
    expect(jobDocumentLocation(url, bucket)).toBeUndefined();
  });
});

describe('contains', () => {
  test.each<[string, unknown, unknown]>([
    ['an undefined expectation, whatever is there', 'anything', undefined],
    ['an undefined expectation over nothing', undefined, undefined],
    ['an equal string', 'HTTP', 'HTTP'],
    ['an equal number', 60, 60],
    ['zero', 0, 0],
    ['false', false, false],
    ['null for null', null, null],
    ['an object with extra members', { a: 1, b: 2, c: { d: 3 } }, { a: 1 }],
    ['extra members nested', { a: { b: 1, filled: 'in' } }, { a: { b: 1 } }],
    ['an expected member that is undefined (left out)', { a: 1 }, { a: 1, b: undefined }],
    ['an empty object in any object', { a: 1 }, {}],
    ['an empty object in an empty object', {}, {}],
    ['an equal array', [1, 2], [1, 2]],
    ['an empty array for an empty array', [], []],
    ['array elements with extra members', [{ a: 1, filled: true }, { a: 2 }], [{ a: 1 }, { a: 2 }]],
  ])('holds for %s', (_label, actual, expected) => {
    expect(contains(actual, expected)).toBe(true);
  });

  test.each<[string, unknown, unknown]>([
    ['a different string', 'MQTT', 'HTTP'],
    ['another case', 'http', 'HTTP'],
    ['a number as a string', '60', 60],
    ['a string as a number', 60, '60'],
    ['a missing value', undefined, 'HTTP'],
    ['a missing zero', undefined, 0],
    ['a missing empty string', undefined, ''],
    ['null for undefined', undefined, null],
    ['an object for null', {}, null],
    ['null for an object', null, { a: 1 }],
    ['an array for an object', [1], { 0: 1 }],
    ['a string for an object', 'a', { length: 1 }],
    ['an object missing a member', { a: 1 }, { a: 1, b: 2 }],
    ['a nested member that differs', { a: { b: 1 } }, { a: { b: 2 } }],
    ['a longer array', [1, 2, 3], [1, 2]],
    ['a shorter array', [1], [1, 2]],
    ['the same elements in another order', [2, 1], [1, 2]],
    ['an array-like object for an array', { 0: 1, length: 1 }, [1]],
    ['a missing array', undefined, []],
    ['an array element missing a member', [{ a: 1 }], [{ a: 1, b: 2 }]],
  ])('does not hold for %s', (_label, actual, expected) => {
    expect(contains(actual, expected)).toBe(false);
  });
});

describe('replacementReasons', () => {
  const BASE: Record<string, unknown> = {
    JobDocument: CONTENT,
    JobDocumentBucket: BUCKET,
    ...OTA_TASK_FIELDS,
    OtaSchedulingConfig: { EndBehavior: 'CANCEL', MaintenanceWindows: [{ DurationInMinutes: '60', StartTime: 'w' }] },
    OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: '3' }] },
    Tags: { team: 'firmware' },
  };

  const spec = (changes: Record<string, unknown> = {}, from = BASE): OtaTaskSpec => parseOtaTaskProperties(with_(from, changes));

  /** GetOtaTask of a task created from `props` by request `token`, with `changes` to the answer. */
  function liveOf(props: Record<string, unknown>, changes: Record<string, unknown> = {}, token = TOKEN): GetOtaTaskResponse {
    const { document, fields } = parseOtaTaskProperties(props);
    const S3Url = document.kind === 'stored' ? s3UrlOf(document.bucket, jobDocumentKey(token, document.content)) : document.s3Url;
    return wire(with_({ ...fields, S3Url, TaskId: 'task1', TaskArn: 'arn:task1', Status: 'IN_PROGRESS', CreatedAt: 1_906_545_600 }, changes)) as GetOtaTaskResponse;
  }

  const LIVE = liveOf(BASE);

  /** A plain update: the live task is what the previous properties made. */
  const update = (changes: Record<string, unknown>, from = BASE) => replacementReasons(liveOf(from), spec(changes, from), spec({}, from));

  const IN_PLACE: [string, Record<string, unknown>][] = [
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
  ];

  test.each(IN_PLACE)('none when %s: UpdateOtaTask or the tagging APIs can do it', (_label, changes) => {
    expect(update(changes)).toEqual([]);
  });

  test('adding a Description or TaskConfigurationId is in place', () => {
    const bare = with_(BASE, { Description: undefined, TaskConfigurationId: undefined });
    expect(update({ Description: 'Firmware 2', TaskConfigurationId: 'config1' }, bare)).toEqual([]);
  });

  const REPLACING: [string, Record<string, unknown>, string[]][] = [
    ['the document text', { JobDocument: '{"v":2}' }, ['jobDocument']],
    ['the document text reformatted only', { JobDocument: '{ "v": 1 }' }, ['jobDocument']],
    ['the document bucket', { JobDocumentBucket: 'other-bucket' }, ['jobDocument']],
    ['a user URL instead of a stored document', { JobDocument: undefined, JobDocumentBucket: undefined, S3Url: 's3://b/k.json' }, ['jobDocument']],
    ['a target added', { Target: [thing(1), thing(2), thing(3)] }, ['Target']],
    ['a target removed', { Target: [thing(2)] }, ['Target']],
    ['OtaType', { OtaType: 'CONTINUOUS', Target: undefined, OtaTargetQueryString: 'q' }, ['OtaType', 'Target', 'OtaTargetQueryString']],
    ['Protocol removed', { Protocol: undefined }, ['Protocol']],
    ['OtaMechanism removed', { OtaMechanism: undefined }, ['OtaMechanism']],
    ['a maintenance window', { OtaSchedulingConfig: { EndBehavior: 'CANCEL', MaintenanceWindows: [{ DurationInMinutes: '61', StartTime: 'w' }] } }, ['OtaSchedulingConfig']],
    ['a second maintenance window', {
      OtaSchedulingConfig: { EndBehavior: 'CANCEL', MaintenanceWindows: [{ DurationInMinutes: '60', StartTime: 'w' }, { DurationInMinutes: '30', StartTime: 'v' }] },
    }, ['OtaSchedulingConfig']],
    ['scheduling removed', { OtaSchedulingConfig: undefined }, ['OtaSchedulingConfig']],
    ['the retry count', { OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: '4' }] } }, ['OtaTaskExecutionRetryConfig']],
    ['retry removed', { OtaTaskExecutionRetryConfig: undefined }, ['OtaTaskExecutionRetryConfig']],
    ['several fields and the Description', { Protocol: undefined, Description: 'Firmware 3', JobDocument: '{"v":2}' }, ['jobDocument', 'Protocol']],
    ['everything that can be removed', { Protocol: undefined, OtaMechanism: undefined, Description: undefined, TaskConfigurationId: undefined },
      ['Protocol', 'OtaMechanism']],
  ];

  test.each(REPLACING)('a new task when %s changes', (_label, changes, expected) => {
    expect(update(changes)).toEqual(expected);
  });

  describe('the rollback of a failed replacement', () => {
    // CloudFormation sends the original properties back, with the failed new state as the old
    // properties, to the task that is still there unchanged: nothing is to be made.
    test.each(REPLACING)('after %s: none, the live task already matches', (_label, changes) => {
      expect(replacementReasons(LIVE, spec(), spec(changes))).toEqual([]);
    });

    test('after adding a Description with another change: none, the live task never had it', () => {
      const bare = with_(BASE, { Description: undefined });
      expect(replacementReasons(liveOf(bare), spec({}, bare), spec({ Description: 'Firmware 3', Target: [thing(3)] }, bare))).toEqual([]);
    });
  });

  describe('values the service filled in', () => {
    const bare = with_(BASE, { Protocol: undefined, OtaMechanism: undefined });
    const filled = liveOf(bare, { Protocol: 'HTTP', OtaMechanism: 'PUSH' });

    test('defaults live but absent from the properties are no change', () => {
      expect(replacementReasons(filled, spec({}, bare), spec({}, bare))).toEqual([]);
    });

    test('properties that now state the filled-in value are no change', () => {
      expect(replacementReasons(filled, spec({ Protocol: 'HTTP', OtaMechanism: 'PUSH' }, bare), spec({}, bare))).toEqual([]);
    });

    test('properties that state another value are a change', () => {
      const otherFilled = liveOf(bare, { Protocol: 'MQTT', OtaMechanism: 'PUSH' });
      expect(replacementReasons(otherFilled, spec({ Protocol: 'HTTP', OtaMechanism: 'PUSH' }, bare), spec({}, bare))).toEqual(['Protocol']);
    });

    test('extra members in live objects are no change', () => {
      const live = liveOf(BASE, {
        OtaSchedulingConfig: { EndBehavior: 'CANCEL', StartTime: '2030-06-01T12:00', MaintenanceWindows: [{ DurationInMinutes: 60, StartTime: 'w', Extra: 1 }] },
        OtaTaskExecutionRetryConfig: { RetryConfigCriteria: [{ FailureType: 'ALL', MinNumberOfRetries: 3, Extra: 1 }] },
        TaskProcessingDetails: { NumberOfSucceededThings: 1 },
        LastUpdatedAt: 1_906_545_700,
        Tags: { team: 'firmware' },
      });
      expect(replacementReasons(live, spec(), spec())).toEqual([]);
    });

    test('a removal whose previous value is still live is a replacement, even if the service would fill in the same', () => {
      expect(replacementReasons(LIVE, spec({ Protocol: undefined }), spec())).toEqual(['Protocol']);
    });
  });

  test.each<[string, Record<string, unknown>]>([
    ['Description', { Description: undefined }],
    ['TaskConfigurationId', { TaskConfigurationId: undefined }],
    ['both', { Description: undefined, TaskConfigurationId: undefined }],
  ])('removing %s is never a replacement (unclearableRemovals decides)', (_label, changes) => {
    expect(update(changes)).toEqual([]);
  });

  describe('decided from the old and new properties; the live task only spares work already done', () => {
    test('a Description drifted live is no replacement (UpdateOtaTask sets it back)', () => {
      expect(replacementReasons(liveOf(BASE, { Description: 'Changed in the console' }), spec(), spec())).toEqual([]);
    });

    test('a live task in another target order is no change', () => {
      expect(replacementReasons(liveOf(BASE, { Target: [thing(2), thing(1)] }), spec(), spec())).toEqual([]);
    });

    test.each<[string, Record<string, unknown>, string[]]>([
      ['an extra target', { Target: [thing(1), thing(2), thing(3)] }, ['Target']],
      ['no targets', { Target: undefined }, ['Target']],
      ['another Protocol', { Protocol: 'MQTT' }, ['Protocol']],
      ['no Protocol', { Protocol: undefined }, ['Protocol']],
      ['other scheduling', { OtaSchedulingConfig: { EndBehavior: 'FORCE_CANCEL' } }, ['OtaSchedulingConfig']],
      ['no S3Url', { S3Url: undefined }, ['jobDocument']],
    ])('unchanged properties over a live task with %s are no replacement: the live task never causes one', (_label, changes, expected) => {
      expect(replacementReasons(liveOf(BASE, changes), spec(), spec())).toEqual([]);
      // Only when the previous properties cannot be read does the live task decide alone.
      expect(replacementReasons(liveOf(BASE, changes), spec(), undefined)).toEqual(expected);
    });

    test('a change the live task already holds is spared (work already done)', () => {
      expect(replacementReasons(liveOf(BASE, { Target: [thing(3)] }), spec({ Target: [thing(3)] }), spec())).toEqual([]);
    });
  });

  // A member removed inside an object, still live with its previous value, is a removal too (not
  // a value the service filled in).
  test.each<[string, Record<string, unknown>, string[]]>([
    ['the maintenance windows', { OtaSchedulingConfig: { EndBehavior: 'CANCEL' } }, ['OtaSchedulingConfig']],
    ['EndBehavior', { OtaSchedulingConfig: { MaintenanceWindows: [{ DurationInMinutes: '60', StartTime: 'w' }] } }, ['OtaSchedulingConfig']],
  ])('a new task when %s is removed from inside OtaSchedulingConfig', (_label, changes, expected) => {
    expect(update(changes)).toEqual(expected);
  });

  describe('without previous properties (unreadable ones count as absent)', () => {
    test.each<[string, Record<string, unknown>, string[]]>([
      ['nothing changed', {}, []],
      ['Description removed', { Description: undefined }, []],
      ['Protocol removed', { Protocol: undefined }, []],
      ['Description changed', { Description: 'Firmware 3' }, []],
      ['a target changed', { Target: [thing(3)] }, ['Target']],
      ['the document changed', { JobDocument: '{"v":2}' }, ['jobDocument']],
      ['OtaType', { OtaType: 'CONTINUOUS', Target: undefined, OtaTargetQueryString: 'q' }, ['OtaType', 'OtaTargetQueryString']],
    ])('%s: %j', (_label, changes, expected) => {
      expect(replacementReasons(LIVE, spec(changes), undefined)).toEqual(expected);
    });
  });

  describe('the job document', () => {
    const key = (path: string) => liveOf(BASE, { S3Url: `s3://${BUCKET}/${path}` });

    test('the same content stored by another request (another token) is unchanged', () => {
      expect(replacementReasons(liveOf(BASE, {}, OTHER_TOKEN), spec(), spec())).toEqual([]);
    });

    test('the same content in the hash directory is unchanged whatever the previous properties said', () => {
      expect(replacementReasons(LIVE, spec(), spec({ JobDocument: '{"v":2}' }))).toEqual([]);
      expect(replacementReasons(LIVE, spec(), undefined)).toEqual([]);
    });

    test.each<[string, GetOtaTaskResponse]>([
      ['the directory of other content', key(`ota-job-documents/${sha256('{"v":2}')}/${TOKEN}.json`)],
      ['the earlier flat key, which has no content hash', key(`ota-job-documents/${TOKEN}.json`)],
      ['a directory that only starts with the hash', key(`ota-job-documents/${HASH}0/${TOKEN}.json`)],
      ['the hash directory outside ota-job-documents/', key(`${HASH}/${TOKEN}.json`)],
      ['the hash directory in another bucket', liveOf(BASE, { S3Url: `s3://other-bucket/ota-job-documents/${HASH}/${TOKEN}.json` })],
      ['a user URL', liveOf(BASE, { S3Url: 's3://customer/jobs/v1.json' })],
    ])('a live document in %s is a change when the properties changed the document (or cannot be read)', (_label, live) => {
      expect(replacementReasons(live, spec(), spec({ JobDocument: '{"v":0}' }))).toEqual(['jobDocument']);
      expect(replacementReasons(live, spec(), undefined)).toEqual(['jobDocument']);
      expect(replacementReasons(live, spec(), spec())).toEqual([]);
    });

    test('a library bucket passed in must be the one holding the live document', () => {
      expect(replacementReasons(LIVE, spec(), undefined, BUCKET)).toEqual([]);
      expect(replacementReasons(LIVE, spec(), undefined, 'other-bucket')).toEqual(['jobDocument']);
    });

    describe('a user URL', () => {
      const URL_BASE = with_(BASE, { JobDocument: undefined, JobDocumentBucket: undefined, S3Url: 's3://customer/jobs/v1.json' });
      const urlSpec = (changes: Record<string, unknown> = {}) => spec(changes, URL_BASE);

      test('equal to the live S3Url is unchanged', () => {
        expect(replacementReasons(liveOf(URL_BASE), urlSpec(), urlSpec())).toEqual([]);
      });

      test.each<[string, string]>([
        ['another key', 's3://customer/jobs/v2.json'],
        ['another case', 's3://customer/jobs/V1.json'],
        ['a trailing slash', 's3://customer/jobs/v1.json/'],
      ])('with %s is a change', (_label, s3Url) => {
        expect(replacementReasons(liveOf(URL_BASE), urlSpec({ S3Url: s3Url }), urlSpec())).toEqual(['jobDocument']);
      });

      test('equal to the stored document the live task uses is unchanged', () => {
        expect(replacementReasons(LIVE, urlSpec({ S3Url: LIVE.S3Url }), spec())).toEqual([]);
      });

      test('moving to a stored document is a change', () => {
        expect(replacementReasons(liveOf(URL_BASE), spec(), urlSpec())).toEqual(['jobDocument']);
      });
    });
  });
});

describe('unclearableRemovals', () => {
  const BASE: Record<string, unknown> = {
    JobDocument: '{"v":1}',
    JobDocumentBucket: BUCKET,
    OtaType: 'ONE_TIME',
    Target: [thing(1)],
    TaskConfigurationId: 'config1',
    Description: 'Firmware 2',
  };
  const spec = (changes: Record<string, unknown> = {}): OtaTaskSpec => parseOtaTaskProperties(with_(BASE, changes));
  const live = (changes: Record<string, unknown> = {}) =>
    wire(with_({ ...spec().fields, TaskId: 'task1', S3Url: 's3://b/k' }, changes)) as GetOtaTaskResponse;

  test('a field the previous properties set, the new ones leave out and the live task has, by its prop name', () => {
    expect(unclearableRemovals(live(), spec({ Description: undefined }), spec())).toEqual([['Description', 'description']]);
    expect(unclearableRemovals(live(), spec({ Description: undefined, TaskConfigurationId: undefined }), spec()))
      .toEqual([['Description', 'description'], ['TaskConfigurationId', 'taskConfiguration']]);
  });

  test('none when the live task has no value left, the previous properties never set it or cannot be read', () => {
    expect(unclearableRemovals(live({ Description: undefined }), spec({ Description: undefined }), spec())).toEqual([]);
    expect(unclearableRemovals(live(), spec({ Description: undefined }), spec({ Description: undefined }))).toEqual([]);
    expect(unclearableRemovals(live(), spec({ Description: undefined }), undefined)).toEqual([]);
  });

  test('a changed value is no removal', () => {
    expect(unclearableRemovals(live(), spec({ Description: 'Firmware 3' }), spec())).toEqual([]);
  });
});

describe('configurationReplacementReasons', () => {
  const BASE: Record<string, unknown> = {
    Name: 'Slow rollout',
    Description: 'Ten a minute',
    PushConfig: {
      AbortConfig: { AbortConfigCriteriaList: [{ Action: 'CANCEL', FailureType: 'FAILED', MinNumberOfExecutedThings: '10', ThresholdPercentage: '20.5' }] },
      RolloutConfig: { ExponentialRolloutRate: { BaseRatePerMinute: '5', IncrementFactor: '1.5' }, MaximumPerMinute: '50' },
      TimeoutConfig: { InProgressTimeoutInMinutes: '120' },
    },
  };

  const spec = (changes: Record<string, unknown> = {}, from = BASE): OtaTaskConfigurationSpec =>
    parseOtaTaskConfigurationProperties(with_(from, changes));

  /** GetOtaTaskConfiguration of a configuration created from `props`, with `changes` to the answer. */
  const liveOf = (props: Record<string, unknown>, changes: Record<string, unknown> = {}): GetOtaTaskConfigurationResponse =>
    wire(with_({ ...parseOtaTaskConfigurationProperties(props), TaskConfigurationId: 'config1', CreatedAt: 1_906_545_600 }, changes));

  const LIVE = liveOf(BASE);
  const pushConfig = (changes: Record<string, unknown>) => with_(BASE.PushConfig as Record<string, unknown>, changes);

  const CHANGES: [string, Record<string, unknown>, string[]][] = [
    ['Name', { Name: 'Fast rollout' }, ['Name']],
    ['Name removed', { Name: undefined }, ['Name']],
    ['Description', { Description: 'Twenty a minute' }, ['Description']],
    ['Description removed', { Description: undefined }, ['Description']],
    ['ThresholdPercentage', { PushConfig: pushConfig({ AbortConfig: { AbortConfigCriteriaList: [{ Action: 'CANCEL', FailureType: 'FAILED', MinNumberOfExecutedThings: '10', ThresholdPercentage: '30' }] } }) }, ['PushConfig']],
    ['the timeout', { PushConfig: pushConfig({ TimeoutConfig: { InProgressTimeoutInMinutes: '121' } }) }, ['PushConfig']],
    ['PushConfig removed', { PushConfig: undefined }, ['PushConfig']],
    ['everything', { Name: 'Fast rollout', Description: undefined, PushConfig: undefined }, ['Name', 'Description', 'PushConfig']],
  ];

  test.each(CHANGES)('%s changed: a new configuration', (_label, changes, expected) => {
    expect(configurationReplacementReasons(LIVE, spec(changes), spec())).toEqual(expected);
  });

  test.each(CHANGES)('the rollback after %s changed: none, the live one already matches', (_label, changes) => {
    expect(configurationReplacementReasons(LIVE, spec(), spec(changes))).toEqual([]);
  });

  test.each<[string, Record<string, unknown>]>([
    ['nothing changed', {}],
    ['ServiceToken changed', { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:new' }],
    ['numbers sent as numbers', { PushConfig: pushConfig({ TimeoutConfig: { InProgressTimeoutInMinutes: 120 } }) }],
  ])('none when %s', (_label, changes) => {
    expect(configurationReplacementReasons(LIVE, spec(changes), spec())).toEqual([]);
  });

  test('members the service filled in are no change', () => {
    const bare = { Name: 'Plain', PushConfig: { TimeoutConfig: { InProgressTimeoutInMinutes: '120' } } };
    const live = liveOf(bare, {
      Description: 'Filled in',
      PushConfig: { TimeoutConfig: { InProgressTimeoutInMinutes: 120 }, RolloutConfig: { MaximumPerMinute: 1000 } },
    });
    expect(configurationReplacementReasons(live, spec({}, bare), spec({}, bare))).toEqual([]);
  });

  test('adding a value the live one lacks is a change (nothing updates a configuration in place)', () => {
    const bare = { Name: 'Plain' };
    expect(configurationReplacementReasons(liveOf(bare), spec({ Description: 'New' }, bare), spec({}, bare))).toEqual(['Description']);
  });

  test.each<[string, Record<string, unknown>]>([
    ['differs', { Description: 'Something else' }],
    ['is gone', { Description: undefined }],
  ])('a removal is none when the previous value %s live', (_label, changes) => {
    expect(configurationReplacementReasons(liveOf(BASE, changes), spec({ Description: undefined }), spec())).toEqual([]);
  });

  test('without previous properties a removal cannot be seen, a change still can', () => {
    expect(configurationReplacementReasons(LIVE, spec({ Description: undefined }), undefined)).toEqual([]);
    expect(configurationReplacementReasons(LIVE, spec({ Name: 'Fast rollout' }), undefined)).toEqual(['Name']);
  });

  // A member removed inside PushConfig, still live with its previous value, is a removal.
  test.each<[string, Record<string, unknown>]>([
    ['TimeoutConfig', { PushConfig: pushConfig({ TimeoutConfig: undefined }) }],
    ['AbortConfig', { PushConfig: pushConfig({ AbortConfig: undefined }) }],
  ])('a PushConfig member removed (%s) is a change', (_label, changes) => {
    expect(configurationReplacementReasons(LIVE, spec(changes), spec())).toEqual(['PushConfig']);
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
