import {
  AccessDeniedException,
  ConflictException,
  InternalServerException,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-iot-wireless';
import { callService, CallOptions, isNotFound, isTransient, ServiceCallError } from '../../src/shared/service-call';

const NOW = Date.parse('2030-06-01T12:00:00.000Z');

const throttle = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
const invalid = (message = 'Value of redundancyPercent is out of range') =>
  new ValidationException({ message, $metadata: { httpStatusCode: 400 } });
const notFound = () => new ResourceNotFoundException({ message: 'FuotaTask does not exist', ResourceId: 't', ResourceType: 'FuotaTask', $metadata: { httpStatusCode: 404 } });
const denied = () => new AccessDeniedException({ message: 'User is not authorized', $metadata: { httpStatusCode: 403 } });
const serverError = () => new InternalServerException({ message: 'Internal failure', $metadata: { httpStatusCode: 500 } });
const conflict = () => new ConflictException({ message: 'Conflict', ResourceId: 't', ResourceType: 'FuotaTask', $metadata: { httpStatusCode: 409 } });

/** A call that fails with each of `errors` in turn, then answers `result`; counts its attempts. */
function failingThen<T>(errors: unknown[], result: T) {
  const fn = jest.fn(async () => {
    const error = errors[fn.mock.calls.length - 1];
    if (error !== undefined) throw error;
    return result;
  });
  return fn;
}

/** A fixed clock, a deadline one minute ahead, and a sleep that only records its delays. */
function options(overrides: Partial<CallOptions> = {}): CallOptions & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    deadline: NOW + 60_000,
    now: () => NOW,
    sleep: async (ms: number) => { sleeps.push(ms); },
    random: () => 0.5,
    ...overrides,
    sleeps,
  };
}

/** A clock that moves on by `stepMs` each time the caller sleeps. */
function advancingClock(stepMs: number) {
  let time = NOW;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    sleep: async (ms: number) => { sleeps.push(ms); time += stepMs; },
  };
}

async function caught(promise: Promise<unknown>): Promise<ServiceCallError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceCallError;
  }
  throw new Error('expected the call to fail');
}

describe('callService', () => {
  test('returns the first answer without sleeping', async () => {
    const opts = options();
    const call = failingThen([], { Id: 'task-1' });

    await expect(callService('GetFuotaTask', call, opts)).resolves.toEqual({ Id: 'task-1' });
    expect(call).toHaveBeenCalledTimes(1);
    expect(opts.sleeps).toEqual([]);
  });

  test('retries throttling with full-jitter exponential backoff and returns the eventual answer', async () => {
    const opts = options();
    const call = failingThen([throttle(), throttle(), throttle()], 'done');

    await expect(callService('CreateFuotaTask', call, opts)).resolves.toBe('done');
    expect(call).toHaveBeenCalledTimes(4);
    // random() = 0.5 of 200, 400, 800 ms
    expect(opts.sleeps).toEqual([100, 200, 400]);
  });

  test('the backoff doubles from 200 ms and is capped at 10 s', async () => {
    const opts = options({ random: () => 1, deadline: NOW + 3_600_000 });
    const call = failingThen(Array.from({ length: 8 }, throttle), 'done');

    await callService('CreateFuotaTask', call, opts);
    expect(opts.sleeps).toEqual([200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
  });

  test('the jitter scales the delay by random()', async () => {
    const opts = options({ random: () => 0 });
    const call = failingThen([throttle(), throttle()], 'done');

    await callService('CreateFuotaTask', call, opts);
    expect(opts.sleeps).toEqual([0, 0]);
  });

  test.each([
    ['InternalServerException (500)', serverError],
    ['a 503 without a known name', () => Object.assign(new Error('unavailable'), { name: 'SomethingElse', $metadata: { httpStatusCode: 503 } })],
    ['a reset connection', () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('retries %s', async (_label, makeError) => {
    const opts = options();
    const call = failingThen([makeError()], 'done');

    await expect(callService('GetFuotaTask', call, opts)).resolves.toBe('done');
    expect(call).toHaveBeenCalledTimes(2);
  });

  test('does not retry a ValidationException and reports it verbatim', async () => {
    const opts = options();
    const call = failingThen([invalid('1 validation error detected: Value at redundancyPercent failed to satisfy constraint')], 'done');

    const error = await caught(callService('CreateFuotaTask', call, opts));

    expect(call).toHaveBeenCalledTimes(1);
    expect(opts.sleeps).toEqual([]);
    expect(error).toBeInstanceOf(ServiceCallError);
    expect(error.message).toBe(
      'CreateFuotaTask failed: ValidationException: 1 validation error detected: Value at redundancyPercent failed to satisfy constraint');
  });

  test.each([
    ['AccessDeniedException', denied],
    ['ResourceNotFoundException', notFound],
    ['ConflictException', conflict],
  ])('does not retry %s', async (name, makeError) => {
    const call = failingThen([makeError()], 'done');

    const error = await caught(callService('DeleteFuotaTask', call, options()));

    expect(call).toHaveBeenCalledTimes(1);
    expect(error.message).toMatch(new RegExp(`^DeleteFuotaTask failed: ${name}: `));
  });

  test('stops retrying when the next attempt would start after the deadline', async () => {
    const clock = advancingClock(5_000);
    const call = jest.fn(async () => { throw throttle(); });

    const error = await caught(callService('CreateFuotaTask', call, { ...clock, deadline: NOW + 10_000, random: () => 0.5 }));

    // t=0: 0+100+3000 <= 10000, retry; t=5000: 5000+200+3000 <= 10000, retry; t=10000: no time left
    expect(call).toHaveBeenCalledTimes(3);
    expect(clock.sleeps).toEqual([100, 200]);
    expect(error.message).toBe('CreateFuotaTask failed: ThrottlingException: Rate exceeded');
    expect(error.transient).toBe(true);
  });

  test('keeps three seconds for the attempt after a back-off (boundary)', async () => {
    // first back-off 100 ms: 100 + 3000 = 3100 fits exactly; the second (200 ms) does not
    const call = jest.fn(async () => { throw throttle(); });
    const opts = options({ deadline: NOW + 3_100 });

    await caught(callService('GetFuotaTask', call, opts));

    expect(call).toHaveBeenCalledTimes(2);
    expect(opts.sleeps).toEqual([100]);
  });

  test('always makes the first attempt, even past the deadline', async () => {
    const call = failingThen([], 'done');

    await expect(callService('GetFuotaTask', call, options({ deadline: NOW - 1 }))).resolves.toBe('done');
    expect(call).toHaveBeenCalledTimes(1);
  });

  test('waits with setTimeout when no sleep is given', async () => {
    const call = failingThen([throttle()], 'done');
    const timer = jest.spyOn(global, 'setTimeout');
    try {
      await expect(callService('GetFuotaTask', call, { deadline: Date.now() + 60_000, now: Date.now, random: () => 0.25 })).resolves.toBe('done');
      // 0.25 of the first back-off's 200 ms
      expect(timer).toHaveBeenCalledWith(expect.any(Function), 50);
    } finally {
      timer.mockRestore();
    }
  });
});

describe('ServiceCallError', () => {
  test('keeps the operation, the service error and whether it was transient', () => {
    const cause = throttle();
    const error = new ServiceCallError('StartFuotaTask', cause);

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ServiceCallError');
    expect(error.operation).toBe('StartFuotaTask');
    expect(error.serviceError).toBe(cause);
    expect(error.transient).toBe(true);
    expect(new ServiceCallError('StartFuotaTask', invalid()).transient).toBe(false);
  });

  test('a plain Error is reported by its message alone', () => {
    expect(new ServiceCallError('GetFuotaTask', new Error('socket closed')).message).toBe('GetFuotaTask failed: socket closed');
  });

  test('a thrown non-error is reported as text', () => {
    expect(new ServiceCallError('GetFuotaTask', 'boom').message).toBe('GetFuotaTask failed: boom');
    expect(new ServiceCallError('GetFuotaTask', undefined).message).toBe('GetFuotaTask failed: undefined');
  });

  test('a service error without a message still names the error', () => {
    const error = new ValidationException({ message: undefined as unknown as string, $metadata: {} });
    expect(new ServiceCallError('UpdateFuotaTask', error).message).toBe('UpdateFuotaTask failed: ValidationException: ');
  });

  test('a service message longer than 1000 characters is truncated so the response stays under 4 KB', () => {
    const error = new ServiceCallError('AssociateWirelessDeviceWithFuotaTask', invalid('x'.repeat(5000)));

    const kept = 'ValidationException: ' + 'x'.repeat(1000 - 'ValidationException: '.length);
    expect(error.message).toBe(`AssociateWirelessDeviceWithFuotaTask failed: ${kept}... (truncated)`);
    const response = JSON.stringify({
      Status: 'FAILED',
      Reason: error.message,
      PhysicalResourceId: 'a'.repeat(36),
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Demo/' + 'f'.repeat(36),
      RequestId: 'r'.repeat(36),
      LogicalResourceId: 'Task',
    });
    expect(Buffer.byteLength(response)).toBeLessThan(4096);
  });

  test('a service message of exactly 1000 characters is kept whole', () => {
    const text = 'ValidationException: ' + 'y'.repeat(1000 - 'ValidationException: '.length);
    const error = new ServiceCallError('CreateFuotaTask', invalid(text.slice('ValidationException: '.length)));

    expect(error.message).toBe(`CreateFuotaTask failed: ${text}`);
  });
});

describe('isTransient', () => {
  test.each<[string, unknown]>([
    ['ThrottlingException', throttle()],
    ['InternalServerException', serverError()],
    ['TooManyRequestsException by name', { name: 'TooManyRequestsException' }],
    ['ServiceUnavailableException by name', { name: 'ServiceUnavailableException' }],
    ['TimeoutError', { name: 'TimeoutError' }],
    ['RequestTimeout', { name: 'RequestTimeout' }],
    ['HTTP 429', { name: 'Unknown', $metadata: { httpStatusCode: 429 } }],
    ['HTTP 500', { name: 'Unknown', $metadata: { httpStatusCode: 500 } }],
    ['HTTP 503', { name: 'Unknown', $metadata: { httpStatusCode: 503 } }],
    ['$retryable', { name: 'Unknown', $retryable: { throttling: true } }],
    ['ECONNRESET', { code: 'ECONNRESET' }],
    ['ETIMEDOUT', { code: 'ETIMEDOUT' }],
    ['ECONNREFUSED', { code: 'ECONNREFUSED' }],
    ['EPIPE', { code: 'EPIPE' }],
    ['EAI_AGAIN', { code: 'EAI_AGAIN' }],
  ])('%s is transient', (_label, error) => {
    expect(isTransient(error)).toBe(true);
  });

  test.each<[string, unknown]>([
    ['ValidationException', invalid()],
    ['AccessDeniedException', denied()],
    ['ResourceNotFoundException', notFound()],
    ['ConflictException', conflict()],
    ['HTTP 499', { name: 'Unknown', $metadata: { httpStatusCode: 499 } }],
    ['a plain Error', new Error('bug')],
    ['ENOENT', { code: 'ENOENT' }],
    ['undefined', undefined],
    ['null', null],
    ['a string', 'ThrottlingException'],
  ])('%s is not transient', (_label, error) => {
    expect(isTransient(error)).toBe(false);
  });
});

describe('isNotFound', () => {
  test.each<[string, boolean, unknown]>([
    ['ResourceNotFoundException', true, notFound()],
    ['ResourceNotFoundException wrapped in ServiceCallError', true, new ServiceCallError('DeleteFuotaTask', notFound())],
    ['ResourceNotFoundException without an HTTP status', true, { name: 'ResourceNotFoundException' }],
    ['an HTTP 404 of another name', true, { name: 'NotFound', $metadata: { httpStatusCode: 404 } }],
    ['AccessDeniedException', false, denied()],
    ['AccessDeniedException wrapped in ServiceCallError', false, new ServiceCallError('DeleteFuotaTask', denied())],
    ['ThrottlingException', false, throttle()],
    ['undefined', false, undefined],
  ])('%s: %p', (_label, expected, error) => {
    expect(isNotFound(error)).toBe(expected);
  });
});

test.each([
  ['AWS SDK error wrapper for TimeoutError: socket hang up', true],
  ['read ECONNRESET', true],
  ['connect ECONNREFUSED 127.0.0.1:1', true],
  ['The security token included in the request is invalid', false],
])('a plain Error reading %p is transient: %p', (message, transient) => {
  expect(isTransient(new Error(message))).toBe(transient);
});
