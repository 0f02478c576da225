import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FirmwareImage, FuotaTask } from '../../src';
import { POLL_INTERVAL_SECONDS, POLLING_BUDGET_SECONDS, pollAgain, pollingBudgetSpent, pollingStart, WAITER_TOTAL_TIMEOUT_SECONDS } from '../../src/shared/polling-budget';

const NOW = Date.parse('2030-06-01T12:00:00.000Z');
const SECOND = 1000;

test('onEvent\'s stamp is the time it answered, in ISO 8601', () => {
  expect(pollingStart(NOW)).toEqual({ PollingStartedAt: '2030-06-01T12:00:00.000Z' });
});

test.each([
  [0, false],
  [1199, false],
  [1200, true],
  [3600, true],
])('%i s after onEvent answered, the 20-minute budget is spent: %s', (elapsedSeconds, spent) => {
  expect(pollingBudgetSpent(pollingStart(NOW), NOW + elapsedSeconds * SECOND)).toBe(spent);
});

test.each([
  ['no stamp', {}],
  ['a stamp that is no time', { PollingStartedAt: 'soon' }],
  ['a stamp that is no string', { PollingStartedAt: NOW }],
])('with %s the budget is never spent (the waiter ends the request, as before stamps existed)', (_name, event) => {
  expect(pollingBudgetSpent(event, NOW + 3600 * SECOND)).toBe(false);
});

test('pollAgain: "not yet" inside the budget, a failure naming what was outstanding after it', () => {
  expect(pollAgain(pollingStart(NOW), NOW + 1199 * SECOND, 'TagResource failed: InternalServerException: boom')).toEqual({ IsComplete: false });
  expect(() => pollAgain(pollingStart(NOW), NOW + 1215 * SECOND, 'TagResource failed: InternalServerException: boom'))
    .toThrow(new Error('TagResource failed: InternalServerException: boom (not done after 20.3 minutes of isComplete polls; ' +
      'the provider\'s 20-minute budget is spent)'));
});

describe('the provider\'s waiter leaves the decision to the handler', () => {
  const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
  new FuotaTask(stack, 'Fuota', { firmware: FirmwareImage.fromAsset(path.join(__dirname, '..', '..', 'example', 'firmware', 'sensor-v2.bin')) });
  const [machine] = Object.values(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'));
  const parts: unknown[] = machine.Properties.DefinitionString['Fn::Join'][1];
  const definition = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'arn')).join(''));
  const [retry] = definition.States['framework-isComplete-task'].Retry;

  test('it polls every POLL_INTERVAL_SECONDS, at a constant rate', () => {
    expect(retry).toMatchObject({ IntervalSeconds: POLL_INTERVAL_SECONDS, BackoffRate: 1 });
  });

  test('its last call starts after the budget is spent, however fast the calls are, so the handler answers it', () => {
    // Calls are at least an interval apart: the last of 1 + MaxAttempts starts MaxAttempts intervals in or later.
    expect(retry.MaxAttempts).toBe(WAITER_TOTAL_TIMEOUT_SECONDS / POLL_INTERVAL_SECONDS);
    const earliestLastCall = retry.MaxAttempts * retry.IntervalSeconds;
    // At least one whole interval past the budget (room for clock skew between Lambda hosts)...
    expect(earliestLastCall - POLLING_BUDGET_SECONDS).toBeGreaterThanOrEqual(POLL_INTERVAL_SECONDS);
    // ...and not much more: a task that cannot finish fails soon after the budget.
    expect(earliestLastCall).toBeLessThanOrEqual(POLLING_BUDGET_SECONDS + 2 * POLL_INTERVAL_SECONDS);
  });
});
