import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FirmwareImage, FuotaTask } from '../../src';
import { POLL_INTERVAL_SECONDS, POLLING_BUDGET_SECONDS, PollingBudgetSpentError, pollingBudgetSpent, pollingStart } from '../../src/shared/polling-budget';

const NOW = Date.parse('2030-06-01T12:00:00.000Z');
const SECOND = 1000;

test('onEvent\'s stamp is the time it answered, in ISO 8601', () => {
  expect(pollingStart(NOW)).toEqual({ PollingStartedAt: '2030-06-01T12:00:00.000Z' });
});

// The waiter's last call comes no earlier than the budget after onEvent: a call ending later than
// budget - interval may be the last.
test.each([
  [0, false],
  [569, false],
  [570, false],
  [571, true],
  [600, true],
  [1800, true],
])('%i s after onEvent answered, the budget is spent: %s', (elapsedSeconds, spent) => {
  expect(pollingBudgetSpent(pollingStart(NOW), NOW + elapsedSeconds * SECOND)).toBe(spent);
});

test.each([
  ['no stamp', {}],
  ['a stamp that is no time', { PollingStartedAt: 'soon' }],
  ['a stamp that is no string', { PollingStartedAt: NOW }],
])('with %s the budget is never spent (the waiter ends the request, as before stamps existed)', (_name, event) => {
  expect(pollingBudgetSpent(event, NOW + 3600 * SECOND)).toBe(false);
});

test('the failure keeps the operation and the service\'s message first, then says how long it was retried', () => {
  const error = new PollingBudgetSpentError(new Error('TagResource failed: InternalServerException: boom'), pollingStart(NOW), NOW + 575 * SECOND);
  expect(error.message).toBe('TagResource failed: InternalServerException: boom (still failing after 9.6 minutes of isComplete retries; ' +
    'the provider\'s 10-minute polling budget is spent)');
});

test('the budget is the provider\'s own: its waiter polls every POLL_INTERVAL_SECONDS, budget / interval times', () => {
  const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
  new FuotaTask(stack, 'Fuota', { firmware: FirmwareImage.fromAsset(path.join(__dirname, '..', '..', 'example', 'firmware', 'sensor-v2.bin')) });
  const [machine] = Object.values(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'));
  const parts: unknown[] = machine.Properties.DefinitionString['Fn::Join'][1];
  const definition = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'arn')).join(''));
  const [retry] = definition.States['framework-isComplete-task'].Retry;

  expect(retry).toMatchObject({
    IntervalSeconds: POLL_INTERVAL_SECONDS,
    MaxAttempts: POLLING_BUDGET_SECONDS / POLL_INTERVAL_SECONDS,
    BackoffRate: 1,
  });
});
