import { StackRollbackProbe } from '../../src/shared/stack-rollback';

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Demo/6f1b2c90-0000-11ef-8000-0a1b2c3d4e5f';

function probe(answers: (string | Error)[]) {
  const asked: string[] = [];
  const reader = {
    status: async (stackId: string) => {
      asked.push(stackId);
      const answer = answers[Math.min(asked.length, answers.length) - 1];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  const sleeps: number[] = [];
  return {
    asked,
    sleeps,
    probe: new StackRollbackProbe(STACK_ID, {
      stacks: reader, deadline: Date.now() + 60_000, now: Date.now, sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5,
    }),
  };
}

test.each([
  ['UPDATE_ROLLBACK_IN_PROGRESS', true],
  ['ROLLBACK_IN_PROGRESS', true],
  ['UPDATE_IN_PROGRESS', false],
  ['UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', false],
])('%s: rolling back is %p', async (status, rollingBack) => {
  await expect(probe([status]).probe.verdict()).resolves.toEqual({ rollingBack, stackStatus: status });
});

test('the stack is asked once per probe, however often the answer is wanted', async () => {
  const { probe: p, asked } = probe(['UPDATE_IN_PROGRESS']);
  await p.verdict();
  await p.stackStatus();
  await p.verdict();
  expect(asked).toEqual([STACK_ID]);
});

test('throttling is retried; a refusal gives a verdict of unknown with the reason', async () => {
  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $retryable: { throttling: true }, $metadata: { httpStatusCode: 400 } });
  const retried = probe([throttled, 'UPDATE_ROLLBACK_IN_PROGRESS']);
  await expect(retried.probe.verdict()).resolves.toEqual({ rollingBack: true, stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });
  expect(retried.sleeps).toEqual([100]);

  const denied = Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  await expect(probe([denied]).probe.verdict()).resolves.toEqual({ rollingBack: undefined, unknownBecause: 'DescribeStacks failed: AccessDenied: not authorized' });
  await expect(probe([denied]).probe.stackStatus()).rejects.toThrow('DescribeStacks failed: AccessDenied: not authorized');
});
